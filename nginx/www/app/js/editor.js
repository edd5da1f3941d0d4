// editor.js - /app/resumes/<id>: every section of the JSON Resume the API
// accepts, as a form.
//
// The page keeps the whole document as `doc` (fields it does not show,
// like meta or $schema, stay as they were) and each control writes its
// value back into it.  Sections of entries can be added to, removed from
// and reordered with buttons.  Save is a PUT with If-Match (the ETag of
// the version loaded): a 422's problems are shown next to their fields by
// path ("work[2].startDate") and listed in a summary that links to them;
// a 412 says someone else saved first and offers the latest version.
//
// /app/resumes/import is a draft that is not a resume yet: the answer of
// POST /api/resumes/import that /app/ kept in sessionStorage (draft.js).
// The form is the same; above it a review panel lists the values GPT-4o
// gave that the file does not contain (`unverified`: each kept, edited or
// removed), the lines of the file the draft does not use (`unplaced`:
// copied or dismissed) and what the import changed (`warnings`).  Every
// change is kept in the tab's draft, so a reload loses nothing; Save is the
// ordinary POST /api/resumes, and the page becomes the saved resume's
// editor (its URL replaced) with the draft forgotten.

import { api, problemText, problemsByPath } from './api.js';
import { announce, setBusy, start } from './shell.js';
import { clear, h } from './dom.js';
import { dropDraft, getDraft, putDraft } from './draft.js';

const DATE_HINT = 'YYYY, YYYY-MM or YYYY-MM-DD';

// [key, label, kind]; kinds: text, email, url, tel, date, long, list, country
const SECTIONS = [
  { key: 'work', label: 'Work experience', one: 'job', title: ['position', 'name'], fields: [
    ['name', 'Company'], ['position', 'Position'], ['url', 'Company website', 'url'],
    ['location', 'Location'], ['description', 'What the company does'],
    ['startDate', 'Start date', 'date'], ['endDate', 'End date', 'date'],
    ['summary', 'Summary', 'long'], ['highlights', 'Highlights', 'list']] },
  { key: 'volunteer', label: 'Volunteering', one: 'volunteer role', title: ['position', 'organization'], fields: [
    ['organization', 'Organisation'], ['position', 'Position'], ['url', 'Website', 'url'],
    ['startDate', 'Start date', 'date'], ['endDate', 'End date', 'date'],
    ['summary', 'Summary', 'long'], ['highlights', 'Highlights', 'list']] },
  { key: 'education', label: 'Education', one: 'school', title: ['institution', 'area'], fields: [
    ['institution', 'Institution'], ['url', 'Website', 'url'], ['area', 'Area of study'],
    ['studyType', 'Degree'], ['startDate', 'Start date', 'date'], ['endDate', 'End date', 'date'],
    ['score', 'Grade'], ['courses', 'Courses', 'list']] },
  { key: 'awards', label: 'Awards', one: 'award', title: ['title'], fields: [
    ['title', 'Title'], ['date', 'Date', 'date'], ['awarder', 'Awarded by'], ['summary', 'Summary', 'long']] },
  { key: 'certificates', label: 'Certificates', one: 'certificate', title: ['name'], fields: [
    ['name', 'Name'], ['date', 'Date', 'date'], ['issuer', 'Issuer'], ['url', 'Link', 'url']] },
  { key: 'publications', label: 'Publications', one: 'publication', title: ['name'], fields: [
    ['name', 'Title'], ['publisher', 'Publisher'], ['releaseDate', 'Release date', 'date'],
    ['url', 'Link', 'url'], ['summary', 'Summary', 'long']] },
  { key: 'skills', label: 'Skills', one: 'skill', title: ['name'], fields: [
    ['name', 'Skill'], ['level', 'Level'], ['keywords', 'Keywords', 'list']] },
  { key: 'languages', label: 'Languages', one: 'language', title: ['language'], fields: [
    ['language', 'Language'], ['fluency', 'Fluency']] },
  { key: 'interests', label: 'Interests', one: 'interest', title: ['name'], fields: [
    ['name', 'Interest'], ['keywords', 'Keywords', 'list']] },
  { key: 'references', label: 'References', one: 'reference', title: ['name'], fields: [
    ['name', 'Name'], ['reference', 'Reference', 'long']] },
  { key: 'projects', label: 'Projects', one: 'project', title: ['name'], fields: [
    ['name', 'Name'], ['description', 'Description', 'long'], ['highlights', 'Highlights', 'list'],
    ['keywords', 'Keywords', 'list'], ['startDate', 'Start date', 'date'], ['endDate', 'End date', 'date'],
    ['url', 'Link', 'url'], ['roles', 'Roles', 'list'], ['entity', 'Organisation'], ['type', 'Type']] },
];
const BASICS = [
  ['name', 'Full name'], ['label', 'Headline', 'text', 'e.g. Backend Engineer'],
  ['email', 'Email', 'email'], ['phone', 'Phone', 'tel'], ['url', 'Website', 'url'],
  ['image', 'Photo URL'], ['summary', 'Summary', 'long']];
