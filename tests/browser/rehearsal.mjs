// The signed-in pages of the interview rehearsal, the privacy centre and
// the staff console, in a real Chromium against the real stack, as one
// user's journey: a three-question interview answered with the microphone
// (Chromium's fake capture device plays a WAV the test made), its report,
// a second interview answered by typing and deleted from the list, the
// analytics consent, both exports, and the account's deletion; then a
// staff user works a "Data Deletion Request" from the support form to
// completion in the console.
//
// Usage: node rehearsal.mjs BASE_URL ARTIFACT_DIR
// Environment: JT_USER_ID and JT_STAFF_ID (signed in through /app/signin's
// development form), JT_FAKE_AUDIO (the WAV the fake microphone plays),
// JT_VICTIM_EMAIL (the deletion request's email).
//
// Prints "ok   browser NAME [EXTRA]" or "FAIL browser NAME: REASON" per case,
// "info browser NAME KEY=JSON" lines for tests/integration/test_journey.py
// (which runs journey.mjs first, as the same JT_USER_ID) to check against the database and the fake
// services, then "N passed, N failed".  The cases run in order and build
// on each other; after a failure the later cases fail with "skipped".
// Screenshots of every view at 375 and 1280 px go to ARTIFACT_DIR.

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, assertClean, axe as axeRun, expect, newPage as libNewPage, runCases,
  screenshot, setArtifactDir, signIn, withPage,
} from './lib.mjs';

const GERMAN_IP = '192.0.2.10';
const QUESTIONS = 3;

