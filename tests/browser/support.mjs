// Headless-browser checks of the support form and the privacy page.
//
// Usage: node support.mjs BASE_URL ARTIFACT_DIR
//
// Prints one line per case, "ok   browser NAME [TICKET]" or
// "FAIL browser NAME: REASON", then "N passed, N failed"; exits 1 if any
// case failed.  Before a case that creates a ticket it prints
// "info browser NAME typed=JSON" with the values it types, so that
// tests/integration/test_browser.py can look the ticket up in the database.
// Full-page screenshots go to ARTIFACT_DIR.

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TIMEOUT_MS = 15000;
const TICKET_RE = /^JT-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

const [baseArg, artifactArg] = process.argv.slice(2);
if (!baseArg || !artifactArg) {
  console.error('usage: node support.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
const ARTIFACTS = path.resolve(artifactArg);
fs.mkdirSync(ARTIFACTS, { recursive: true });

// A per-run tag in the typed text ties a stored ticket to this run.
const RUN = `${Date.now().toString(36)}-${process.pid}`;

const TYPED = {
  withJs: {
    email: 'browser.js@example.com',
    name: 'Browser Test (JS)',
    subject: 'Resume builder question',
    message: `Browser test with JavaScript, run ${RUN}.\nThe export button does nothing.`,
  },
  invalidEmail: {
    email: 'not-an-email',
    name: 'Browser Test (invalid)',
    subject: 'Account or sign-in problem',
    message: `Browser test with an invalid email, run ${RUN}.`,
  },
  noJs: {
    email: 'browser.nojs@example.com',
    name: 'Browser Test (no JS)',
    subject: 'Mock interview question',
    message: `Browser test without JavaScript, run ${RUN}.`,
  },
};

// Distinct documentation-range client addresses, one per browser context, so
// the per-IP rate limit on POST /api/support is not shared between cases.
let nextHost = 1 + Math.floor(Math.random() * 200);
function clientIp() {
  const ip = `203.0.113.${nextHost}`;
  nextHost += 1;
  return ip;
}

// Records console errors, page errors, CSP violations and failed
// same-origin subresources of a page.
function watch(page) {
  const seen = { console: [], pageErrors: [], badResponses: [] };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') {
      return;
    }
    const where = (msg.location() && msg.location().url) || '';
    // Chromium asks for /favicon.ico on its own; the site has none (404),
    // which is not an error of the page itself.
    if (new URL(where || BASE).pathname === '/favicon.ico') {
      return;
    }
    seen.console.push(where ? `${msg.text()} [${where}]` : msg.text());
  });
  page.on('pageerror', (err) => seen.pageErrors.push(String(err && err.message || err)));
  page.on('response', (res) => {
    const type = res.request().resourceType();
    if (['stylesheet', 'script', 'image', 'font'].includes(type) && res.status() >= 400) {
      seen.badResponses.push(`${res.status()} ${res.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    seen.badResponses.push(`failed ${req.url()} (${req.failure() && req.failure().errorText})`);
  });
  return seen;
}

// Runs in every document before its own scripts; CSP does not apply to it.
function recordCspViolations() {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
  });
}

async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || []);
}

// Problems a page must never have: CSP blocks, script errors, missing assets.
async function assertClean(page, seen, { consoleErrors = true } = {}) {
  const csp = await cspViolations(page);
  if (csp.length) {
    throw new Error(`CSP violations: ${csp.join('; ')}`);
  }
  if (seen.pageErrors.length) {
    throw new Error(`page errors: ${seen.pageErrors.join('; ')}`);
  }
  if (seen.badResponses.length) {
    throw new Error(`subresources failed: ${seen.badResponses.join('; ')}`);
  }
  if (consoleErrors && seen.console.length) {
    throw new Error(`console errors: ${seen.console.join('; ')}`);
  }
}

async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'X-Forwarded-For': clientIp() },
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  if (options.javaScriptEnabled !== false) {
    await context.addInitScript(recordCspViolations);
  }
  const page = await context.newPage();
  return { context, page, seen: watch(page) };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

async function fillForm(page, values) {
  await page.fill('#email', values.email);
  await page.fill('#name', values.name);
  await page.fill('#subject', values.subject);
  await page.fill('#message', values.message);
}

function expect(cond, message) {
  if (!cond) {
    throw new Error(message);
  }
}

function ticketFromUrl(url) {
  return new URL(url).searchParams.get('ticket');
}

function info(name, values) {
  console.log(`info browser ${name} typed=${JSON.stringify(values)}`);
}

// ---- cases -----------------------------------------------------------------

async function supportFormSubmitsAndShowsTicket(browser) {
  const { context, page, seen } = await newPage(browser);
  try {
    const res = await page.goto(`${BASE}/support`);
    expect(res && res.status() === 200, `GET /support answered ${res && res.status()}`);
    await page.waitForLoadState('load');
    await shot(page, 'support.png');

    info('support_form_submits_and_shows_ticket', TYPED.withJs);
    await fillForm(page, TYPED.withJs);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/support/thanks' && u.searchParams.has('ticket')),
      page.click('#support-submit'),
    ]);
    const fromUrl = ticketFromUrl(page.url());
    const shown = ((await page.textContent('#ticket-number')) || '').trim();
    expect(TICKET_RE.test(shown), `#ticket-number is ${JSON.stringify(shown)}`);
    expect(shown === fromUrl, `#ticket-number ${shown} differs from the URL's ${fromUrl}`);
    await page.waitForLoadState('load');
    await assertClean(page, seen);
    await shot(page, 'support-thanks.png');
    return shown;
  } finally {
    await context.close();
  }
}

async function invalidEmailShowsFieldError(browser) {
  const { context, page, seen } = await newPage(browser);
  try {
    await page.goto(`${BASE}/support`);
    await page.waitForLoadState('load');
    info('invalid_email_shows_field_error', TYPED.invalidEmail);
    await fillForm(page, TYPED.invalidEmail);
    const answer = page.waitForResponse((r) =>
      r.url().endsWith('/api/support') && r.request().method() === 'POST');
    await page.click('#support-submit');
    const res = await answer;
    expect(res.status() === 422, `POST /api/support answered ${res.status()}, expected 422`);
    await page.waitForFunction(() => {
      const box = document.getElementById('email-error');
      return box && box.textContent.trim() !== '';
    });
    const url = new URL(page.url());
    expect(url.pathname === '/support', `URL changed to ${page.url()}`);
    const error = ((await page.textContent('#email-error')) || '').trim();
    expect(error !== '', '#email-error is empty');
    const invalid = await page.getAttribute('#email', 'aria-invalid');
    expect(invalid === 'true', `#email has aria-invalid=${JSON.stringify(invalid)}`);
    // The 422 itself is logged as a console error by Chromium; ignore those.
    await assertClean(page, seen, { consoleErrors: false });
    await shot(page, 'support-invalid-email.png');
    return null;
  } finally {
    await context.close();
  }
}

async function supportFormWorksWithoutJavascript(browser) {
  const { context, page, seen } = await newPage(browser, { javaScriptEnabled: false });
  try {
    await page.goto(`${BASE}/support`);
    info('support_form_works_without_javascript', TYPED.noJs);
    await fillForm(page, TYPED.noJs);
    const posted = page.waitForResponse((r) =>
      r.url().endsWith('/api/support') && r.request().method() === 'POST');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/support/thanks'),
      page.click('#support-submit'),
    ]);
    const res = await posted;
    expect(res.status() === 303, `POST /api/support answered ${res.status()}, expected 303`);
    const shown = ((await page.textContent('#ticket-number')) || '').trim();
    expect(TICKET_RE.test(shown), `#ticket-number is ${JSON.stringify(shown)}`);
    const fromUrl = ticketFromUrl(page.url());
    expect(shown === fromUrl, `#ticket-number ${shown} differs from the URL's ${fromUrl}`);
    expect(seen.badResponses.length === 0,
      `subresources failed: ${seen.badResponses.join('; ')}`);
    return shown;
  } finally {
    await context.close();
  }
}

