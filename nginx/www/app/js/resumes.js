// resumes.js - /app/: the signed-in user's resumes by their titles, a page
// at a time (GET /api/resumes), a new empty one (POST /api/resumes {}), a
// copy of one (POST /api/resumes/{id}/duplicate, listed first), deleting
// one after an inline confirmation, and importing the resume a person already
// has: a file (PDF, Word, LinkedIn's ZIP, text, JSON Resume) or pasted text
// goes to POST /api/resumes/import, which stores nothing and answers a
// draft.  The draft is handed to the editor through sessionStorage
// (draft.js) and opened at /app/resumes/import, where the person checks it
// and saves it, or not.

import { api, problemText, upload } from './api.js';
import { dropDraft, getDraft, putDraft } from './draft.js';
import { announce, setBusy, start } from './shell.js';
import { clear, formatDate, h, setNotice } from './dom.js';

const list = document.getElementById('resume-list');
const status = document.getElementById('list-status');
const more = document.getElementById('more');
const newButton = document.getElementById('new-resume');
const importInput = document.getElementById('import-file');
const importProblems = document.getElementById('import-problems');
const importLabel = document.querySelector('label[for="import-file"]');
const importSteps = document.getElementById('import-steps');
const importStatus = document.getElementById('import-status');
const paste = document.getElementById('paste');
const pasteForm = document.getElementById('paste-form');
const pasteText = document.getElementById('import-text');
const pasteError = document.getElementById('import-text-error');
const pasteButton = document.getElementById('import-paste');
let cursor = null;

function setStatus(text, kind) {
  setNotice(status, text, kind);
}