const LOCATION = [
  ['address', 'Street address'], ['postalCode', 'Postal code'], ['city', 'City'],
  ['region', 'Region or state'], ['countryCode', 'Country code', 'country', 'Two letters, like DE or US']];
const PROFILES = { key: 'profiles', label: 'Profiles', one: 'profile', title: ['network'], fields: [
  ['network', 'Network', 'text', 'e.g. GitHub'], ['username', 'Username'], ['url', 'Profile URL', 'url']] };

let id = decodeURIComponent(location.pathname.split('/')[3] || '');
// the import's draft while the page shows one (id "import"), else null
let draft = null;
const main = document.getElementById('main');
let doc = {};
let etag = null;
let title = '';
let dirty = false;
let controls = new Map(); // path -> the control showing it
let saveButtons = [];
let saveState;
let summaryBox;
let conflictBox;

// ---- paths -----------------------------------------------------------------
function fieldId(path) {
  return `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

// The control for a problem's path, or for the nearest path above it that
// has one ("projects[1].highlights[4]" is shown on the highlights box).
function controlFor(path) {
  let p = path;
  while (p) {
    if (controls.has(p)) {
      return { path: p, el: controls.get(p) };
    }
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return null;
}

function humanPath(path) {
  const c = controlFor(path);
  if (c) {
    const label = c.el.dataset.label || path;
    return c.path === path ? label : `${label} (${path})`;
  }
  return path;
}

// ---- controls ----------------------------------------------------------------
function markDirty() {
  if (!dirty) {
    dirty = true;
    saveState.textContent = 'Unsaved changes';
  }
  if (draft) {
    putDraft(draft);
  }
}

// One labelled control bound to obj[key], shown under path.
function field(obj, key, path, label, kind = 'text', hint = '', context = '') {
  const fid = fieldId(path);
  const hintId = `${fid}-hint`;
  const errId = `${fid}-error`;
  const value = obj[key];
  let control;
  const common = {
    id: fid, name: path, 'aria-describedby': `${hint || kind === 'date' || kind === 'list' ? `${hintId} ` : ''}${errId}`,
    dataset: { label: context ? `${context} › ${label}` : label },
  };
  if (kind === 'long' || kind === 'list') {
    control = h('textarea', { ...common, rows: kind === 'list' ? 4 : 5,
      value: kind === 'list' ? (Array.isArray(value) ? value.join('\n') : '') : (value || '') });
  } else {
    const type = { email: 'email', url: 'url', tel: 'tel' }[kind] || 'text';
    control = h('input', { ...common, type, value: typeof value === 'string' ? value : '',
      autocomplete: kind === 'email' ? 'email' : (kind === 'tel' ? 'tel' : 'off'),
      inputmode: kind === 'date' ? 'numeric' : null, maxlength: kind === 'country' ? 2 : null,
      spellcheck: kind === 'url' || kind === 'email' || kind === 'date' ? 'false' : null });
  }
  control.addEventListener('input', () => {
    if (kind === 'list') {
      const items = control.value.split('\n').map((s) => s.trim()).filter(Boolean);
      if (items.length) {
        obj[key] = items;
      } else {
        delete obj[key];
      }
    } else {
      const v = kind === 'long' ? control.value : control.value.trim();
      if (v) {
        obj[key] = kind === 'country' ? v.toUpperCase() : v;
      } else {
        delete obj[key];
      }
    }
    markDirty();
  });
  controls.set(path, control);
  const hintText = hint || (kind === 'date' ? DATE_HINT : '') || (kind === 'list' ? 'One per line.' : '');
  return h('div', { class: `field${kind === 'long' || kind === 'list' ? ' wide' : ''}` },
    h('label', { for: fid }, label),
    control,
    hintText ? h('p', { class: 'hint', id: hintId }, hintText) : null,
    h('p', { class: 'field-error', id: errId }));
}

function entryTitle(section, entry, index) {
  for (const k of section.title) {
    if (typeof entry[k] === 'string' && entry[k].trim()) {
      return `${section.one[0].toUpperCase()}${section.one.slice(1)} ${index + 1}: ${entry[k].trim()}`;
    }
  }
  return `${section.one[0].toUpperCase()}${section.one.slice(1)} ${index + 1}`;
}

// A section of entries (owner[section.key]) under the path prefix, drawn
// into box; redrawn whole after an add, remove or move.
function renderSection(box, owner, section, prefix, focusAfter) {
  clear(box);
  const entries = Array.isArray(owner[section.key]) ? owner[section.key] : [];
  const n = entries.length;
  // forget the controls of the entries drawn before
  for (const p of [...controls.keys()]) {
    if (p.startsWith(`${prefix}[`)) {
      controls.delete(p);
    }
  }
  const headingId = `h-${fieldId(prefix)}`;
  box.append(h(prefix.includes('.') ? 'h3' : 'h2', { id: headingId }, section.label));
  const errId = `${fieldId(prefix)}-error`;
  const anchor = h('p', { class: 'field-error', id: errId, tabindex: '-1', dataset: { label: section.label } });
  controls.set(prefix, anchor);
  box.append(anchor);
  if (!n) {
    box.append(h('p', { class: 'muted' }, `No ${section.label.toLowerCase()} yet.`));
  }
  entries.forEach((entry, i) => {
    const path = `${prefix}[${i}]`;
    const name = entryTitle(section, entry, i);
    const legend = h('legend', {}, name);
    const move = (to) => () => {
      const [e] = entries.splice(i, 1);
      entries.splice(to, 0, e);
      markDirty();
      renderSection(box, owner, section, prefix, { index: to, action: to < i ? 'up' : 'down' });
      announce(`Moved to position ${to + 1} of ${n}.`);
    };
    const tools = h('div', { class: 'entry-tools' },
      h('button', { type: 'button', class: 'secondary', disabled: i === 0, dataset: { action: 'up' },
        'aria-label': `Move up: ${name}`, on: { click: move(i - 1) } }, 'Move up'),
      h('button', { type: 'button', class: 'secondary', disabled: i === n - 1, dataset: { action: 'down' },
        'aria-label': `Move down: ${name}`, on: { click: move(i + 1) } }, 'Move down'),
      h('button', { type: 'button', class: 'danger', dataset: { action: 'remove' },
        'aria-label': `Remove: ${name}`, on: { click: () => {
          entries.splice(i, 1);
          if (!entries.length) {
            delete owner[section.key];
          }
          markDirty();
          renderSection(box, owner, section, prefix, { index: Math.min(i, entries.length - 1), action: 'remove' });
          announce(`Removed ${name}.`);
        } } }, 'Remove'));
    const grid = h('div', { class: 'grid' },
      section.fields.map(([k, label, kind, hint]) => field(entry, k, `${path}.${k}`, label, kind, hint, name)));
    const fs = h('fieldset', { class: 'entry', id: fieldId(path) }, legend, tools, grid);
    // the legend follows the entry's title as it is typed
    grid.addEventListener('input', () => {
      legend.textContent = entryTitle(section, entry, i);
    });
    box.append(fs);
  });
  const add = h('button', { type: 'button', class: 'secondary', dataset: { action: 'add' },
    on: { click: () => {
      if (!Array.isArray(owner[section.key])) {
        owner[section.key] = [];
      }
      owner[section.key].push({});
      markDirty();
      renderSection(box, owner, section, prefix, { index: owner[section.key].length - 1, action: 'add' });
      announce(`Added ${section.one} ${owner[section.key].length}.`);
    } } }, `Add ${section.one}`);
  box.append(h('p', { class: 'section-tools' }, add));

  if (focusAfter) {
    const entriesEls = box.querySelectorAll(':scope > fieldset.entry');
    const el = entriesEls[focusAfter.index];
    let target = null;
    if (el && focusAfter.action === 'add') {
      target = el.querySelector('input, textarea');
    } else if (el && (focusAfter.action === 'up' || focusAfter.action === 'down')) {
      target = el.querySelector(`button[data-action="${focusAfter.action}"]:not([disabled])`) ||
        el.querySelector('button[data-action]:not([disabled])');
    } else if (el) {
      target = el.querySelector('button[data-action="remove"]');
    }
    (target || add).focus();
  }
}

// ---- the form --------------------------------------------------------------
function render() {
  controls = new Map();
  clear(main);
  if (!doc.basics || typeof doc.basics !== 'object') {
    doc.basics = {};
  }
  const basics = doc.basics;
  if (!basics.location || typeof basics.location !== 'object') {
    basics.location = {};
  }
  saveState = h('span', { class: 'muted', id: 'save-state', role: 'status' },
    draft ? 'Not saved yet' : (dirty ? 'Unsaved changes' : 'All changes saved'));
  saveButtons = [];
  const saveButton = (extra) => {
    const b = h('button', { type: 'submit', ...extra }, 'Save');
    saveButtons.push(b);
    return b;
  };
  summaryBox = h('div', { class: 'error-summary', id: 'error-summary', tabindex: '-1', hidden: true });
  conflictBox = h('div', { class: 'notice error', id: 'conflict', role: 'alert', hidden: true });

  const pdfForm = h('form', { class: 'actions', method: 'get', action: `/api/resumes/${encodeURIComponent(id)}/pdf`, id: 'pdf-form' },
    h('div', {},
      h('label', { for: 'pdf-paper' }, 'Paper'),
      h('select', { id: 'pdf-paper', name: 'paper' },
        h('option', { value: 'a4' }, 'A4'), h('option', { value: 'letter' }, 'US Letter'))),
    h('div', {},
      h('label', { for: 'pdf-template' }, 'Template'),
      h('select', { id: 'pdf-template', name: 'template' },
        h('option', { value: 'modern' }, 'Modern'), h('option', { value: 'classic' }, 'Classic'),
        h('option', { value: 'compact' }, 'Compact'))),
    h('button', { type: 'submit', class: 'secondary', id: 'pdf-download' }, 'Download PDF'));

  const form = h('form', { id: 'resume-form', novalidate: true },
    h('div', { class: 'actions' }, saveButton({ id: 'save-top' }), saveState),
    h('section', { 'aria-labelledby': 'h-basics' },
      h('h2', { id: 'h-basics' }, 'Basics'),
      h('div', { class: 'grid' }, BASICS.map(([k, label, kind, hint]) => field(basics, k, `basics.${k}`, label, kind, hint))),
      h('fieldset', {},
        h('legend', {}, 'Location'),
        h('div', { class: 'grid' }, LOCATION.map(([k, label, kind, hint]) =>
          field(basics.location, k, `basics.location.${k}`, label, kind, hint, 'Location')))),
      (() => {
        const box = h('div', { id: 'sec-basics-profiles' });
        renderSection(box, basics, PROFILES, 'basics.profiles');
        return box;
      })()),
    SECTIONS.map((section) => {
      const box = h('section', { id: `sec-${section.key}`, 'aria-labelledby': `h-${fieldId(section.key)}` });
      renderSection(box, doc, section, section.key);
      return box;
    }),
    h('div', { class: 'actions' }, saveButton({ id: 'save-bottom' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save();
  });

  if (draft) {
    main.append(
      h('p', {}, h('a', { href: '/app/' }, '← All resumes')),
      h('h1', { id: 'title', tabindex: '-1' }, 'Check your imported resume'),
      h('p', { class: 'note', id: 'draft-note' }, 'This draft is not saved: nothing of it or of your file is ',
        'stored until you press Save. ',
        h('button', { type: 'button', class: 'secondary small', id: 'discard-draft', on: { click: discard } },
          'Discard the draft')),
      reviewPanel(),
      conflictBox,
      summaryBox,
      form);
    markForReview();
    return;
  }
  main.append(
    h('p', {}, h('a', { href: '/app/' }, '← All resumes')),
    h('h1', { id: 'title', tabindex: '-1' }, `Edit: ${title}`),
    h('div', { class: 'actions' },
      h('a', { class: 'button secondary', href: `/app/resumes/${encodeURIComponent(id)}/tailor` }, 'Tailor to a job'),
      h('a', { class: 'button secondary', id: 'export-json', href: `/api/resumes/${encodeURIComponent(id)}?format=jsonresume`,
        download: 'resume.json' }, 'Export JSON (last saved)')),
    pdfForm,
    conflictBox,
    summaryBox,
    form);
}

// ---- problems ----------------------------------------------------------------
function clearProblems() {
  for (const el of main.querySelectorAll('.field-error')) {
    el.textContent = '';
  }
  for (const el of main.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
  }
  clear(summaryBox);
  summaryBox.hidden = true;
}

function showProblems(data) {
  const problems = problemsByPath(data);
  const items = [];
  for (const [path, message] of problems) {
    const c = controlFor(path);
    if (c) {
      const err = document.getElementById(`${c.el.id}-error`) || c.el;
      err.textContent = err.textContent ? `${err.textContent} ${message}` : message;
      if (c.el.matches('input, textarea, select')) {
        c.el.setAttribute('aria-invalid', 'true');
      }
    }
    const target = c ? c.el.id : null;
    items.push(h('li', {}, target
      ? h('a', { href: `#${target}`, on: { click: (ev) => {
        ev.preventDefault();
        const el = document.getElementById(target);
        el.scrollIntoView({ block: 'center' });
        el.focus();
      } } }, `${humanPath(path)}: ${message}`)
      : `${path}: ${message}`));
  }
  clear(summaryBox);
  summaryBox.append(
    h('h2', {}, problems.size === 1 ? 'There is 1 problem to fix' : `There are ${problems.size} problems to fix`),
    h('p', {}, problemText(data)),
    h('ul', {}, items));
  summaryBox.hidden = false;
  summaryBox.focus();
  announce(`Not saved: ${problems.size} ${problems.size === 1 ? 'problem' : 'problems'} to fix.`);
}