const [baseArg, artifactArg] = process.argv.slice(2);
const { JT_USER_ID, JT_STAFF_ID, JT_FAKE_AUDIO, JT_VICTIM_EMAIL } = process.env;
if (!baseArg || !artifactArg || !JT_USER_ID || !JT_STAFF_ID || !JT_FAKE_AUDIO ||
    !JT_VICTIM_EMAIL) {
  console.error('usage: JT_USER_ID=… JT_STAFF_ID=… JT_FAKE_AUDIO=… JT_VICTIM_EMAIL=… ' +
    'node rehearsal.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
const ARTIFACTS = path.resolve(artifactArg);
setArtifactDir(ARTIFACTS);

// lib.mjs's flags, and a fake microphone that plays the test's WAV.
const REHEARSAL_ARGS = [
  ...CHROMIUM_ARGS,
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${path.resolve(JT_FAKE_AUDIO)}`,
];

function info(name, key, value) {
  console.log(`info browser ${name} ${key}=${JSON.stringify(value)}`);
}

// ---- pages -------------------------------------------------------------------------

// Runs in every document before its own scripts: keeps a copy of each
// interview answer the page uploads, as the bytes it handed to
// XMLHttpRequest (the DevTools protocol does not expose a Blob request
// body).
function recordUploads() {
  window.__uploads = [];
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function openAndRemember(method, url, ...rest) {
    this.__url = String(url);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function sendAndCopy(body) {
    if (/\/answers(\?|$)/.test(this.__url || '') && body instanceof Blob) {
      const xhr = this;
      body.arrayBuffer().then((buf) => {
        const bytes = new Uint8Array(buf);
        let bin = '';
        for (let i = 0; i < bytes.length; i += 0x8000) {
          bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        }
        window.__uploads.push(btoa(bin));
        send.call(xhr, body);
      });
      return undefined;
    }
    return send.call(this, body);
  };
}

// A page in a new context from X-Forwarded-For ip, signed in as userId
// (through /app/signin's development form, landing on `next`) unless null.
async function newPage(browser, userId, next, ip = GERMAN_IP, headers = {}) {
  const { context, page, seen } = await libNewPage(browser, BASE,
    { extraHTTPHeaders: { 'X-Forwarded-For': ip, ...headers } });
  await context.addInitScript(recordUploads);
  if (userId) {
    await signIn(page, BASE, userId, next);
    // the sign-in page's own GET /api/me answered 401 before the sign-in:
    // that console line belongs to it, not to the pages under test
    seen.expectErrors(/401 \(Unauthorized\) \[[^\]]*\/api\/me\]/);
  }
  return { context, page, seen };
}

const shots = screenshot;
async function axe(page, name) {
  await axeRun(page);
  info('axe', 'page', name);
}

let currentCase = '';

// A case's page (newPage's promise): lib.mjs's withPage under the name
// of the case that runs, so a failure leaves FAILED-NAME.png behind.
async function onPage(opening, fn) {
  return withPage(await opening, currentCase, fn);
}

async function text(page, selector) {
  return ((await page.textContent(selector)) || '').trim();
}

// ---- the recorded WAV ----------------------------------------------------------------

// The facts of a WAV upload, checked byte by byte: RIFF/WAVE, PCM, and
// its first nonzero sample (the fake speech service transcribes it).
function wavFacts(buf) {
  expect(buf && buf.length >= 44, `upload is ${buf ? buf.length : 0} bytes`);
  expect(buf.toString('ascii', 0, 4) === 'RIFF' && buf.toString('ascii', 8, 12) === 'WAVE',
    'upload is not RIFF/WAVE');
  let at = 12;
  let fmt = null;
  let data = null;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      fmt = { format: buf.readUInt16LE(at + 8), channels: buf.readUInt16LE(at + 10),
        rate: buf.readUInt32LE(at + 12), bits: buf.readUInt16LE(at + 22) };
    } else if (id === 'data') {
      data = buf.subarray(at + 8, at + 8 + size);
    }
    at += 8 + size + (size % 2);
  }
  expect(fmt && data, 'upload has no fmt or data chunk');
  let first = 0;
  let peak = 0;
  for (let i = 0; i + 1 < data.length; i += 2) {
    const s = data.readInt16LE(i);
    if (first === 0 && s !== 0) {
      first = s;
    }
    peak = Math.max(peak, Math.abs(s));
  }
  return { ...fmt, bytes: buf.length, frames: data.length / (fmt.bits / 8) / fmt.channels,
    first, peak };
}

// ---- cases -----------------------------------------------------------------------------

const shared = { interviewId: null };

async function interviewsEmpty(browser) {
  return onPage(newPage(browser, JT_USER_ID, '/app/interviews'), async ({ page, seen }) => {
    await page.waitForSelector('#interview-list .empty');
    expect((await text(page, '#interview-list')).includes('No interviews yet'),
      'the empty list says nothing');
    expect(await page.locator('#nav-staff').isHidden(),
      'a user who is not staff sees the staff console in the menu');
    await shots(page, 'interviews-empty');
    await axe(page, 'interviews');
    await assertClean(page, seen);
    return null;
  });
}

async function recordAnswer(page, n) {
  await page.click('#record');
  await page.waitForSelector('#record[data-recording="true"]');
  // the level meter moves with the tone, and two seconds pass on the clock
  await page.waitForFunction(() => document.getElementById('level-meter').value > 0.01);
  await page.waitForFunction(() => {
    const [m, s] = document.getElementById('elapsed').textContent.split(':').map(Number);
    return m * 60 + s >= 2;
  });
  if (n === 1) {
    await shots(page, 'interview-recording');
  }
  await page.click('#record');
  await page.waitForSelector('#take:not([hidden])');
  const posted = page.waitForRequest((r) => r.method() === 'POST' &&
    new URL(r.url()).pathname.endsWith('/answers'));
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname.endsWith('/answers'));
  await page.click('#send-recording');
  const req = await posted;
  const res = await answered;
  expect(res.status() < 300, `answer ${n} answered ${res.status()}`);
  const type = req.headers()['content-type'];
  expect(type === 'audio/wav', `answer ${n} was sent as ${type}`);
  expect(new URL(req.url()).searchParams.get('question') === String(n),
    `answer ${n} was sent for ${req.url()}`);
  const sent = await page.evaluate(() => window.__uploads.splice(0));
  expect(sent.length === 1, `${sent.length} uploads seen for answer ${n}`);
  const facts = wavFacts(Buffer.from(sent[0], 'base64'));
  expect(facts.format === 1 && facts.bits === 16 && facts.channels === 1 && facts.rate === 16000,
    `answer ${n} is format ${facts.format}, ${facts.bits}-bit, ${facts.channels} channel(s), ` +
    `${facts.rate} Hz`);
  expect(facts.frames >= 1.5 * 16000, `answer ${n} is only ${facts.frames} frames`);
  expect(facts.peak > 1000, `answer ${n} is near silence (peak ${facts.peak})`);
  return facts;
}

async function rehearseWithMicrophone(browser) {
  const name = 'rehearse_with_microphone';
  return onPage(newPage(browser, JT_USER_ID, '/app/interviews'), async ({ page, seen }) => {
    await page.waitForSelector('#interview-list[aria-busy="false"]');
    await page.fill('#role', 'Backend engineer');
    await page.selectOption('#level', 'Senior');
    await page.fill('#questionCount', String(QUESTIONS));
    // the first question reads itself on arrival: nobody presses Play
    const spoken = page.waitForResponse((r) => /\/questions\/1\/audio$/.test(new URL(r.url()).pathname));
    await Promise.all([
      page.waitForURL((u) => /^\/app\/interviews\/[0-9a-f]{24}$/.test(u.pathname)),
      page.click('#start-interview'),
    ]);
    shared.interviewId = new URL(page.url()).pathname.split('/').pop();
    info(name, 'interview', shared.interviewId);
    await page.waitForSelector('#answer-panel:not([hidden])');
    await shots(page, 'interview-question');
    await axe(page, 'interview-rehearsal');

    const audio = await spoken;
    expect(audio.status() === 200, `question audio answered ${audio.status()}`);
    expect((audio.headers()['content-type'] || '').startsWith('audio/wav'),
      `question audio is ${audio.headers()['content-type']}`);
    await page.waitForSelector('#question-1 .question-tools:is([data-state="playing"], ' +
      '[data-state="ended"], [data-state="blocked"])');

    const uploads = [];
    for (let n = 1; n <= QUESTIONS; n += 1) {
      await page.waitForFunction((k) => document.getElementById('progress').value === k - 1, n);
      uploads.push(await recordAnswer(page, n));
      await page.waitForSelector(`#question-${n} .answer:not(.pending)`);
    }
    info(name, 'uploads', uploads);
    expect((await text(page, '#progress-label')).startsWith(`${QUESTIONS} of ${QUESTIONS}`),
      `progress says ${await text(page, '#progress-label')}`);
    await page.waitForSelector('#answer-panel', { state: 'hidden' });

    const finished = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/finish'));
    await page.click('#finish');
    expect((await finished).status() === 200, 'finish did not answer 200');
    await page.waitForSelector('#report:not([hidden])');
    const overall = await text(page, '#overall-score');
    expect(/^\d{1,3}$/.test(overall), `overall score is ${JSON.stringify(overall)}`);
    const svg = await page.$('#rubric-chart svg[role="img"]');
    expect(svg, 'no SVG chart with role="img"');
    const bars = await page.$$eval('#rubric-chart svg rect.bar-fill', (r) => r.length);
    expect(bars === 5, `the chart has ${bars} bars`);
    const desc = await page.$eval('#rubric-chart svg desc', (d) => d.textContent);
    expect(/Communication: \d+ out of 10/.test(desc), `chart description: ${desc}`);
    const rows = await page.$$eval('#rubric-table tbody tr', (r) => r.map((x) => x.textContent));
    expect(rows.length === 5, `the rubric table has ${rows.length} rows`);
    const feedback = await page.$$eval('#feedback article', (a) => a.length);
    expect(feedback === QUESTIONS, `${feedback} feedback entries`);
    info(name, 'report', { overall: Number(overall), rows });
    await shots(page, 'interview-report');
    await axe(page, 'interview-report');
    await assertClean(page, seen);
    return shared.interviewId;
  });
}