function item(r) {
  const li = h('li', { dataset: { id: r.id } });
  const title = h('a', { class: 'item-title', href: `/app/resumes/${encodeURIComponent(r.id)}` }, r.title);
  const meta = h('span', { class: 'item-meta' }, `Updated ${formatDate(r.updatedAt)} · version ${r.version}`);
  const tools = h('div', { class: 'entry-tools' },
    h('a', { class: 'button secondary small', href: `/app/resumes/${encodeURIComponent(r.id)}/tailor`,
      'aria-label': `Tailor ${r.title}` }, 'Tailor'),
    h('button', { type: 'button', class: 'secondary small', dataset: { action: 'duplicate' },
      'aria-label': `Duplicate ${r.title}`, on: { click: (ev) => duplicate(r, ev.currentTarget) } }, 'Duplicate'),
    h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${r.title}`,
      on: { click: () => confirmDelete(li, r, tools) } }, 'Delete'));
  li.append(h('div', {}, title, h('br'), meta), tools);
  return li;
}

// The copy is listed first, its title focused.
async function duplicate(r, button) {
  setBusy(button, true);
  const res = await api('POST', `/api/resumes/${encodeURIComponent(r.id)}/duplicate`);
  setBusy(button, false);
  if (res.status !== 201 || !res.data) {
    setStatus(`${r.title} could not be duplicated: ${problemText(res.data)}`, 'error');
    return;
  }
  const copy = item(res.data);
  list.prepend(copy);
  setStatus('', '');
  announce(`Duplicated ${r.title}.`);
  copy.querySelector('.item-title').focus();
}

function confirmDelete(li, r, tools) {
  const box = h('div', { class: 'entry-tools', role: 'group', 'aria-label': `Delete ${r.title}?` });
  const yes = h('button', { type: 'button', class: 'danger', on: { click: () => remove(li, r, box) } },
    `Yes, delete “${r.title}”`);
  const no = h('button', { type: 'button', class: 'secondary', on: { click: () => {
    box.replaceWith(tools);
    tools.querySelector('button.danger').focus();
  } } }, 'Cancel');
  box.append(h('span', {}, 'Delete this resume and its tailorings?'), yes, no);
  tools.replaceWith(box);
  no.focus();
}

async function remove(li, r, box) {
  setBusy(box.querySelector('button.danger'), true);
  const res = await api('DELETE', `/api/resumes/${encodeURIComponent(r.id)}`);
  if (res.status === 204 || res.status === 404) {
    li.remove();
    announce(`Deleted ${r.title}.`);
    if (!list.children.length) {
      showEmpty();
    }
    newButton.focus();
    return;
  }
  setBusy(box.querySelector('button.danger'), false);
  setStatus(problemText(res.data), 'error');
}

function showEmpty() {
  setStatus('You have no resumes yet. Create a new one, or import the resume you have.', '');
}

async function loadPage() {
  setBusy(more, true);
  const q = new URLSearchParams({ limit: '20' });
  if (cursor) {
    q.set('cursor', cursor);
  }
  const r = await api('GET', `/api/resumes?${q}`);
  setBusy(more, false);
  if (!r.ok) {
    clear(status);
    status.className = 'notice error';
    status.hidden = false;
    status.append(problemText(r.data), ' ',
      h('button', { type: 'button', class: 'secondary small', on: { click: loadPage } }, 'Try again'));
    return;
  }
  for (const res of r.data.items) {
    list.append(item(res));
  }
  cursor = r.data.next;
  more.hidden = !cursor;
  if (!list.children.length) {
    showEmpty();
  } else {
    setStatus('', '');
  }
}

async function create(body, label) {
  const r = await api('POST', '/api/resumes', { json: body });
  if (r.status === 201) {
    announce(`${label}. Opening the editor.`);
    location.assign(`/app/resumes/${encodeURIComponent(r.data.id)}`);
    return null;
  }
  return r;
}

newButton.addEventListener('click', async () => {
  setBusy(newButton, true);
  const r = await create({}, 'Created a new resume');
  if (r) {
    setBusy(newButton, false);
    setStatus(problemText(r.data), 'error');
  }
});

// ---- import -----------------------------------------------------------------
// The media type the API reads a file as, by its extension: a browser's own
// guess is empty for .md on some systems, and the API sniffs only PDF and
// ZIP bytes.  Anything else is sent with the browser's type, and the API's
// 415 names what it takes.
const TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  zip: 'application/zip',
  txt: 'text/plain',
  md: 'text/markdown',
  json: 'application/json',
};
const SOURCES = { pdf: 'PDF', docx: 'Word file', linkedin: 'LinkedIn export', text: 'text', json: 'JSON Resume' };
const STEP_NAMES = { upload: 'Uploading', read: 'Reading the text', structure: 'Structuring the draft' };

function typeOf(file) {
  const ext = (file.name.match(/\.([A-Za-z0-9]+)$/) || [])[1];
  return TYPES[(ext || '').toLowerCase()] || file.type || 'application/octet-stream';
}

// Marks a step "active", "done" or "" (waiting) with a note, and says it
// in the live region when it starts.
function step(name, state, note = '') {
  const li = importSteps.querySelector(`li[data-step="${name}"]`);
  li.className = state;
  li.querySelector('.step-note').textContent = note;
  if (state === 'active') {
    li.setAttribute('aria-current', 'step');
    importStatus.textContent = `${STEP_NAMES[name]}…`;
  } else {
    li.removeAttribute('aria-current');
  }
}

function setImporting(on) {
  setBusy(importInput, on);
  setBusy(pasteButton, on);
  setBusy(pasteText, on);
  importLabel.classList.toggle('disabled', on);
  importLabel.setAttribute('aria-disabled', on ? 'true' : 'false');
}

// Sends body as type; on a draft, hands it to the editor and opens it.
async function importBody(body, type, name) {
  clear(importProblems);
  setImporting(true);
  importSteps.hidden = false;
  step('upload', 'active');
  step('read', '');
  step('structure', '');
  const r = await upload('/api/resumes/import', body, type, {
    onProgress: (sent, total) => {
      step('upload', 'active', total > 1024 ? `${Math.floor((sent * 100) / total)} %` : '');
    },
    onSent: () => {
      step('upload', 'done');
      step('read', 'active');
    },
  });
  if (!r.ok) {
    setImporting(false);
    importSteps.hidden = true;
    importStatus.textContent = '';
    importProblems.append(h('p', {}, `${name} could not be imported: ${problemText(r.data)}`));
    return false;
  }
  const d = r.data;
  const pages = d.source && d.source.pages ? `, ${d.source.pages} ${d.source.pages === 1 ? 'page' : 'pages'}` : '';
  step('upload', 'done');
  step('read', 'done', `(${SOURCES[d.source && d.source.type] || 'file'}${pages})`);
  step('structure', 'done', d.method === 'ai' ? '(with GPT-4o, checked against your file)' : '(on our server, without AI)');
  if (!putDraft({ ...d, name })) {
    setImporting(false);
    importProblems.append(h('p', {}, 'Your browser would not keep the draft for the editor '
      + '(its storage for this site is full or turned off).'));
    return false;
  }
  importStatus.textContent = 'The draft is ready. Opening it in the editor.';
  location.assign('/app/resumes/import');
  return true;
}

importInput.addEventListener('change', async () => {
  const file = importInput.files && importInput.files[0];
  if (!file) {
    return;
  }
  paste.open = false; // the steps and any error then show just below the picker
  await importBody(file, typeOf(file), file.name);
  importInput.value = '';
});

pasteForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  pasteError.textContent = '';
  pasteText.removeAttribute('aria-invalid');
  if (!pasteText.value.trim()) {
    pasteError.textContent = 'Paste the text of your resume first.';
    pasteText.setAttribute('aria-invalid', 'true');
    pasteText.focus();
    return;
  }
  const sent = await importBody(pasteText.value, 'text/plain; charset=utf-8', 'The pasted text');
  if (!sent) {
    pasteText.focus();
  }
});

// A draft imported earlier in this tab and neither saved nor discarded.
function offerPendingDraft() {
  const d = getDraft();
  if (!d) {
    return;
  }
  const box = h('div', { class: 'notice', id: 'pending-draft' },
    h('p', {}, `You imported ${d.name || 'a resume'} and have not saved it yet.`),
    h('p', { class: 'entry-tools' },
      h('a', { class: 'button small', href: '/app/resumes/import' }, 'Continue checking it'),
      h('button', { type: 'button', class: 'secondary small', on: { click: () => {
        dropDraft();
        box.remove();
        announce('The imported draft was discarded.');
        importLabel.focus();
      } } }, 'Discard it')));
  importSteps.before(box);
}

more.addEventListener('click', loadPage);

await start({ auth: 'user' });
offerPendingDraft();
await loadPage();
