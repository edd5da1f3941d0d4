// Shared pieces of the browser journeys (journey.mjs and the ones that
// build on it): Chromium through playwright-core, a watch on each page for
// console errors, page errors, failed subresources and CSP violations,
// screenshots at phone and desktop widths, axe-core accessibility checks,
// the development sign-in, a case's page frame (withPage: failure
// screenshot, then close) and the "ok/FAIL" case runner whose output
// tests/integration/test_journey.py reads.  Chromium's path and flags come
// from chromium.mjs.
//
//   import { launch, newPage, withPage, watch, assertClean, screenshot, axe,
//            signIn, runCases, expect } from './lib.mjs';

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

export { CHROMIUM, CHROMIUM_ARGS };

const require = createRequire(import.meta.url);

// generous: the test machine is small and shared, and a timeout only ever
// delays a failure
export const TIMEOUT_MS = 45000;
export const WIDTHS = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 900 } };

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

// Runs in every document before its own scripts; CSP does not apply to it.
function recordCspViolations() {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
  });
}

// Records console errors, page errors and failed subresources of a page,
// and every request that left the site's own origin (development makes
// none).  `seen.expectErrors(re)` lets a step mark console errors it
// causes on purpose (a 422 the browser logs as a failed fetch).
export function watch(page, base) {
  const origin = new URL(base).origin;
  const seen = { console: [], pageErrors: [], badResponses: [], thirdParty: [], allowed: [] };
  seen.expectErrors = (re) => seen.allowed.push(re);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') {
      return;
    }
    const where = (msg.location() && msg.location().url) || '';
    if (where && new URL(where).pathname === '/favicon.ico') {
      return;
    }
    seen.console.push(where ? `${msg.text()} [${where}]` : msg.text());
  });
  page.on('pageerror', (err) => seen.pageErrors.push(String((err && err.message) || err)));
  page.on('request', (req) => {
    const u = req.url();
    if (/^https?:/.test(u) && new URL(u).origin !== origin) {
      seen.thirdParty.push(u);
    }
  });
  page.on('response', (res) => {
    const type = res.request().resourceType();
    if (['stylesheet', 'script', 'image', 'font', 'document'].includes(type) && res.status() >= 400) {
      seen.badResponses.push(`${res.status()} ${res.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    const why = req.failure() && req.failure().errorText;
    // a download or a navigation away aborts the request on purpose
    if (why === 'net::ERR_ABORTED') {
      return;
    }
    seen.badResponses.push(`failed ${req.url()} (${why})`);
  });
  return seen;
}

export async function newPage(browser, base, { width = 'desktop', ...options } = {}) {
  const context = await browser.newContext({
    viewport: WIDTHS[width] || WIDTHS.desktop,
    acceptDownloads: true,
    ...options,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  await context.addInitScript(recordCspViolations);
  const page = await context.newPage();
  return { context, page, seen: watch(page, base) };
}

// Throws on what a page must never have: CSP blocks, script errors,
// missing assets, third-party requests, unexpected console errors.
export async function assertClean(page, seen) {
  const csp = await page.evaluate(() => window.__cspViolations || []).catch(() => []);
  if (csp.length) {
    throw new Error(`CSP violations: ${csp.join('; ')}`);
  }
  if (seen.pageErrors.length) {
    throw new Error(`page errors: ${seen.pageErrors.join('; ')}`);
  }
  if (seen.badResponses.length) {
    throw new Error(`subresources failed: ${seen.badResponses.join('; ')}`);
  }
  if (seen.thirdParty.length) {
    throw new Error(`third-party requests: ${seen.thirdParty.join('; ')}`);
  }
  const unexpected = seen.console.filter((t) => !seen.allowed.some((re) => re.test(t)));
  if (unexpected.length) {
    throw new Error(`console errors: ${unexpected.join('; ')}`);
  }
}

let artifactDir = null;
export function setArtifactDir(dir) {
  artifactDir = path.resolve(dir);
  fs.mkdirSync(artifactDir, { recursive: true });
}

// Runs fn(opened) on a page newPage() opened ({ context, page, seen });
// if it throws, saves the page as it was to FAILED-NAME.png in the
// artifact directory first.  The context is closed either way; returns
// what fn returns.
export async function withPage(opened, name, fn) {
  try {
    return await fn(opened);
  } catch (err) {
    if (artifactDir) {
      await opened.page.screenshot({ path: path.join(artifactDir, `FAILED-${name}.png`), fullPage: true })
        .catch(() => {}); // the page is gone already
    }
    throw err;
  } finally {
    await opened.context.close();
  }
}

// Full-page screenshots of the current view at 375 px and at 1280 px:
// NAME-375.png and NAME-1280.png.  The viewport is put back afterwards.
export async function screenshot(page, name) {
  if (!artifactDir) {
    throw new Error('setArtifactDir() first');
  }
  const before = page.viewportSize();
  const files = [];
  for (const size of [WIDTHS.phone, WIDTHS.desktop]) {
    await page.setViewportSize(size);
    const file = path.join(artifactDir, `${name}-${size.width}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled', timeout: 90000 });
    // nothing may stick out sideways at this width
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) {
      throw new Error(`${name} is ${overflow} px wider than the ${size.width} px viewport`);
    }
    files.push(file);
  }
  if (before) {
    await page.setViewportSize(before);
  }
  return files;
}

// The checks at each named view of a script: axe, the two screenshots,
// then nothing a page must never have.
export async function view(page, seen, name) {
  await axe(page);
  await screenshot(page, name);
  await assertClean(page, seen);
}

// An "info browser NAME KEY=JSON" line, which the Python side reads.
export function info(name, key, value) {
  console.log(`info browser ${name} ${key}=${JSON.stringify(value)}`);
}

// axe-core in the page (added as a script element by Playwright, which the
// CSP does not apply to); throws listing the serious and critical
// violations.  Returns the full result.
export async function axe(page, { exclude = [] } = {}) {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) {
    await page.evaluate(source);
  }
  const result = await page.evaluate(async (ex) => {
    const context = ex.length ? { exclude: ex.map((s) => [s]) } : document;
    const r = await window.axe.run(context, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  }, exclude);
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    throw new Error('axe: ' + bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`).join('; '));
  }
  return result;
}

// Signs the page's context in through /app/signin's development form and
// waits for the page it lands on (next, default /app/).
export async function signIn(page, base, userId, next = '/app/') {
  await page.goto(`${base}/app/signin?next=${encodeURIComponent(next)}`);
  await page.waitForSelector('#user-id');
  await page.fill('#user-id', userId);
  await Promise.all([
    page.waitForURL((u) => u.pathname === next.split('?')[0]),
    page.click('#dev-signin button[type=submit]'),
  ]);
}

export function expect(cond, message) {
  if (!cond) {
    throw new Error(message);
  }
}

// Runs the cases in order, each [name, async fn] where fn may return a
// short note; prints "ok   browser NAME [NOTE]" or "FAIL browser NAME:
// REASON", then "N passed, N failed", and sets the exit code.  A case
// marked { needs: 'other' } is skipped as failed when that one failed.
export async function runCases(cases) {
  let passed = 0;
  let failed = 0;
  const failedNames = new Set();
  for (const [name, fn, opts = {}] of cases) {
    if (opts.needs && failedNames.has(opts.needs)) {
      console.log(`FAIL browser ${name}: needs ${opts.needs}, which failed`);
      failed += 1;
      failedNames.add(name);
      continue;
    }
    try {
      const note = await fn();
      console.log(`ok   browser ${name}${note ? ` ${note}` : ''}`);
      passed += 1;
    } catch (err) {
      console.log(`FAIL browser ${name}: ${String((err && err.stack) || err).split('\n').slice(0, 4).join(' | ')}`);
      failed += 1;
      failedNames.add(name);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
  return { passed, failed };
}