// ---- load and save -------------------------------------------------------------
async function load() {
  if (id === 'import') {
    loadDraft();
    return;
  }
  clear(main);
  main.append(h('h1', {}, 'Edit resume'), h('p', { class: 'notice', role: 'status' }, 'Loading the resume…'));
  const r = await api('GET', `/api/resumes/${encodeURIComponent(id)}`);
  if (!r.ok) {
    clear(main);
    main.append(h('h1', {}, r.status === 404 ? 'Resume not found' : 'The resume could not be loaded'),
      h('p', { class: 'notice error', role: 'alert' }, r.status === 404
        ? 'There is no such resume in your account. It may have been deleted.'
        : problemText(r.data)),
      h('p', { class: 'actions' },
        r.status === 404 ? null : h('button', { type: 'button', on: { click: load } }, 'Try again'),
        h('a', { href: '/app/' }, 'Back to your resumes')));
    return;
  }
  accept(r);
  dirty = false;
  render();
  document.title = `Edit: ${title} — Jobtune`;
}

function accept(r) {
  doc = r.data.resume || {};
  title = r.data.title || 'Untitled resume';
  etag = r.etag || `"${r.data.version}"`;
}

async function save() {
  clearProblems();
  conflictBox.hidden = true;
  saveButtons.forEach((b) => setBusy(b, true));
  saveState.textContent = 'Saving…';
  const body = JSON.parse(JSON.stringify(doc));
  // an empty location is no location
  if (body.basics && body.basics.location && !Object.keys(body.basics.location).length) {
    delete body.basics.location;
  }
  const r = draft
    ? await api('POST', '/api/resumes', { json: body })
    : await api('PUT', `/api/resumes/${encodeURIComponent(id)}`, { json: body, ifMatch: etag });
  saveButtons.forEach((b) => setBusy(b, false));
  if (r.ok && draft) {
    saved(r);
    return;
  }
  if (r.ok) {
    const focusId = document.activeElement && document.activeElement.id;
    accept(r);
    dirty = false;
    render();
    document.title = `Edit: ${title} — Jobtune`;
    const normalized = (r.data.normalized || []).length;
    saveState.textContent = normalized
      ? `Saved. ${normalized} web ${normalized === 1 ? 'address was' : 'addresses were'} given https://.`
      : 'Saved.';
    announce('Resume saved.');
    const again = focusId && document.getElementById(focusId);
    if (again) {
      again.focus();
    }
    return;
  }
  saveState.textContent = 'Not saved';
  if (r.status === 422) {
    showProblems(r.data);
    return;
  }
  clear(conflictBox);
  if (r.status === 412) {
    conflictBox.append(
      h('p', {}, 'This resume was changed somewhere else (another tab or device) after you opened it, so your changes were not saved.'),
      h('p', {}, 'Reload the latest version to continue. Your unsaved changes on this page will be replaced; copy anything you want to keep first.'),
      h('button', { type: 'button', id: 'reload-latest', on: { click: load } }, 'Reload latest'));
  } else {
    conflictBox.append(h('p', {}, `Not saved: ${problemText(r.data)}`),
      h('button', { type: 'button', class: 'secondary', on: { click: save } }, 'Try again'));
  }
  conflictBox.hidden = false;
  conflictBox.querySelector('button').focus();
}

