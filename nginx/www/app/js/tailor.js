// tailor.js - /app/resumes/<id>/tailor: paste a job description, tailor
// the resume to it (POST /api/resumes/<id>/tailor), and act on the result.
// Each suggested change (the summary, each job's highlights, the skills'
// order) is shown beside the original it rewrites (the tailoring's
// work[].from) as a word diff, and can be used, edited or turned down;
// "Save as a new resume" and "Apply to this resume" send the choice to
// POST .../tailorings/<tid>/apply by the tailoring's own paths (a new
// resume titled for the job, or this one under If-Match).  Also: keywords
// found and missing, the model's ATS estimate and the local keyword score
// with what each measures, and what looks invented (turned down to begin
// with).  Past tailorings (GET .../tailorings) can be shown again; each
// has a PDF with every suggestion (GET .../pdf?tailoring=<id>).
// "Keyword score only" is the local ATS route, which needs no AI.

import { api, problemText, problemsByPath } from './api.js';
import { offered } from './features.js';
import { announce, setBusy, start } from './shell.js';
import { clear, formatDate, h, setNotice } from './dom.js';
import { wordDiff } from './diff.js';

const id = decodeURIComponent(location.pathname.split('/')[3] || '');
const form = document.getElementById('tailor-form');
const jd = document.getElementById('job-description');
const jdError = document.getElementById('job-description-error');
const submit = document.getElementById('tailor-submit');
const atsOnly = document.getElementById('ats-only');
const status = document.getElementById('tailor-status');
const result = document.getElementById('result');
const pastList = document.getElementById('past-list');
const pastStatus = document.getElementById('past-status');
let resume = null;
let version = null;
let resumeTitle = '';
let etag = null;

function setStatus(text, kind = '') {
  setNotice(status, text, kind);
}

function diffView(original, tailored) {
  const parts = wordDiff(original, tailored);
  return h('p', { class: 'diff' }, parts.map((part, i) => {
    if (part.op === 'eq') {
      return part.text;
    }
    return h(part.op === 'ins' ? 'ins' : 'del', {},
      h('span', { class: 'visually-hidden' }, part.op === 'ins' ? '[added: ' : '[removed: '),
      part.text,
      h('span', { class: 'visually-hidden' }, '] '));
  }).flatMap((el, i) => {
    // a removed last word would run into the added text
    const part = parts[i];
    const next = parts[i + 1];
    return part.op === 'del' && next && next.op === 'ins' && !/\s$/.test(part.text) ? [el, ' '] : [el];
  }));
}

function compare(heading, left, right) {
  return h('div', { class: 'compare' },
    h('div', {}, h('h4', {}, `${heading}: original`), left),
    h('div', {}, h('h4', {}, `${heading}: tailored`), right));
}

function chips(items, cls, empty) {
  if (!items || !items.length) {
    return h('p', { class: 'muted' }, empty);
  }
  return h('ul', { class: `chips${cls ? ` ${cls}` : ''}` }, items.map((k) => h('li', {}, k)));
}

function score(label, value, note, more = null) {
  return h('div', { class: 'score' }, label, h('strong', {}, `${value} / 100`), note ? h('p', { class: 'muted score-note' }, note) : null, more);
}

function workTitle(w, index) {
  const parts = [w && w.position, w && w.name].filter(Boolean);
  return parts.length ? parts.join(' at ') : `Job ${index + 1}`;
}

const KEYWORD_NOTE = 'Counted by Jobtune without AI, the way an applicant tracking system screens: the skills, tools and qualifications the job description asks for (not its company, places, pay or benefits) that your resume names, required ones counting twice as much as nice-to-have ones. The same resume and job description always give the same score.';
const ESTIMATE_NOTE = 'The AI’s judgement of how an applicant tracking system would rank your resume for this job. It weighs meaning and experience, not only words, and can differ between tailorings.';

function scoreNote(a) {
  const terms = a.found.length + a.missing.length;
  return `${a.found.length} of ${terms} terms found.`;
}

