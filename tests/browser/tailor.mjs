// Acting on a tailoring in a real Chromium: a person signed in through the
// development route tailors their resume (the stack's fake OpenAI) and
// sees each suggested change beside the original it rewrites (the fake
// reverses each job's lines, so line 1's original is the job's last
// line), with the two scores explained; turns one line down, edits
// another, names the new resume and saves it as a new resume; sees an
// empty edit refused at the change itself; applies suggestions to the
// resume itself, after which the tailoring says it no longer fits and
// offers its job description again; and
// sees the resume quota's refusal.  Views are checked with axe-core and
// screenshotted at 375 and 1280 px.
//
// Usage: JT_USER_ID=user_… JT_RESUME=JSON JT_JD=TEXT JT_TITLE=TEXT JT_EDIT=TEXT
//        node tailor.mjs BASE_URL ARTIFACT_DIR
//
// Output: "ok   browser NAME [NOTE]" / "FAIL browser NAME: REASON" and
// "info browser NAME KEY=JSON" lines, then "N passed, N failed" (lib.mjs
// runCases), read by tests/integration/test_browser_tailor.py.

import {
  axe, expect, launch, newPage, runCases, setArtifactDir, signIn, info, view as checkView,
} from './lib.mjs';

const [baseArg, artifactArg] = process.argv.slice(2);
const env = process.env;
if (!baseArg || !artifactArg || !env.JT_USER_ID || !env.JT_RESUME || !env.JT_JD) {
  console.error('usage: JT_USER_ID=… JT_RESUME=JSON JT_JD=TEXT node tailor.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
setArtifactDir(artifactArg);
const RESUME = JSON.parse(env.JT_RESUME);

const state = { browser: null, context: null, page: null, seen: null, resumeId: null };

const view = (name) => checkView(state.page, state.seen, name);

async function apiGet(path) {
  const r = await state.context.request.get(`${BASE}${path}`);
  expect(r.status() === 200, `GET ${path} answered ${r.status()}`);
  return r.json();
}

// The change whose apply path is path: its fieldset's selector.
const change = (path) => `fieldset.change[data-path="${path}"]`;

async function choose(path, value) {
  await state.page.check(`${change(path)} input[value="${value}"]`);
}

async function statusShown(kind) {
  await state.page.waitForSelector(`#apply-status.${kind}:not([hidden])`);
  return (await state.page.textContent('#apply-status')).trim();
}

// ---- cases ---------------------------------------------------------------------
async function choicesShown() {
  const { context, page, seen } = await newPage(state.browser, BASE);
  Object.assign(state, { context, page, seen });
  seen.expectErrors(/status of 401/); // the sign-in page's GET /api/me
  await signIn(page, BASE, env.JT_USER_ID, '/app/');
  const r = await context.request.post(`${BASE}/api/resumes`, { data: RESUME, headers: { Origin: BASE } });
  expect(r.status() === 201, `POST /api/resumes answered ${r.status()}`);
  state.resumeId = (await r.json()).id;
  await page.goto(`${BASE}/app/resumes/${state.resumeId}/tailor`);
  await page.waitForFunction(() => /No tailorings/.test(document.getElementById('past-status').textContent));
  await page.fill('#job-description', env.JT_JD);
  await page.click('#tailor-submit');
  await page.waitForSelector('#result:not([hidden]) #apply-new', { timeout: 60000 });
  const paths = await page.$$eval('fieldset.change', (els) => els.map((e) => e.dataset.path));
  expect(JSON.stringify(paths) === JSON.stringify(['basics.summary', 'work[0].highlights[0]', 'work[0].highlights[1]',
    'work[1].highlights[0]', 'work[1].highlights[1]', 'skills']), `changes ${paths}`);
  // line 1 of the first job rewrites its last original line
  const original = (await page.textContent(`${change('work[0].highlights[0]')} .compare > div:first-child`)).trim();
  expect(original.endsWith(RESUME.work[0].highlights[1]), `line 1's original: ${original}`);
  const notes = await page.$$eval('#result .score-note', (els) => els.map((e) => e.textContent));
  expect(notes.length === 2 && /applicant tracking system/.test(notes[0]) && /without AI/.test(notes[1]),
    `score notes: ${notes.join(' | ')}`);
  expect((await page.textContent('#apply-count')).trim() === '6 of 6 suggestions used.', 'count');
  await view('tailor-choices');
  return `${paths.length} changes`;
}

async function saveAsNew() {
  const { page } = state;
  await choose('work[0].highlights[1]', 'reject');
  await choose('work[0].highlights[0]', 'edit');
  const box = `${change('work[0].highlights[0]')} textarea`;
  expect(await page.evaluate((sel) => document.activeElement === document.querySelector(sel), box),
    'Edit did not move the focus to the text');
  await page.fill(box, env.JT_EDIT);
  await choose('skills', 'reject');
  expect((await page.textContent('#apply-count')).trim() === '4 of 6 suggestions used.', 'count after choosing');
  await page.fill('#apply-title', env.JT_TITLE);
  await view('tailor-chosen');
  await page.click('#apply-new');
  const shown = await statusShown('ok');
  const href = await page.getAttribute('#apply-open', 'href');
  const newId = href.split('/').pop();
  info('save_as_new', 'id', newId);
  const stored = await apiGet(`/api/resumes/${newId}`);
  expect(JSON.stringify(stored.resume.work[0].highlights) === JSON.stringify([env.JT_EDIT, RESUME.work[0].highlights[0]]),
    `saved highlights ${JSON.stringify(stored.resume.work[0].highlights)}`);
  await view('tailor-saved-new');
  return shown;
}

async function emptyEditRefused() {
  const { page } = state;
  state.seen.expectErrors(/status of 422/);
  await choose('basics.summary', 'edit');
  await page.fill(`${change('basics.summary')} textarea`, '   ');
  await page.click('#apply-new');
  await statusShown('error');
  const at = (await page.textContent(`${change('basics.summary')} .field-error:not(.flag-note)`)).trim();
  expect(/empty/.test(at), `the summary's error: "${at}"`);
  expect(await page.evaluate(() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'),
    'the focus is not on the refused text');
  await view('tailor-edit-error');
  await choose('basics.summary', 'use');
  return at;
}

async function applyToThis() {
  const { page } = state;
  await page.click('#apply-this');
  const shown = await statusShown('ok');
  const stored = await apiGet(`/api/resumes/${state.resumeId}`);
  expect(stored.version === 2, `version ${stored.version}`);
  expect(stored.resume.work[0].highlights[0] === env.JT_EDIT, `this resume's first line: ${stored.resume.work[0].highlights[0]}`);
  expect(await page.isDisabled('#apply-this'), 'Apply to this resume is still enabled');
  // shown again, the tailoring no longer fits the resume
  await page.reload();
  await page.waitForSelector('#past-list li button');
  await page.click('#past-list li button');
  await page.waitForSelector('#apply-outdated');
  expect(await page.$('#apply-new') === null, 'an outdated tailoring can still be saved');
  await view('tailor-outdated');
  await page.click('#retailor');
  expect(await page.inputValue('#job-description') === env.JT_JD, 'Tailor again did not bring the job description back');
  expect(await page.evaluate(() => document.activeElement.id) === 'job-description', 'the focus is not on the job description');
  return shown;
}

async function quotaShown() {
  const { page, context } = state;
  state.seen.expectErrors(/status of 409/);
  // a fresh tailoring of the resume as it is now (the job description
  // brought back above), saved as new until the quota refuses
  await page.click('#tailor-submit');
  await page.waitForSelector('#result:not([hidden]) #apply-new', { timeout: 60000 });
  const before = (await apiGet('/api/resumes')).items.length;
  for (;;) {
    await page.click('#apply-new');
    await page.waitForSelector('#apply-status:not([hidden]):not(:has-text("Saving"))');
    if ((await page.getAttribute('#apply-status', 'class')).includes('error')) {
      break;
    }
    expect((await apiGet('/api/resumes')).items.length < before + 5, 'no quota refusal');
  }
  const shown = (await page.textContent('#apply-status')).trim();
  expect(/resumes, the most one account keeps/.test(shown), `shown: ${shown}`);
  await view('tailor-quota');
  info('quota', 'listed', (await apiGet('/api/resumes')).items.length);
  await context.close();
  return shown;
}

const CASES = [
  ['choices_shown', choicesShown],
  ['save_as_new', saveAsNew, { needs: 'choices_shown' }],
  ['empty_edit_refused', emptyEditRefused, { needs: 'save_as_new' }],
  ['apply_to_this', applyToThis, { needs: 'empty_edit_refused' }],
  ['quota_shown', quotaShown, { needs: 'apply_to_this' }],
];

state.browser = await launch();
try {
  await runCases(CASES);
} finally {
  await state.browser.close();
}
