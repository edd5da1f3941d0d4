// Headless-browser checks of the support form and the privacy page,
// including its "Your rights where you are" section (GET /api/privacy/region,
// which needs the stack's GeoIP database built from tests/geoip/city.json).
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
import { CHROMIUM, CHROMIUM_ARGS } from './lib.mjs';

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

// ---- "Your rights where you are" (GET /api/privacy/region) -------------------
//
// The stack's GeoIP database is built from tests/geoip/city.json, which
// places these addresses.
const GERMAN_IP = '192.0.2.10';      // Munich, DE-BY: GDPR
const CALIFORNIAN_IP = '198.51.100.7'; // San Francisco, US-CA: CCPA
const GPC_TEXT = 'Global Privacy Control';
const STATIC_RIGHTS = { gdpr: 8, ccpa: 6 }; // list items in the static sections

// Opens /privacy with the given request headers and waits for the region
// answer to be rendered; returns newPage's result plus the API's answer as
// the page received it (api) and what #region-answer shows (box).
async function openPrivacyRegion(browser, headers) {
  const opened = await newPage(browser, { extraHTTPHeaders: headers });
  try {
    return { ...opened, ...(await readRegionAnswer(opened.page)) };
  } catch (err) {
    await opened.context.close();
    throw err;
  }
}

async function readRegionAnswer(page) {
  const answered = page.waitForResponse((r) =>
    new URL(r.url()).pathname === '/api/privacy/region' && r.request().method() === 'GET');
  answered.catch(() => {}); // awaited below; not unhandled if goto throws first
  const res = await page.goto(`${BASE}/privacy`);
  expect(res && res.status() === 200, `GET /privacy answered ${res && res.status()}`);
  const apiRes = await answered;
  expect(apiRes.status() === 200, `GET /api/privacy/region answered ${apiRes.status()}`);
  const api = await apiRes.json();
  await page.waitForSelector('#region-answer', { state: 'visible' });
  await page.waitForLoadState('load');
  const box = {
    text: ((await page.innerText('#region-answer')) || '').replace(/\s+/g, ' ').trim(),
    regime: await page.getAttribute('#region-answer', 'data-regime'),
    rights: (await page.$$eval('#region-answer li strong',
      (nodes) => nodes.map((n) => n.textContent.replace(/:\s*$/, '').trim()))),
  };
  return { api, box };
}

async function hasClass(page, selector, cls) {
  return page.$eval(selector, (node, c) => node.classList.contains(c), cls);
}

// The checks common to every rendered answer for `regime`.
async function assertRegionAnswer(page, api, box, regime, { country, subdivision, gpc }) {
  expect(api.regime === regime, `API regime is ${JSON.stringify(api.regime)}, expected ${regime}`);
  expect(api.source === 'ip', `API source is ${JSON.stringify(api.source)}, expected "ip"`);
  expect(api.country === country && api.subdivision === subdivision,
    `API placed the client in ${api.country}/${api.subdivision}, expected ${country}/${subdivision}`);
  expect(api.gpc === gpc, `API gpc is ${JSON.stringify(api.gpc)}, expected ${gpc}`);
  expect(box.regime === regime, `#region-answer has data-regime=${JSON.stringify(box.regime)}`);
  expect(await page.$(`#region-answer[data-regime=${regime}]`) !== null,
    `no #region-answer[data-regime=${regime}]`);
  expect(box.text.includes(regime.toUpperCase()),
    `#region-answer does not mention ${regime.toUpperCase()}: ${JSON.stringify(box.text)}`);
  expect(box.text.includes(`${api.responseDays} days`) && box.text.includes('30 days'),
    `#region-answer does not say "30 days": ${JSON.stringify(box.text)}`);
  expect(box.text.includes(country), `#region-answer does not name ${country}`);
  const names = (api.rights || []).map((r) => r.name);
  expect(names.length > 0, 'the API listed no rights');
  expect(JSON.stringify(box.rights) === JSON.stringify(names),
    `#region-answer lists ${JSON.stringify(box.rights)}, the API ${JSON.stringify(names)}`);
  for (const r of api.rights) {
    expect(box.text.includes(r.description), `#region-answer lacks the description of ${r.id}`);
  }
  const other = regime === 'gdpr' ? 'ccpa' : 'gdpr';
  expect(await hasClass(page, `#rights-${regime}`, 'applies'), `#rights-${regime} lacks class applies`);
  expect(!(await hasClass(page, `#rights-${other}`, 'applies')), `#rights-${other} has class applies`);
  expect(box.text.includes(GPC_TEXT) === gpc,
    gpc ? `#region-answer does not mention ${GPC_TEXT}` : `#region-answer mentions ${GPC_TEXT}`);
}

