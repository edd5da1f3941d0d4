// interview.js - /app/interviews/<id>: the rehearsal and its report.
//
// Each question asked so far is listed and can be played (GET
// /api/interviews/{id}/questions/{n}/audio, spoken on demand by the
// server).  The current one is answered with the microphone (recorder.js:
// an AudioWorklet collects the samples, the page makes a 16 kHz mono
// 16-bit WAV) or typed, and sent to POST /api/interviews/{id}/answers
// ?question=n, which answers with the next question.  Finishing (POST
// .../finish) shows the report: the overall score, the five rubric scores
// as an SVG chart and a table, and feedback per question.
import { api, problemText } from './api.js';
import { announce, setBusy, start } from './shell.js';
import { clear, h } from './dom.js';
import { barChart } from './chart.js';
import { MAX_SECONDS, isSupported, startRecording } from './recorder.js';
import { languageName, shortDate } from './rehearsal-text.js';

const RUBRIC = [
  ['communication', 'Communication'],
  ['relevance', 'Relevance'],
  ['structure', 'STAR structure'],
  ['depth', 'Depth'],
  ['confidence', 'Confidence'],
];

const $ = (id) => document.getElementById(id);

const state = {
  id: null,
  interview: null,
  recording: null, // the running recorder
  take: null, // { blob, seconds, url } once stopped
};

function interviewId() {
  const m = /^\/app\/interviews\/([^/]+)$/.exec(window.location.pathname);
  return m ? decodeURIComponent(m[1]) : null;
}

function base() {
  return `/api/interviews/${encodeURIComponent(state.id)}`;
}

function showState(text, { error = false } = {}) {
  const box = $('interview-state');
  clear(box);
  if (text) {
    box.append(h('p', { class: error ? 'error' : 'status-line' }, text));
  }
}