async function privacyPageRenders(browser) {
  const { context, page, seen } = await newPage(browser);
  try {
    const res = await page.goto(`${BASE}/privacy`);
    expect(res && res.status() === 200, `GET /privacy answered ${res && res.status()}`);
    await page.waitForLoadState('load');
    const h1 = ((await page.textContent('h1')) || '').trim();
    expect(h1 === 'Privacy Policy', `h1 is ${JSON.stringify(h1)}`);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text.includes('Last Updated'), 'no "Last Updated" on the page');
    expect(text.includes('March 13, 2026'), 'no "March 13, 2026" on the page');
    for (const anchor of ['#data-we-collect', '#your-rights']) {
      expect(await page.$(anchor) !== null, `no element ${anchor}`);
    }
    await shot(page, 'privacy.png');
    await assertClean(page, seen);
    return null;
  } finally {
    await context.close();
  }
}

const CASES = [
  ['support_form_submits_and_shows_ticket', supportFormSubmitsAndShowsTicket],
  ['invalid_email_shows_field_error', invalidEmailShowsFieldError],
  ['support_form_works_without_javascript', supportFormWorksWithoutJavascript],
  ['privacy_page_renders', privacyPageRenders],
];

// ---- main ------------------------------------------------------------------

function oneLine(err) {
  return String(err && err.message || err).split('\n')[0];
}

async function main() {
  let passed = 0;
  let failed = 0;
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60000,
    });
  } catch (err) {
    for (const [name] of CASES) {
      console.log(`FAIL browser ${name}: chromium did not start: ${oneLine(err)}`);
    }
    console.log(`0 passed, ${CASES.length} failed`);
    return 1;
  }
  try {
    for (const [name, run] of CASES) {
      try {
        const extra = await run(browser);
        console.log(`ok   browser ${name}${extra ? ` ${extra}` : ''}`);
        passed += 1;
      } catch (err) {
        console.log(`FAIL browser ${name}: ${oneLine(err)}`);
        failed += 1;
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
