// shell.js - what every /app/ page does first: find out who is signed in,
// send the browser to the sign-in page when nobody is, fill the header's
// account area, and give the page a live region and busy states.
//
//   const me = await start({ auth: 'user' });   // or 'staff' or 'none'
//
// start() resolves to the GET /api/me body (null for auth 'none' when
// nobody is signed in).  When the page cannot go on (the browser is being
// sent to /app/signin, a staff page for someone who is not staff, the API
// unreachable) it shows that state in <main> and never resolves, so the
// page's own code simply does not run.

import { api, problemText } from './api.js';
import { authConfig, loadClerk, signOut } from './auth.js';
import { clear, h } from './dom.js';

const NEVER = new Promise(() => {});

export async function start({ auth = 'user' } = {}) {
  const config = await authConfig();
  if (config && config.mode === 'clerk') {
    try {
      await loadClerk(config); // keeps the short-lived __session cookie fresh
    } catch {
      return fail('Sign-in could not be loaded. Please reload the page.');
    }
  }
  const r = await api('GET', '/api/me');
  if (r.status === 401) {
    if (auth === 'none') {
      return null;
    }
    const here = location.pathname + location.search;
    location.assign(`/app/signin?next=${encodeURIComponent(here)}`);
    return NEVER;
  }
  if (!r.ok) {
    if (auth === 'none') {
      return null;
    }
    return fail(problemText(r.data));
  }
  fillAccount(r.data);
  if (auth === 'staff' && !r.data.staff) {
    const main = mainEl();
    clear(main);
    main.append(
      h('h1', {}, 'Staff only'),
      h('p', { class: 'notice' }, 'This page is for Jobtune staff. Your account does not have staff access.'),
      h('p', {}, h('a', { href: '/app/' }, 'Go to your resumes')),
    );
    return NEVER;
  }
  return r.data;
}

function mainEl() {
  return document.getElementById('main');
}

function fail(message) {
  const main = mainEl();
  clear(main);
  main.append(
    h('h1', {}, 'Something went wrong'),
    h('p', { class: 'notice error', role: 'alert' }, message),
    h('p', {}, h('button', { type: 'button', on: { click: () => location.reload() } }, 'Try again')),
  );
  return NEVER;
}

function fillAccount(me) {
  const box = document.getElementById('account');
  const label = document.getElementById('account-label');
  const button = document.getElementById('sign-out');
  if (!box || !label || !button) {
    return;
  }
  label.textContent = me.name || me.email || 'Signed in';
  const staffLink = document.getElementById('nav-staff');
  if (staffLink) {
    staffLink.hidden = !me.staff; // the console itself checks too: this is only a way there
  }
  box.hidden = false;
  button.addEventListener('click', async () => {
    setBusy(button, true);
    await signOut();
    location.assign('/app/signin');
  });
}

// Marks el as busy: aria-busy, and a disabled button or fieldset, so a
// second click cannot send the same request twice.
export function setBusy(el, on) {
  if (!el) {
    return;
  }
  el.setAttribute('aria-busy', on ? 'true' : 'false');
  if ('disabled' in el) {
    el.disabled = Boolean(on);
  }
}

// Says text through the header's polite live region.  The region is
// emptied first so that the same sentence twice is announced twice.
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) {
    return;
  }
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}