function clock(seconds) {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// ---- questions -------------------------------------------------------------

function playButton(q) {
  const button = h('button', { type: 'button', class: 'secondary play',
    'aria-label': `Play question ${q.n}` }, 'Play question');
  const holder = h('div', { class: 'question-audio' });
  button.addEventListener('click', async () => {
    let audio = holder.querySelector('audio');
    if (!audio) {
      audio = h('audio', { controls: true, preload: 'none',
        'aria-label': `Question ${q.n}, spoken` });
      audio.addEventListener('error', () => {
        announce('The question could not be played; read it instead.');
        holder.append(h('p', { class: 'error' }, 'The spoken question is not available right now.'));
      });
      audio.src = `${base()}/questions/${q.n}/audio`;
      holder.append(audio);
    }
    try {
      await audio.play();
    } catch (err) {
      // the error event reports a failed load; a refused autoplay needs no message
    }
  });
  return h('div', { class: 'question-tools' }, button, holder);
}

function renderQuestions(iv) {
  const list = $('questions');
  clear(list);
  for (const q of iv.questions) {
    const current = q.n === iv.currentQuestion;
    const li = h('li', { class: current ? 'question current' : 'question',
      id: `question-${q.n}` },
    h('p', { class: 'question-label' }, `Question ${q.n} of ${iv.questionCount}`),
    h('p', { class: 'question-text' }, q.text),
    playButton(q));
    if (q.answer) {
      li.append(h('details', { class: 'answer' },
        h('summary', {}, q.answer.source === 'audio' ? 'Your answer (transcribed)' : 'Your answer'),
        h('p', {}, q.answer.text)));
    }
    if (current) {
      li.setAttribute('aria-current', 'step');
    }
    list.append(li);
  }
  const answered = iv.questions.filter((q) => q.answer).length;
  const progress = $('progress');
  progress.max = iv.questionCount;
  progress.value = answered;
  $('progress-label').textContent = `${answered} of ${iv.questionCount} questions answered`;
}

// ---- answering -------------------------------------------------------------

function resetTake() {
  if (state.take && state.take.url) {
    URL.revokeObjectURL(state.take.url);
  }
  state.take = null;
  $('take').hidden = true;
  $('take-audio').removeAttribute('src');
  $('level-meter').value = 0;
  $('elapsed').textContent = '0:00';
}

async function toggleRecording() {
  const button = $('record');
  $('answer-error').textContent = '';
  if (state.recording) {
    const rec = state.recording;
    state.recording = null;
    button.disabled = true;
    const take = await rec.stop();
    button.disabled = false;
    button.textContent = 'Record answer';
    button.dataset.recording = 'false';
    $('level-meter').value = 0;
    state.take = { ...take, url: URL.createObjectURL(take.blob) };
    $('take-audio').src = state.take.url;
    $('take').hidden = false;
    announce(`Recorded ${clock(take.seconds)}. Listen back, or send the recording.`);
    $('send-recording').focus();
    return;
  }
  resetTake();
  try {
    state.recording = await startRecording({
      onLevel: (level, seconds) => {
        $('level-meter').value = level;
        $('elapsed').textContent = clock(seconds);
      },
      onLimit: () => {
        announce(`Recordings stop at ${MAX_SECONDS / 60} minutes.`);
        if (state.recording) {
          toggleRecording();
        }
      },
    });
  } catch (err) {
    const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
    $('answer-error').textContent = denied
      ? 'The microphone is blocked for this site. Allow it in the browser, or type the answer.'
      : 'No microphone could be opened. Type the answer instead.';
    $('typed-answer').open = true;
    return;
  }
  // the label says what a press does; no aria-pressed on top of it
  button.textContent = 'Stop recording';
  button.dataset.recording = 'true';
  announce('Recording. Press Stop recording when you are done.');
}

async function sendAnswer(request, button) {
  const iv = state.interview;
  $('answer-error').textContent = '';
  setBusy(button, true);
  announce('Sending the answer…');
  const r = await api('POST', `${base()}/answers?question=${iv.currentQuestion}`, request);
  setBusy(button, false);
  if (!r.ok) {
    const text = problemText(r.data) || `The answer could not be sent (${r.status}).`;
    $('answer-error').textContent = text;
    if (r.status === 409) {
      await load();
    }
    return false;
  }
  resetTake();
  $('answer-text').value = '';
  render(r.data);
  const next = r.data.currentQuestion;
  announce(next ? `Answer saved. Question ${next} is ready.`
    : 'Answer saved. Every question is answered: finish to get the report.');
  const target = next ? $(`question-${next}`) : $('finish');
  if (target) {
    target.setAttribute('tabindex', '-1');
    target.focus();
  }
  return true;
}

function wireAnswers() {
  if (!isSupported()) {
    $('voice-answer').hidden = true;
    $('typed-answer').open = true;
  }
  $('record').addEventListener('click', toggleRecording);
  $('discard-recording').addEventListener('click', () => {
    resetTake();
    $('record').focus();
  });
  $('send-recording').addEventListener('click', () => {
    if (!state.take) {
      return;
    }
    sendAnswer({ body: state.take.blob, headers: { 'Content-Type': 'audio/wav' } },
      $('send-recording'));
  });
  $('send-text').addEventListener('click', () => {
    const text = $('answer-text').value.trim();
    if (!text) {
      $('answer-error').textContent = 'Write the answer first.';
      $('answer-text').focus();
      return;
    }
    sendAnswer({ json: { text } }, $('send-text'));
  });
  $('finish').addEventListener('click', finish);
}

async function finish() {
  const iv = state.interview;
  const open = iv.questionCount - iv.questions.filter((q) => q.answer).length;
  if (open > 0 && !window.confirm(`${open} question(s) have no answer yet. Finish anyway?`)) {
    return;
  }
  if (state.recording) {
    state.recording.cancel();
    state.recording = null;
  }
  const button = $('finish');
  setBusy(button, true);
  announce('Scoring the interview: this takes a few seconds…');
  const r = await api('POST', `${base()}/finish`);
  setBusy(button, false);
  if (!r.ok) {
    $('answer-error').textContent = problemText(r.data) || `The report could not be made (${r.status}).`;
    announce($('answer-error').textContent);
    return;
  }
  render(r.data);
  announce(`Your report is ready: ${r.data.report.overallScore} out of 100.`);
  $('report-title').focus();
}

// ---- report ----------------------------------------------------------------

function renderReport(iv) {
  const rep = iv.report;
  $('overall-score').textContent = String(rep.overallScore);
  const rows = RUBRIC.map(([key, label]) => ({ label, value: rep.rubric[key] }));
  const fig = $('rubric-chart');
  clear(fig);
  fig.append(barChart(rows, { max: 10, title: 'Rubric scores out of 10', idPrefix: 'rubric' }));
  const body = $('rubric-table').tBodies[0];
  clear(body);
  for (const r of rows) {
    body.append(h('tr', {}, h('th', { scope: 'row' }, r.label), h('td', {}, `${r.value} / 10`)));
  }
  for (const [id, items] of [['strengths', rep.strengths], ['improvements', rep.improvements]]) {
    const list = $(id);
    clear(list);
    for (const text of items || []) {
      list.append(h('li', {}, text));
    }
  }
  const missing = rep.unanswered || [];
  $('unanswered').hidden = missing.length === 0;
  $('unanswered').textContent = missing.length
    ? `Not answered: question${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` : '';
  const fb = $('feedback');
  clear(fb);
  const byN = new Map(iv.questions.map((q) => [q.n, q]));
  for (const f of rep.questions || []) {
    const q = byN.get(f.n);
    const stronger = h('ul', {}, ...(f.strongerAnswer || []).map((t) => h('li', {}, t)));
    fb.append(h('article', { class: 'feedback panel' },
      h('h4', {}, `Question ${f.n}`),
      q ? h('p', { class: 'question-text' }, q.text) : null,
      q && q.answer ? h('details', {}, h('summary', {}, 'Your answer'), h('p', {}, q.answer.text)) : null,
      h('h5', {}, 'What went well'), h('p', {}, f.wentWell),
      h('h5', {}, 'To improve'), h('p', {}, f.toImprove),
      h('h5', {}, 'A stronger answer'), stronger));
  }
}

// ---- the page --------------------------------------------------------------

function render(iv) {
  state.interview = iv;
  $('interview-title').textContent = iv.level ? `${iv.role} (${iv.level})` : iv.role;
  document.title = `${iv.role} — mock interview — Jobtune`;
  $('interview-meta').textContent = `${shortDate(iv.createdAt)} · ${languageName(iv.language)} · ` +
    `${iv.questionCount} questions`;
  showState('');
  renderQuestions(iv);
  const done = iv.status === 'completed';
  $('rehearsal').hidden = false;
  $('answer-panel').hidden = done || !iv.currentQuestion;
  $('finish').hidden = done;
  $('finish').textContent = iv.currentQuestion ? 'Finish early and get the report'
    : 'Finish and get the report';
  if (!iv.currentQuestion && !done) {
    $('finish').classList.remove('secondary');
  }
  if (iv.currentQuestion) {
    $('answer-title').textContent = `Your answer to question ${iv.currentQuestion}`;
  }
  $('report').hidden = !done || !iv.report;
  if (done && iv.report) {
    renderReport(iv);
  }
}

async function load() {
  const r = await api('GET', base());
  if (r.status === 404) {
    showState('There is no such interview. It may have been deleted.', { error: true });
    $('rehearsal').hidden = true;
    $('report').hidden = true;
    return;
  }
  if (!r.ok) {
    showState(problemText(r.data) || `The interview could not be loaded (${r.status}).`,
      { error: true });
    return;
  }
  render(r.data);
}

async function main() {
  state.id = interviewId();
  const me = await start({ auth: 'user' });
  if (!me) {
    return;
  }
  if (!state.id) {
    showState('There is no such interview.', { error: true });
    return;
  }
  wireAnswers();
  window.addEventListener('pagehide', () => {
    if (state.recording) {
      state.recording.cancel();
    }
    resetTake();
  });
  await load();
}

main();