// ---- the import's draft -------------------------------------------------------
function loadDraft() {
  draft = getDraft();
  clear(main);
  if (!draft) {
    main.append(h('h1', {}, 'No imported draft here'),
      h('p', { class: 'notice', role: 'status' }, 'There is no imported resume waiting in this tab: '
        + 'it was saved or discarded, or it was imported in another tab.'),
      h('p', {}, h('a', { href: '/app/' }, 'Back to your resumes')));
    document.title = 'No imported draft — Jobtune';
    return;
  }
  for (const k of ['unverified', 'unplaced', 'warnings']) {
    if (!Array.isArray(draft[k])) {
      draft[k] = [];
    }
  }
  doc = draft.resume;
  title = (doc.basics && doc.basics.name) || draft.name || 'Imported resume';
  etag = null;
  dirty = true;
  render();
  document.title = 'Check your imported resume — Jobtune';
}

// Saved by POST /api/resumes: from now on the page is that resume's editor.
function saved(r) {
  dropDraft();
  draft = null;
  id = r.data.id;
  history.replaceState(null, '', `/app/resumes/${encodeURIComponent(id)}`);
  accept(r);
  dirty = false;
  render();
  document.title = `Edit: ${title} — Jobtune`;
  saveState.textContent = 'Saved as a new resume.';
  announce('Resume saved.');
  document.getElementById('title').focus();
}

