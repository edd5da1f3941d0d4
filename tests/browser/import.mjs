// Importing the resume a person already has, in a real Chromium: on /app/
// the import panel says what happens to the file; the API's refusals
// (413, 415, 422) are shown next to the picker as the API words them; a
// text file goes through the steps (uploading, reading, structuring) into
// the editor as an unsaved draft with its review panel (the value the fake
// OpenAI invented, the line the parser did not place), which is reviewed
// by keyboard, survives a reload and is saved; a Word file is saved too;
// pasted text and the saved resume's own PDF, read back, are discarded;
// the saved resumes are listed; and a person whose day of imports is spent
// sees the 429.  Nothing is listed by the API
// before a save.  Views are checked with axe-core and screenshotted at 375
// and 1280 px.
//
// Usage: JT_USER_ID=user_… JT_SPENDER_ID=user_… JT_IMPORT_FILES=DIR
//        JT_MARKER=NAME JT_UNPLACED=LINE JT_IMPORTS_PER_DAY=N
//        node import.mjs BASE_URL ARTIFACT_DIR
// DIR holds resume.txt (with the LINE), resume.docx, not-word.docx,
// photo.png and big.pdf (over 10 MB); NAME is the resume's name.
//
// Output: "ok   browser NAME [NOTE]" / "FAIL browser NAME: REASON" and
// "info browser NAME KEY=JSON" lines, then "N passed, N failed" (lib.mjs
// runCases), read by tests/integration/test_browser.py.

import fs from 'node:fs';
import path from 'node:path';
import {
  assertClean, axe, expect, info, launch, newPage, runCases, screenshot, setArtifactDir, signIn,
  view as checkView,
} from './lib.mjs';

const [baseArg, artifactArg] = process.argv.slice(2);
const env = process.env;
if (!baseArg || !artifactArg || !env.JT_USER_ID || !env.JT_SPENDER_ID || !env.JT_IMPORT_FILES) {
  console.error('usage: JT_USER_ID=… JT_SPENDER_ID=… JT_IMPORT_FILES=DIR node import.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
setArtifactDir(artifactArg);
const file = (name) => path.join(env.JT_IMPORT_FILES, name);
const MARKER = env.JT_MARKER;
const UNPLACED = env.JT_UNPLACED;
const INVENTED = 'Mainframe Wizardry'; // the skill the fake OpenAI adds
const EDITOR = /^\/app\/resumes\/[0-9a-f]{24}$/;

const state = { browser: null, context: null, page: null, seen: null, saved: [] };

const view = (name) => checkView(state.page, state.seen, name);

// The ids of the user's resumes, as the API lists them.
async function listed(context = state.context) {
  const r = await context.request.get(`${BASE}/api/resumes`);
  expect(r.status() === 200, `GET /api/resumes answered ${r.status()}`);
  return (await r.json()).items.map((i) => i.id);
}

async function problemShown(page) {
  await page.waitForFunction(() => document.getElementById('import-problems').textContent.trim() !== '');
  return (await page.textContent('#import-problems')).trim();
}

async function openEditorDraft(page) {
  await page.waitForURL((u) => u.pathname === '/app/resumes/import');
  await page.waitForSelector('#review');
}

// ---- cases ---------------------------------------------------------------------
async function importPanel() {
  const { context, page, seen } = await newPage(state.browser, BASE);
  Object.assign(state, { context, page, seen });
  seen.expectErrors(/status of 401/); // the sign-in page's GET /api/me
  await signIn(page, BASE, env.JT_USER_ID, '/app/');
  await page.waitForFunction(() => /no resumes yet/.test(document.getElementById('list-status').textContent));
  const note = await page.textContent('#import-formats');
  expect(/Read in memory, never stored/.test(note), `the panel does not say what happens to the file: ${note}`);
  const accept = await page.getAttribute('#import-file', 'accept');
  for (const ext of ['.pdf', '.docx', '.zip', '.txt', '.md', '.json']) {
    expect(accept.split(',').includes(ext), `the picker does not accept ${ext}: ${accept}`);
  }
  // the picker and the paste box are reached with the keyboard
  await page.focus('#new-resume');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement.id) === 'import-file', 'Tab does not reach the picker');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#import-text', { state: 'visible' });
  await view('import-panel');
  return 'keyboard';
}

async function importErrors() {
  const { page, seen } = state;
  const shown = {};
  seen.expectErrors(/status of 41[35]/);
  seen.expectErrors(/status of 422/);
  for (const [status, name] of [['413', 'big.pdf'], ['415', 'photo.png'], ['422', 'not-word.docx']]) {
    await page.setInputFiles('#import-file', file(name));
    shown[status] = await problemShown(page);
    expect(shown[status].startsWith(`${name} could not be imported: `), `${status}: ${shown[status]}`);
    expect(await page.isHidden('#import-steps'), `${status}: the steps are still shown`);
    expect(!(await page.isDisabled('#import-file')), `${status}: the picker stays disabled`);
  }
  info('import_errors', 'shown', shown);
  await view('import-errors');
  expect((await listed()).length === 0, 'a refused file made a resume');
}

