// The staff console (/app/admin) as a support agent uses it, in a real
// Chromium: a ticket opens whole (its message and history), a reply is
// typed and sent by email (the local relay of the Python test receives
// it) and shows in the history; a status change, and a deletion request's
// verify and execute, redraw the ticket's row and its open view without a
// reload; the notices say what this server cannot do (here: no Clerk key)
// before anyone acts; and a user's privacy centre on the same server says,
// before and after the deletion, that the sign-in account is not deleted.
// Views are checked with axe-core and screenshotted
// at 375 and 1280 px.
//
// Usage: JT_STAFF_ID=user_… JT_USER_ID=user_… JT_TICKET=JT-… JT_DELETION=JT-…
//        JT_REPLY=TEXT
//        node admin.mjs BASE_URL ARTIFACT_DIR
// JT_TICKET is an open ticket, JT_DELETION an open "Data Deletion Request".
// JT_NO_RELAY=1: the one case of a server without SMTP_URL instead.
//
// Output: "ok   browser NAME [NOTE]" / "FAIL browser NAME: REASON" lines,
// then "N passed, N failed" (lib.mjs runCases), read by
// tests/integration/test_browser_admin.py.

import {
  assertClean, axe, expect, launch, newPage, runCases, screenshot, setArtifactDir, signIn, view as checkView,
} from './lib.mjs';