// The keyword score's missing terms, the required ones first: the ones
// worth adding, if they are true of you.
function missingTerms(a) {
  const preferred = new Set(a.preferred || []);
  const required = a.missing.filter((k) => !preferred.has(k));
  const nice = a.missing.filter((k) => preferred.has(k));
  return [
    h('h3', {}, 'Missing: asked for'), chips(required, 'missing', 'None missing.'),
    nice.length ? [h('h3', {}, 'Missing: nice to have'), chips(nice, 'missing', '')] : null];
}

// The change a flag's path ("summary", "work[k].highlights[j]" by the
// tailoring's own work order, "skills[k]") is about, as apply names it.
function flaggedPaths(t) {
  const out = new Set();
  for (const f of t.flags || []) {
    const w = /^work\[(\d+)\]\.highlights\[(\d+)\]$/.exec(f.path);
    if (f.path === 'summary') {
      out.add('basics.summary');
    } else if (/^skills\[\d+\]$/.test(f.path)) {
      out.add('skills');
    } else if (w && t.work[Number(w[1])]) {
      out.add(`work[${t.work[Number(w[1])].index}].highlights[${w[2]}]`);
    }
  }
  return out;
}

// One suggested change: the original beside the suggestion, and the
// choice (use / edit / keep the original).  Returns { el, path, choice() }.
function change(path, n, { legend, original, originalText, suggested, editable, noOriginal, flagged }) {
  const name = `change-${n}`;
  const errorId = `${name}-error`;
  const editId = `${name}-text`;
  const box = h('textarea', { id: editId, rows: path === 'basics.summary' ? 5 : 2, 'aria-describedby': errorId }, suggested);
  const editField = h('div', { class: 'field change-edit', hidden: true },
    h('label', { for: editId }, 'Your version'), box);
  const error = h('p', { class: 'field-error', id: errorId });
  const options = [['use', 'Use the suggestion']];
  if (editable) {
    options.push(['edit', 'Edit it']);
  }
  options.push(['reject', noOriginal ? 'Leave it out' : 'Keep my original']);
  const initial = flagged ? 'reject' : 'use';
  const radios = options.map(([value, label]) => {
    const input = h('input', { type: 'radio', name, value, id: `${name}-${value}`, checked: value === initial,
      on: { change: () => {
        editField.hidden = value !== 'edit';
        mark(value);
        if (value === 'edit') {
          box.focus();
        }
      } } });
    return h('label', { class: 'choice', for: `${name}-${value}` }, input, ` ${label}`);
  });
  const originalLabel = h('p', { class: 'muted' });
  const suggestedLabel = h('p', { class: 'muted' });
  const el = h('fieldset', { class: `change${flagged ? ' flagged' : ''}`, dataset: { path } },
    h('legend', {}, legend),
    flagged ? h('p', { class: 'field-error flag-note' }, 'Flagged above: check it is true before you use it.') : null,
    h('div', { class: 'compare' },
      h('div', {}, originalLabel, original),
      h('div', {}, suggestedLabel, suggestedView(path, originalText, suggested))),
    h('div', { class: 'choices' }, radios),
    editField, error);
  // which side is kept, in words as well as by the frame
  function mark(value) {
    el.classList.toggle('rejected', value === 'reject');
    originalLabel.textContent = value === 'reject' && !noOriginal ? 'Your original (kept)' : 'Your original';
    suggestedLabel.textContent = { use: 'Suggested (used)', edit: 'Suggested (replaced by your version)', reject: 'Suggested (not used)' }[value];
  }
  mark(initial);
  return {
    el,
    path,
    error,
    box,
    choice: () => el.querySelector(`input[name="${name}"]:checked`).value,
  };
}

function suggestedView(path, originalText, suggested) {
  if (path === 'skills') {
    return h('ol', {}, suggested.map((s) => h('li', {}, s)));
  }
  return diffView(originalText || '', suggested);
}

