// editor.js - /app/resumes/<id>: every section of the JSON Resume the API
// accepts, as a form, beside the page it prints as.
//
// The page keeps the whole document as `doc` (fields it does not show,
// like $schema, stay as they were) and each control writes its value back
// into it.  Sections of entries can be added to, removed from and
// reordered with buttons.
//
// Every change is saved by itself a moment after typing stops (autosave):
// a PUT with If-Match (the ETag of the version last loaded or saved), one
// at a time; changes made while one is on its way are sent after it.  The
// bar at the top says "Saved", "Saving…" or "Not saved: …".  A 422's
// problems are shown next to their fields by path ("work[2].startDate"),
// and Save (the button, or Ctrl/Cmd+S) lists them in a summary that links
// to them.  A 412 stops the autosave: someone else saved first, and the
// page offers to compare the two versions, keep this page's or take the
// other.  Leaving the page with anything unsaved asks first
// (beforeunload); "Download PDF" saves first, so the PDF is what is on
// the screen.
//
// The preview is the PDF engine's own page image (POST /api/preview with
// the document as it is on screen, stored nowhere), asked for a moment
// after typing stops; a newer request cancels the one on its way
// (AbortController).  On a wide screen it stands beside the form; on a
// phone it is the Preview tab.  The resume's own shape lives in
// meta.jobtune: its title, the sections that print and their order, its
// template, font and paper (the choices of GET /api/pdf/templates).  The
// page writes meta.jobtune only once one of those is changed.
//
// /app/resumes/import is a draft that is not a resume yet: the answer of
// POST /api/resumes/import that /app/ kept in sessionStorage (draft.js).
// The form is the same; above it a review panel lists the values GPT-4o
// gave that the file does not contain (`unverified`: each kept, edited or
// removed), the lines of the file the draft does not use (`unplaced`:
// copied or dismissed) and what the import changed (`warnings`).  Every
// change is kept in the tab's draft, so a reload loses nothing; nothing is
// saved by itself: Save is the ordinary POST /api/resumes, and the page
// becomes the saved resume's editor (its URL replaced) with the draft
// forgotten.

import { api, problemText, problemsByPath } from './api.js';
import { announce, setBusy, start } from './shell.js';
import { clear, h } from './dom.js';
import { dropDraft, getDraft, putDraft } from './draft.js';

const AUTOSAVE_MS = 1200; // after the last change
const PREVIEW_MS = 600;
const RETRY_MS = 10000; // after a save the network or the server failed
const WIDE = window.matchMedia('(min-width: 64rem)'); // form and preview side by side

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

// The sections the PDF prints, in its default order (meta.jobtune.sections
// names them; "summary" is basics.summary).
const PRINTED = [
  ['summary', 'Summary'], ['work', 'Work experience'], ['projects', 'Projects'],
  ['education', 'Education'], ['skills', 'Skills'], ['certificates', 'Certificates'],
  ['awards', 'Awards'], ['publications', 'Publications'], ['volunteer', 'Volunteering'],
  ['languages', 'Languages'], ['interests', 'Interests'], ['references', 'References']];
// used when GET /api/pdf/templates cannot be read
const FALLBACK_CHOICES = {
  templates: [{ id: 'modern', name: 'Modern' }, { id: 'classic', name: 'Classic' },
    { id: 'compact', name: 'Compact' }],
  fonts: [], default: 'modern' };
const PAPERS = [{ id: 'a4', name: 'A4' }, { id: 'letter', name: 'US Letter' }];

let id = decodeURIComponent(location.pathname.split('/')[3] || '');
// the import's draft while the page shows one (id "import"), else null
let draft = null;
const main = document.getElementById('main');
let doc = {};
let etag = null;
let choices = FALLBACK_CHOICES;
let controls = new Map(); // path -> the control showing it
let saveButtons = [];
let saveState;
let saveHelp; // beside the state: to the problems or the conflict
let summaryBox;
let conflictBox;
let titleEl;

// What is saved: changes are counted, and the count last saved kept.
const saving = { changed: 0, saved: 0, timer: 0, request: null, conflict: null, problems: 0 };
// The preview: its page, the page count, the pending timer and request.
const preview = { page: 1, pages: 0, timer: 0, abort: null, stale: true, box: null, img: null,
  status: null, pager: null };

function unsaved() {
  return !draft && (saving.changed !== saving.saved || saving.request !== null);
}

// ---- paths -----------------------------------------------------------------
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
// Every change of doc goes through here: the draft is kept, or the
// autosave and the preview are scheduled.
function markDirty() {
  if (draft) {
    putDraft(draft);
  } else {
    saving.changed += 1;
    if (!saving.conflict) {
      setSaveState(saving.request ? 'Saving…' : 'Unsaved changes');
      window.clearTimeout(saving.timer);
      saving.timer = window.setTimeout(() => save({ auto: true }), AUTOSAVE_MS);
    }
  }
  showTitle();
  schedulePreview();
}