async function privacyRegionWithJavascriptGerman(browser) {
  const { context, page, seen, api, box } =
    await openPrivacyRegion(browser, { 'X-Forwarded-For': GERMAN_IP });
  try {
    await assertRegionAnswer(page, api, box, 'gdpr',
      { country: 'DE', subdivision: 'DE-BY', gpc: false });
    expect(box.text.includes('GDPR'), '#region-answer does not mention GDPR');
    expect(/rectification/i.test(box.rights.join(' ')), 'no rectification right listed');
    expect(box.rights.length === STATIC_RIGHTS.gdpr,
      `${box.rights.length} GDPR rights listed, the static section has ${STATIC_RIGHTS.gdpr}`);
    // The static lists stay in place below the answer.
    expect(await page.isVisible('#rights-ccpa'), '#rights-ccpa is hidden');
    await shot(page, 'privacy-region-gdpr.png');
    await assertClean(page, seen);
    return null;
  } finally {
    await context.close();
  }
}

async function privacyRegionWithJavascriptCalifornian(browser) {
  const { context, page, seen, api, box } =
    await openPrivacyRegion(browser, { 'X-Forwarded-For': CALIFORNIAN_IP });
  try {
    await assertRegionAnswer(page, api, box, 'ccpa',
      { country: 'US', subdivision: 'US-CA', gpc: false });
    expect(box.text.includes('CCPA'), '#region-answer does not mention CCPA');
    expect(!box.text.includes('GDPR'), '#region-answer mentions GDPR');
    await shot(page, 'privacy-region-ccpa.png');
    await assertClean(page, seen);
    return null;
  } finally {
    await context.close();
  }
}

async function privacyRegionGpc(browser) {
  const { context, page, seen, api, box } =
    await openPrivacyRegion(browser, { 'X-Forwarded-For': CALIFORNIAN_IP, 'Sec-GPC': '1' });
  try {
    await assertRegionAnswer(page, api, box, 'ccpa',
      { country: 'US', subdivision: 'US-CA', gpc: true });
    expect(box.text.includes(GPC_TEXT), `#region-answer does not mention ${GPC_TEXT}`);
    await assertClean(page, seen);
    return null;
  } finally {
    await context.close();
  }
}

async function privacyWithoutJavascriptListsBoth(browser) {
  const { context, page, seen } = await newPage(browser, {
    javaScriptEnabled: false,
    extraHTTPHeaders: { 'X-Forwarded-For': GERMAN_IP },
  });
  try {
    let asked = false;
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/privacy/region') {
        asked = true;
      }
    });
    const res = await page.goto(`${BASE}/privacy`);
    expect(res && res.status() === 200, `GET /privacy answered ${res && res.status()}`);
    await page.waitForLoadState('load');
    expect(await page.$('#region-answer') !== null, 'no #region-answer');
    expect(await page.isHidden('#region-answer'), '#region-answer is visible without JavaScript');
    const answer = ((await page.textContent('#region-answer')) || '').trim();
    expect(answer === '', `#region-answer has text without JavaScript: ${JSON.stringify(answer)}`);
    expect(!asked, 'GET /api/privacy/region was requested without JavaScript');
    for (const [regime, count] of Object.entries(STATIC_RIGHTS)) {
      const sel = `#rights-${regime}`;
      expect(await page.isVisible(sel), `${sel} is not visible`);
      expect(!(await hasClass(page, sel, 'applies')), `${sel} has class applies`);
      const items = await page.$$eval(`${sel} li`,
        (nodes) => nodes.filter((n) => n.offsetParent !== null && n.textContent.trim()).length);
      expect(items === count, `${sel} shows ${items} list items, expected ${count}`);
    }
    const heading = ((await page.textContent('#rights-gdpr h3')) || '');
    expect(heading.includes('GDPR'), `#rights-gdpr heading is ${JSON.stringify(heading)}`);
    expect(((await page.textContent('#rights-ccpa h3')) || '').includes('CCPA'),
      '#rights-ccpa heading does not mention CCPA');
    await shot(page, 'privacy-no-javascript.png');
    expect(seen.badResponses.length === 0,
      `subresources failed: ${seen.badResponses.join('; ')}`);
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
  ['privacy_region_with_javascript_german', privacyRegionWithJavascriptGerman],
  ['privacy_region_with_javascript_californian', privacyRegionWithJavascriptCalifornian],
  ['privacy_region_gpc', privacyRegionGpc],
  ['privacy_without_javascript_lists_both', privacyWithoutJavascriptListsBoth],
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
