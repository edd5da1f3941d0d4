// The resume editor as someone who edits every week uses it, in a real
// Chromium: the form beside its live preview (1280 px) or behind a
// Preview tab (375 px); the preview asked for again a moment after typing
// stops, the request on its way cancelled by a newer one; autosave (no
// button pressed) and its state line; a second tab saving first (412):
// the conflict shown, the two versions compared, this page's kept, then
// the other's taken; the leave-page warning while anything is unsaved;
// Ctrl+S; the title, template, font, paper and sections (meta.jobtune)
// saved, reloaded and listed; "Download PDF" right after typing (the PDF
// has what was typed); Duplicate in the editor and in the list; the
// preview's pages; the tailoring link saving first.  Views
// are checked with axe-core and screenshotted at 375 and 1280 px.
//
// Usage: JT_USER_ID=user_… node editor.mjs BASE_URL ARTIFACT_DIR
//
// Output: "ok   browser NAME [NOTE]" / "FAIL browser NAME: REASON" and
// "info browser NAME KEY=JSON" lines, then "N passed, N failed" (lib.mjs
// runCases), read by tests/integration/test_browser_editor.py.

import fs from 'node:fs';
import path from 'node:path';
import {
  assertClean, axe, expect, info, launch, newPage, runCases, screenshot, setArtifactDir, signIn, WIDTHS,
  view as checkView,
} from './lib.mjs';