async function typedAnswerAndDelete(browser) {
  return onPage(newPage(browser, JT_USER_ID, '/app/interviews'), async ({ page, seen }) => {
    await page.waitForSelector('#interview-list[aria-busy="false"]');
    await page.fill('#role', 'Data analyst');
    await Promise.all([
      page.waitForURL((u) => /^\/app\/interviews\/[0-9a-f]{24}$/.test(u.pathname)),
      page.click('#start-interview'),
    ]);
    const second = new URL(page.url()).pathname.split('/').pop();
    await page.waitForSelector('#answer-panel:not([hidden])');
    await page.click('#typed-answer summary');
    await page.fill('#answer-text', 'I cleaned the sales data and found the seasonal trend.');
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/answers'));
    await page.click('#send-text');
    expect((await answered).status() < 300, 'the typed answer was not accepted');
    await page.waitForSelector('#question-1 .answer:not(.pending)');
    await page.waitForSelector('#question-2');

    await page.goto(`${BASE}/app/interviews`);
    await page.waitForSelector('#interviews li');
    const ids = await page.$$eval('#interviews li', (l) => l.map((x) => x.dataset.id));
    expect(ids.length === 2 && ids[0] === second && ids[1] === shared.interviewId,
      `the list is ${JSON.stringify(ids)}`);
    expect((await text(page, `li[data-id="${shared.interviewId}"]`)).includes('Finished'),
      'the finished interview is not shown as finished');
    await shots(page, 'interviews-list');

    // keep it first, then delete it
    await page.click(`li[data-id="${second}"] button`);
    await page.waitForSelector('#confirm-delete[open]');
    await shots(page, 'interviews-confirm-delete');
    await page.click('#confirm-cancel');
    await page.waitForSelector('#confirm-delete:not([open])', { state: 'attached' });
    expect(await page.$(`li[data-id="${second}"]`), 'cancelling deleted the interview');
    await page.click(`li[data-id="${second}"] button`);
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await page.click('#confirm-ok');
    expect((await deleted).status() === 204, 'DELETE did not answer 204');
    await page.waitForSelector(`li[data-id="${second}"]`, { state: 'detached' });
    seen.expectErrors(new RegExp(`404 \\(Not Found\\) \\[[^\\]]*/api/interviews/${second}\\]`));
    const r = await page.evaluate(async (id) => (await fetch(`/api/interviews/${id}`)).status, second);
    expect(r === 404, `the deleted interview answers ${r}`);
    await assertClean(page, seen);
    return second;
  });
}

