// Lighthouse (performance and accessibility) of a few pages, in Debian's
// Chromium through chrome-launcher, with the flags the browser tests use
// so that Chromium itself makes no outside request.  For scripts/bench
// lighthouse (scripts/bench-lighthouse.py).
//
// Usage: LH_COOKIE='__session=…' LH_RUNS=3 node run.mjs URL...
// Each URL is audited LH_RUNS times (3) and the run with the median
// performance score is reported, as Lighthouse's own documentation
// advises against a single run's variance.
// Prints one JSON line per URL: {url, runs: [performance of each run],
// performance, accessibility,
// transferBytes, requests, fcpMs, lcpMs, tbtMs, cls, failing: [audit ids
// that scored below 1 in either category]}.  Lighthouse's default
// settings: a mid-range phone, simulated slow 4G.

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM, CHROMIUM_ARGS } from '../browser/chromium.mjs';

const urls = process.argv.slice(2);
if (!urls.length) {
  console.error('usage: LH_COOKIE=... node run.mjs URL...');
  process.exit(2);
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || CHROMIUM,
  chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
});

function failing(lhr) {
  const ids = new Set();
  for (const cat of ['performance', 'accessibility']) {
    for (const ref of lhr.categories[cat].auditRefs) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) {
        ids.add(`${ref.id}:${a.score}`);
      }
    }
  }
  return [...ids];
}

const RUNS = Number(process.env.LH_RUNS || 3);

async function audit(url) {
  const headers = process.env.LH_COOKIE ? { Cookie: process.env.LH_COOKIE } : undefined;
  const result = await lighthouse(url, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility'],
    extraHeaders: headers,
  });
  return result.lhr;
}

try {
  for (const url of urls) {
    const all = [];
    for (let i = 0; i < RUNS; i += 1) {
      all.push(await audit(url));
    }
    const score = (r) => r.categories.performance.score;
    const lhr = [...all].sort((a, b) => score(a) - score(b))[Math.floor(all.length / 2)];
    const items = (lhr.audits['network-requests'].details || {}).items || [];
    console.log(JSON.stringify({
      url,
      runs: all.map((r) => Math.round(score(r) * 100)),
      finalUrl: lhr.finalDisplayedUrl,
      runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null,
      performance: Math.round(lhr.categories.performance.score * 100),
      accessibility: Math.round(lhr.categories.accessibility.score * 100),
      transferBytes: lhr.audits['total-byte-weight'].numericValue,
      requests: items.length,
      fcpMs: Math.round(lhr.audits['first-contentful-paint'].numericValue),
      lcpMs: Math.round(lhr.audits['largest-contentful-paint'].numericValue),
      tbtMs: Math.round(lhr.audits['total-blocking-time'].numericValue),
      cls: lhr.audits['cumulative-layout-shift'].numericValue,
      failing: failing(lhr),
      // what moved, for a CLS above 0
      shifts: (((lhr.audits['layout-shifts'] || {}).details || {}).items || [])
        .map((i) => `${(i.node && i.node.selector) || '?'} ${i.score.toFixed(3)}`),
    }));
  }
} finally {
  await chrome.kill();
}