async function importTextFileReviewAndSave() {
  const { page } = state;
  await page.goto(`${BASE}/app/`);
  await page.waitForSelector('#import-file');
  // every change of a step, and what the live region says, recorded from
  // the page as it happens (the page is left before the case can look)
  const steps = [];
  const said = [];
  await page.exposeFunction('jtStep', (s) => steps.push(s));
  await page.exposeFunction('jtSaid', (s) => said.push(s));
  await page.evaluate(() => {
    new MutationObserver((changes) => {
      for (const c of changes) {
        if (c.target.dataset.step) {
          window.jtStep(`${c.target.dataset.step}:${c.target.className || 'waiting'}`);
        }
      }
    }).observe(document.getElementById('import-steps'), { attributes: true, attributeFilter: ['class'], subtree: true });
    const status = document.getElementById('import-status');
    new MutationObserver(() => window.jtSaid(status.textContent))
      .observe(status, { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles('#import-file', file('resume.txt'));
  await openEditorDraft(page);
  info('import_text_file_review_and_save', 'steps', steps);
  expect(said.includes('Uploading…') && said.includes('Reading the text…'), `live region said ${JSON.stringify(said)}`);

  // the draft, and the review: the invented skill, the unplaced line
  expect(await page.inputValue('#f-basics-name') === MARKER, 'the draft is not the file\'s resume');
  const review = await page.textContent('#review');
  expect(/structured with GPT-4o/.test(review), `the source line is missing: ${review}`);
  await page.waitForSelector(`#unverified-list li:has-text("${INVENTED}")`);
  await page.waitForSelector(`#unplaced-list li:has-text("${UNPLACED}")`);
  const marked = await page.$$eval('.to-check input', (els) => els.map((e) => e.value));
  expect(marked.includes(INVENTED), `the invented value is not marked at its field: ${marked}`);
  const before = await listed();
  info('import_text_file_review_and_save', 'before_save', before);
  expect(before.length === 0, 'the draft was stored before it was saved');
  await view('import-review');

  // Remove the invented skill and dismiss the line, by keyboard
  await page.focus(`#unverified-list li:has-text("${INVENTED}") button[data-action="remove"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((v) => ![...document.querySelectorAll('#resume-form input')].some((i) => i.value === v), INVENTED);
  expect(await page.evaluate(() => document.getElementById('review').contains(document.activeElement)),
    'focus left the review panel after Remove');
  await page.focus(`#unplaced-list li:has-text("${UNPLACED}") button[data-action="dismiss"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#unplaced-list li:has-text("${UNPLACED}")`, { state: 'detached' });
  await page.fill('#f-basics-label', 'Staff Platform Engineer');

  // a reload keeps the draft as reviewed and edited
  await page.reload();
  await page.waitForSelector('#review');
  expect(await page.inputValue('#f-basics-label') === 'Staff Platform Engineer', 'the edit was lost on reload');
  expect(!(await page.textContent('#review')).includes(UNPLACED), 'the dismissed line came back on reload');
  expect(!(await page.textContent('#review')).includes(INVENTED), 'the removed value came back on reload');
  expect((await listed()).length === 0, 'the reload stored the draft');

  await Promise.all([page.waitForURL((u) => EDITOR.test(u.pathname)), page.click('#save-top')]);
  const id = new URL(page.url()).pathname.split('/')[3];
  await page.waitForFunction(() => document.getElementById('save-state').textContent === 'Saved as a new resume.');
  expect(await page.evaluate(() => sessionStorage.length) === 0, 'the draft was kept after the save');
  expect(await page.isVisible('#pdf-download'), 'the saved resume\'s editor has no PDF download');
  await view('import-saved');
  expect((await listed()).includes(id), 'the saved resume is not listed');
  state.saved.push(id);
  return id;
}

async function importWordAndPaste() {
  const { page } = state;
  // a Word file, held on its way to the server to see the page at work,
  // then saved
  await page.goto(`${BASE}/app/`);
  await page.waitForSelector('#import-file');
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/api/resumes/import', async (route) => {
    await held;
    await route.continue();
  });
  await page.setInputFiles('#import-file', file('resume.docx'));
  await page.waitForSelector('#import-steps li.active');
  expect(await page.getAttribute('#import-file', 'aria-busy') === 'true', 'the picker is not busy while importing');
  await screenshot(page, 'import-steps');
  release();
  await openEditorDraft(page);
  await page.unroute('**/api/resumes/import');
  expect(await page.inputValue('#f-basics-name') === MARKER, 'the Word draft has not the name');
  expect(/a Word file/.test(await page.textContent('#review')), 'the review does not name the Word file');
  await Promise.all([page.waitForURL((u) => EDITOR.test(u.pathname)), page.click('#save-bottom')]);
  state.saved.push(new URL(page.url()).pathname.split('/')[3]);

  // pasted text: empty is refused at the field, then a draft left unsaved
  await page.goto(`${BASE}/app/`);
  await page.click('#paste summary');
  await page.click('#import-paste');
  expect((await page.textContent('#import-text-error')).trim() !== '', 'no error for an empty paste');
  await page.fill('#import-text', `Pat Pasted\npat@example.org\n\nSKILLS\nRust, SQL\n`);
  await page.click('#import-paste');
  await openEditorDraft(page);
  expect(await page.inputValue('#f-basics-name') === 'Pat Pasted', 'the pasted draft has not the name');
  // /app/ offers the unsaved draft back
  await page.goto(`${BASE}/app/`);
  await page.click('#pending-draft a');
  await openEditorDraft(page);
  await Promise.all([page.waitForURL((u) => u.pathname === '/app/'), page.click('#discard-draft')]);
  await page.waitForSelector('#import-file');
  expect(await page.isHidden('#pending-draft'), 'the discarded draft is still offered');
  const ids = await listed();
  expect(ids.length === 2, `after a discard ${ids.length} resumes are listed`);
  await assertClean(page, state.seen);
  return ids.join(' ');
}

// Jobtune's own PDF of the saved resume, read back: a draft, discarded.
async function importOwnPdf() {
  const { page } = state;
  const pdf = await state.context.request.get(`${BASE}/api/resumes/${state.saved[0]}/pdf`);
  expect(pdf.status() === 200, `the resume's PDF answered ${pdf.status()}`);
  const tmp = fs.mkdtempSync(path.join(artifactArg, 'pdf-'));
  try {
    const own = path.join(tmp, 'resume.pdf');
    fs.writeFileSync(own, await pdf.body());
    await page.goto(`${BASE}/app/`);
    await page.waitForSelector('#import-file');
    await page.setInputFiles('#import-file', own);
    await openEditorDraft(page);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const review = await page.textContent('#review');
  expect(/a PDF of 1 page/.test(review), `the review does not name the PDF: ${review.slice(0, 300)}`);
  expect(await page.inputValue('#f-basics-name') === MARKER, 'the PDF draft has not the name');
  info('import_own_pdf', 'email', await page.inputValue('#f-basics-email'));
  await Promise.all([page.waitForURL((u) => u.pathname === '/app/'), page.click('#discard-draft')]);
  await assertClean(page, state.seen);
}

async function savedResumesListed() {
  const { page } = state;
  await page.goto(`${BASE}/app/`);
  for (const id of state.saved) {
    await page.waitForSelector(`#resume-list li[data-id="${id}"]`);
  }
  const titles = await page.$$eval('#resume-list .item-title', (els) => els.map((e) => e.textContent));
  // by their titles: the name, and the name and headline of the one whose
  // headline was typed in the review
  expect(titles.length === 2 && titles.includes(MARKER) && titles.includes(`${MARKER} — Staff Platform Engineer`),
    `listed: ${titles}`);
  await view('import-list');
  await state.context.close();
}

async function importQuota() {
  const { context, page, seen } = await newPage(state.browser, BASE);
  Object.assign(state, { context, page, seen });
  seen.expectErrors(/status of 401/); // the sign-in page's GET /api/me
  await signIn(page, BASE, env.JT_SPENDER_ID, '/app/');
  // the day's imports, spent through the API
  for (let i = 0; i < Number(env.JT_IMPORTS_PER_DAY); i += 1) {
    const r = await context.request.post(`${BASE}/api/resumes/import`, {
      headers: { 'Content-Type': 'text/plain', Origin: BASE }, data: `Spent Import\n\nSKILLS\nGo\n` });
    expect(r.status() === 200, `import ${i + 1} answered ${r.status()}`);
  }
  seen.expectErrors(/status of 429/);
  await page.setInputFiles('#import-file', file('resume.txt'));
  const shown = await problemShown(page);
  expect(/^resume\.txt could not be imported: /.test(shown), shown);
  await view('import-quota');
  expect((await listed(context)).length === 0, 'a refused import made a resume');
  await context.close();
  return shown.replace(/^resume\.txt could not be imported: /, '');
}

const CASES = [
  ['import_panel', importPanel],
  ['import_errors', importErrors, { needs: 'import_panel' }],
  ['import_text_file_review_and_save', importTextFileReviewAndSave, { needs: 'import_panel' }],
  ['import_word_and_paste', importWordAndPaste, { needs: 'import_panel' }],
  ['import_own_pdf', importOwnPdf, { needs: 'import_text_file_review_and_save' }],
  ['saved_resumes_listed', savedResumesListed, { needs: 'import_word_and_paste' }],
  ['import_quota', importQuota],
];

state.browser = await launch();
try {
  await runCases(CASES);
} finally {
  await state.browser.close();
}