function setSaveState(text, kind = '') {
  if (!saveState) {
    return;
  }
  if (saveState.textContent !== text) { // a live region: said again only when it changes
    saveState.textContent = text;
  }
  saveState.dataset.state = kind || (text.startsWith('Saved') ? 'saved' : 'pending');
  const help = kind === 'error' && (saving.conflict ? 'Resolve' : (saving.problems ? 'Show problems' : ''));
  saveHelp.hidden = !help;
  saveHelp.textContent = help || '';
}

// Shows el wherever it is (its tab on a phone, its closed <details>),
// then focuses it.
function reveal(el, block = 'center') {
  const details = el.closest('details');
  if (details) {
    details.open = true;
  }
  if (!WIDE.matches && el.closest('#editor-layout')) {
    showTab(el.closest('#preview-panel') ? 'preview' : 'edit');
  }
  el.scrollIntoView({ block });
  el.focus();
}

// The bar's way to what stopped the save: the conflict's choices, or the
// summary of problems (which an autosave does not open).
function showSaveHelp() {
  if (saving.conflict) {
    reveal(conflictBox.querySelector('button'));
    return;
  }
  summaryBox.hidden = false;
  reveal(summaryBox, 'start');
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

// ---- the resume's own shape: meta.jobtune ------------------------------------
function jobtune() {
  const meta = doc.meta && typeof doc.meta === 'object' ? doc.meta : {};
  return meta.jobtune && typeof meta.jobtune === 'object' ? meta.jobtune : {};
}

// Sets meta.jobtune[key]; an empty value removes it (and an emptied
// meta.jobtune, meta with it), so that a resume nobody shaped keeps none.
function setJobtune(key, value) {
  if (!doc.meta || typeof doc.meta !== 'object') {
    doc.meta = {};
  }
  if (!doc.meta.jobtune || typeof doc.meta.jobtune !== 'object') {
    doc.meta.jobtune = {};
  }
  if (value === '' || value === null || value === undefined) {
    delete doc.meta.jobtune[key];
  } else {
    doc.meta.jobtune[key] = value;
  }
  if (!Object.keys(doc.meta.jobtune).length) {
    delete doc.meta.jobtune;
  }
  if (!Object.keys(doc.meta).length) {
    delete doc.meta;
  }
  markDirty();
}

// The title the list and the page show: meta.jobtune.title, else the
// name and headline.
function defaultTitle() {
  const b = doc.basics || {};
  const parts = [b.name, b.label].filter((s) => typeof s === 'string' && s.trim()).map((s) => s.trim());
  return parts.join(' — ') || 'Untitled resume';
}

function resumeTitle() {
  const t = jobtune().title;
  return typeof t === 'string' && t.trim() ? t.trim() : defaultTitle();
}

function showTitle() {
  const t = draft ? 'Check your imported resume' : resumeTitle();
  if (titleEl && titleEl.textContent !== t) {
    titleEl.textContent = t;
  }
  document.title = draft ? 'Check your imported resume — Jobtune' : `${t} — Edit — Jobtune`;
  const titleInput = document.getElementById('meta-title');
  if (titleInput) {
    titleInput.placeholder = defaultTitle();
  }
}

// The printed sections in the page's order, each { key, label, shown }:
// those meta.jobtune.sections lists, in its order, then the others, hidden.
// Without the list every section prints, in the PDF's order.
function sectionOrder() {
  const listed = jobtune().sections;
  if (!Array.isArray(listed)) {
    return PRINTED.map(([key, label]) => ({ key, label, shown: true }));
  }
  const known = new Map(PRINTED);
  const order = listed.filter((k) => known.has(k)).map((key) => ({ key, label: known.get(key), shown: true }));
  for (const [key, label] of PRINTED) {
    if (!listed.includes(key)) {
      order.push({ key, label, shown: false });
    }
  }
  return order;
}

function choiceSelect(sel, items, value, placeholder) {
  return h('select', sel,
    placeholder ? h('option', { value: '' }, placeholder) : null,
    items.map((c) => h('option', { value: c.id, selected: c.id === value }, c.name)));
}

// The title: the list's and the page's name for this resume.
function titleField() {
  const m = jobtune();
  const input = h('input', { type: 'text', id: 'meta-title', value: typeof m.title === 'string' ? m.title : '',
    placeholder: defaultTitle(), 'aria-describedby': 'meta-title-hint meta-title-error', autocomplete: 'off',
    dataset: { label: 'Title' }, on: { input: (ev) => setJobtune('title', ev.target.value.trim()) } });
  controls.set('meta.jobtune.title', input);
  return h('div', { class: 'field title-field' },
    h('label', { for: 'meta-title' }, 'Title in your list of resumes'), input,
    h('p', { class: 'hint', id: 'meta-title-hint' }, 'Not printed. Left empty, it is the name and headline.'),
    h('p', { class: 'field-error', id: 'meta-title-error' }));
}

// The template, font and paper, and the sections list: above the preview,
// which shows what they change.
function layoutChoices() {
  const m = jobtune();
  const tplName = (tid) => (choices.templates.find((t) => t.id === tid) || {}).name || tid;
  const pick = (key) => (ev) => {
    preview.page = 1;
    setJobtune(key, ev.target.value);
  };
  const select = (key, label, items, placeholder) => {
    const el = choiceSelect({ id: `meta-${key}`, 'aria-describedby': `meta-${key}-error`, dataset: { label },
      on: { change: pick(key) } }, items, m[key], placeholder);
    controls.set(`meta.jobtune.${key}`, el);
    return h('div', { class: 'field' }, h('label', { for: `meta-${key}` }, label), el,
      h('p', { class: 'field-error', id: `meta-${key}-error` }));
  };
  const fonts = choices.fonts || [];
  return h('div', { class: 'layout-choice', id: 'layout-choice', role: 'group', 'aria-label': 'Layout' },
    h('div', { class: 'layout-row' },
      select('template', 'Template', choices.templates, `Default (${tplName(choices.default)})`),
      fonts.length ? select('font', 'Font', fonts, 'The template’s') : null,
      select('paper', 'Paper', choices.papers || PAPERS, 'Default (A4)')),
    sectionsList());
}

// Which sections print, and in what order: a checkbox and two move
// buttons each; redrawn after a move, with focus kept on the moved one.
function sectionsList() {
  const details = h('details', { class: 'sections-choice', id: 'sections-choice' });
  const draw = (focus) => {
    const order = sectionOrder();
    const summary = () => `Sections to print, and their order (${order.filter((s) => s.shown).length} of ${order.length})`;
    const apply = () => setJobtune('sections', order.filter((s) => s.shown).map((s) => s.key));
    clear(details);
    const anchor = h('p', { class: 'field-error', id: 'meta-sections-error', tabindex: '-1',
      dataset: { label: 'Sections' } });
    controls.set('meta.jobtune.sections', anchor);
    details.append(
      h('summary', {}, summary()),
      h('p', { class: 'hint', id: 'sections-hint' }, 'A section left unticked stays in your resume but is not printed.'),
      anchor,
      h('ol', { class: 'section-order', id: 'section-order', 'aria-describedby': 'sections-hint' },
        order.map((s, i) => {
          // at either end the button stays focusable (aria-disabled), so
          // that pressing Enter again does nothing rather than move focus
          const move = (to, action) => () => {
            if (to < 0 || to >= order.length) {
              return;
            }
            const [moved] = order.splice(i, 1);
            order.splice(to, 0, moved);
            apply();
            draw({ key: s.key, action });
            announce(`${s.label} moved to position ${to + 1} of ${order.length}.`);
          };
          return h('li', { dataset: { key: s.key } },
            h('span', { class: 'toggle-row' },
              h('input', { type: 'checkbox', id: `show-${s.key}`, checked: s.shown, on: { change: (ev) => {
                s.shown = ev.target.checked;
                apply();
                details.querySelector('summary').textContent = summary();
              } } }),
              h('label', { for: `show-${s.key}` }, s.label)),
            h('span', { class: 'entry-tools' },
              h('button', { type: 'button', class: 'secondary small', 'aria-disabled': i === 0 ? 'true' : null,
                dataset: { action: 'up' }, 'aria-label': `Move up: ${s.label}`, on: { click: move(i - 1, 'up') } }, 'Up'),
              h('button', { type: 'button', class: 'secondary small',
                'aria-disabled': i === order.length - 1 ? 'true' : null, dataset: { action: 'down' },
                'aria-label': `Move down: ${s.label}`, on: { click: move(i + 1, 'down') } }, 'Down')));
        })));
    if (focus) {
      details.open = true;
      details.querySelector(`li[data-key="${focus.key}"] button[data-action="${focus.action}"]`).focus();
    }
  };
  draw(null);
  return details;
}

// ---- the page ------------------------------------------------------------------
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
  saveState = h('span', { class: 'save-state', id: 'save-state', role: 'status' });
  saveHelp = h('button', { type: 'button', class: 'secondary small', id: 'save-help', hidden: true,
    on: { click: showSaveHelp } });
  saveButtons = [];
  const saveButton = (extra) => {
    const b = h('button', { type: 'submit', form: 'resume-form', ...extra }, 'Save');
    saveButtons.push(b);
    return b;
  };
  summaryBox = h('div', { class: 'error-summary', id: 'error-summary', tabindex: '-1', hidden: true });
  conflictBox = h('div', { class: 'notice error conflict', id: 'conflict', role: 'alert', hidden: true });
  titleEl = h('h1', { id: 'title', tabindex: '-1' });

  const form = h('form', { id: 'resume-form', novalidate: true },
    draft ? null : titleField(),
    h('nav', { class: 'form-nav', 'aria-label': 'Parts of the form' },
      h('ul', {}, [{ key: 'basics', label: 'Basics' }, ...SECTIONS].map((sec) =>
        h('li', {}, h('a', { href: `#sec-${sec.key}` }, sec.label))))),
    h('section', { id: 'sec-basics', 'aria-labelledby': 'h-basics' },
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
    save({ auto: false });
  });

  // the bar stays at the top of the screen: the save state, Save, the PDF,
  // and on a phone the Edit and Preview tabs
  const bar = h('div', { class: 'editor-bar', id: 'editor-bar' },
    h('div', { class: 'editor-bar-row' },
      h('span', { class: 'save-line' }, saveState, saveHelp),
      saveButton({ id: 'save-top', 'aria-keyshortcuts': 'Control+S Meta+S', title: 'Save (Ctrl+S, ⌘S on a Mac)' }),
      draft ? null : h('button', { type: 'button', class: 'secondary', id: 'pdf-download',
        on: { click: downloadPdf } }, 'Download PDF')),
    tabs());
  const previewPanel = previewBox();
  const layout = h('div', { class: 'editor-layout', id: 'editor-layout', dataset: { view: 'edit' } },
    h('div', { class: 'editor-form', id: 'edit-panel', role: 'tabpanel', 'aria-labelledby': 'tab-edit' },
      conflictBox, summaryBox, form),
    previewPanel);

  if (draft) {
    main.append(
      h('p', {}, h('a', { href: '/app/' }, '← All resumes')),
      titleEl,
      h('p', { class: 'note', id: 'draft-note' }, 'This draft is not saved: nothing of it or of your file is ',
        'stored until you press Save. ',
        h('button', { type: 'button', class: 'secondary small', id: 'discard-draft', on: { click: discard } },
          'Discard the draft')),
      reviewPanel(),
      bar,
      layout);
    markForReview();
  } else {
    main.append(
      h('p', {}, h('a', { href: '/app/' }, '← All resumes')),
      titleEl,
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary small', id: 'tailor-link', href: `/app/resumes/${encodeURIComponent(id)}/tailor`,
          on: { click: saveThenFollow } }, 'Tailor to a job'),
        h('button', { type: 'button', class: 'secondary small', id: 'duplicate', on: { click: duplicate } }, 'Duplicate'),
        h('a', { class: 'button secondary small', id: 'export-json',
          href: `/api/resumes/${encodeURIComponent(id)}?format=jsonresume`, download: '',
          on: { click: saveThenFollow } }, 'Export JSON')),
      bar,
      layout);
  }
  showTitle();
  showSaveState();
  preview.stale = true;
  schedulePreview(0);
}

