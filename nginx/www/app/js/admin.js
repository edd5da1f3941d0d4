// admin.js - /app/admin, the staff console (staff only: the shell sends
// anyone else away).  Deletion requests (GET /api/admin/privacy-requests,
// earliest due first) are worked through their steps: verify the
// requester's identity (POST .../verify {method, note}), execute the
// erasure (POST .../execute; running it again finishes an interrupted
// one), or close without erasure (POST .../close {reason}).  Support
// tickets are listed with filters (GET /api/admin/tickets?status=&from=&to=
// &cursor=) and their status changed (PATCH /api/admin/tickets/{ticket}).
// A ticket opens whole (GET /api/admin/tickets/{ticket}: the message, the
// history of status changes, notes, replies and request steps) with a
// reply box (POST .../replies {message}, sent by email).  After every
// action (verify, execute, close, status, reply) the ticket is read again
// and its row and open view redrawn, so nothing stays out of date until a
// reload.  GET /api/admin/config says first what this server cannot do
// (no mail relay, no Clerk key), so nobody types a reply that cannot go.
import { api, problemText, problemsByPath } from './api.js';
import { announce, setBusy, start } from './shell.js';
import { clear, formatDate, h, setNotice } from './dom.js';
import { shortDate } from './rehearsal-text.js';

const $ = (id) => document.getElementById(id);
const STATUSES = ['open', 'pending', 'closed'];

// A failed answer's sentence: its first field's message, else the
// problem's, else what failed with the status.
function failureText(r, what) {
  return [...problemsByPath(r.data).values()][0] || problemText(r.data) || `${what} (${r.status}).`;
}

// ---- deletion requests -----------------------------------------------------------

function daysText(item) {
  if (item.overdue) {
    const late = Math.abs(item.daysLeft);
    return late ? `Overdue by ${late} day${late === 1 ? '' : 's'}` : 'Overdue';
  }
  return `${item.daysLeft} day${item.daysLeft === 1 ? '' : 's'} left`;
}

function stepForm(item, kind) {
  const id = `${kind}-${item.id}`;
  const fields = [];
  if (kind === 'verify') {
    fields.push(h('div', { class: 'field' },
      h('label', { for: `${id}-method` }, 'How was the identity checked?'),
      h('input', { id: `${id}-method`, name: 'method', type: 'text', maxlength: '200',
        required: true, placeholder: 'e.g. email reply from the address' })));
    fields.push(h('div', { class: 'field' },
      h('label', { for: `${id}-note` }, 'Note (optional)'),
      h('input', { id: `${id}-note`, name: 'note', type: 'text', maxlength: '2000' })));
  } else if (kind === 'close') {
    fields.push(h('div', { class: 'field' },
      h('label', { for: `${id}-reason` }, 'Reason for closing without erasure'),
      h('input', { id: `${id}-reason`, name: 'reason', type: 'text', maxlength: '2000',
        required: true })));
  }
  const labels = { verify: 'Mark verified', execute: item.status === 'executing'
    ? 'Finish the erasure' : 'Execute the erasure', close: 'Close the request' };
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
  const button = h('button', { type: 'submit', class: kind === 'execute' ? 'danger' : '' },
    labels[kind]);
  const form = h('form', { class: `step step-${kind}`, novalidate: true,
    'aria-label': `${labels[kind]}: ${item.id}` }, ...fields, error, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = {};
    for (const input of form.querySelectorAll('input')) {
      if (input.value.trim()) {
        body[input.name] = input.value.trim();
      } else if (input.required) {
        error.textContent = 'Fill this in first.';
        input.focus();
        return;
      }
    }
    if (kind === 'execute' && !window.confirm(`Erase every account and ticket of ${item.email}? ` +
      'This cannot be undone.')) {
      return;
    }
    setBusy(button, true);
    const r = await api('POST', `/api/admin/privacy-requests/${encodeURIComponent(item.id)}/${kind}`,
      kind === 'execute' ? {} : { json: body });
    setBusy(button, false);
    if (!r.ok) {
      error.textContent = failureText(r, 'The step failed');
      return;
    }
    const now = r.data.privacyRequest ? r.data.privacyRequest.status : kind;
    announce(`Request ${item.id}: ${now}.`);
    showTicketData(r.data);
    await loadRequests();
    $('requests-title').focus();
  });
  return form;
}