function discard() {
  dropDraft();
  location.assign('/app/');
}

// "work[0].highlights[2]" -> ['work', 0, 'highlights', 2]
function pathParts(path) {
  const parts = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return parts;
}

function valueAt(path) {
  let v = doc;
  for (const p of pathParts(path)) {
    if (v === null || typeof v !== 'object') {
      return undefined;
    }
    v = v[p];
  }
  return v;
}

function isEmpty(v) {
  if (Array.isArray(v)) {
    return v.every(isEmpty);
  }
  if (v && typeof v === 'object') {
    return Object.values(v).every(isEmpty);
  }
  return v === undefined || v === null || v === '';
}

// Removes the value at path from doc; an item of a list is cut out, and
// the review's paths to the items after it move up by one.  An entry left
// with nothing in it (a skill without its name) goes too.
function removeAt(path) {
  const parts = pathParts(path);
  const last = parts.pop();
  let parent = doc;
  for (const p of parts) {
    parent = parent && parent[p];
  }
  if (!parent || typeof parent !== 'object') {
    return;
  }
  if (Array.isArray(parent) && typeof last === 'number') {
    parent.splice(last, 1);
    const prefix = path.slice(0, path.lastIndexOf('['));
    draft.unverified = draft.unverified.map((p) => {
      if (!p.startsWith(`${prefix}[`)) {
        return p;
      }
      const m = p.slice(prefix.length).match(/^\[(\d+)\](.*)$/);
      return m && Number(m[1]) > last ? `${prefix}[${Number(m[1]) - 1}]${m[2]}` : p;
    });
  } else {
    delete parent[last];
  }
  const parentPath = path.slice(0, path.lastIndexOf(typeof last === 'number' ? '[' : '.'));
  if (parentPath.endsWith(']') && isEmpty(parent)) {
    removeAt(parentPath);
  }
}