// The changes of tailoring t against the resume, in the tailoring's order
// of paths; the originals no tailored line rewrites, per job.
function changes(t) {
  const r = resume || {};
  const work = Array.isArray(r.work) ? r.work : [];
  const flagged = flaggedPaths(t);
  const list = [];
  const groups = [];
  let n = 0;
  const next = () => {
    n += 1;
    return n;
  };
  const summary = (r.basics && r.basics.summary) || '';
  if (t.paths.includes('basics.summary')) {
    list.push(change('basics.summary', next(), {
      legend: 'Summary', original: h('p', {}, summary || '(none)'), originalText: summary, suggested: t.summary,
      editable: true, noOriginal: !summary, flagged: flagged.has('basics.summary'),
    }));
    groups.push(h('section', { class: 'change-group' }, list[list.length - 1].el));
  }
  for (const w of t.work) {
    const entry = work[w.index];
    const originals = (entry && Array.isArray(entry.highlights)) ? entry.highlights : [];
    const items = [];
    w.highlights.forEach((text, j) => {
      const path = `work[${w.index}].highlights[${j}]`;
      if (!t.paths.includes(path)) {
        return;
      }
      const from = Array.isArray(w.from) && Number.isInteger(w.from[j]) ? originals[w.from[j]] : null;
      const c = change(path, next(), {
        legend: `Line ${j + 1}`,
        original: h('p', {}, from === null ? '(none: a new line)' : from), originalText: from,
        suggested: text, editable: true, noOriginal: from === null, flagged: flagged.has(path),
      });
      list.push(c);
      items.push(c.el);
    });
    if (!items.length) {
      continue;
    }
    const rewritten = new Set((w.from || []).filter((x) => x !== null));
    const untouched = originals.filter((_, k) => !rewritten.has(k));
    groups.push(h('section', { class: 'change-group' },
      h('h4', {}, workTitle(entry, w.index)), items,
      untouched.length ? h('div', { class: 'kept' },
        h('p', { class: 'muted' }, 'Kept as you wrote them (no suggestion rewrites them):'),
        h('ul', {}, untouched.map((x) => h('li', {}, x)))) : null));
  }
  if (t.paths.includes('skills')) {
    const names = (Array.isArray(r.skills) ? r.skills : []).map((s) => s.name).filter(Boolean);
    const c = change('skills', next(), {
      legend: 'Skills, in order', original: h('ol', {}, names.map((s) => h('li', {}, s))),
      suggested: t.skills, editable: false, flagged: flagged.has('skills'),
    });
    list.push(c);
    groups.push(h('section', { class: 'change-group' }, c.el));
  }
  return { list, groups };
}

// The body of POST .../apply from the choices.
function choiceBody(list, as) {
  const accept = [];
  const edits = {};
  for (const c of list) {
    const choice = c.choice();
    if (choice !== 'reject') {
      accept.push(c.path);
    }
    if (choice === 'edit') {
      edits[c.path] = c.box.value;
    }
  }
  return { as, accept, edits };
}