function requestCard(item) {
  const steps = [];
  if (item.status === 'open') {
    steps.push(stepForm(item, 'verify'));
  }
  if (item.status === 'verified' || item.status === 'executing') {
    steps.push(stepForm(item, 'execute'));
  }
  if (item.status === 'open' || item.status === 'verified') {
    steps.push(stepForm(item, 'close'));
  }
  return h('li', { class: `card request${item.overdue ? ' overdue' : ''}`, 'data-id': item.id },
    h('div', { class: 'card-main' },
      h('h3', {}, item.id, ' ', h('span', { class: `badge status-${item.status}` }, item.status),
        item.overdue ? h('span', { class: 'badge overdue' }, 'Overdue') : null),
      h('p', {}, `${item.name || 'No name'} <${item.email || 'no email'}>`),
      h('p', { class: 'meta' }, `${(item.regime || '').toUpperCase()} · opened ` +
        `${shortDate(item.openedAt)} · due ${shortDate(item.dueAt)} · `,
      h('strong', { class: 'days-left' }, daysText(item))),
      item.verification ? h('p', { class: 'meta' },
        `Verified by ${item.verification.method}` +
        `${item.verification.note ? ` (${item.verification.note})` : ''}`) : null),
    h('div', { class: 'card-actions steps' }, ...steps));
}

async function loadRequests() {
  const box = $('requests');
  box.setAttribute('aria-busy', 'true');
  const r = await api('GET', '/api/admin/privacy-requests');
  clear(box);
  box.setAttribute('aria-busy', 'false');
  if (!r.ok) {
    $('requests-summary').textContent = '';
    box.append(h('p', { class: 'error' },
      problemText(r.data) || `The requests could not be loaded (${r.status}).`));
    return;
  }
  const { items = [], count = 0, overdue = 0 } = r.data;
  $('requests-summary').textContent = `${count} open request${count === 1 ? '' : 's'}` +
    `${overdue ? `, ${overdue} overdue` : ''}.`;
  if (!items.length) {
    box.append(h('p', { class: 'empty' }, 'No deletion requests are waiting.'));
    return;
  }
  box.append(h('ul', { class: 'card-list', id: 'request-list' }, ...items.map(requestCard)));
}

// ---- tickets ----------------------------------------------------------------------

const tickets = { query: '', next: null };

function statusControl(t) {
  const id = `status-${t.ticket}`;
  const select = h('select', { id, name: 'status' },
    ...STATUSES.map((s) => h('option', { value: s, selected: s === t.status }, s)));
  const button = h('button', { type: 'submit', class: 'secondary' }, 'Save');
  const form = h('form', { class: 'inline-form' },
    h('label', { for: id, class: 'visually-hidden' }, `Status of ${t.ticket}`), select, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setBusy(button, true);
    const r = await api('PATCH', `/api/admin/tickets/${encodeURIComponent(t.ticket)}`,
      { json: { status: select.value } });
    setBusy(button, false);
    if (!r.ok) {
      announce(problemText(r.data) || `The ticket could not be changed (${r.status}).`);
      select.value = t.status;
      return;
    }
    announce(`${t.ticket} is now ${r.data.status}.`);
    showTicketData(r.data);
  });
  return form;
}

function ticketRow(t) {
  const pr = t.privacyRequest;
  return h('tr', { 'data-ticket': t.ticket },
    h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link open-ticket',
      'aria-label': `Open ticket ${t.ticket}`, on: { click: () => openTicket(t.ticket) } },
    t.ticket)),
    // data-label names each value where a narrow screen stacks the row (app.css)
    h('td', { 'data-label': 'Subject' }, t.subject || '',
      pr ? h('span', { class: 'badge' }, `deletion: ${pr.status}`) : null),
    h('td', { 'data-label': 'From' }, t.name ? `${t.name} <${t.email || ''}>` : (t.email || '')),
    h('td', { 'data-label': 'Created' }, formatDate(t.createdAt)),
    h('td', { 'data-label': 'Status' }, statusControl(t)));
}

