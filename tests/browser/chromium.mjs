// Debian's Chromium and the flags every headless run here starts it with,
// so that Chromium itself makes no outside request.  A plain module that
// imports nothing from npm: tests/lighthouse (its own npm package) imports
// it by relative path as well as lib.mjs.

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