function applyPanel(t, list) {
  const count = h('p', { id: 'apply-count' });
  const status = h('p', { id: 'apply-status', class: 'notice', role: 'status', hidden: true });
  const titleHint = h('p', { class: 'hint', id: 'apply-title-hint' },
    'Leave it empty for your resume’s title followed by the first line of the job description.');
  const title = h('input', { type: 'text', id: 'apply-title', maxlength: 200, 'aria-describedby': 'apply-title-hint apply-title-error' });
  const titleError = h('p', { class: 'field-error', id: 'apply-title-error' });
  const asNew = h('button', { type: 'button', id: 'apply-new' }, 'Save as a new resume');
  const asThis = h('button', { type: 'button', class: 'secondary', id: 'apply-this' }, 'Apply to this resume');
  const recount = () => {
    const used = list.filter((c) => c.choice() !== 'reject').length;
    count.textContent = `${used} of ${list.length} suggestions used.`;
  };
  recount();
  for (const c of list) {
    c.el.addEventListener('change', recount);
  }
  const send = async (as, button) => {
    for (const c of list) {
      c.error.textContent = '';
      c.box.removeAttribute('aria-invalid');
    }
    titleError.textContent = '';
    const body = choiceBody(list, as);
    if (as === 'new' && title.value.trim()) {
      body.title = title.value;
    }
    if (as === 'this' && !body.accept.length) {
      setNotice(status, 'Use at least one suggestion to apply it to this resume.', 'error');
      return;
    }
    setBusy(button, true);
    setNotice(status, as === 'new' ? 'Saving the new resume…' : 'Applying to this resume…');
    const r = await api('POST', `/api/resumes/${encodeURIComponent(id)}/tailorings/${encodeURIComponent(t.id)}/apply`,
      { json: body, ifMatch: as === 'this' ? etag : undefined });
    setBusy(button, false);
    if (!r.ok) {
      const byPath = problemsByPath(r.data);
      let first = null;
      for (const c of list) {
        if (byPath.has(c.path)) {
          c.error.textContent = byPath.get(c.path);
          c.box.setAttribute('aria-invalid', 'true');
          first = first || c;
        }
      }
      if (byPath.has('title')) {
        titleError.textContent = byPath.get('title');
      }
      setNotice(status, problemText(r.data), 'error');
      announce(`Not saved: ${problemText(r.data)}`);
      if (first) {
        (first.choice() === 'edit' ? first.box : first.el.querySelector('input')).focus();
      }
      return;
    }
    clear(status);
    status.className = 'notice ok';
    status.hidden = false;
    if (as === 'new') {
      const name = (r.data.resume.meta && r.data.resume.meta.jobtune && r.data.resume.meta.jobtune.title) || r.data.title;
      status.append(`Saved as a new resume, “${name}”. Your original is unchanged. `,
        h('a', { href: `/app/resumes/${encodeURIComponent(r.data.id)}`, id: 'apply-open' }, 'Open the new resume'));
      announce(`Saved as a new resume: ${name}.`);
    } else {
      resume = r.data.resume;
      version = r.data.version;
      etag = r.etag || `"${r.data.version}"`;
      asThis.disabled = true;
      status.append(`Applied to this resume (now version ${r.data.version}). `,
        h('a', { href: `/app/resumes/${encodeURIComponent(id)}`, id: 'apply-open' }, 'Open it in the editor'));
      announce('Applied to this resume.');
    }
  };
  asNew.addEventListener('click', () => send('new', asNew));
  asThis.addEventListener('click', () => send('this', asThis));
  return h('section', { class: 'apply', 'aria-labelledby': 'apply-title-h' },
    h('h3', { id: 'apply-title-h' }, 'Keep the changes'),
    count,
    h('h4', {}, 'As a new resume for this job'),
    h('p', {}, 'Your resume stays as it is; the new one has your choices.'),
    h('div', { class: 'field' },
      h('label', { for: 'apply-title' }, 'Name of the new resume ', h('span', { class: 'muted' }, '(optional)')),
      title, titleHint, titleError),
    h('div', { class: 'actions' }, asNew),
    h('h4', {}, 'Or in this resume'),
    h('p', {}, `Your saved resume “${resumeTitle}” takes your choices. You can still edit it afterwards.`),
    h('div', { class: 'actions' }, asThis),
    status);
}

// A tailoring of an older version: its lines and indexes may no longer
// fit, so it is not offered; its job description can be tailored again.
function outdatedNote(t) {
  return h('div', { class: 'notice error', id: 'apply-outdated' },
    h('p', {}, `This tailoring was made from version ${t.resumeVersion} of your resume, which has changed since (it is now at version ${version}), so its suggestions may no longer fit.`),
    h('button', { type: 'button', class: 'secondary', id: 'retailor',
      on: { click: () => {
        jd.value = t.jobDescription;
        jd.focus();
        jd.scrollIntoView({ block: 'center' });
      } } }, 'Tailor again for this job'));
}