function showSaveState() {
  if (draft) {
    setSaveState('Not saved yet', 'pending');
  } else if (saving.conflict) {
    setSaveState('Not saved: changed elsewhere', 'error');
  } else if (saving.request) {
    setSaveState('Saving…');
  } else if (saving.changed !== saving.saved) {
    setSaveState('Unsaved changes');
  } else {
    setSaveState('Saved');
  }
}

// The Edit and Preview tabs (phones only: on a wide screen both show).
function tabs() {
  const tab = (name, label) => h('button', { type: 'button', role: 'tab', id: `tab-${name}`,
    'aria-controls': `${name}-panel`, 'aria-selected': name === 'edit' ? 'true' : 'false',
    tabindex: name === 'edit' ? '0' : '-1', on: { click: () => showTab(name),
      keydown: (ev) => {
        if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
          const other = name === 'edit' ? 'preview' : 'edit';
          showTab(other);
          document.getElementById(`tab-${other}`).focus();
        }
      } } }, label);
  return h('div', { class: 'editor-tabs', role: 'tablist', 'aria-label': 'Edit or preview' },
    tab('edit', 'Edit'), tab('preview', 'Preview'));
}

function showTab(name) {
  document.getElementById('editor-layout').dataset.view = name;
  for (const t of ['edit', 'preview']) {
    const el = document.getElementById(`tab-${t}`);
    el.setAttribute('aria-selected', t === name ? 'true' : 'false');
    el.tabIndex = t === name ? 0 : -1;
  }
  if (name === 'preview') {
    schedulePreview(0);
  }
}

