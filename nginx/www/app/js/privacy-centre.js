// privacy-centre.js - /app/privacy: the rights of the user's regime (GET
// /api/privacy/region), the analytics consent (PATCH /api/me
// {consent: {analytics}}; the server's rule: GPC or a refusal turns it off
// everywhere, GDPR is off until granted, CCPA and baseline are on unless
// refused), the export (GET /api/me/export?format=json|zip, plain links:
// the session cookie goes with them) and the account's erasure (DELETE
// /api/me after a typed confirmation; what it does to the sign-in account
// is said before, from /api/me's deletesSignInAccount, and after, from the
// receipt's signInAccount), which shows the receipt and ends
// the session.
import { api, problemText } from './api.js';
import { announce, setBusy, start } from './shell.js';
import { clear, formatDate, h } from './dom.js';
import { endSession } from './session-end.js';

const $ = (id) => document.getElementById(id);
const CONFIRM_WORD = 'DELETE';

const REGIMES = {
  gdpr: 'the GDPR',
  ccpa: 'the CCPA (California)',
  baseline: 'our baseline rules',
};

function regionSummary(region) {
  const where = region.subdivision || region.country;
  const how = region.source === 'profile' ? 'the residence you declared'
    : region.source === 'ip' ? 'where your connection comes from'
      : 'no known location, so the strictest rules';
  return `${where ? `You are in ${where}, going by ${how}` : `We used ${how}`}: ` +
    `${REGIMES[region.regime] || region.regime} applies. We answer requests within ` +
    `${region.responseDays} days.`;
}

function renderRegion(region) {
  $('region-summary').textContent = regionSummary(region);
  const list = $('region-rights');
  clear(list);
  for (const r of region.rights || []) {
    list.append(h('li', {}, h('strong', {}, r.name), ` — ${r.description}`));
  }
}

function defaultText(regime) {
  if (regime === 'gdpr') {
    return 'Under the GDPR analytics stay off until you opt in.';
  }
  return `Under ${REGIMES[regime] || regime} analytics are on unless you opt out.`;
}

function renderConsent(me, region) {
  const box = $('analytics-consent');
  const regime = region ? region.regime : 'gdpr';
  const choice = me.consent ? me.consent.analytics : 'unset';
  $('consent-default').textContent = defaultText(regime);
  box.checked = choice === 'granted' || (choice === 'unset' && regime !== 'gdpr');
  const eff = me.analytics || {};
  const history = (me.consent && me.consent.history) || [];
  const last = history.length ? history[history.length - 1] : null;
  const lastAt = last && last.at;
  $('consent-state').textContent =
    `${choice === 'unset' ? 'You have not chosen yet.' : `Your choice: ${choice}` +
      `${lastAt ? ` (${formatDate(lastAt)})` : ''}.`} ` +
    `Analytics for you right now: ${eff.state || 'off'}${eff.reason ? ` — ${eff.reason}` : ''}.`;
  const browserGpc = navigator.globalPrivacyControl === true;
  const serverGpc = Boolean(region && region.gpc);
  const gpc = $('consent-gpc');
  gpc.hidden = !(browserGpc || serverGpc);
  gpc.textContent = browserGpc || serverGpc
    ? 'Your browser sends Global Privacy Control' +
      `${serverGpc ? ', and our server received it' : ''}: no analytics are sent while it is ` +
      'on, whatever you choose here.'
    : '';
}

function wireConsent(state) {
  const box = $('analytics-consent');
  box.addEventListener('change', async () => {
    $('consent-error').textContent = '';
    const want = box.checked ? 'granted' : 'denied';
    box.disabled = true;
    const r = await api('PATCH', '/api/me', { json: { consent: { analytics: want } } });
    box.disabled = false;
    if (!r.ok) {
      box.checked = !box.checked;
      $('consent-error').textContent = problemText(r.data) ||
        `Your choice could not be saved (${r.status}).`;
      return;
    }
    state.me = r.data;
    renderConsent(state.me, state.region);
    announce(want === 'granted' ? 'Analytics consent granted.' : 'Analytics consent withdrawn.');
  });
}

// What the receipt says of the sign-in account: deleted at Clerk, or,
// on a server without CLERK_SECRET_KEY, left as it is (the data held here
// is erased either way).
function renderReceipt(receipt) {
  const kept = receipt.signInAccount === 'not_deleted';
  $('receipt-title').textContent = kept ? 'Your data is erased' : 'Your account is deleted';
  $('receipt-sign-in').textContent = kept
    ? 'Everything we held about you is erased. Your sign-in account (your login with our ' +
      'sign-in provider) was not deleted: this server is not set up to delete it. Contact ' +
      'support to have it removed.'
    : 'Everything we held about you is erased, and your sign-in account is deleted.';
  $('receipt-id').textContent = receipt.receiptId;
  $('receipt-at').textContent = formatDate(receipt.erasedAt);
  const body = $('receipt-counts').tBodies[0];
  clear(body);
  for (const [kind, n] of Object.entries(receipt.counts || {})) {
    body.append(h('tr', {}, h('th', { scope: 'row' }, kind), h('td', {}, String(n))));
  }
}

function wireDelete() {
  const form = $('delete-form');
  const input = $('delete-confirm');
  const error = $('delete-error');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    if (input.value.trim() !== CONFIRM_WORD) {
      error.textContent = `Type ${CONFIRM_WORD} in capitals to confirm.`;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    const button = $('delete-account');
    setBusy(button, true);
    announce('Deleting your account…');
    const r = await api('DELETE', '/api/me');
    setBusy(button, false);
    if (!r.ok) {
      error.textContent = problemText(r.data) || `Your account could not be deleted (${r.status}).`;
      return;
    }
    $('privacy-centre').hidden = true;
    renderReceipt(r.data);
    $('receipt').hidden = false;
    await endSession();
    $('receipt-title').focus();
    announce(`${$('receipt-title').textContent} and you are signed out.`);
  });
}

async function main() {
  const me = await start({ auth: 'user' });
  if (!me) {
    return;
  }
  const state = { me, region: null };
  const r = await api('GET', '/api/privacy/region');
  const box = $('privacy-state');
  clear(box);
  if (r.ok) {
    state.region = r.data;
    renderRegion(r.data);
  } else {
    box.append(h('p', { class: 'error' },
      problemText(r.data) || `Your region could not be looked up (${r.status}).`));
    $('region-summary').textContent = 'We could not tell where you are; the strictest rules apply.';
  }
  renderConsent(me, state.region);
  wireConsent(state);
  if (me.deletesSignInAccount === false) {
    $('delete-sign-in').textContent = '; your sign-in account (your login with our sign-in ' +
      'provider) is not deleted, as this server is not set up to delete it';
  }
  wireDelete();
  $('privacy-centre').hidden = false;
}

main();
