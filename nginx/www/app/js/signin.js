// signin.js - /app/signin: ClerkJS's sign-in in production; in development
// a form that mints a development session for a chosen user id (POST
// /api/session), which only a development server offers.  Afterwards the
// browser goes to ?next= (a path under /app/ only).

import { api, problemText, problemsByPath } from './api.js';
import { authConfig, loadClerk, safeNext } from './auth.js';
import { announce, setBusy } from './shell.js';
import { clear, h } from './dom.js';

const USER_ID = /^user_[A-Za-z0-9]{1,64}$/;
const status = document.getElementById('signin-status');
const area = document.getElementById('signin-area');
const next = safeNext(new URLSearchParams(location.search).get('next'));

function say(text, isError) {
  status.textContent = text;
  status.classList.toggle('error', Boolean(isError));
}

async function main() {
  const config = await authConfig();
  if (!config) {
    say('Sign-in is not available right now. Please try again later.', true);
    return;
  }
  const me = await api('GET', '/api/me');
  if (me.ok) {
    location.replace(next);
    return;
  }
  if (config.mode === 'clerk') {
    await clerkSignIn(config);
  } else {
    developmentSignIn();
  }
}

async function clerkSignIn(config) {
  let clerk;
  try {
    clerk = await loadClerk(config);
  } catch {
    say('Sign-in could not be loaded. Check your connection and reload the page.', true);
    return;
  }
  if (clerk.user) {
    location.replace(next);
    return;
  }
  say('');
  const mount = h('div', { id: 'clerk-sign-in' });
  area.append(mount);
  clerk.mountSignIn(mount, { forceRedirectUrl: next, signUpForceRedirectUrl: next });
}

function developmentSignIn() {
  say('This is a development server: choose any user id to sign in as. There is no password.');
  const input = h('input', {
    type: 'text', id: 'user-id', name: 'userId', required: true, value: 'user_dev',
    autocomplete: 'username', spellcheck: 'false', pattern: USER_ID.source,
    'aria-describedby': 'user-id-hint user-id-error',
  });
  const error = h('p', { class: 'field-error', id: 'user-id-error' });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { id: 'dev-signin', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'user-id' }, 'User id'),
      input,
      h('p', { class: 'hint', id: 'user-id-hint' }, '“user_” followed by letters and digits, like user_dev.'),
      error),
    button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const userId = input.value.trim();
    if (!USER_ID.test(userId)) {
      showError('Give “user_” followed by 1 to 64 letters and digits.');
      return;
    }
    setBusy(button, true);
    const r = await api('POST', '/api/session', { json: { userId } });
    setBusy(button, false);
    if (r.ok) {
      announce('Signed in.');
      location.assign(next);
      return;
    }
    showError(problemsByPath(r.data).get('userId') || problemText(r.data));
  });
  function showError(text) {
    error.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  clear(area);
  area.append(form);
}

main();