// The export and the tailoring read the stored resume: what is on
// screen is saved first, then the link followed.
async function saveThenFollow(ev) {
  if (!unsaved()) {
    return;
  }
  ev.preventDefault();
  const link = ev.currentTarget;
  if (await save({ auto: false })) {
    link.click();
  }
}

// ---- the preview ---------------------------------------------------------------
function previewBox() {
  preview.img = h('img', { class: 'preview-page', id: 'preview-img', alt: '', hidden: true });
  preview.status = h('p', { class: 'preview-status', id: 'preview-status' }, 'The preview is on its way…');
  preview.pager = h('div', { class: 'preview-pager', id: 'preview-pager', hidden: true });
  preview.box = h('section', { class: 'editor-preview', id: 'preview-panel', role: 'tabpanel',
    'aria-labelledby': 'preview-heading' },
    h('h2', { id: 'preview-heading', class: 'preview-heading' }, 'Preview'),
    draft ? null : layoutChoices(),
    preview.status,
    preview.pager,
    h('div', { class: 'preview-sheet', id: 'preview-sheet', 'aria-busy': 'false' }, preview.img));
  return preview.box;
}

function previewVisible() {
  const layout = document.getElementById('editor-layout');
  return Boolean(layout) && (WIDE.matches || layout.dataset.view === 'preview');
}