async function loadTickets(append) {
  const box = $('tickets');
  $('tickets-error').textContent = '';
  box.setAttribute('aria-busy', 'true');
  const cursor = append && tickets.next ? `&cursor=${encodeURIComponent(tickets.next)}` : '';
  const r = await api('GET', `/api/admin/tickets?limit=50${tickets.query}${cursor}`);
  box.setAttribute('aria-busy', 'false');
  if (!r.ok) {
    $('tickets-error').textContent = failureText(r, 'The tickets could not be loaded');
    return;
  }
  let body = box.querySelector('tbody');
  if (!append || !body) {
    clear(box);
    body = h('tbody');
    box.append(h('div', { class: 'table-scroll', tabindex: '0', role: 'region',
      'aria-labelledby': 'tickets-title' },
    h('table', { id: 'ticket-table' },
      h('caption', { class: 'visually-hidden' }, 'Support tickets, newest first'),
      h('thead', {}, h('tr', {}, ...['Ticket', 'Subject', 'From', 'Created', 'Status']
        .map((c) => h('th', { scope: 'col' }, c)))),
      body)));
  }
  for (const t of r.data.items || []) {
    body.append(ticketRow(t));
  }
  tickets.next = r.data.next || null;
  if (!body.rows.length) {
    // a page looks at a bounded number of tickets: none found yet is not
    // none at all while the API gives a cursor to go on
    clear(box);
    box.append(h('p', { class: 'empty' }, tickets.next
      ? 'None among the tickets looked at so far: show more to look further.'
      : 'No tickets match these filters.'));
  }
  $('more-tickets').hidden = !tickets.next;
  announce(`${body.rows.length} ticket${body.rows.length === 1 ? '' : 's'} shown.`);
}

// ---- one ticket ---------------------------------------------------------------------

const current = { ticket: null, replies: true };

// Every dated event of a ticket, oldest first: status changes, notes,
// replies and the deletion request's steps.
function timeline(t) {
  const events = [];
  for (const x of t.history || []) {
    events.push({ at: x.at, who: x.staffId, kind: 'status', text: `Status ${x.from || '—'} → ${x.to}` });
  }
  for (const x of t.notes || []) {
    events.push({ at: x.at, who: x.staffId, kind: 'note', text: x.text });
  }
  for (const x of t.replies || []) {
    const state = x.status === 'sent' ? 'Reply sent' : x.status === 'failed'
      ? 'Reply NOT sent (the relay refused or was down)' : 'Reply being sent';
    events.push({ at: x.sentAt || x.at, who: x.staffId, kind: `reply reply-${x.status}`, title: state, text: x.text });
  }
  for (const x of (t.privacyRequest && t.privacyRequest.history) || []) {
    events.push({ at: x.at, who: x.staffId, kind: 'step', text: `Deletion request: ${x.action}${x.note ? ` — ${x.note}` : ''}` });
  }
  return events.sort((a, b) => String(a.at).localeCompare(String(b.at)));
}

function listItemOf(t) {
  const pr = t.privacyRequest;
  return { ticket: t.ticket, status: t.status, subject: t.subject, email: t.email, name: t.name,
    createdAt: t.createdAt, privacyRequest: pr ? { type: pr.type, status: pr.status, dueAt: pr.dueAt } : null };
}

function renderTicket(t) {
  const box = $('ticket-detail');
  const pr = t.privacyRequest;
  const events = timeline(t);
  clear(box);
  $('ticket-title').textContent = `Ticket ${t.ticket}`;
  box.append(h('div', {},
    h('p', { class: 'meta' }, `${t.name ? `${t.name} <${t.email || ''}>` : (t.email || 'Address erased')}` +
      ` · ${formatDate(t.createdAt)} · ${(t.regime || '').toUpperCase()} · `,
    h('span', { class: `badge status-${t.status}`, id: 'ticket-status' }, t.status)),
    h('h3', { id: 'ticket-subject' }, t.subject || ''),
    t.message !== undefined
      ? h('blockquote', { class: 'ticket-message', id: 'ticket-message' }, t.message)
      : h('p', { class: 'empty' }, 'The message was erased with the request.'),
    pr ? h('p', { class: 'meta', id: 'ticket-request' }, `Deletion request: ${pr.status} · due ${shortDate(pr.dueAt)}` +
      `${pr.outcome && pr.outcome.note ? ` · ${pr.outcome.note}` : ''}`) : null,
    h('h3', {}, 'History'),
    events.length
      ? h('ol', { class: 'timeline', id: 'ticket-history' }, ...events.map((e) => h('li', { class: e.kind },
        h('p', { class: 'meta' }, `${formatDate(e.at)} · ${e.who || ''}`, e.title ? ` · ${e.title}` : ''),
        h('p', { class: 'timeline-text' }, e.text))))
      : h('p', { class: 'empty', id: 'ticket-history' }, 'Nothing yet.')));
  const canReply = current.replies && Boolean(t.email);
  $('reply-message').disabled = !canReply;
  $('reply-send').disabled = !canReply;
  $('reply-hint').textContent = !current.replies
    ? 'Replies by email are not set up on this server (SMTP_URL); answer from your mail client.'
    : !t.email ? 'This ticket no longer holds an address to reply to.'
      : `Sent to ${t.email} as “Re: ${t.subject} [${t.ticket}]”, and kept in the history.`;
}

