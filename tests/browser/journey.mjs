// The website's journey in a real Chromium, as one new user: sign in
// through the development route, create a resume, fix a validation error
// shown inline, edit sections (add, reorder, remove), survive a conflict
// (412), export resume.json and import it (a draft, saved), tailor the resume (the stack's
// fake OpenAI), download PDFs, delete, sign out.  Every view is checked
// with axe-core and screenshotted at 375 and 1280 px.
//
// Usage: [JT_USER_ID=user_…] node journey.mjs BASE_URL ARTIFACT_DIR
// JT_USER_ID is the id signed in (tests/integration/test_journey.py passes
// the one rehearsal.mjs then continues with); without it a new id is made.
//
// Output: "ok   browser NAME [NOTE]" / "FAIL browser NAME: REASON" lines,
// then "N passed, N failed" (lib.mjs runCases), read by
// tests/integration/test_journey.py, which runs rehearsal.mjs (interviews,
// privacy, the account's deletion) next as the same user.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  assertClean, axe, expect, launch, newPage, runCases, screenshot, setArtifactDir, signIn,
} from './lib.mjs';

const [baseArg, artifactArg] = process.argv.slice(2);
if (!baseArg || !artifactArg) {
  console.error('usage: node journey.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
export const BASE = baseArg.replace(/\/+$/, '');
setArtifactDir(artifactArg);

const RUN = `${Date.now().toString(36)}${process.pid}`;
const USER = process.env.JT_USER_ID || `user_journey${RUN}`.replace(/[^A-Za-z0-9_]/g, '');
const JD = 'We are hiring a Senior Backend Engineer (Python, Go, Kubernetes). You will design a REST API, '
  + 'practise unit testing and continuous integration, and run PostgreSQL and Docker in production.';

// shared by the cases: the browser, the signed-in context and page, ids made
export const state = { browser: null, context: null, page: null, seen: null, resumeId: null, importedId: null };

function info(key, value) {
  console.log(`info browser ${key}=${JSON.stringify(value)}`);
}

// axe, screenshots at both widths, and the page's cleanliness, for a view
export async function view(name) {
  await axe(state.page);
  await screenshot(state.page, name);
  await assertClean(state.page, state.seen);
}

async function fetchPdf(url) {
  // the page's own cookie, through Playwright's request context
  const res = await state.context.request.get(url);
  const body = await res.body();
  return { status: res.status(), type: res.headers()['content-type'], body };
}

async function download(locator) {
  const [dl] = await Promise.all([state.page.waitForEvent('download'), locator.click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), body: fs.readFileSync(file) };
}

// ---- cases ---------------------------------------------------------------------
async function signedOutGoesToSignIn() {
  const { context, page, seen } = await newPage(state.browser, BASE);
  Object.assign(state, { context, page, seen });
  seen.expectErrors(/status of 401/); // GET /api/me while signed out
  await page.goto(`${BASE}/app/`);
  await page.waitForURL((u) => u.pathname === '/app/signin');
  const next = new URL(page.url()).searchParams.get('next');
  expect(next === '/app/', `next is ${next}`);
  await page.waitForSelector('#user-id');
  await view('signin');
  return next;
}

async function signInAsANewUser() {
  const { page } = state;
  // a bad id is refused next to the field, before any request
  await page.fill('#user-id', 'not a user');
  await page.click('#dev-signin button[type=submit]');
  const err = (await page.textContent('#user-id-error')).trim();
  expect(err.length > 0, 'no error for a bad user id');
  expect(await page.getAttribute('#user-id', 'aria-invalid') === 'true', 'bad id not marked invalid');
  await signIn(page, BASE, USER, '/app/');
  await page.waitForSelector('#account:not([hidden])');
  const label = (await page.textContent('#account-label')).trim();
  expect(label.length > 0, 'no account label');
  await page.waitForFunction(() => /no resumes yet/.test(document.getElementById('list-status').textContent));
  await view('resumes-empty');
  info('user', USER);
  return USER;
}

async function createResume() {
  const { page } = state;
  await Promise.all([
    page.waitForURL((u) => /^\/app\/resumes\/[0-9a-f]{24}$/.test(u.pathname)),
    page.click('#new-resume'),
  ]);
  state.resumeId = new URL(page.url()).pathname.split('/')[3];
  await page.waitForSelector('#resume-form');
  await view('editor-new');
  info('resume', state.resumeId);
  return state.resumeId;
}

async function fixValidationErrorInline() {
  const { page } = state;
  await page.fill('#f-basics-name', 'Ana Journey');
  await page.fill('#f-basics-label', 'Backend Engineer');
  await page.fill('#f-basics-email', 'not-an-email');
  await page.fill('#f-basics-summary', 'Builds backend services in Python and Go.');
  // a work entry with a bad date
  await page.click('#sec-work button[data-action=add]');
  await page.fill('#f-work-0-name', 'Acme Logistics');
  await page.fill('#f-work-0-position', 'Senior Backend Engineer');
  await page.fill('#f-work-0-startDate', 'March 2019');
  await page.fill('#f-work-0-highlights', 'Built a REST API in Python serving 2 million requests a day\nIntroduced unit testing and continuous integration');
  state.seen.expectErrors(/status of 422/);
  await page.click('#save-top');
  await page.waitForSelector('#error-summary:not([hidden])');
  const emailErr = (await page.textContent('#f-basics-email-error')).trim();
  const dateErr = (await page.textContent('#f-work-0-startDate-error')).trim();
  expect(emailErr.length > 0, 'no inline error next to basics.email');
  expect(dateErr.length > 0, 'no inline error next to work[0].startDate');
  expect(await page.getAttribute('#f-basics-email', 'aria-invalid') === 'true', 'email not aria-invalid');
  const links = await page.$$eval('#error-summary a', (as) => as.map((a) => a.getAttribute('href')));
  expect(links.includes('#f-basics-email') && links.includes('#f-work-0-startDate'),
    `summary links: ${links.join(', ')}`);
  expect(await page.evaluate(() => document.activeElement.id) === 'error-summary', 'summary not focused');
  await view('editor-errors');
  // the summary's link takes the keyboard to the field
  await page.click('#error-summary a[href="#f-work-0-startDate"]');
  expect(await page.evaluate(() => document.activeElement.id) === 'f-work-0-startDate', 'link did not focus the field');
  await page.fill('#f-work-0-startDate', '2019-03');
  await page.fill('#f-basics-email', 'ana.journey@example.com');
  await page.click('#save-bottom');
  await page.waitForFunction(() => document.getElementById('save-state').textContent.startsWith('Saved'));
  expect(await page.isHidden('#error-summary'), 'summary still shown after a good save');
  const title = (await page.textContent('#title')).trim();
  expect(title === 'Ana Journey — Backend Engineer', `title is ${title}`);
  // stored as typed
  const stored = await (await state.context.request.get(`${BASE}/api/resumes/${state.resumeId}`)).json();
  expect(stored.resume.basics.email === 'ana.journey@example.com', 'email not stored');
  expect(stored.resume.work[0].startDate === '2019-03', 'date not stored');
  expect(stored.resume.work[0].highlights.length === 2, 'highlights not stored as a list');
  return `version ${stored.version}`;
}

async function editSectionsWithKeyboard() {
  const { page } = state;
  // skills: add three with the keyboard, move the last up, remove the first
  for (const name of ['Python', 'Go', 'PostgreSQL', 'Docker']) {
    await page.focus('#sec-skills button[data-action=add]');
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => document.activeElement.id);
    expect(/^f-skills-\d+-name$/.test(focused), `add did not focus the new entry (${focused})`);
    await page.keyboard.type(name);
  }
  await page.focus('#f-skills-3-name');
  await page.click('#sec-skills fieldset:nth-of-type(4) button[data-action=up]');
  let names = await page.$$eval('#sec-skills fieldset input[id$="-name"]', (els) => els.map((e) => e.value));
  expect(names.join(',') === 'Python,Go,Docker,PostgreSQL', `after move up: ${names}`);
  await page.click('#sec-skills fieldset:nth-of-type(2) button[data-action=remove]');
  names = await page.$$eval('#sec-skills fieldset input[id$="-name"]', (els) => els.map((e) => e.value));
  expect(names.join(',') === 'Python,Docker,PostgreSQL', `after remove: ${names}`);
  // education with a partial date, a profile and a location
  await page.click('#sec-education button[data-action=add]');
  await page.fill('#f-education-0-institution', 'TU Berlin');
  await page.fill('#f-education-0-startDate', '2012');
  await page.fill('#f-education-0-endDate', '2016-07-31');
  await page.click('#sec-basics-profiles button[data-action=add]');
  await page.fill('#f-basics-profiles-0-network', 'GitHub');
  await page.fill('#f-basics-profiles-0-url', 'github.com/anajourney');
  await page.fill('#f-basics-location-city', 'Berlin');
  await page.fill('#f-basics-location-countryCode', 'de');
  await page.click('#save-top');
  await page.waitForFunction(() => document.getElementById('save-state').textContent.startsWith('Saved'));
  const stored = await (await state.context.request.get(`${BASE}/api/resumes/${state.resumeId}`)).json();
  const r = stored.resume;
  expect(r.skills.map((s) => s.name).join(',') === 'Python,Docker,PostgreSQL', 'skills order not stored');
  expect(r.education[0].startDate === '2012' && r.education[0].endDate === '2016-07-31', 'partial dates');
  expect(r.basics.profiles[0].url === 'https://github.com/anajourney', `profile url ${r.basics.profiles[0].url}`);
  expect(r.basics.location.countryCode === 'DE', 'country code');
  await view('editor-filled');
  return `version ${stored.version}`;
}

async function conflictOffersReload() {
  const { page } = state;
  // someone else saves a newer version
  const cur = await state.context.request.get(`${BASE}/api/resumes/${state.resumeId}`);
  const body = await cur.json();
  body.resume.basics.label = 'Changed elsewhere';
  const put = await state.context.request.put(`${BASE}/api/resumes/${state.resumeId}`, {
    data: body.resume, headers: { 'If-Match': cur.headers().etag, Origin: BASE },
  });
  expect(put.status() === 200, `other PUT answered ${put.status()}`);
  await page.fill('#f-basics-phone', '+49 30 1234567');
  state.seen.expectErrors(/status of 412/);
  await page.click('#save-top');
  await page.waitForSelector('#conflict:not([hidden]) #reload-latest');
  expect(await page.evaluate(() => document.activeElement.id) === 'conflict-compare', 'compare not focused');
  await screenshot(page, 'editor-conflict');
  await axe(page);
  await page.click('#reload-latest');
  await page.waitForFunction(() => document.getElementById('f-basics-label')
    && document.getElementById('f-basics-label').value === 'Changed elsewhere');
  await assertClean(page, state.seen);
  return 'reloaded';
}

async function exportAndImportJson() {
  const { page } = state;
  const exported = await download(page.locator('#export-json'));
  const doc = JSON.parse(exported.body.toString('utf8'));
  expect(doc.basics && doc.basics.name === 'Ana Journey', 'export is not the resume');
  // import it back as a new resume, after a broken file is refused: the
  // import answers a draft, which is a resume only once it is saved
  await page.goto(`${BASE}/app/`);
  await page.waitForSelector(`#resume-list li[data-id="${state.resumeId}"]`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jobtune-journey-'));
  try {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{"basics": {"name": "Ana"');
    state.seen.expectErrors(/status of 422/);
    await page.setInputFiles('#import-file', bad);
    await page.waitForFunction(() => document.getElementById('import-problems').textContent.includes('not a JSON Resume'));
    await view('resumes-import-error');
    const good = path.join(tmp, 'resume.json');
    doc.basics.name = 'Ana Imported';
    fs.writeFileSync(good, JSON.stringify(doc));
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/app/resumes/import'),
      page.setInputFiles('#import-file', good),
    ]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  await page.waitForFunction(() => document.getElementById('f-basics-name')
    && document.getElementById('f-basics-name').value === 'Ana Imported');
  await Promise.all([
    page.waitForURL((u) => /^\/app\/resumes\/[0-9a-f]{24}$/.test(u.pathname) && !u.pathname.endsWith(state.resumeId)),
    page.click('#save-top'),
  ]);
  state.importedId = new URL(page.url()).pathname.split('/')[3];
  await assertClean(page, state.seen);
  return state.importedId;
}

async function downloadPdf() {
  const { page } = state;
  await page.goto(`${BASE}/app/resumes/${state.resumeId}`);
  await page.waitForSelector('#pdf-download');
  await page.selectOption('#meta-paper', 'letter');
  const pdf = await download(page.locator('#pdf-download'));
  expect(pdf.body.subarray(0, 5).toString('latin1') === '%PDF-', 'the download is not a PDF');
  await assertClean(page, state.seen);
  return `${pdf.body.length} bytes`;
}

async function tailorTheResume() {
  const { page } = state;
  await page.goto(`${BASE}/app/resumes/${state.resumeId}/tailor`);
  await page.waitForFunction(() => /No tailorings/.test(document.getElementById('past-status').textContent));
  await view('tailor-empty');
  // nothing pasted: the field says so
  await page.click('#tailor-submit');
  expect((await page.textContent('#job-description-error')).trim().length > 0, 'no empty-JD error');
  await page.fill('#job-description', JD);
  await page.click('#tailor-submit');
  await page.waitForSelector('#result:not([hidden]) #tailored-pdf', { timeout: 60000 });
  const announced = await page.waitForFunction(
    () => /Tailoring ready/.test(document.getElementById('announcer').textContent)).then(() => true);
  expect(announced, 'the live region did not announce the result');
  const ins = await page.$$eval('#result .diff ins', (els) => els.map((e) => e.textContent));
  expect(ins.some((t) => t.includes('Delivered')),
    `no inserted words shown: ${ins.join('|')}; result: ${(await page.textContent('#result')).slice(0, 1500)}`);
  const scores = await page.$$eval('#result .score strong', (els) => els.map((e) => e.textContent));
  expect(scores.length === 2 && scores[0] === '72 / 100', `scores ${scores}`);
  expect(await page.$$eval('#past-list li', (els) => els.length) === 1, 'past tailorings not listed');
  await view('tailor-result');
  // the tailored PDF
  const href = await page.getAttribute('#tailored-pdf', 'href');
  const pdf = await fetchPdf(`${BASE}${href}`);
  expect(pdf.status === 200 && pdf.body.subarray(0, 5).toString('latin1') === '%PDF-', `tailored PDF ${pdf.status}`);
  const dl = await download(page.locator('#tailored-pdf'));
  expect(dl.body.subarray(0, 5).toString('latin1') === '%PDF-', 'tailored download is not a PDF');
  // the keyword score alone
  await page.click('#ats-only');
  await page.waitForFunction(() => document.getElementById('result-title').textContent === 'Keyword score');
  await assertClean(page, state.seen);
  return scores.join(' ');
}

async function deleteAResume() {
  const { page } = state;
  await page.goto(`${BASE}/app/`);
  const row = `#resume-list li[data-id="${state.importedId}"]`;
  await page.waitForSelector(row);
  await page.click(`${row} button.danger`);
  await screenshot(page, 'resumes-confirm-delete');
  await page.click(`${row} button.danger`);
  await page.waitForSelector(row, { state: 'detached' });
  const gone = await state.context.request.get(`${BASE}/api/resumes/${state.importedId}`);
  expect(gone.status() === 404, `deleted resume answers ${gone.status()}`);
  await view('resumes-list');
  return state.importedId;
}

async function unknownResumeShowsNotFound() {
  const { page } = state;
  state.seen.expectErrors(/status of 404/);
  await page.goto(`${BASE}/app/resumes/${'0'.repeat(24)}`);
  await page.waitForFunction(() => document.querySelector('h1').textContent === 'Resume not found');
  await view('editor-not-found');
}

async function signOut() {
  const { page } = state;
  await page.goto(`${BASE}/app/`);
  await page.waitForSelector('#account:not([hidden])');
  await Promise.all([page.waitForURL((u) => u.pathname === '/app/signin'), page.click('#sign-out')]);
  const me = await state.context.request.get(`${BASE}/api/me`);
  expect(me.status() === 401, `after sign-out /api/me is ${me.status()}`);
  await assertClean(page, state.seen);
}

export const CASES = [
  ['signed_out_goes_to_sign_in', signedOutGoesToSignIn],
  ['sign_in_as_a_new_user', signInAsANewUser, { needs: 'signed_out_goes_to_sign_in' }],
  ['create_resume', createResume, { needs: 'sign_in_as_a_new_user' }],
  ['fix_validation_error_inline', fixValidationErrorInline, { needs: 'create_resume' }],
  ['edit_sections_with_keyboard', editSectionsWithKeyboard, { needs: 'fix_validation_error_inline' }],
  ['conflict_offers_reload', conflictOffersReload, { needs: 'fix_validation_error_inline' }],
  ['export_and_import_json', exportAndImportJson, { needs: 'fix_validation_error_inline' }],
  ['download_pdf', downloadPdf, { needs: 'create_resume' }],
  ['tailor_the_resume', tailorTheResume, { needs: 'fix_validation_error_inline' }],
  ['delete_a_resume', deleteAResume, { needs: 'export_and_import_json' }],
  ['unknown_resume_shows_not_found', unknownResumeShowsNotFound, { needs: 'sign_in_as_a_new_user' }],
  ['sign_out', signOut, { needs: 'sign_in_as_a_new_user' }],
];

if (import.meta.url === `file://${process.argv[1]}`) {
  state.browser = await launch();
  try {
    await runCases(CASES);
  } finally {
    await state.browser.close();
  }
}