async function consentAndExport(browser) {
  const name = 'consent_and_export';
  return onPage(newPage(browser, JT_USER_ID, '/app/privacy'), async ({ page, seen }) => {
    await page.waitForSelector('#privacy-centre:not([hidden])');
    expect((await text(page, '#region-summary')).includes('GDPR'),
      `region: ${await text(page, '#region-summary')}`);
    expect((await page.$$('#region-rights li')).length >= 5, 'the rights are not listed');
    expect((await text(page, '#consent-default')).includes('off until you opt in'),
      'the GDPR default is not explained');
    expect(!(await page.isChecked('#analytics-consent')), 'consent is on before opting in');
    await shots(page, 'privacy');
    await axe(page, 'privacy');

    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH');
    await page.check('#analytics-consent');
    const p = await patched;
    expect(p.status() === 200, `PATCH /api/me answered ${p.status()}`);
    expect(JSON.parse(p.request().postData()).consent.analytics === 'granted',
      'the PATCH did not grant consent');
    await page.waitForFunction(() =>
      document.getElementById('consent-state').textContent.includes('granted'));

    for (const format of ['json', 'zip']) {
      const download = page.waitForEvent('download');
      await page.click(`#export-${format}`);
      const d = await download;
      const file = path.join(ARTIFACTS, `export.${format}`);
      await d.saveAs(file);
      const head = fs.readFileSync(file).subarray(0, 4);
      expect(format === 'json' ? head[0] === 0x7b : head.toString('binary') === 'PK\x03\x04',
        `the ${format} download starts with ${head.toString('hex')}`);
      expect(d.suggestedFilename().endsWith(`.${format}`),
        `the ${format} download is named ${d.suggestedFilename()}`);
      info(name, format, file);
    }
    await assertClean(page, seen);
    return null;
  });
}

