// Pages on a server without OpenAI or Sarvam AI keys, in a real Chromium:
// each page whose feature needs them says "not available on this server"
// before anyone fills its form, says what still works, and the control
// that would fail is disabled, while what works without keys (the keyword
// score) still answers.  Views are checked with axe-core and screenshotted
// at 375 and 1280 px.
//
// Usage: JT_USER_ID=user_… node features.mjs BASE_URL ARTIFACT_DIR
//
// Output: "ok   browser NAME" / "FAIL browser NAME: REASON" lines, then
// "N passed, N failed" (lib.mjs runCases), read by
// tests/integration/test_features.py.

import {
  axe, expect, launch, newPage, runCases, setArtifactDir, signIn, view as checkView,
} from './lib.mjs';

const [baseArg, artifactArg] = process.argv.slice(2);
const env = process.env;
if (!baseArg || !artifactArg || !env.JT_USER_ID) {
  console.error('usage: JT_USER_ID=… node features.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
setArtifactDir(artifactArg);
const state = { browser: null, context: null, page: null, seen: null };

const view = (name) => checkView(state.page, state.seen, name);

async function notice(page, feature) {
  const el = await page.waitForSelector(`[data-feature="${feature}"]`);
  return (await el.textContent()).trim();
}

async function tailorSaysSoAndScoresKeywords() {
  const { context, page, seen } = await newPage(state.browser, BASE);
  Object.assign(state, { context, page, seen });
  seen.expectErrors(/status of 401/); // the sign-in page's GET /api/me
  await signIn(page, BASE, env.JT_USER_ID, '/app/');
  const r = await context.request.post(`${BASE}/api/resumes`, {
    headers: { Origin: BASE },
    data: { basics: { name: 'Noor Haddad', label: 'Backend engineer' }, skills: [{ name: 'Go' }] },
  });
  expect(r.status() === 201, `POST /api/resumes answered ${r.status()}`);
  const { id } = await r.json();
  await page.goto(`${BASE}/app/resumes/${id}/tailor`);
  const text = await notice(page, 'tailoring');
  expect(/not available on this server/.test(text), text);
  expect(/Keyword score only/.test(text), `the notice does not say what still works: ${text}`);
  expect(await page.isDisabled('#tailor-submit'), 'the tailor button can still be pressed');
  // the notice is above the form, where the eye starts
  const above = await page.evaluate(() => {
    const n = document.querySelector('[data-feature="tailoring"]').getBoundingClientRect();
    return n.bottom <= document.getElementById('tailor-form').getBoundingClientRect().top;
  });
  expect(above, 'the notice is not above the form');
  await page.fill('#job-description', 'We need a Go engineer.');
  await page.click('#ats-only');
  await page.waitForSelector('#result:not([hidden])');
  await view('features-tailor');
  await context.close();
}

async function interviewsSaySo() {
  const { context, page, seen } = await newPage(state.browser, BASE);
  Object.assign(state, { context, page, seen });
  seen.expectErrors(/status of 401/);
  await signIn(page, BASE, env.JT_USER_ID, '/app/interviews');
  const text = await notice(page, 'interviews');
  expect(/^Mock interviews are not available on this server/.test(text), text);
  expect(await page.isDisabled('#start-interview'), 'the start button can still be pressed');
  expect(await page.isDisabled('#role'), 'the form can still be filled');
  // an empty list does not send the person to the form they cannot use
  await page.waitForSelector('#interview-list .empty');
  const empty = (await page.textContent('#interview-list .empty')).trim();
  expect(empty === 'No interviews yet.', `the empty list says: ${empty}`);
  await view('features-interviews');
  await context.close();
}

const CASES = [
  ['tailor_says_so_and_scores_keywords', tailorSaysSoAndScoresKeywords],
  ['interviews_say_so', interviewsSaySo],
];

state.browser = await launch();
try {
  await runCases(CASES);
} finally {
  await state.browser.close();
}