function shown(v) {
  return Array.isArray(v) ? v.join(', ') : (v && typeof v === 'object' ? JSON.stringify(v) : String(v));
}

function sourceText() {
  const src = draft.source || {};
  const kinds = { pdf: 'a PDF', docx: 'a Word file', linkedin: 'a LinkedIn export', text: 'text',
    json: 'a JSON Resume' };
  const pages = src.pages ? ` of ${src.pages} ${src.pages === 1 ? 'page' : 'pages'}` : '';
  const how = draft.method === 'ai'
    ? 'structured with GPT-4o (your contact details were not sent), and checked against your file'
    : 'structured on our server, without AI';
  return `Read from ${draft.name || 'your file'} (${kinds[src.type] || 'a file'}${pages}), ${how}.`;
}

// The review panel: redrawn whole after each Keep, Remove, Copy or Dismiss;
// focus then goes to the next item's first button, or to the panel.
let reviewBox = null;
function reviewPanel() {
  reviewBox = h('section', { class: 'panel review', id: 'review', 'aria-labelledby': 'review-heading',
    tabindex: '-1' });
  drawReview();
  return reviewBox;
}

function afterReview(list, index) {
  putDraft(draft);
  drawReview();
  const items = reviewBox.querySelectorAll(`#${list} > li`);
  const next = items[Math.min(index, items.length - 1)];
  (next ? next.querySelector('button') : reviewBox).focus();
}

