// interviews.js - /app/interviews: start a mock interview (POST
// /api/interviews, with one of the user's resumes if they like) and the
// list of past ones (GET /api/interviews) with their scores and how they
// were spoken, each deletable after a confirmation (DELETE
// /api/interviews/{id}); above it, the list's trend: the last finished
// interviews' scores and pace as charts, and their averages in words.
import { api, problemText, problemsByPath } from './api.js';
import { offered } from './features.js';
import { announce, setBusy, start } from './shell.js';
import { clear, h } from './dom.js';
import { languageName, shortDate } from './rehearsal-text.js';
import { barChart } from './chart.js';
import { PACE_RANGE, round } from './delivery.js';

const FIELDS = ['role', 'level', 'language', 'questionCount', 'resumeId', 'jobDescription'];

function showFieldErrors(form, byPath) {
  for (const name of FIELDS) {
    const input = form.elements[name];
    const box = document.getElementById(`${name}-error`);
    const text = byPath[name] || '';
    box.textContent = text;
    if (text) {
      input.setAttribute('aria-invalid', 'true');
    } else {
      input.removeAttribute('aria-invalid');
    }
  }
}

async function loadResumes(select) {
  const r = await api('GET', '/api/resumes?limit=100');
  if (!r.ok) {
    return; // the interview works without a resume
  }
  for (const item of r.data.items || []) {
    select.append(h('option', { value: item.id }, item.title || 'Untitled resume'));
  }
}

function body(form) {
  const out = { role: form.elements.role.value.trim() };
  const level = form.elements.level.value;
  if (level) {
    out.level = level;
  }
  out.language = form.elements.language.value;
  const count = Number(form.elements.questionCount.value);
  out.questionCount = Number.isInteger(count) ? count : form.elements.questionCount.value;
  if (form.elements.resumeId.value) {
    out.resumeId = form.elements.resumeId.value;
  }
  const jd = form.elements.jobDescription.value.trim();
  if (jd) {
    out.jobDescription = jd;
  }
  return out;
}

function wireForm(form) {
  const error = document.getElementById('form-error');
  const button = document.getElementById('start-interview');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const payload = body(form);
    const local = {};
    if (!payload.role) {
      local.role = 'Give the role you are rehearsing for.';
    }
    showFieldErrors(form, local);
    if (Object.keys(local).length) {
      form.elements.role.focus();
      return;
    }
    setBusy(button, true);
    announce('Starting the interview: writing the first question…');
    const r = await api('POST', '/api/interviews', { json: payload });
    setBusy(button, false);
    if (r.ok) {
      window.location.assign(`/app/interviews/${encodeURIComponent(r.data.id)}`);
      return;
    }
    const byPath = r.status === 422 ? Object.fromEntries(problemsByPath(r.data)) : {};
    showFieldErrors(form, byPath);
    error.textContent = problemText(r.data) || `The interview could not be started (${r.status}).`;
    const first = FIELDS.find((f) => byPath[f]);
    (first ? form.elements[first] : error).focus();
  });
}

function statusText(item) {
  if (item.status === 'completed') {
    return typeof item.score === 'number' ? `Finished · score ${item.score} out of 100` : 'Finished';
  }
  return `${item.answered} of ${item.questionCount} answered`;
}

// "142 words a minute · 2.1 fillers a minute", or '' for typed interviews.
function deliveryText(d) {
  if (!d) {
    return '';
  }
  const parts = [];
  if (typeof d.wordsPerMinute === 'number') {
    parts.push(`${round(d.wordsPerMinute)} words a minute`);
  }
  if (typeof d.fillersPerMinute === 'number') {
    parts.push(`${round(d.fillersPerMinute, 1)} fillers a minute`);
  }
  return parts.join(' · ');
}

function renderTrend(trend, items) {
  const section = document.getElementById('trend');
  const done = (trend && trend.interviews) || [];
  section.hidden = done.length === 0;
  if (!done.length) {
    return;
  }
  const roles = new Map(items.map((i) => [i.id, i.role]));
  const label = (t) => `${shortDate(t.completedAt)}${roles.has(t.id) ? ` · ${roles.get(t.id)}` : ''}`;
  const avg = trend.averages || {};
  const said = [done.length === 1
    ? `Your finished interview scored ${done[0].score} out of 100`
    : `Your last ${done.length} finished interviews scored ${round(avg.score)} out of 100 on average`];
  if (typeof avg.wordsPerMinute === 'number') {
    said.push(`you spoke at ${round(avg.wordsPerMinute)} words a minute ` +
      `(comfortable: ${PACE_RANGE[0]} to ${PACE_RANGE[1]})`);
  }
  if (typeof avg.fillersPerMinute === 'number') {
    said.push(`with ${round(avg.fillersPerMinute, 1)} filler words a minute`);
  }
  document.getElementById('trend-summary').textContent = `${said.join(', ')}.`;

  const scores = document.getElementById('trend-scores');
  scores.querySelector('svg')?.remove();
  scores.append(barChart(done.map((t) => ({ label: label(t), value: t.score })),
    { max: 100, title: 'Overall scores, oldest first', idPrefix: 'trend-score' }));
  const pace = document.getElementById('trend-pace');
  pace.querySelector('svg')?.remove();
  const spoken = done.filter((t) => typeof t.wordsPerMinute === 'number');
  pace.hidden = spoken.length === 0;
  if (spoken.length) {
    const rows = spoken.map((t) => ({ label: label(t), value: round(t.wordsPerMinute) }));
    pace.append(barChart(rows, { max: Math.max(200, ...rows.map((r) => r.value)),
      band: PACE_RANGE, title: 'Pace, words a minute, oldest first', idPrefix: 'trend-pace',
      describe: (r) => `${r.label}: ${r.value} words a minute` }));
  }
}

