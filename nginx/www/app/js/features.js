// features.js - what this server offers (GET /api/features), so that a page
// whose feature needs GPT-4o or Sarvam AI says so before anyone fills its
// form, and says what still works, instead of failing after the button.
import { api } from './api.js';
import { h } from './dom.js';

let pending = null;

// {name: {available, missing}}, fetched once a page; null when it could
// not be read (the page then works as before: the route's own 503 says it).
export function features() {
  pending ||= api('GET', '/api/features').then((r) => (r.ok ? r.data.features : null), () => null);
  return pending;
}

// Is feature `name` available here?  When it is not, the notice `text`
// (that it is not available on this server, and what the page can still
// do) goes before the element `before`.  Unknown counts as available.
export async function offered(name, before, text) {
  const f = (await features())?.[name];
  if (!f || f.available) {
    return true;
  }
  before.before(h('p', { class: 'notice unavailable', 'data-feature': name }, text));
  return false;
}