async function privacyShowsGpc(browser) {
  return onPage(newPage(browser, JT_USER_ID, '/app/privacy',
    '198.51.100.7', { 'Sec-GPC': '1' }), async ({ page, seen }) => {
    await page.waitForSelector('#privacy-centre:not([hidden])');
    expect((await text(page, '#region-summary')).includes('CCPA'),
      `region: ${await text(page, '#region-summary')}`);
    expect((await text(page, '#consent-default')).includes('on unless you opt out'),
      'the CCPA default is not explained');
    await page.waitForSelector('#consent-gpc:not([hidden])');
    const gpc = await text(page, '#consent-gpc');
    expect(gpc.includes('Global Privacy Control') && gpc.includes('our server received it'),
      `#consent-gpc says ${JSON.stringify(gpc)}`);
    // the server records Sec-GPC: 1 as an opt-out, and the page shows it
    expect(!(await page.isChecked('#analytics-consent')), 'consent is on under GPC');
    expect((await text(page, '#consent-state')).includes('Your choice: denied'),
      `#consent-state says ${await text(page, '#consent-state')}`);
    await assertClean(page, seen);
    return null;
  });
}

async function deleteAccount(browser) {
  const name = 'delete_account';
  return onPage(newPage(browser, JT_USER_ID, '/app/privacy'), async ({ context, page, seen }) => {
    await page.waitForSelector('#privacy-centre:not([hidden])');
    let deletes = 0;
    page.on('request', (r) => {
      if (r.method() === 'DELETE' && new URL(r.url()).pathname === '/api/me') {
        deletes += 1;
      }
    });
    await page.fill('#delete-confirm', 'delete');
    await page.click('#delete-account');
    await page.waitForFunction(() => document.getElementById('delete-error').textContent !== '');
    expect(await page.getAttribute('#delete-confirm', 'aria-invalid') === 'true',
      'a wrong confirmation is not marked invalid');
    expect(deletes === 0, 'a wrong confirmation deleted the account');
    await shots(page, 'privacy-delete-refused');

    const session = (await context.cookies(BASE)).find((c) => c.name === '__session');
    expect(session && session.value, 'no __session cookie before the deletion');
    const erased = page.waitForResponse((r) => r.request().method() === 'DELETE' &&
      new URL(r.url()).pathname === '/api/me');
    const signedOut = page.waitForResponse((r) => r.request().method() === 'DELETE' &&
      new URL(r.url()).pathname === '/api/session');
    await page.fill('#delete-confirm', 'DELETE');
    await page.click('#delete-account');
    const res = await erased;
    const out = await signedOut;
    expect(out.status() < 300, `DELETE /api/session answered ${out.status()}`);
    expect(res.status() === 200, `DELETE /api/me answered ${res.status()}`);
    const receipt = await res.json();
    await page.waitForSelector('#receipt:not([hidden])');
    expect(await text(page, '#receipt-id') === receipt.receiptId,
      `the page shows receipt ${await text(page, '#receipt-id')}, the API ${receipt.receiptId}`);
    expect(await page.isHidden('#privacy-centre'), 'the privacy centre is still shown');
    expect(await page.isHidden('#account'), 'the header still shows the account');
    const rows = await page.$$('#receipt-counts tbody tr');
    expect(rows.length > 0, 'no counts on the receipt');
    const cookies = await context.cookies(BASE);
    expect(!cookies.some((c) => c.name === '__session' && c.value),
      'the __session cookie is still set');
    const me = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(me === 401, `GET /api/me answers ${me} after the deletion`);
    info(name, 'receipt', receipt);
    await shots(page, 'privacy-receipt');
    await axe(page, 'privacy-receipt');
    await assertClean(page, seen);
    // the old token is refused too, not only the cleared cookie
    const again = await page.evaluate(async (token) =>
      (await fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } })).status,
    session.value);
    expect(again === 401, `the erased account's token answers ${again}`);
    return receipt.receiptId;
  });
}