// Asks for the preview after ms, unless another change comes first; a
// hidden preview (a phone's Edit tab) waits until it is shown.
function schedulePreview(ms = PREVIEW_MS) {
  preview.stale = true;
  window.clearTimeout(preview.timer);
  if (!preview.box || !previewVisible()) {
    return;
  }
  preview.timer = window.setTimeout(refreshPreview, ms);
}

// Dots per inch for as many image pixels as the screen shows: 96 (a page
// is 794 pixels wide) unless a high-density screen shows more, in steps of
// 24 up to the API's 192.
function previewDpi() {
  const shown = preview.img.parentElement.clientWidth * (window.devicePixelRatio || 1);
  return Math.min(192, Math.max(96, Math.ceil((96 * shown) / 794 / 24) * 24));
}

function previewQuery() {
  const m = jobtune();
  const q = new URLSearchParams({ page: String(preview.page) });
  const dpi = previewDpi();
  if (dpi !== 96) {
    q.set('dpi', String(dpi));
  }
  for (const k of ['template', 'font', 'paper']) {
    if (typeof m[k] === 'string' && m[k]) {
      q.set(k, m[k]);
    }
  }
  return q;
}

function readAsDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

async function refreshPreview() {
  if (preview.abort) {
    preview.abort.abort(); // superseded: its answer would be out of date
  }
  const abort = new AbortController();
  preview.abort = abort;
  preview.stale = false;
  preview.img.parentElement.setAttribute('aria-busy', 'true'); // the image only: the choices above stay usable
  preview.box.classList.add('updating');
  const r = await api('POST', `/api/preview?${previewQuery()}`, { json: sendable(doc), signal: abort.signal,
    blob: true, headers: { Accept: 'image/png, application/json' } });
  if (abort.signal.aborted || preview.abort !== abort) {
    return;
  }
  preview.abort = null;
  preview.img.parentElement.setAttribute('aria-busy', 'false');
  preview.box.classList.remove('updating');
  if (!r.ok) {
    const pages = Number(r.headers.get('X-Page-Count')) || 0;
    if (r.status === 422 && preview.page > 1 && pages && preview.page > pages) {
      preview.page = pages; // the resume got shorter
      refreshPreview();
      return;
    }
    preview.status.textContent = r.status === 422
      ? 'The preview waits until the problems marked in the form are fixed.'
      : `The preview could not be made: ${problemText(r.data)}`;
    preview.box.classList.add('out-of-date');
    return;
  }
  preview.pages = Number(r.headers.get('X-Page-Count')) || 1;
  if (preview.page > preview.pages) {
    preview.page = preview.pages;
    refreshPreview();
    return;
  }
  let url;
  try {
    url = await readAsDataUrl(r.blob);
  } catch {
    return;
  }
  if (preview.abort) {
    return; // a newer one is on its way
  }
  preview.img.src = url;
  preview.img.alt = `Page ${preview.page} of your resume as it prints`;
  preview.img.hidden = false;
  preview.box.classList.remove('out-of-date');
  preview.status.textContent = draft ? 'As it prints, once saved.' : 'As it prints. Updated as you type.';
  drawPager();
}

