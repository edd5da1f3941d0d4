// resumes.js - /app/: the signed-in user's resumes, a page at a time
// (GET /api/resumes), a new empty one (POST /api/resumes {}), an imported
// resume.json (the file's JSON posted as is: the API's import), and
// deleting one after an inline confirmation.

import { api, problemText, problemsByPath } from './api.js';
import { announce, setBusy, start } from './shell.js';
import { clear, formatDate, h, setNotice } from './dom.js';

const list = document.getElementById('resume-list');
const status = document.getElementById('list-status');
const more = document.getElementById('more');
const newButton = document.getElementById('new-resume');
const importInput = document.getElementById('import-file');
const importProblems = document.getElementById('import-problems');
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
    h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${r.title}`,
      on: { click: () => confirmDelete(li, r, tools) } }, 'Delete'));
  li.append(h('div', {}, title, h('br'), meta), tools);
  return li;
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
  setStatus('You have no resumes yet. Create a new one, or import a resume.json file.', '');
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

importInput.addEventListener('change', async () => {
  clear(importProblems);
  const file = importInput.files && importInput.files[0];
  if (!file) {
    return;
  }
  let doc;
  try {
    doc = JSON.parse(await file.text());
  } catch {
    importProblems.append(`${file.name} is not a JSON file.`);
    importInput.value = '';
    return;
  }
  const r = await create(doc, `Imported ${file.name}`);
  importInput.value = '';
  if (!r) {
    return;
  }
  importProblems.append(h('p', {}, `${file.name} could not be imported: ${problemText(r.data)}`));
  const problems = problemsByPath(r.data);
  if (problems.size) {
    importProblems.append(h('ul', {}, [...problems].map(([path, msg]) => h('li', {}, h('code', {}, path), ` — ${msg}`))));
  }
});

more.addEventListener('click', loadPage);

await start({ auth: 'user' });
await loadPage();