const [baseArg, artifactArg] = process.argv.slice(2);
const env = process.env;
if (!baseArg || !artifactArg || !env.JT_USER_ID) {
  console.error('usage: JT_USER_ID=… node editor.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
setArtifactDir(artifactArg);
const AUTOSAVE_MS = 1200; // editor.js
const PREVIEW_MS = 600; // editor.js
const EDITOR = /^\/app\/resumes\/[0-9a-f]{24}$/;

const RESUME = {
  basics: { name: 'Wren Weekly', label: 'Site Reliability Engineer', email: 'wren@example.org',
    summary: 'Keeps payment systems up.' },
  work: [{ name: 'Acme Payments', position: 'SRE', startDate: '2020-01',
    highlights: ['Cut paging by half', 'Ran the Postgres upgrade'] }],
  skills: [{ name: 'Linux' }, { name: 'Terraform' }],
  education: [{ institution: 'TU Delft', area: 'Computer Science', startDate: '2012', endDate: '2016' }],
};

const state = { browser: null, context: null, page: null, seen: null, id: null, puts: [], previews: [] };

async function view(name) {
  // from the top: a full-page screenshot of a scrolled page draws the
  // sticky bar where the scroll left it
  await state.page.evaluate(() => window.scrollTo(0, 0));
  await checkView(state.page, state.seen, name);
}

async function stored(id = state.id) {
  const r = await state.context.request.get(`${BASE}/api/resumes/${id}`);
  expect(r.status() === 200, `GET /api/resumes/${id} answered ${r.status()}`);
  return { etag: r.headers().etag, ...(await r.json()) };
}

async function saveState(page = state.page) {
  return (await page.textContent('#save-state')).trim();
}

async function waitSaved(page = state.page) {
  await page.waitForFunction(() => document.getElementById('save-state').dataset.state === 'saved');
}

async function openEditor(page, id = state.id) {
  await page.goto(`${BASE}/app/resumes/${id}`);
  await page.waitForSelector('#resume-form');
}

// Types at the end of a field with real key presses (what a person does:
// each is an input event, and gives the page a user activation).
async function typeInto(page, selector, text) {
  await page.click(selector);
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

// ---- cases ---------------------------------------------------------------------
async function editorBesidePreview() {
  const { context, page, seen } = await newPage(state.browser, BASE);
  Object.assign(state, { context, page, seen });
  seen.expectErrors(/status of 401/); // the sign-in page's GET /api/me
  await signIn(page, BASE, env.JT_USER_ID, '/app/');
  const r = await context.request.post(`${BASE}/api/resumes`, { data: RESUME, headers: { Origin: BASE } });
  expect(r.status() === 201, `POST /api/resumes answered ${r.status()}`);
  state.id = (await r.json()).id;
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (req.method() === 'PUT' && u.pathname === `/api/resumes/${state.id}`) {
      state.puts.push({ at: Date.now(), body: req.postDataJSON() });
    } else if (req.method() === 'POST' && u.pathname === '/api/preview') {
      state.previews.push({ at: Date.now(), query: u.search, body: req.postDataJSON() });
    }
  });
  await openEditor(page);
  const title = await page.title();
  expect(title.startsWith('Wren Weekly — Site Reliability Engineer'), `the page title is ${title}`);
  expect(await saveState() === 'Saved', `a freshly loaded resume says ${await saveState()}`);
  const form = await page.locator('#edit-panel').boundingBox();
  const preview = await page.locator('#preview-panel').boundingBox();
  expect(preview.x > form.x + form.width - 1 && preview.y < form.y + 200,
    `at 1280 px the preview is not beside the form: ${JSON.stringify({ form, preview })}`);
  expect(await page.isHidden('#tab-preview'), 'the Preview tab shows on a wide screen');
  await view('editor');

  // a phone: the form, and the preview behind its tab
  await page.setViewportSize(WIDTHS.phone);
  await page.waitForSelector('#tab-preview', { state: 'visible' });
  expect(await page.isHidden('#preview-panel'), 'at 375 px the preview shows under the Edit tab');
  await page.click('#tab-preview');
  await page.waitForSelector('#preview-panel', { state: 'visible' });
  expect(await page.isHidden('#edit-panel'), 'at 375 px the form shows under the Preview tab');
  expect(await page.getAttribute('#tab-preview', 'aria-selected') === 'true', 'the Preview tab is not selected');
  await screenshot(page, 'editor-preview-tab');
  await page.focus('#tab-preview'); // the screenshot at 1280 px hid the tabs, and took the focus
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector('#edit-panel', { state: 'visible' });
  expect(await page.evaluate(() => document.activeElement.id) === 'tab-edit', 'the arrow key did not move to Edit');
  await page.setViewportSize(WIDTHS.desktop);
  await assertClean(page, seen);
}

async function previewFollowsTyping() {
  const { page } = state;
  await page.waitForSelector('#preview-img:not([hidden])');
  const img = await page.$eval('#preview-img', (i) => ({ w: i.naturalWidth, h: i.naturalHeight, alt: i.alt }));
  expect(img.w > 500 && img.h > img.w, `the preview is not a page: ${JSON.stringify(img)}`);
  expect(/Page 1 of your resume/.test(img.alt), `the preview's alt text: ${img.alt}`);
  await view('editor-preview');
  // the first request after typing is held; more typing supersedes it,
  // and it is cancelled (AbortController), never shown
  const held = [];
  let heldOne;
  const holding = new Promise((resolve) => { heldOne = resolve; });
  await page.route('**/api/preview*', async (route) => {
    if (held.length === 0) {
      held.push(route);
      heldOne();
      return; // answered (or found aborted) below
    }
    await route.continue();
  });
  const aborted = [];
  page.on('requestfailed', (req) => {
    if (new URL(req.url()).pathname === '/api/preview') {
      aborted.push(req.failure() && req.failure().errorText);
    }
  });
  const before = state.previews.length;
  const src = await page.getAttribute('#preview-img', 'src');
  await typeInto(page, '#f-basics-label', ' (on call)');
  await holding;
  await typeInto(page, '#f-basics-summary', ' Writes the runbooks.');
  await page.waitForFunction((old) => {
    const img = document.getElementById('preview-img');
    return img.src !== old && !document.getElementById('preview-panel').classList.contains('updating');
  }, src);
  await held[0].continue().catch(() => {}); // already cancelled by the page
  await page.unroute('**/api/preview*');
  const sent = state.previews.slice(before);
  expect(sent.length >= 2, `${sent.length} preview requests for two pauses in typing`);
  const last = sent[sent.length - 1].body;
  expect(last.basics.label === 'Site Reliability Engineer (on call)'
    && last.basics.summary === 'Keeps payment systems up. Writes the runbooks.',
  `the last preview was not of the page as typed: ${JSON.stringify(last.basics)}`);
  expect(aborted.includes('net::ERR_ABORTED'), `the superseded preview was not cancelled: ${aborted}`);
  // typing in one burst asks once, after it stops
  const n = state.previews.length;
  await typeInto(page, '#f-basics-phone', '+31 20 555 0100');
  await page.waitForTimeout(PREVIEW_MS + 1000);
  const burst = state.previews.length - n;
  expect(burst === 1, `typing 15 characters asked for ${burst} previews`);
  await waitSaved();
  await assertClean(page, state.seen);
  return `${img.w}x${img.h}, ${sent.length} requests, superseded one ${aborted[0]}`;
}

async function autosaveWithoutAButton() {
  const { page } = state;
  const n = state.puts.length;
  await typeInto(page, '#f-work-0-position', ' Lead');
  expect(await saveState() === 'Unsaved changes', `while typing the state says ${await saveState()}`);
  const saying = [];
  await page.exposeFunction('jtSaveState', (s) => saying.push(s));
  await page.evaluate(() => {
    const el = document.getElementById('save-state');
    new MutationObserver(() => window.jtSaveState(el.textContent))
      .observe(el, { childList: true, characterData: true, subtree: true });
  });
  await waitSaved();
  const puts = state.puts.slice(n);
  expect(puts.length === 1, `${puts.length} PUTs for one pause in typing`);
  expect(saying.includes('Saving…') && saying[saying.length - 1] === 'Saved', `the state said ${saying}`);
  const doc = await stored();
  expect(doc.resume.work[0].position === 'SRE Lead', `stored position: ${doc.resume.work[0].position}`);
  expect(!doc.resume.meta, 'meta was written though no layout control was touched');
  // a 422 is shown at its field, and the next good change saves
  state.seen.expectErrors(/status of 422/);
  await page.fill('#f-work-0-startDate', 'last spring');
  await page.waitForFunction(() => /^Not saved: 1 problem/.test(document.getElementById('save-state').textContent));
  expect((await page.textContent('#f-work-0-startDate-error')).trim() !== '', 'no error at the date');
  expect(await page.isHidden('#error-summary'), 'an autosave opened the summary');
  expect(await page.evaluate(() => document.activeElement.id) === 'f-work-0-startDate', 'an autosave moved focus');
  await screenshot(page, 'editor-autosave-problem');
  // the bar leads to the summary, whose link leads back to the field
  await page.click('#save-help');
  await page.waitForSelector('#error-summary:not([hidden])');
  expect(await page.evaluate(() => document.activeElement.id) === 'error-summary', 'the summary is not focused');
  await page.click('#error-summary a[href="#f-work-0-startDate"]');
  expect(await page.evaluate(() => document.activeElement.id) === 'f-work-0-startDate', 'the link did not focus the date');
  await page.fill('#f-work-0-startDate', '2020-02');
  await waitSaved();
  expect(await page.isHidden('#f-work-0-startDate-error'), 'the fixed date still shows its error');
  expect((await stored()).resume.work[0].startDate === '2020-02', 'the fixed date was not saved');
  await assertClean(page, state.seen);
  return saying.join(' → ');
}

async function conflictWithASecondTab() {
  const { page, context } = state;
  const label0 = await page.inputValue('#f-basics-label');
  const phone0 = await page.inputValue('#f-basics-phone');
  // a second tab of the same person saves first
  const other = await context.newPage();
  await openEditor(other);
  await typeInto(other, '#f-basics-label', ', platform');
  await waitSaved(other);
  state.seen.expectErrors(/status of 412/);
  await typeInto(page, '#f-basics-phone', ' ext. 7');
  await page.waitForSelector('#conflict:not([hidden])');
  expect(await saveState() === 'Not saved: changed elsewhere', `state: ${await saveState()}`);
  expect((await page.textContent('#save-help')).trim() === 'Resolve', 'the bar offers no way to the conflict');
  expect(await page.evaluate(() => document.activeElement.id) === 'f-basics-phone',
    'the autosave\'s conflict took the focus from the field');
  // while in conflict nothing saves by itself
  const n = state.puts.length;
  await typeInto(page, '#f-basics-name', 'e');
  await page.waitForTimeout(AUTOSAVE_MS + 600);
  expect(state.puts.length === n, 'the autosave went on after a 412');
  await page.click('#conflict-compare');
  await page.waitForSelector('#versions');
  const rows = await page.$$eval('#versions tbody tr', (trs) => trs.map((tr) =>
    [...tr.children].map((c) => c.textContent.trim())));
  info('conflict_with_a_second_tab', 'rows', rows);
  const label = rows.find((r) => r[0].startsWith('Headline'));
  expect(label && label[1] === label0 && label[2] === `${label0}, platform`, `the label row: ${JSON.stringify(rows)}`);
  expect(rows.some((r) => r[0].startsWith('Phone') && r[1] === `${phone0} ext. 7`.trim()), 'no phone row');
  await view('editor-conflict');
  // keep this page's version
  await page.click('#keep-mine');
  await waitSaved();
  let doc = await stored();
  expect(doc.resume.basics.phone === `${phone0} ext. 7`.trim() && doc.resume.basics.name === 'Wren Weeklye'
    && doc.resume.basics.label === label0, `kept: ${JSON.stringify(doc.resume.basics)}`);
  expect(await page.isHidden('#conflict'), 'the conflict stays after keeping');

  // again, and this time take the other tab's
  await other.reload();
  await other.waitForSelector('#resume-form');
  await other.fill('#f-basics-name', 'Wren Weekly');
  await waitSaved(other);
  await typeInto(page, '#f-basics-email', 'x');
  await page.waitForSelector('#conflict:not([hidden])');
  await page.click('#reload-latest');
  await page.waitForFunction(() => document.getElementById('f-basics-name').value === 'Wren Weekly');
  expect(await page.inputValue('#f-basics-email') === 'wren@example.org', 'the other version\'s email is not shown');
  expect(await saveState() === 'Saved', `after taking the other: ${await saveState()}`);
  await other.close();
  doc = await stored();
  expect(doc.resume.basics.email === 'wren@example.org', 'taking the other version saved this page\'s');
  await assertClean(page, state.seen);
  return `${rows.length} rows compared`;
}

async function leaveWarning() {
  const { page } = state;
  const dialogs = [];
  let asked;
  const asking = new Promise((resolve) => { asked = resolve; });
  const onDialog = (d) => {
    dialogs.push(d.type());
    d.dismiss(); // stay
    asked();
  };
  page.on('dialog', onDialog);
  await typeInto(page, '#f-basics-summary', ' Unsaved words.');
  await page.click('a[href="/app/"]');
  await Promise.race([asking, new Promise((resolve) => { setTimeout(resolve, 5000); })]);
  expect(dialogs.includes('beforeunload'), `leaving with unsaved edits asked nothing: ${dialogs}`);
  expect(EDITOR.test(new URL(page.url()).pathname), 'the page was left though the person stayed');
  await waitSaved();
  dialogs.length = 0;
  await Promise.all([page.waitForURL((u) => u.pathname === '/app/'), page.click('a[href="/app/"]')]);
  page.off('dialog', onDialog);
  expect(dialogs.length === 0, `leaving with everything saved asked: ${dialogs}`);
  expect((await stored()).resume.basics.summary.endsWith('Unsaved words.'), 'the words were not saved after staying');
  await assertClean(page, state.seen);
}

async function ctrlSSaves() {
  const { page } = state;
  await openEditor(page);
  await page.evaluate(() => window.addEventListener('keydown', (e) => {
    window.jtLastKeyPrevented = e.defaultPrevented;
  }));
  const n = state.puts.length;
  await typeInto(page, '#f-skills-1-name', ' Cloud');
  const pressed = Date.now();
  await page.keyboard.press('Control+s');
  await waitSaved();
  const put = state.puts.slice(n)[0];
  expect(put, 'Ctrl+S sent no PUT');
  const after = put.at - pressed;
  // the autosave would wait AUTOSAVE_MS after the last key
  expect(after < AUTOSAVE_MS - 300, `the PUT left ${after} ms after Ctrl+S`);
  expect(await page.evaluate(() => window.jtLastKeyPrevented) === true, 'Ctrl+S was left to the browser');
  expect((await stored()).resume.skills[1].name === 'Terraform Cloud', 'Ctrl+S did not save the skill');
  await assertClean(page, state.seen);
  return `${after} ms`;
}

async function layoutRoundTrip() {
  const { page } = state;
  const choices = await (await state.context.request.get(`${BASE}/api/pdf/templates`)).json();
  const template = choices.templates.find((t) => t.id !== choices.default).id;
  const font = choices.fonts[choices.fonts.length - 1].id;
  await page.fill('#meta-title', 'Wren — payments SRE');
  await page.selectOption('#meta-template', template);
  await page.selectOption('#meta-font', font);
  await page.selectOption('#meta-paper', 'letter');
  await page.click('#sections-choice summary');
  await page.uncheck('#show-references');
  await page.uncheck('#show-summary');
  // Skills to the top by keyboard: focus stays on the moved section's Up,
  // and Enter once more at the top moves nothing
  await page.focus('#section-order li[data-key="skills"] button[data-action="up"]');
  for (let i = 0; i < 6; i += 1) {
    await page.keyboard.press('Enter');
  }
  const focused = await page.evaluate(() => ({ key: document.activeElement.closest('li').dataset.key,
    action: document.activeElement.dataset.action }));
  expect(focused.key === 'skills' && focused.action === 'up', `focus went to ${JSON.stringify(focused)} after the moves`);
  await waitSaved();
  await page.waitForTimeout(PREVIEW_MS + 200);
  await page.waitForFunction(() => document.getElementById('preview-sheet').getAttribute('aria-busy') === 'false');
  const doc = await stored();
  const jt = doc.resume.meta && doc.resume.meta.jobtune;
  info('layout_round_trip', 'jobtune', jt);
  expect(jt && jt.title === 'Wren — payments SRE' && jt.template === template && jt.font === font
    && jt.paper === 'letter', `stored meta.jobtune: ${JSON.stringify(jt)}`);
  expect(jt.sections[0] === 'skills' && !jt.sections.includes('references') && !jt.sections.includes('summary')
    && jt.sections.includes('work'), `stored sections: ${jt.sections}`);
  const lastPreview = state.previews[state.previews.length - 1];
  expect(lastPreview.query.includes(`template=${template}`) && lastPreview.query.includes('paper=letter'),
    `the preview was not asked in the chosen layout: ${lastPreview.query}`);
  expect(await page.title() === 'Wren — payments SRE — Edit — Jobtune', `page title ${await page.title()}`);
  expect((await page.textContent('#title')).trim() === 'Wren — payments SRE', 'the heading is not the title');
  await view('editor-layout');

  // a reload shows them as saved
  await page.reload();
  await page.waitForSelector('#resume-form');
  expect(await page.inputValue('#meta-title') === 'Wren — payments SRE', 'title lost on reload');
  expect(await page.inputValue('#meta-template') === template, 'template lost on reload');
  expect(await page.inputValue('#meta-font') === font, 'font lost on reload');
  expect(await page.inputValue('#meta-paper') === 'letter', 'paper lost on reload');
  const order = await page.$$eval('#section-order li', (lis) => lis.map((li) =>
    `${li.dataset.key}${li.querySelector('input').checked ? '' : '-'}`));
  expect(order[0] === 'skills' && order.includes('references-') && order.includes('summary-'),
    `sections after reload: ${order}`);

  // the list shows the title
  await page.goto(`${BASE}/app/`);
  const row = `#resume-list li[data-id="${state.id}"] .item-title`;
  await page.waitForSelector(row);
  expect((await page.textContent(row)).trim() === 'Wren — payments SRE', `listed as ${await page.textContent(row)}`);
  await assertClean(page, state.seen);
  return order.join(',');
}

async function downloadSavesFirst() {
  const { page } = state;
  await openEditor(page);
  await typeInto(page, '#f-work-0-highlights', '\nShipped the quietzebra rollout');
  const n = state.puts.length;
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#pdf-download')]);
  const file = path.join(artifactArg, 'downloaded.pdf');
  fs.copyFileSync(await dl.path(), file);
  expect(state.puts.length === n + 1, 'Download PDF did not save first');
  const body = fs.readFileSync(file);
  expect(body.subarray(0, 5).toString('latin1') === '%PDF-', 'the download is not a PDF');
  info('download_saves_first', 'pdf', file);
  info('download_saves_first', 'filename', dl.suggestedFilename());
  expect(await saveState() === 'Saved', `after the download: ${await saveState()}`);
  await assertClean(page, state.seen);
  return dl.suggestedFilename();
}

async function duplicateInEditorAndList() {
  const { page } = state;
  await Promise.all([
    page.waitForURL((u) => EDITOR.test(u.pathname) && !u.pathname.endsWith(state.id)),
    page.click('#duplicate'),
  ]);
  const copyId = new URL(page.url()).pathname.split('/')[3];
  await page.waitForSelector('#resume-form');
  const copy = await stored(copyId);
  expect(copy.resume.work[0].highlights.includes('Shipped the quietzebra rollout'), 'the copy is not of the saved resume');
  await page.goto(`${BASE}/app/`);
  await page.waitForSelector(`#resume-list li[data-id="${copyId}"]`);
  const first = `#resume-list li[data-id="${state.id}"] button[data-action="duplicate"]`;
  await page.click(first);
  await page.waitForFunction((n) => document.querySelectorAll('#resume-list > li').length === n, 3);
  const focused = await page.evaluate(() => document.activeElement.closest('li').dataset.id);
  expect(focused !== state.id && focused !== copyId, 'focus is not on the new copy');
  const titles = await page.$$eval('#resume-list .item-title', (els) => els.map((e) => e.textContent));
  await view('resumes-duplicated');
  return titles.join(' | ');
}

// A resume longer than a page: the preview's pager, and the page kept
// when it is still there.
async function previewPages() {
  const { page } = state;
  await openEditor(page);
  await page.waitForSelector('#preview-img:not([hidden])');
  // 30 highlights (the API's most) of three lines each
  const lines = Array.from({ length: 30 }, (_, i) => `Achievement number ${i + 1} of a long career, `
    + 'told at the length of a paragraph: what was wrong, what was done about it, by whom, with which tools, '
    + 'and what it changed for the people who depended on it, measured before and after.');
  await page.fill('#f-work-0-highlights', lines.join('\n'));
  await page.waitForSelector('#preview-pager:not([hidden])');
  const first = await page.getAttribute('#preview-img', 'src');
  const label = (await page.textContent('#preview-page')).trim();
  expect(/^Page 1 of [2-9]$/.test(label), `the pager says ${label}`);
  await page.click('#preview-next');
  await page.waitForFunction(() => /^Page 2 of/.test(document.getElementById('preview-page').textContent));
  expect(await page.getAttribute('#preview-img', 'src') !== first, 'page 2 is the same image as page 1');
  expect(await page.evaluate(() => document.activeElement.id) === 'preview-next'
    || await page.evaluate(() => document.activeElement.id) === 'preview-prev', 'the pager lost the focus');
  expect(/Page 2 of your resume/.test(await page.getAttribute('#preview-img', 'alt')), 'the alt text names page 1');
  await view('editor-preview-pages');
  // shortened to one page, the preview goes back to the last page there is
  await page.fill('#f-work-0-highlights', 'Cut paging by half');
  await page.waitForSelector('#preview-pager', { state: 'hidden' });
  expect(/Page 1 of your resume/.test(await page.getAttribute('#preview-img', 'alt')), 'not back on page 1');
  await waitSaved();
  await assertClean(page, state.seen);
  return label;
}

// The tailoring reads the stored resume: the link saves first, and asks
// nothing on leaving.
async function tailorLinkSavesFirst() {
  const { page } = state;
  await openEditor(page);
  const dialogs = [];
  const onDialog = (d) => {
    dialogs.push(d.type());
    d.dismiss();
  };
  page.on('dialog', onDialog);
  await typeInto(page, '#f-skills-0-name', ' kernel tuning');
  await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/tailor')), page.click('#tailor-link')]);
  page.off('dialog', onDialog);
  expect(dialogs.length === 0, `following the tailoring link asked: ${dialogs}`);
  const doc = await stored();
  expect(doc.resume.skills[0].name === 'Linux kernel tuning', `stored skill: ${doc.resume.skills[0].name}`);
  await assertClean(page, state.seen);
}

const CASES = [
  ['editor_beside_preview', editorBesidePreview],
  ['preview_follows_typing', previewFollowsTyping, { needs: 'editor_beside_preview' }],
  ['autosave', autosaveWithoutAButton, { needs: 'editor_beside_preview' }],
  ['conflict_with_a_second_tab', conflictWithASecondTab, { needs: 'autosave' }],
  ['leave_warning', leaveWarning, { needs: 'autosave' }],
  ['ctrl_s_saves', ctrlSSaves, { needs: 'editor_beside_preview' }],
  ['layout_round_trip', layoutRoundTrip, { needs: 'editor_beside_preview' }],
  ['download_saves_first', downloadSavesFirst, { needs: 'editor_beside_preview' }],
  ['duplicate', duplicateInEditorAndList, { needs: 'download_saves_first' }],
  ['preview_pages', previewPages, { needs: 'editor_beside_preview' }],
  ['tailor_link_saves_first', tailorLinkSavesFirst, { needs: 'editor_beside_preview' }],
];

state.browser = await launch();
try {
  await runCases(CASES);
} finally {
  await state.browser.close();
}