function renderResult(t) {
  clear(result);
  const pdf = (paper) => `/api/resumes/${encodeURIComponent(id)}/pdf?tailoring=${encodeURIComponent(t.id)}&paper=${paper}`;
  const outdated = version !== null && t.resumeVersion !== version;
  const { list, groups } = outdated ? { list: [], groups: [] } : changes(t);
  // h() takes arrays and nulls; Element.append() would print them
  result.append(h('div', {},
    h('h2', { id: 'result-title', tabindex: '-1' }, 'Tailored for this job'),
    h('p', { class: 'muted' }, `Made ${formatDate(t.createdAt)} by ${t.model} from version ${t.resumeVersion} of your resume.`),
    h('h3', {}, 'How well your resume matches'),
    h('p', { class: 'muted' }, 'Both scores are for your resume as it was saved, before any of these changes.'),
    h('div', { class: 'scores' },
      score('ATS estimate (AI)', t.atsScore.score, ESTIMATE_NOTE, t.atsScore.reasons && t.atsScore.reasons.length
        ? h('div', { class: 'reasons' }, h('p', {}, 'Its reasons:'), h('ul', {}, t.atsScore.reasons.map((x) => h('li', {}, x)))) : null),
      score('Keyword match (no AI)', t.localAts.score, `${scoreNote(t.localAts)} ${KEYWORD_NOTE}`)),
    t.flags && t.flags.length
      ? h('div', { class: 'notice error', id: 'flags' },
        h('h3', {}, 'Check these: they may be invented'),
        h('p', {}, 'The AI wrote something your resume does not say. These suggestions start turned down; use them only if they are true.'),
        h('ul', {}, t.flags.map((f) => h('li', {}, h('code', {}, f.path), ` — ${f.problem}`))))
      : h('p', { class: 'notice ok', id: 'flags' }, 'Nothing looks invented: every skill and year is in your resume.'),
    // the AI's own reading of the job description: its terms are not the
    // keyword match's, whose count is given above
    h('h3', {}, 'Keywords the AI picked from the job description'),
    h('p', { class: 'muted' }, 'Its own choice of words, so they can differ from the terms the keyword match counts.'),
    h('h4', {}, 'Found in your resume'), chips(t.keywords.found, '', 'None.'),
    h('h4', {}, 'Missing'), chips(t.keywords.missing, 'missing', 'None missing.'),
    h('h3', {}, 'Suggested changes'),
    outdated ? outdatedNote(t) : [
      h('p', {}, 'For each one, use it, edit it or keep what you wrote. Nothing changes until you save below.'),
      groups,
      applyPanel(t, list)],
    h('div', { class: 'actions' },
      h('a', { class: 'button secondary', id: 'tailored-pdf', href: pdf('a4'), download: '' }, 'PDF with every suggestion (A4)'),
      h('a', { class: 'button secondary', href: pdf('letter'), download: '' }, 'US Letter'))));
  result.hidden = false;
}

function renderAts(a) {
  clear(result);
  result.append(
    h('h2', { id: 'result-title', tabindex: '-1' }, 'Keyword score'),
    h('div', { class: 'scores' }, score('Keyword match (no AI)', a.score, `${scoreNote(a)} ${KEYWORD_NOTE}`)),
    h('h3', {}, 'Found in your resume'), chips(a.found, '', 'None.'),
    h('div', {}, missingTerms(a)));
  result.hidden = false;
}

function pastItem(t) {
  const words = t.jobDescription.length > 90 ? `${t.jobDescription.slice(0, 90)}…` : t.jobDescription;
  return h('li', {},
    h('div', {}, h('span', { class: 'item-title' }, formatDate(t.createdAt)), h('br'),
      h('span', { class: 'item-meta' }, `AI estimate ${t.atsScore.score} · keyword match ${t.localAts.score}${t.flagged ? ' · check flagged text' : ''} · “${words}”`)),
    h('button', { type: 'button', class: 'secondary small', 'aria-label': `Show the tailoring of ${formatDate(t.createdAt)}`,
      on: { click: () => {
        renderResult(t);
        result.querySelector('#result-title').focus();
      } } }, 'Show'));
}