function drawPager() {
  const focused = document.activeElement && preview.pager.contains(document.activeElement)
    ? document.activeElement.id : null;
  clear(preview.pager);
  preview.pager.hidden = preview.pages < 2;
  if (preview.pages < 2) {
    return;
  }
  const go = (to) => () => {
    preview.page = to;
    refreshPreview();
  };
  preview.pager.append(
    h('button', { type: 'button', class: 'secondary small', id: 'preview-prev', disabled: preview.page <= 1,
      on: { click: go(preview.page - 1) } }, 'Previous page'),
    h('span', { id: 'preview-page' }, `Page ${preview.page} of ${preview.pages}`),
    h('button', { type: 'button', class: 'secondary small', id: 'preview-next',
      disabled: preview.page >= preview.pages, on: { click: go(preview.page + 1) } }, 'Next page'));
  if (focused) {
    const again = document.getElementById(focused);
    (again.disabled ? preview.pager.querySelector('button:not([disabled])') : again).focus();
  }
}

WIDE.addEventListener('change', () => {
  if (preview.stale) {
    schedulePreview(0);
  }
});

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
  saving.problems = 0;
}

// A 422's problems at their fields; the summary that links to them only
// when the person asked for the save (an autosave does not move focus).
function showProblems(data, { focus }) {
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
        reveal(document.getElementById(target));
      } } }, `${humanPath(path)}: ${message}`)
      : `${path}: ${message}`));
  }
  saving.problems = problems.size;
  clear(summaryBox);
  summaryBox.append(
    h('h2', {}, problems.size === 1 ? 'There is 1 problem to fix' : `There are ${problems.size} problems to fix`),
    h('p', {}, problemText(data)),
    h('ul', {}, items));
  const count = `${problems.size} ${problems.size === 1 ? 'problem' : 'problems'} to fix`;
  setSaveState(`Not saved: ${count}`, 'error');
  if (focus) {
    summaryBox.hidden = false;
    reveal(summaryBox, 'start');
    announce(`Not saved: ${count}.`);
  }
}

// ---- load and save -------------------------------------------------------------
async function loadChoices() {
  const r = await api('GET', '/api/pdf/templates');
  if (r.ok && r.data && Array.isArray(r.data.templates) && r.data.templates.length) {
    choices = r.data;
  }
}

async function load() {
  if (id === 'import') {
    loadDraft();
    return;
  }
  clear(main);
  main.append(h('h1', {}, 'Edit resume'), h('p', { class: 'notice', role: 'status' }, 'Loading the resume…'));
  const [r] = await Promise.all([api('GET', `/api/resumes/${encodeURIComponent(id)}`), loadChoices()]);
  if (!r.ok) {
    clear(main);
    main.append(h('h1', {}, r.status === 404 ? 'Resume not found' : 'The resume could not be loaded'),
      h('p', { class: 'notice error', role: 'alert' }, r.status === 404
        ? 'There is no such resume in your account. It may have been deleted.'
        : problemText(r.data)),
      h('p', { class: 'actions' },
        r.status === 404 ? null : h('button', { type: 'button', on: { click: load } }, 'Try again'),
        h('a', { href: '/app/' }, 'Back to your resumes')));
    document.title = 'Resume not found — Jobtune';
    return;
  }
  accept(r);
  render();
}

// A loaded or saved version becomes the page's: nothing is unsaved.
function accept(r) {
  doc = r.data.resume || {};
  etag = r.etag || `"${r.data.version}"`;
  saving.changed = 0;
  saving.saved = 0;
  saving.conflict = null;
}

// doc as the API takes it: an empty location is no location.
function sendable(d) {
  const body = JSON.parse(JSON.stringify(d));
  if (body.basics && body.basics.location && !Object.keys(body.basics.location).length) {
    delete body.basics.location;
  }
  return body;
}