// What an empty list says: where to start one, unless this server cannot.
let emptyText = 'No interviews yet. Start one above.';

function renderList(box, items, dialog) {
  clear(box);
  box.setAttribute('aria-busy', 'false');
  if (!items.length) {
    box.append(h('p', { class: 'empty' }, emptyText));
    return;
  }
  const list = h('ul', { class: 'card-list', id: 'interviews' });
  for (const item of items) {
    const link = h('a', { href: `/app/interviews/${encodeURIComponent(item.id)}` },
      item.level ? `${item.role} (${item.level})` : item.role);
    const del = h('button', { type: 'button', class: 'secondary danger-text',
      'aria-label': `Delete the interview for ${item.role} of ${shortDate(item.createdAt)}` },
    'Delete');
    const li = h('li', { class: 'card', 'data-id': item.id },
      h('div', { class: 'card-main' },
        h('h3', {}, link),
        h('p', { class: 'meta' },
          `${shortDate(item.createdAt)} · ${languageName(item.language)} · ${statusText(item)}`),
        item.delivery ? h('p', { class: 'meta' }, deliveryText(item.delivery)) : null),
      h('div', { class: 'card-actions' }, del));
    del.addEventListener('click', () => confirmDelete(dialog, item, li, box));
    list.append(li);
  }
  box.append(list);
}

function confirmDelete(dialog, item, li, box) {
  document.getElementById('confirm-text').textContent =
    `The interview for ${item.role} of ${shortDate(item.createdAt)} — its questions, ` +
    'transcript and report — is deleted for good.';
  const opener = document.activeElement;
  dialog.returnValue = '';
  dialog.showModal();
  document.getElementById('confirm-cancel').focus();
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'delete') {
      if (opener) {
        opener.focus();
      }
      return;
    }
    const r = await api('DELETE', `/api/interviews/${encodeURIComponent(item.id)}`);
    if (r.ok || r.status === 404) {
      li.remove();
      announce('The interview was deleted.');
      if (item.status === 'completed') {
        loadList(box, dialog); // its score leaves the trend
      }
      if (!box.querySelector('li')) {
        clear(box);
        box.append(h('p', { class: 'empty' }, emptyText));
      }
      document.getElementById('past-title').focus();
    } else {
      announce(problemText(r.data) || `The interview could not be deleted (${r.status}).`);
      if (opener) {
        opener.focus();
      }
    }
  }, { once: true });
}

async function loadList(box, dialog) {
  const items = [];
  let cursor = null;
  let trend = null;
  do {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const r = await api('GET', `/api/interviews?limit=100${q}`);
    if (!r.ok) {
      clear(box);
      box.setAttribute('aria-busy', 'false');
      box.append(h('p', { class: 'error', role: 'alert' },
        problemText(r.data) || `Your interviews could not be loaded (${r.status}).`));
      return;
    }
    items.push(...(r.data.items || []));
    trend = trend || r.data.trend; // the same on every page
    cursor = r.data.next;
  } while (cursor && items.length < 500);
  renderList(box, items, dialog);
  renderTrend(trend, items);
}

async function main() {
  const me = await start({ auth: 'user' });
  if (!me) {
    return;
  }
  document.getElementById('past-title').setAttribute('tabindex', '-1');
  const form = document.getElementById('new-interview');
  wireForm(form);
  if (!await offered('interviews', form, 'Mock interviews are not available on '
    + 'this server: they need GPT-4o, which is not set up here. Your past interviews and their '
    + 'reports are below.')) {
    for (const el of form.elements) {
      el.disabled = true;
    }
    emptyText = 'No interviews yet.';
  } else {
    await offered('spokenAnswers', form, 'Spoken answers are not available '
      + 'on this server: you can still rehearse by reading the questions and typing your answers.');
  }
  await Promise.all([
    loadResumes(form.elements.resumeId),
    loadList(document.getElementById('interview-list'),
      document.getElementById('confirm-delete')),
  ]);
}

main();