function drawReview() {
  clear(reviewBox);
  // a value removed or emptied in the form has nothing left to check
  draft.unverified = draft.unverified.filter((p) => {
    const v = valueAt(p);
    return v !== undefined && v !== '' && !(Array.isArray(v) && !v.length);
  });
  const { unverified, unplaced, warnings } = draft;
  reviewBox.append(h('h2', { id: 'review-heading' }, 'Check the draft'), h('p', {}, sourceText()));
  if (!unverified.length && !unplaced.length) {
    reviewBox.append(h('p', { id: 'review-done' }, 'Nothing is left to check. Look the draft over and save it.'));
  }
  if (unverified.length) {
    reviewBox.append(
      h('h3', { id: 'unverified-heading' }, `Not found in your file (${unverified.length})`),
      h('p', { class: 'hint' }, 'GPT-4o gave these values, but your file does not contain them. '
        + 'Keep each one, edit it in its field, or remove it.'),
      h('ul', { class: 'review-list', id: 'unverified-list', 'aria-labelledby': 'unverified-heading' },
        unverified.map((path, i) => {
          const label = humanPath(path);
          const c = controlFor(path);
          return h('li', { dataset: { path } },
            h('span', { class: 'review-what' }, h('strong', {}, label), ' ',
              h('q', {}, shown(valueAt(path)))),
            h('span', { class: 'entry-tools' },
              h('button', { type: 'button', class: 'secondary small', dataset: { action: 'edit' },
                'aria-label': `Edit ${label}`, disabled: !c, on: { click: () => {
                  c.el.scrollIntoView({ block: 'center' });
                  c.el.focus();
                } } }, 'Edit'),
              h('button', { type: 'button', class: 'secondary small', dataset: { action: 'keep' },
                'aria-label': `Keep ${label}`, on: { click: () => {
                  unverified.splice(i, 1);
                  unmark(path);
                  announce(`Kept ${label}.`);
                  afterReview('unverified-list', i);
                } } }, 'Keep'),
              h('button', { type: 'button', class: 'danger small', dataset: { action: 'remove' },
                'aria-label': `Remove ${label}`, on: { click: () => {
                  unverified.splice(i, 1);
                  removeAt(path);
                  markDirty();
                  render();
                  announce(`Removed ${label}.`);
                  afterReview('unverified-list', i);
                } } }, 'Remove')));
        })));
  }
  if (unplaced.length) {
    reviewBox.append(
      h('h3', { id: 'unplaced-heading' }, `Lines not placed in the draft (${unplaced.length})`),
      h('p', { class: 'hint' }, 'These lines of your file fit no field. Copy one into the field it belongs in, '
        + 'or dismiss it.'),
      h('ul', { class: 'review-list', id: 'unplaced-list', 'aria-labelledby': 'unplaced-heading' },
        unplaced.map((line, i) => h('li', {},
          h('span', { class: 'review-what' }, line),
          h('span', { class: 'entry-tools' },
            h('button', { type: 'button', class: 'secondary small', dataset: { action: 'copy' },
              'aria-label': `Copy: ${line}`, on: { click: () => copy(line) } }, 'Copy'),
            h('button', { type: 'button', class: 'secondary small', dataset: { action: 'dismiss' },
              'aria-label': `Dismiss: ${line}`, on: { click: () => {
                unplaced.splice(i, 1);
                announce('Dismissed.');
                afterReview('unplaced-list', i);
              } } }, 'Dismiss'))))));
    if (unplaced.length > 1) {
      reviewBox.append(h('p', {}, h('button', { type: 'button', class: 'secondary small', id: 'dismiss-all',
        on: { click: () => {
          unplaced.length = 0;
          announce('Dismissed every line not placed.');
          afterReview('unplaced-list', 0);
        } } }, 'Dismiss all lines')));
    }
  }
  if (warnings.length) {
    reviewBox.append(h('details', { class: 'warnings' },
      h('summary', {}, `What the import changed (${warnings.length})`),
      h('ul', {}, warnings.map((w) => h('li', {},
        w.path ? `${humanPath(w.path)}: ${w.message}` : w.message)))));
  }
}