// Saves what is on screen; resolves to true once it is saved.  An
// autosave (auto) shows problems at their fields only and moves no focus;
// after a 412 only the person's own choice saves again.
async function save({ auto }) {
  window.clearTimeout(saving.timer);
  if (draft) {
    return auto ? false : saveDraft();
  }
  if (saving.conflict) {
    if (!auto) {
      conflictBox.querySelector('button').focus();
    }
    return false;
  }
  while (saving.request) {
    await saving.request; // one at a time: the next PUT needs this one's ETag
  }
  if (saving.conflict) {
    return false;
  }
  if (saving.changed === saving.saved) {
    if (!auto && saving.problems === 0) {
      setSaveState('Saved');
      announce('Saved.');
    }
    return saving.problems === 0;
  }
  const seq = saving.changed;
  setSaveState('Saving…');
  saveButtons.forEach((b) => b.setAttribute('aria-busy', 'true'));
  saving.request = api('PUT', `/api/resumes/${encodeURIComponent(id)}`, { json: sendable(doc), ifMatch: etag });
  const r = await saving.request;
  saving.request = null;
  saveButtons.forEach((b) => b.setAttribute('aria-busy', 'false'));
  if (r.ok) {
    etag = r.etag || `"${r.data.version}"`;
    saving.saved = seq;
    clearProblems();
    applyNormalized(r.data.normalized || []);
    if (saving.changed !== saving.saved) {
      setSaveState('Unsaved changes');
      saving.timer = window.setTimeout(() => save({ auto: true }), AUTOSAVE_MS);
    } else {
      const n = (r.data.normalized || []).length;
      setSaveState(n ? `Saved. ${n} web ${n === 1 ? 'address was' : 'addresses were'} given https://.` : 'Saved');
      if (!auto) {
        announce('Saved.');
      }
    }
    return true;
  }
  if (r.status === 422) {
    clearProblems();
    showProblems(r.data, { focus: !auto });
    return false;
  }
  if (r.status === 412) {
    showConflict({ focus: !auto });
    return false;
  }
  setSaveState(`Not saved: ${problemText(r.data)}`, 'error');
  if (!auto) {
    announce(`Not saved: ${problemText(r.data)}`);
  }
  // the network or the server: tried again in a while, or by the next
  // change, or by Save
  saving.timer = window.setTimeout(() => save({ auto: true }), RETRY_MS);
  return false;
}

// The URLs the server gave https:// are shown as stored, unless the person
// is typing in that field.
function applyNormalized(list) {
  for (const n of list) {
    if (!n || typeof n.path !== 'string' || valueAt(n.path) !== n.from) {
      continue;
    }
    setAt(n.path, n.to);
    const el = controls.get(n.path);
    if (el && el !== document.activeElement) {
      el.value = n.to;
    }
  }
}

function setAt(path, value) {
  const parts = pathParts(path);
  const last = parts.pop();
  let parent = doc;
  for (const p of parts) {
    parent = parent && parent[p];
  }
  if (parent && typeof parent === 'object') {
    parent[last] = value;
  }
}