async function loadPast() {
  const r = await api('GET', `/api/resumes/${encodeURIComponent(id)}/tailorings`);
  clear(pastList);
  if (!r.ok) {
    setNotice(pastStatus, problemText(r.data), 'error');
    return;
  }
  setNotice(pastStatus, r.data.items.length ? '' : 'No tailorings of this resume yet.');
  for (const t of r.data.items) {
    pastList.append(pastItem(t));
  }
}

function checkJd() {
  jdError.textContent = '';
  jd.removeAttribute('aria-invalid');
  if (!jd.value.trim()) {
    jdError.textContent = 'Paste the job description first.';
    jd.setAttribute('aria-invalid', 'true');
    jd.focus();
    return false;
  }
  return true;
}

function showError(r) {
  const field = problemsByPath(r.data).get('jobDescription');
  if (field) {
    jdError.textContent = field;
    jd.setAttribute('aria-invalid', 'true');
    jd.focus();
  }
  setStatus(problemText(r.data), 'error');
  announce(`Not done: ${problemText(r.data)}`);
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!checkJd()) {
    return;
  }
  setBusy(submit, true);
  setBusy(atsOnly, true);
  result.setAttribute('aria-busy', 'true');
  setStatus('Tailoring your resume… this can take up to a minute.');
  const r = await api('POST', `/api/resumes/${encodeURIComponent(id)}/tailor`, { json: { jobDescription: jd.value } });
  setBusy(submit, false);
  setBusy(atsOnly, false);
  result.setAttribute('aria-busy', 'false');
  if (r.status !== 201) {
    showError(r);
    return;
  }
  setStatus('');
  renderResult(r.data);
  const flagged = r.data.flags.length ? ` ${r.data.flags.length} passages to check.` : '';
  announce(`Tailoring ready. ATS estimate ${r.data.atsScore.score}, keyword match ${r.data.localAts.score}.${flagged}`);
  result.querySelector('#result-title').focus();
  loadPast();
});

atsOnly.addEventListener('click', async () => {
  if (!checkJd()) {
    return;
  }
  setBusy(atsOnly, true);
  const r = await api('POST', `/api/resumes/${encodeURIComponent(id)}/ats`, { json: { jobDescription: jd.value } });
  setBusy(atsOnly, false);
  if (!r.ok) {
    showError(r);
    return;
  }
  setStatus('');
  renderAts(r.data);
  announce(`Keyword match ${r.data.score} out of 100.`);
  result.querySelector('#result-title').focus();
});

await start({ auth: 'user' });
const NO_AI = 'Tailoring with AI is not available on this server. The keyword score works '
  + 'without it: paste the job description and choose “Keyword score only”.';
if (!await offered('tailoring', document.getElementById('tailor-form'), NO_AI)) {
  submit.disabled = true;
  submit.classList.add('secondary');
  document.getElementById('ats-only').classList.remove('secondary');
}
const r = await api('GET', `/api/resumes/${encodeURIComponent(id)}`);
if (!r.ok) {
  const main = document.getElementById('main');
  clear(main);
  main.append(h('h1', {}, r.status === 404 ? 'Resume not found' : 'The resume could not be loaded'),
    h('p', { class: 'notice error', role: 'alert' }, r.status === 404
      ? 'There is no such resume in your account. It may have been deleted.' : problemText(r.data)),
    h('p', {}, h('a', { href: '/app/' }, 'Back to your resumes')));
} else {
  resume = r.data.resume;
  version = r.data.version;
  resumeTitle = r.data.title;
  etag = r.etag || `"${r.data.version}"`;
  document.getElementById('title').textContent = `Tailor: ${r.data.title}`;
  document.title = `Tailor: ${r.data.title} — Jobtune`;
  document.getElementById('back').href = `/app/resumes/${encodeURIComponent(id)}`;
  await loadPast();
}