async function copy(line) {
  try {
    await navigator.clipboard.writeText(line);
    announce('Copied. Paste it into its field.');
  } catch {
    announce('Copying is not allowed here: select the line and copy it.');
  }
}

// Each value to check is marked at its field too.
function markForReview() {
  for (const path of draft.unverified) {
    const c = controlFor(path);
    if (!c || !c.el.matches('input, textarea')) {
      continue;
    }
    const noteId = `${c.el.id}-check-${fieldId(path)}`;
    if (document.getElementById(noteId)) {
      continue;
    }
    c.el.parentElement.classList.add('to-check');
    c.el.parentElement.append(h('p', { class: 'check-note', id: noteId, dataset: { path } },
      `Check: “${shown(valueAt(path))}” is not in your file.`));
    c.el.setAttribute('aria-describedby', `${c.el.getAttribute('aria-describedby')} ${noteId}`);
  }
}

function unmark(path) {
  const note = main.querySelector(`.check-note[data-path="${CSS.escape(path)}"]`);
  if (!note) {
    return;
  }
  const field = note.parentElement;
  const control = field.querySelector('input, textarea');
  control.setAttribute('aria-describedby', control.getAttribute('aria-describedby').replace(` ${note.id}`, ''));
  note.remove();
  if (!field.querySelector('.check-note')) {
    field.classList.remove('to-check');
  }
}

await start({ auth: 'user' });
await load();