// Download PDF: saved first, so the PDF is what is on the screen.
async function downloadPdf(ev) {
  const button = ev.currentTarget;
  setBusy(button, true);
  const ok = await save({ auto: false });
  setBusy(button, false);
  if (!ok) {
    announce('The PDF waits until the resume is saved.');
    return;
  }
  const m = jobtune();
  const q = new URLSearchParams();
  for (const k of ['template', 'font', 'paper']) {
    if (typeof m[k] === 'string' && m[k]) {
      q.set(k, m[k]);
    }
  }
  const a = h('a', { href: `/api/resumes/${encodeURIComponent(id)}/pdf${String(q) ? `?${q}` : ''}`,
    download: `${resumeTitle().replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'resume'}.pdf`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

async function duplicate(ev) {
  const button = ev.currentTarget;
  setBusy(button, true);
  if (unsaved() && !(await save({ auto: false }))) {
    setBusy(button, false);
    return;
  }
  const r = await api('POST', `/api/resumes/${encodeURIComponent(id)}/duplicate`);
  setBusy(button, false);
  if (r.status === 201 && r.data && r.data.id) {
    announce('Duplicated. Opening the copy.');
    location.assign(`/app/resumes/${encodeURIComponent(r.data.id)}`);
    return;
  }
  setSaveState(`Not duplicated: ${problemText(r.data)}`, 'error');
  announce(`Not duplicated: ${problemText(r.data)}`);
}

// ---- a 412: both versions ------------------------------------------------------
// The autosave stops; the person compares, then keeps this page's version
// (saved over the other, with its ETag) or takes the other (the form
// reloaded).  saving.conflict holds the other version once fetched.
function showConflict({ focus }) {
  saving.conflict = saving.conflict || { latest: null };
  setSaveState('Not saved: changed elsewhere', 'error');
  clear(conflictBox);
  conflictBox.append(
    h('h2', {}, 'This resume was changed somewhere else'),
    h('p', {}, 'Another tab or device saved it after this page loaded it, so your latest changes here '
      + 'are not saved, and saving has paused. Compare the two versions, then keep one.'),
    h('div', { class: 'entry-tools' },
      h('button', { type: 'button', id: 'conflict-compare', on: { click: compareVersions } }, 'Compare the versions'),
      h('button', { type: 'button', class: 'secondary', id: 'keep-mine', on: { click: keepMine } }, 'Keep this page’s version'),
      h('button', { type: 'button', class: 'secondary', id: 'reload-latest', on: { click: takeTheirs } },
        'Use the other version')),
    h('div', { id: 'conflict-diff' }));
  conflictBox.hidden = false;
  if (focus) {
    showSaveHelp();
  }
}

async function latestVersion() {
  const r = await api('GET', `/api/resumes/${encodeURIComponent(id)}`);
  if (!r.ok) {
    setSaveState(`Not saved: ${problemText(r.data)}`, 'error');
    return null;
  }
  saving.conflict.latest = r;
  return r;
}

// Each leaf of v under prefix, as path -> text.
function flatten(v, prefix, out = new Map()) {
  if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      flatten(x, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (v !== undefined && v !== null && v !== '') {
    out.set(prefix, String(v));
  }
  return out;
}

async function compareVersions(ev) {
  const button = ev.currentTarget;
  setBusy(button, true);
  const r = await latestVersion();
  setBusy(button, false);
  if (!r) {
    return;
  }
  const mine = flatten(sendable(doc), '');
  const theirs = flatten(r.data.resume || {}, '');
  const paths = [...new Set([...mine.keys(), ...theirs.keys()])].filter((p) => mine.get(p) !== theirs.get(p));
  const box = document.getElementById('conflict-diff');
  clear(box);
  if (!paths.length) {
    box.append(h('p', {}, 'The two versions hold the same text. Keeping this page’s version loses nothing.'));
  } else {
    box.append(h('div', { class: 'table-scroll' }, h('table', { class: 'versions', id: 'versions' },
      h('caption', {}, `${paths.length} ${paths.length === 1 ? 'field differs' : 'fields differ'}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'On this page'),
        h('th', { scope: 'col' }, 'Saved elsewhere'))),
      h('tbody', {}, paths.map((p) => h('tr', {},
        h('th', { scope: 'row' }, humanPath(p)),
        h('td', { dataset: { label: 'On this page' } },
          mine.has(p) ? mine.get(p) : h('span', { class: 'empty' }, '(empty)')),
        h('td', { dataset: { label: 'Saved elsewhere' } },
          theirs.has(p) ? theirs.get(p) : h('span', { class: 'empty' }, '(empty)'))))))));
  }
  box.setAttribute('tabindex', '-1');
  box.focus();
}

async function keepMine(ev) {
  const button = ev.currentTarget;
  setBusy(button, true);
  const r = saving.conflict.latest || await latestVersion();
  setBusy(button, false);
  if (!r) {
    return;
  }
  etag = r.etag || `"${r.data.version}"`;
  saving.conflict = null;
  conflictBox.hidden = true;
  saving.saved = -1; // whatever the count, this page's version is to be saved
  if (await save({ auto: false })) {
    document.getElementById('save-top').focus();
    announce('Your version is saved.');
  }
}

async function takeTheirs(ev) {
  const button = ev.currentTarget;
  setBusy(button, true);
  const r = await latestVersion();
  setBusy(button, false);
  if (!r) {
    return;
  }
  accept(r);
  render();
  announce('The other version is loaded.');
  titleEl.focus();
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
  etag = null;
  render();
}

// Save of a draft: POST /api/resumes; from now on the page is that
// resume's editor.
async function saveDraft() {
  clearProblems();
  saveButtons.forEach((b) => setBusy(b, true));
  setSaveState('Saving…');
  const r = await api('POST', '/api/resumes', { json: sendable(doc) });
  saveButtons.forEach((b) => setBusy(b, false));
  if (!r.ok) {
    if (r.status === 422) {
      showProblems(r.data, { focus: true });
    } else {
      setSaveState(`Not saved: ${problemText(r.data)}`, 'error');
      announce(`Not saved: ${problemText(r.data)}`);
    }
    return false;
  }
  dropDraft();
  draft = null;
  id = r.data.id;
  history.replaceState(null, '', `/app/resumes/${encodeURIComponent(id)}`);
  accept(r);
  await loadChoices();
  render();
  setSaveState('Saved as a new resume.');
  announce('Resume saved.');
  titleEl.focus();
  return true;
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
                'aria-label': `Edit ${label}`, disabled: !c, on: { click: () => reveal(c.el) } }, 'Edit'),
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

// Leaving with anything unsaved asks first.
window.addEventListener('beforeunload', (ev) => {
  if (unsaved()) {
    ev.preventDefault();
    ev.returnValue = '';
  }
});

// Ctrl+S (Cmd+S on a Mac) saves now, instead of saving the web page.
document.addEventListener('keydown', (ev) => {
  if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && ev.key.toLowerCase() === 's') {
    ev.preventDefault();
    if (document.getElementById('resume-form')) {
      save({ auto: false });
    }
  }
});

await start({ auth: 'user' });
await load();