async function staffWorksDeletionRequest(browser) {
  const name = 'staff_works_deletion_request';
  const ticket = await onPage(newPage(browser, null, null, '203.0.113.77'), async ({ page }) => {
    await page.goto(`${BASE}/support`);
    await page.fill('#email', JT_VICTIM_EMAIL);
    await page.fill('#name', 'Ira Sen');
    await page.fill('#subject', 'Data Deletion Request');
    await page.fill('#message', 'Please delete my account and everything in it.');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/support/thanks'),
      page.click('#support-submit'),
    ]);
    return text(page, '#ticket-number');
  });
  info(name, 'ticket', ticket);
  return onPage(newPage(browser, JT_STAFF_ID, '/app/admin'), async ({ page, seen }) => {
    page.on('dialog', (d) => d.accept());
    await page.waitForSelector('#console:not([hidden])');
    await page.waitForSelector('#nav-staff:not([hidden]) a[aria-current="page"]');
    const card = `#request-list li[data-id="${ticket}"]`;
    await page.waitForSelector(card);
    expect((await text(page, `${card} .days-left`)) === '30 days left',
      `days left: ${await text(page, `${card} .days-left`)}`);
    await page.waitForSelector(`#ticket-table tr[data-ticket="${ticket}"]`);
    await shots(page, 'admin');
    await axe(page, 'admin');

    await page.fill(`${card} .step-verify input[name="method"]`, 'Reply from the address');
    await page.click(`${card} .step-verify button`);
    await page.waitForSelector(`${card} .status-verified`);
    await page.waitForSelector(`${card} .step-execute`);
    await shots(page, 'admin-verified');
    const executed = page.waitForResponse((r) => r.url().endsWith(`/${ticket}/execute`));
    await page.click(`${card} .step-execute button`);
    const res = await executed;
    expect(res.status() === 200, `execute answered ${res.status()}: ${await res.text()}`);
    await page.waitForSelector(card, { state: 'detached' });

    // the ticket list: filters and a status change
    await page.selectOption('#filter-status', '');
    await page.click('#apply-filters');
    const row = `#ticket-table tr[data-ticket="${ticket}"]`;
    // the row from before the execution stays until the reloaded list
    // replaces it: wait for the new one, not for any row of the ticket
    await page.waitForFunction((sel) => {
      const tr = document.querySelector(sel);
      return tr && tr.textContent.includes('deletion: completed');
    }, row).catch(() => {}); // the expect below reports what the row says
    expect((await text(page, row)).includes('deletion: completed'),
      `the ticket row says ${await text(page, row)}`);
    expect(await page.inputValue(`${row} select`) === 'closed',
      'the executed request\'s ticket is not closed');
    await page.selectOption(`${row} select`, 'pending');
    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH');
    await page.click(`${row} form button`);
    expect((await patched).status() === 200, 'the status change failed');
    await page.selectOption('#filter-status', 'pending');
    await page.click('#apply-filters');
    await page.waitForSelector(row);
    await assertClean(page, seen);
    return ticket;
  });
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: REHEARSAL_ARGS, timeout: 60000 });
  const run = (name, fn) => async () => {
    currentCase = name;
    return fn(browser);
  };
  try {
    await runCases([
      ['interviews_empty', run('interviews_empty', interviewsEmpty)],
      ['rehearse_with_microphone', run('rehearse_with_microphone', rehearseWithMicrophone)],
      ['typed_answer_and_delete', run('typed_answer_and_delete', typedAnswerAndDelete),
        { needs: 'rehearse_with_microphone' }],
      ['consent_and_export', run('consent_and_export', consentAndExport),
        { needs: 'rehearse_with_microphone' }],
      ['privacy_shows_gpc', run('privacy_shows_gpc', privacyShowsGpc)],
      ['delete_account', run('delete_account', deleteAccount), { needs: 'consent_and_export' }],
      ['staff_works_deletion_request', run('staff_works_deletion_request',
        staffWorksDeletionRequest)],
    ]);
  } finally {
    await browser.close();
  }
}

await main();
