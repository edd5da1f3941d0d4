// tailor.js - /app/resumes/<id>/tailor: paste a job description, tailor
// the resume to it (POST /api/resumes/<id>/tailor), and read the result
// beside the original: the summary and each job's highlights as a word
// diff, keywords found and missing, the model's ATS estimate and the local
// keyword score, and what looks invented.  Past tailorings (GET
// .../tailorings) can be shown again; each has a PDF
// (GET .../pdf?tailoring=<id>).  "Keyword score only" is the local ATS
// route, which needs no AI.

import { api, problemText, problemsByPath } from './api.js';
import { offered } from './features.js';
import { announce, setBusy, start } from './shell.js';
import { clear, formatDate, h, setNotice } from './dom.js';
import { likeness, wordDiff } from './diff.js';

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

function score(label, value, note) {
  return h('div', { class: 'score' }, label, h('strong', {}, `${value} / 100`), note ? h('span', { class: 'muted' }, note) : null);
}

function workTitle(w, index) {
  const parts = [w && w.position, w && w.name].filter(Boolean);
  return parts.length ? parts.join(' at ') : `Job ${index + 1}`;
}

// The original highlight most like a tailored one (the model may reorder).
function closest(originals, text) {
  let best = '';
  let bestScore = 0;
  for (const o of originals) {
    const s = likeness(o, text);
    if (s > bestScore) {
      best = o;
      bestScore = s;
    }
  }
  return bestScore >= 0.3 ? best : '';
}

function renderResult(t) {
  clear(result);
  const r = resume || {};
  const work = Array.isArray(r.work) ? r.work : [];
  const originalSummary = (r.basics && r.basics.summary) || '';
  const pdf = (paper) => `/api/resumes/${encodeURIComponent(id)}/pdf?tailoring=${encodeURIComponent(t.id)}&paper=${paper}`;
  // h() takes arrays and nulls; Element.append() would print them
  result.append(h('div', {},
    h('h2', { id: 'result-title', tabindex: '-1' }, 'Tailored for this job'),
    h('p', { class: 'muted' }, `Made ${formatDate(t.createdAt)} by ${t.model} from version ${t.resumeVersion} of your resume.`),
    h('div', { class: 'actions' },
      h('a', { class: 'button', id: 'tailored-pdf', href: pdf('a4'), download: 'resume.pdf' }, 'Download tailored PDF (A4)'),
      h('a', { class: 'button secondary', href: pdf('letter'), download: 'resume.pdf' }, 'US Letter')),
    h('h3', {}, 'Scores'),
    h('div', { class: 'scores' },
      score('ATS estimate (AI)', t.atsScore.score, ''),
      score('Keyword match (local)', t.localAts.score, `${t.localAts.found.length} of ${t.localAts.found.length + t.localAts.missing.length} terms`)),
    t.atsScore.reasons && t.atsScore.reasons.length
      ? h('ul', {}, t.atsScore.reasons.map((x) => h('li', {}, x))) : null,
    t.flags && t.flags.length
      ? h('div', { class: 'notice error', id: 'flags' },
        h('h3', {}, 'Check these: they may be invented'),
        h('p', {}, 'The AI wrote something your resume does not say. Use it only if it is true.'),
        h('ul', {}, t.flags.map((f) => h('li', {}, h('code', {}, f.path), ` — ${f.problem}`))))
      : h('p', { class: 'notice ok', id: 'flags' }, 'Nothing looks invented: every skill and year is in your resume.'),
    h('h3', {}, 'Keywords from the job description'),
    h('h4', {}, 'Found in your resume'), chips(t.keywords.found, '', 'None.'),
    h('h4', {}, 'Missing'), chips(t.keywords.missing, 'missing', 'None missing.'),
    h('h3', {}, 'Summary'),
    compare('Summary', h('p', {}, originalSummary || '(no summary)'), diffView(originalSummary, t.summary)),
    h('h3', {}, 'Highlights'),
    t.work.map((w) => {
      const original = (work[w.index] && Array.isArray(work[w.index].highlights)) ? work[w.index].highlights : [];
      return h('div', {},
        h('h4', {}, workTitle(work[w.index], w.index)),
        h('div', { class: 'compare' },
          h('div', {}, h('p', { class: 'muted' }, 'Original'),
            original.length ? h('ul', {}, original.map((x) => h('li', {}, x))) : h('p', {}, '(none)')),
          h('div', {}, h('p', { class: 'muted' }, 'Tailored'),
            h('ul', {}, w.highlights.map((x) => h('li', {}, diffView(closest(original, x), x)))))));
    }),
    h('h3', {}, 'Skills, in the order that fits the job'),
    h('ol', {}, t.skills.map((s) => h('li', {}, s)))));
  result.hidden = false;
}

function renderAts(a) {
  clear(result);
  result.append(
    h('h2', { id: 'result-title', tabindex: '-1' }, 'Keyword score'),
    h('div', { class: 'scores' }, score('Keyword match (local)', a.score, `${a.found.length} of ${a.found.length + a.missing.length} terms`)),
    h('h3', {}, 'Found in your resume'), chips(a.found, '', 'None.'),
    h('h3', {}, 'Missing'), chips(a.missing, 'missing', 'None missing.'));
  result.hidden = false;
}

function pastItem(t) {
  const words = t.jobDescription.length > 90 ? `${t.jobDescription.slice(0, 90)}…` : t.jobDescription;
  return h('li', {},
    h('div', {}, h('span', { class: 'item-title' }, formatDate(t.createdAt)), h('br'),
      h('span', { class: 'item-meta' }, `ATS ${t.atsScore.score} · keywords ${t.localAts.score}${t.flagged ? ' · check flagged text' : ''} · “${words}”`)),
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
  document.getElementById('title').textContent = `Tailor: ${r.data.title}`;
  document.title = `Tailor: ${r.data.title} — Jobtune`;
  document.getElementById('back').href = `/app/resumes/${encodeURIComponent(id)}`;
  await loadPast();
}