const [baseArg, artifactArg] = process.argv.slice(2);
const env = process.env;
if (!baseArg || !artifactArg || !env.JT_STAFF_ID || !env.JT_USER_ID || !env.JT_TICKET || !env.JT_DELETION ||
    !env.JT_REPLY) {
  console.error('usage: JT_STAFF_ID=… JT_TICKET=… JT_DELETION=… JT_REPLY=… node admin.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
setArtifactDir(artifactArg);
const state = { page: null, seen: null };

const row = (t) => `#ticket-table tr[data-ticket="${t}"]`;
const text = async (sel) => (await state.page.textContent(sel) || '').trim();

const view = (name) => checkView(state.page, state.seen, name);

async function open(ticket) {
  await state.page.click(`${row(ticket)} button.open-ticket`);
  await state.page.waitForFunction((t) =>
    document.getElementById('ticket-title').textContent === `Ticket ${t}`, ticket);
}

async function consoleShowsNotices() {
  const { page } = state;
  state.seen.expectErrors(/status of 401/); // the sign-in page's GET /api/me
  await signIn(page, BASE, env.JT_STAFF_ID, '/app/admin');
  await page.waitForSelector('#console:not([hidden])');
  await page.waitForSelector(row(env.JT_TICKET));
  await page.waitForSelector('#clerk-notice:not([hidden])');
  expect((await text('#clerk-notice')).includes('CLERK_SECRET_KEY'),
    `the Clerk notice says: ${await text('#clerk-notice')}`);
  expect(await page.isHidden('#smtp-notice'), 'the mail relay is configured, yet a notice says otherwise');
}

async function ticketOpensWhole() {
  const { page } = state;
  await open(env.JT_TICKET);
  const message = await text('#ticket-message');
  expect(message.includes('The export stops at 40 %'), `the message shown is: ${message}`);
  expect((await text('#ticket-history')) === 'Nothing yet.', 'a new ticket shows history');
  expect(!(await page.isDisabled('#reply-message')), 'the reply box is disabled');
  expect((await text('#reply-hint')).includes(`[${env.JT_TICKET}]`), 'the hint names no subject line');
  await view('admin-ticket');
}

async function replyIsSentAndShown() {
  const { page } = state;
  await page.fill('#reply-message', env.JT_REPLY);
  const answered = page.waitForResponse((r) => r.url().endsWith(`/${env.JT_TICKET}/replies`));
  await page.click('#reply-send');
  const res = await answered;
  expect(res.status() === 201, `the reply answered ${res.status()}: ${await res.text()}`);
  await page.waitForSelector('#ticket-history li.reply-sent');
  const shown = await text('#ticket-history li.reply-sent .timeline-text');
  expect(shown === env.JT_REPLY, `the history shows: ${shown}`);
  expect((await page.inputValue('#reply-message')) === '', 'the reply box was not emptied');
  await view('admin-replied');
}

async function statusChangeRedrawsTheTicket() {
  const { page } = state;
  await page.selectOption(`${row(env.JT_TICKET)} select`, 'pending');
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH');
  await page.click(`${row(env.JT_TICKET)} button[type="submit"]`);
  expect((await patched).status() === 200, 'the status change failed');
  await page.waitForFunction(() => document.getElementById('ticket-status').textContent === 'pending');
  const history = await text('#ticket-history');
  expect(history.includes('Status open → pending'), `the history says: ${history}`);
  expect((await page.inputValue(`${row(env.JT_TICKET)} select`)) === 'pending', 'the row was not redrawn');
}

async function requestStepsRedrawTheTicket() {
  const { page } = state;
  const t = env.JT_DELETION;
  const card = `#request-list li[data-id="${t}"]`;
  await page.waitForSelector(row(t));
  await open(t);
  expect((await text('#ticket-request')).startsWith('Deletion request: open'), 'the request is not shown open');
  await page.fill(`${card} .step-verify input[name="method"]`, 'Reply from the address');
  await page.click(`${card} .step-verify button`);
  // the ticket's row and open view follow without a reload
  await page.waitForFunction((sel) => document.querySelector(sel).textContent.includes('deletion: verified'), row(t));
  await page.waitForFunction(() => document.getElementById('ticket-request').textContent.startsWith('Deletion request: verified'));
  page.once('dialog', (d) => d.accept());
  const executed = page.waitForResponse((r) => r.url().endsWith(`/${t}/execute`));
  await page.click(`${card} .step-execute button`);
  const res = await executed;
  expect(res.status() === 200, `execute answered ${res.status()}: ${await res.text()}`);
  await page.waitForFunction((sel) => document.querySelector(sel).textContent.includes('deletion: completed'), row(t));
  await page.waitForFunction(() => document.getElementById('ticket-request').textContent.startsWith('Deletion request: completed'));
  const request = await text('#ticket-request');
  expect(request.includes('CLERK_SECRET_KEY is not set'), `the outcome says: ${request}`);
  expect(await page.isDisabled('#reply-message'), 'an erased address can still be answered');
  expect((await text('#ticket-history')).includes('Deletion request: completed'), 'the steps are not in the history');
  await view('admin-executed');
}

// The privacy centre of a user on the same server (no Clerk key): before
// the deletion it says the sign-in account stays, and the receipt says so
// after it, rather than "your account is deleted".
async function privacyCentreTellsTheTruth(browser) {
  const opened = await newPage(browser, BASE);
  const { page, seen } = opened;
  try {
    seen.expectErrors(/status of 401/); // the sign-in page's GET /api/me
    await signIn(page, BASE, env.JT_USER_ID, '/app/privacy');
    await page.waitForSelector('#privacy-centre:not([hidden])');
    const before = (await page.textContent('#delete-sign-in')).trim();
    expect(before.includes('is not deleted'), `before the deletion the page says: ${before}`);
    await page.fill('#delete-confirm', 'DELETE');
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE' &&
      r.url().endsWith('/api/me'));
    await page.click('#delete-account');
    const res = await deleted;
    expect(res.status() === 200, `DELETE /api/me answered ${res.status()}`);
    expect((await res.json()).signInAccount === 'not_deleted', 'the receipt claims the sign-in account');
    await page.waitForSelector('#receipt:not([hidden])');
    const title = (await page.textContent('#receipt-title')).trim();
    const said = (await page.textContent('#receipt-sign-in')).trim();
    expect(title === 'Your data is erased', `the receipt's title is: ${title}`);
    expect(said.includes('was not deleted'), `the receipt says: ${said}`);
    await axe(page);
    await screenshot(page, 'privacy-receipt-no-clerk');
    await assertClean(page, seen);
  } finally {
    await opened.context.close();
  }
}

// On a server without SMTP_URL: the console says so, and a ticket's reply
// box is disabled before anyone types.
async function noRelaySaysSoFirst() {
  const { page } = state;
  state.seen.expectErrors(/status of 401/); // the sign-in page's GET /api/me
  await signIn(page, BASE, env.JT_STAFF_ID, '/app/admin');
  await page.waitForSelector('#smtp-notice:not([hidden])');
  const notice = await text('#smtp-notice');
  expect(notice.includes('SMTP_URL'), `the notice says: ${notice}`);
  await page.waitForSelector(row(env.JT_TICKET));
  await open(env.JT_TICKET);
  expect(await page.isDisabled('#reply-message'), 'the reply box takes text that cannot be sent');
  expect(await page.isDisabled('#reply-send'), 'the send button is enabled');
  expect((await text('#reply-hint')).includes('SMTP_URL'), 'the hint does not say why');
  await view('admin-no-relay');
}

async function main() {
  const browser = await launch();
  const opened = await newPage(browser, BASE);
  state.page = opened.page;
  state.seen = opened.seen;
  try {
    if (env.JT_NO_RELAY) {
      await runCases([['no_relay_says_so_first', noRelaySaysSoFirst]]);
      return;
    }
    await runCases([
      ['console_shows_notices', consoleShowsNotices],
      ['ticket_opens_whole', ticketOpensWhole, { needs: 'console_shows_notices' }],
      ['reply_is_sent_and_shown', replyIsSentAndShown, { needs: 'ticket_opens_whole' }],
      ['status_change_redraws_the_ticket', statusChangeRedrawsTheTicket, { needs: 'ticket_opens_whole' }],
      ['request_steps_redraw_the_ticket', requestStepsRedrawTheTicket, { needs: 'console_shows_notices' }],
      ['privacy_centre_tells_the_truth', () => privacyCentreTellsTheTruth(browser)],
    ]);
  } finally {
    await opened.context.close();
    await browser.close();
  }
}

await main();
