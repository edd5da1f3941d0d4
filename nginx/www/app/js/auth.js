// auth.js - how this deployment signs in: GET /api/auth/config says
// {"mode":"development"} (POST/DELETE /api/session mint and clear a
// development session) or {"mode":"clerk","publishable_key","frontend_api"}
// (ClerkJS, loaded from the Clerk frontend host only, sets and refreshes
// the __session cookie).

import { api } from './api.js';

let configPromise = null;
let clerkPromise = null;

export function authConfig() {
  if (configPromise === null) {
    configPromise = api('GET', '/api/auth/config').then((r) => (r.ok ? r.data : null));
  }
  return configPromise;
}

const FRONTEND_API = /^[a-z0-9.-]+\.[a-z]{2,}$/i;

// ClerkJS, loaded and ready (window.Clerk), for a {"mode":"clerk"} config.
export function loadClerk(config) {
  if (clerkPromise === null) {
    clerkPromise = new Promise((resolve, reject) => {
      if (!FRONTEND_API.test(config.frontend_api || '')) {
        reject(new Error('bad Clerk frontend host'));
        return;
      }
      const s = document.createElement('script');
      s.src = `https://${config.frontend_api}/npm/@clerk/clerk-js@5/dist/clerk.browser.js`;
      s.async = true;
      s.crossOrigin = 'anonymous';
      s.dataset.clerkPublishableKey = config.publishable_key;
      s.addEventListener('load', () => {
        window.Clerk.load().then(() => resolve(window.Clerk), reject);
      });
      s.addEventListener('error', () => reject(new Error('ClerkJS did not load')));
      document.head.appendChild(s);
    });
  }
  return clerkPromise;
}

// Ends the session: ClerkJS's signOut in production, else clears the
// development cookie.
export async function signOut() {
  const config = await authConfig();
  if (config && config.mode === 'clerk') {
    const clerk = await loadClerk(config);
    await clerk.signOut();
    return;
  }
  await api('DELETE', '/api/session');
}

// Where to go after signing in: a path of this site's /app/ only.
export function safeNext(raw) {
  if (typeof raw === 'string' && /^\/app\/[^\\]*$/.test(raw) && !raw.startsWith('//')) {
    return raw;
  }
  return '/app/';
}