// The ticket as the API answered it after an action: its row and, when it
// is the one open, its view.
function showTicketData(t) {
  if (!t || !t.ticket) {
    return;
  }
  const row = document.querySelector(`#ticket-table tr[data-ticket="${CSS.escape(t.ticket)}"]`);
  if (row) {
    row.replaceWith(ticketRow(listItemOf(t)));
  }
  if (current.ticket === t.ticket) {
    renderTicket(t);
  }
}

async function openTicket(number) {
  const r = await api('GET', `/api/admin/tickets/${encodeURIComponent(number)}`);
  if (!r.ok) {
    announce(problemText(r.data) || `The ticket could not be loaded (${r.status}).`);
    return;
  }
  current.ticket = number;
  $('reply-message').value = '';
  $('reply-error').textContent = '';
  $('ticket-panel').hidden = false;
  showTicketData(r.data);
  $('ticket-title').focus();
}

function wireReply() {
  const form = $('reply-form');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('reply-message').value.trim();
    const error = $('reply-error');
    error.textContent = '';
    if (!text) {
      error.textContent = 'Write the reply first.';
      $('reply-message').focus();
      return;
    }
    const number = current.ticket;
    setBusy($('reply-send'), true);
    const r = await api('POST', `/api/admin/tickets/${encodeURIComponent(number)}/replies`,
      { json: { message: text } });
    setBusy($('reply-send'), false);
    if (!r.ok) {
      error.textContent = failureText(r, 'The reply was not sent');
      // a failed attempt is part of the history too
      const again = await api('GET', `/api/admin/tickets/${encodeURIComponent(number)}`);
      if (again.ok) {
        showTicketData(again.data);
      }
      return;
    }
    $('reply-message').value = '';
    showTicketData(r.data);
    announce(r.status === 201 ? `Reply sent to ${r.data.email}.` : 'This reply was already sent.');
  });
}

async function loadConfig() {
  const r = await api('GET', '/api/admin/config');
  if (!r.ok) {
    return;
  }
  const { replies, clerkAccounts } = r.data;
  current.replies = Boolean(replies && replies.available);
  setNotice($('smtp-notice'), current.replies ? '' : 'Replies by email are not set up on this ' +
    `server: set ${replies.missing} to send them from the console.`);
  setNotice($('clerk-notice'), clerkAccounts && !clerkAccounts.available
    ? 'Clerk is not configured here (CLERK_SECRET_KEY): executing a request erases the data ' +
      'held here, but not the sign-in account, and the request records that.' : '');
}

function wireTickets() {
  const form = $('ticket-filters');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const name of ['status', 'from', 'to']) {
      if (form.elements[name].value) {
        q.set(name, form.elements[name].value);
      }
    }
    tickets.query = q.toString() ? `&${q}` : '';
    tickets.next = null;
    loadTickets(false);
  });
  $('more-tickets').addEventListener('click', () => loadTickets(true));
  tickets.query = '&status=open';
}

async function main() {
  const me = await start({ auth: 'staff' });
  if (!me) {
    return;
  }
  clear($('admin-state'));
  $('console').hidden = false;
  wireTickets();
  wireReply();
  await Promise.all([loadConfig(), loadRequests(), loadTickets(false)]);
}

main();
