// interview.js - /app/interviews/<id>: the rehearsal and its report.
//
// The rehearsal should feel like an interview: each question is read
// aloud as soon as it arrives (speaker.js, with Pause and Replay beside
// it, and a setting to turn that off kept in localStorage), an answer is
// recorded (recorder.js: an AudioWorklet collects the samples, the page
// makes a 16 kHz mono 16-bit WAV) and listened back before it is sent,
// or typed.  It goes to POST /api/interviews/{id}/answers?question=n with
// Accept: application/x-ndjson, whose answer streams what happens: the
// transcript and the delivery numbers as soon as speech-to-text is done
// (shown at once under the question), the next question's text, then its
// spoken sentences, played while the rest are still being made, then the
// stored interview.  The steps of the wait are shown on the page, not
// only to screen readers.  Finishing (POST .../finish) shows the report:
// the overall score, the five rubric scores as a chart and a table, how
// the answers were spoken (pace, fillers, pauses), and feedback per
// question.  A server without a speech service (GET /api/features) gets
// the questions to read and the answers typed.
//
// Having read the transcript, the candidate may answer the newest
// question again ("Answer question n again", offered until recording or
// sending for the next question begins): the panel goes back to question
// n, with Cancel to return, and the answer goes with ?replace=true; the
// new transcript takes the old one's place and the next question, asked
// again by the server, plays as usual.
import { api, problemText, stream } from './api.js';
import { announce, setBusy, start } from './shell.js';
import { clear, h } from './dom.js';
import { barChart } from './chart.js';
import { MAX_SECONDS, isSupported, startRecording } from './recorder.js';
import { languageName, shortDate } from './rehearsal-text.js';
import { base64Bytes, createSpeaker } from './speaker.js';
import { deliveryList, deliveryReport } from './delivery.js';
import { features, offered } from './features.js';

const RUBRIC = [
  ['communication', 'Communication'],
  ['relevance', 'Relevance'],
  ['structure', 'STAR structure'],
  ['depth', 'Depth'],
  ['confidence', 'Confidence'],
];

const AUTOPLAY_KEY = 'jobtune.interview.autoplay';
// A 429 asking to come back within BUSY_WAIT_MAX seconds is sent again,
// up to BUSY_TRIES times in all; a longer one (the day's quota) is shown.
const BUSY_WAIT_MAX = 5;
const BUSY_TRIES = 5;

const $ = (id) => document.getElementById(id);

const state = {
  id: null,
  interview: null,
  recording: null, // the running recorder
  take: null, // { blob, seconds, url } once stopped
  sending: false,
  spoken: true, // this server speaks the questions (GET /api/features)
  again: null, // the question being answered again, or null
  begun: null, // the question whose answer has begun (no answering again then)
  audioAsked: 0, // counts question audio requests: an answer again voids those in flight
};

const speaker = createSpeaker({ onChange: () => {
  syncPlayers();
  if (speaker.state === 'blocked') {
    announce('Press Play question to hear the question.');
  }
} });

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

// ---- auto-play setting -----------------------------------------------------

function autoplayOn() {
  if (!state.spoken) {
    return false;
  }
  try {
    return window.localStorage.getItem(AUTOPLAY_KEY) !== 'off';
  } catch {
    return true; // storage refused: the default
  }
}

function wireAutoplay() {
  const box = $('autoplay');
  box.checked = autoplayOn();
  box.addEventListener('change', () => {
    try {
      window.localStorage.setItem(AUTOPLAY_KEY, box.checked ? 'on' : 'off');
    } catch {
      // not remembered; it still holds for this page
    }
    if (!box.checked) {
      speaker.stop();
    }
    announce(box.checked ? 'Questions will be read aloud as they arrive.'
      : 'Questions will wait for you to press Play.');
  });
}

// ---- the spoken question ---------------------------------------------------

const PLAYER_TEXT = {
  loading: ['Pause', 'Getting the spoken question…'],
  playing: ['Pause', 'Reading the question aloud'],
  paused: ['Play', ''],
  stopped: ['Play question', ''],
  ended: ['Play again', ''],
  blocked: ['Play question', 'Press Play question to hear it: the browser waits for a press.'],
  failed: ['Play question', 'The spoken question is not available right now; read it above.'],
};

// Question n's spoken form from GET .../questions/n/audio, one WAV.
// An answer given again voids it: the question it speaks is asked anew.
async function fetchQuestionAudio(n, play) {
  const asked = ++state.audioAsked;
  speaker.begin(n, { play });
  const r = await api('GET', `${base()}/questions/${n}/audio`,
    { blob: true, headers: { Accept: 'audio/wav, application/json' } });
  const wav = r.ok ? await r.blob.arrayBuffer().catch(() => null) : null;
  if (asked !== state.audioAsked || speaker.owner !== n) {
    return;
  }
  if (wav) {
    speaker.add(n, 0, wav);
  }
  speaker.end(n, wav ? 1 : 0);
}

function pressPlay(n) {
  if (speaker.owner !== n || speaker.state === 'failed' || speaker.state === 'idle') {
    fetchQuestionAudio(n, true);
  } else if (speaker.state === 'playing' || speaker.state === 'loading') {
    speaker.pause();
  } else if (speaker.state === 'ended') {
    speaker.replay();
  } else {
    speaker.resume();
  }
}

function playerFor(q) {
  const play = h('button', { type: 'button', class: 'secondary play',
    'aria-label': `Play question ${q.n}`, on: { click: () => pressPlay(q.n) } }, 'Play question');
  const replay = h('button', { type: 'button', class: 'secondary replay', hidden: true,
    'aria-label': `Replay question ${q.n} from the start`, on: { click: () => speaker.replay() } },
  'Replay');
  return h('div', { class: 'question-tools', 'data-n': String(q.n), 'data-state': 'idle' },
    play, replay, h('p', { class: 'player-status meta' }));
}

// Brings every question's buttons in line with the speaker.
function syncPlayers() {
  for (const tools of document.querySelectorAll('.question-tools')) {
    const n = Number(tools.dataset.n);
    const mine = speaker.owner === n;
    const st = mine ? speaker.state : 'idle';
    const [label, status] = PLAYER_TEXT[st] || ['Play question', ''];
    const play = tools.querySelector('button.play');
    tools.dataset.state = st;
    play.textContent = label;
    play.setAttribute('aria-label', label === 'Play question' ? `Play question ${n}`
      : `${label}, question ${n}`);
    // once it has ended, Play again does what Replay would
    tools.querySelector('button.replay').hidden = !mine || !['playing', 'paused'].includes(st);
    tools.querySelector('.player-status').textContent = status;
  }
}

// ---- questions -------------------------------------------------------------

function answerBlock(answer, { pending = false } = {}) {
  const spoken = answer.source === 'audio';
  return h('div', { class: pending ? 'answer pending' : 'answer' },
    h('p', { class: 'answer-label' }, spoken ? 'Your answer, transcribed' : 'Your answer'),
    h('blockquote', { class: 'transcript' }, h('p', {}, answer.text)),
    answer.delivery ? deliveryList(answer.delivery) : null);
}

// The newest answered question, while it may be answered again (the
// interview active, the next question not yet begun), or 0.
function againOffered(iv) {
  const answered = iv.questions.filter((q) => q.answer).map((q) => q.n);
  const n = answered.length ? Math.max(...answered) : 0;
  if (iv.status !== 'active' || !n || state.again ||
      (iv.currentQuestion && state.begun === iv.currentQuestion)) {
    return 0;
  }
  return n;
}

function againButton(n) {
  return h('div', { class: 'actions again-row' },
    h('button', { type: 'button', class: 'secondary again', on: { click: () => answerAgain(n) } },
      `Answer question ${n} again`));
}

function questionItem(iv, q) {
  const current = state.again ? q.n === state.again : q.n === iv.currentQuestion;
  const li = h('li', { class: current ? 'question current' : 'question', id: `question-${q.n}` },
    h('p', { class: 'question-label' }, `Question ${q.n} of ${iv.questionCount}`),
    h('p', { class: 'question-text' }, q.text),
    state.spoken ? playerFor(q) : null);
  if (q.answer) {
    li.append(answerBlock(q.answer));
  }
  if (q.answer && q.n === againOffered(iv)) {
    li.append(againButton(q.n));
  }
  if (current) {
    li.setAttribute('aria-current', 'step');
  }
  return li;
}

function renderQuestions(iv) {
  const list = $('questions');
  clear(list);
  for (const q of iv.questions) {
    list.append(questionItem(iv, q));
  }
  const answered = iv.questions.filter((q) => q.answer).length;
  const progress = $('progress');
  progress.max = iv.questionCount;
  progress.value = answered;
  $('progress-label').textContent = `${answered} of ${iv.questionCount} questions answered`;
  syncPlayers();
}

// ---- answering -------------------------------------------------------------

function resetTake() {
  if (state.take && state.take.url) {
    URL.revokeObjectURL(state.take.url);
  }
  state.take = null;
  $('take').hidden = true;
  $('voice-answer').classList.remove('reviewing');
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
    $('voice-answer').classList.add('reviewing');
    announce(`Recorded ${clock(take.seconds)}. Listen back, then send it or record again.`);
    $('send-recording').focus();
    return;
  }
  resetTake();
  speaker.stop(); // the question does not talk over the answer
  if (!state.again) {
    beginNext();
  }
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

// The waiting steps, shown in the panel: each 'active' then 'done'.  The
// step function marks one active and says it (after lead, if given).
function steps({ spoken, last }) {
  const list = $('answer-steps');
  list.querySelector('[data-step="transcribe"]').hidden = !spoken;
  list.querySelector('[data-step="question"]').hidden = last;
  for (const li of list.children) {
    li.className = '';
  }
  list.hidden = false;
  return (name, lead = '') => {
    let reached = false;
    for (const li of list.children) {
      if (li.hidden) {
        continue;
      }
      if (li.dataset.step === name) {
        li.className = 'active';
        reached = true;
        announce(lead + li.textContent);
      } else {
        li.className = reached ? '' : 'done';
      }
    }
  };
}

function busy(on) {
  state.sending = on;
  $('answer-input').hidden = on;
  for (const id of ['record', 'send-recording', 'discard-recording', 'send-text', 'finish']) {
    setBusy($(id), on);
  }
}

// ---- answering again -------------------------------------------------------

// The answer to the next question has begun: the one before stays as it is.
function beginNext() {
  state.begun = state.interview.currentQuestion;
  for (const row of document.querySelectorAll('.again-row')) {
    row.remove();
  }
}

// The panel back at question n, for a new answer to it.
function answerAgain(n) {
  const iv = state.interview;
  state.again = n;
  state.audioAsked += 1; // the next question's audio, if on its way, is of the old one
  speaker.stop();
  resetTake();
  $('answer-text').value = '';
  render(iv);
  $('answer-title').focus({ preventScroll: true });
  $('answer-panel').scrollIntoView({ block: 'nearest' });
  announce(`Answering question ${n} again. The earlier answer stays until the new one is saved.`);
}

function cancelAgain() {
  const n = state.again;
  if (state.recording) {
    state.recording.cancel();
    state.recording = null;
    $('record').textContent = 'Record answer';
    $('record').dataset.recording = 'false';
  }
  resetTake();
  $('answer-text').value = '';
  $('answer-error').textContent = '';
  state.again = null;
  render(state.interview);
  const next = state.interview.currentQuestion;
  const back = next ? $(`question-${next}`) : $('finish');
  back.setAttribute('tabindex', '-1');
  back.focus();
  announce(next ? `Back to question ${next}. Your answer to question ${n} is as it was.`
    : `Your answer to question ${n} is as it was.`);
}

// One event of the answer's stream, shown as it comes.
function onAnswerEvent({ spoken, last }, event, step, heard) {
  if (event.event === 'transcript') {
    const li = $(`question-${heard.answered}`);
    if (li) {
      li.querySelector('.answer')?.remove();
      li.querySelector('.again-row')?.remove();
      const block = answerBlock({ source: spoken ? 'audio' : 'text', text: event.text,
        delivery: event.delivery }, { pending: true });
      li.append(block);
      block.scrollIntoView({ block: 'nearest' }); // the words, before anything else
    }
    step(last ? 'save' : 'question',
      `Your answer is transcribed under question ${heard.answered}. `);
  } else if (event.event === 'question') {
    const iv = state.interview;
    $(`question-${event.n}`)?.remove(); // asked again: the old one goes
    $('questions').append(questionItem({ ...iv, currentQuestion: null },
      { n: event.n, text: event.text, answer: null }));
    heard.n = event.n;
    speaker.begin(event.n, { play: autoplayOn() });
    syncPlayers();
    step('save');
    announce(`Question ${event.n}: ${event.text}`);
  } else if (event.event === 'audio' && event.n === heard.n) {
    heard.count += 1;
    speaker.add(event.n, event.seq, base64Bytes(event.wav));
  }
}

async function sendAnswer(request, { spoken }) {
  const iv = state.interview;
  const again = state.again;
  const n = again || iv.currentQuestion;
  $('answer-error').textContent = '';
  if (!again) {
    beginNext();
  }
  speaker.warm(); // a press is here now: the next question may speak
  busy(true);
  const last = n === iv.questionCount;
  const step = steps({ spoken, last });
  step('send');
  const heard = { answered: n, n: null, count: 0 };
  let r;
  for (let attempt = 1; ; attempt += 1) {
    r = await stream(`${base()}/answers?question=${n}${again ? '&replace=true' : ''}`, request,
      (event) => onAnswerEvent({ spoken, last }, event, step, heard),
      { onSent: () => step(spoken ? 'transcribe' : (last ? 'save' : 'question')) });
    // the server's slow places all taken (a question still being spoken,
    // say): a second's wait, as it asks, rather than an error to press past
    const wait = Number((r.headers && r.headers.get('Retry-After')) || 0);
    if (r.status !== 429 || !(wait > 0 && wait <= BUSY_WAIT_MAX) || attempt >= BUSY_TRIES) {
      break;
    }
    step('send');
    await new Promise((done) => { window.setTimeout(done, wait * 1000); });
  }
  $('answer-steps').hidden = true;
  busy(false);
  if (!r.ok) {
    // nothing was stored (unless a cut stream hides it): back to the
    // question, the recording kept for another try
    const text = problemText(r.data) || `The answer could not be sent (${r.status}).`;
    if (heard.n) {
      speaker.stop();
    }
    render(state.interview);
    $('answer-error').textContent = text;
    if (r.status !== 409 && r.status !== 0) {
      return false;
    }
    if (again) {
      // answered again elsewhere, or cut: show what the server holds; a
      // 409 means answering n again is over
      state.again = r.status === 409 ? null : again;
      await load();
      $('answer-error').textContent = text;
      return false;
    }
    // another tab answered, or the connection went: what does the server hold?
    await load();
    const q = state.interview.questions.find((x) => x.n === n);
    if (r.status === 409 || !(q && q.answer)) {
      $('answer-error').textContent = text;
      return false;
    }
    // the stream was cut after the answer was stored
    if (state.interview.currentQuestion && autoplayOn()) {
      fetchQuestionAudio(state.interview.currentQuestion, true);
    }
    r = { ok: true, data: state.interview };
  }
  resetTake();
  $('answer-text').value = '';
  if (heard.n) {
    speaker.end(heard.n, heard.count);
  }
  state.again = null;
  render(r.data);
  const next = r.data.currentQuestion;
  announce(next ? `Answer saved. Question ${next} is ready.`
    : 'Answer saved. Every question is answered: finish to get the report.');
  const target = next ? $(`question-${next}`) : $('finish');
  if (target) {
    target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: 'nearest' });
  }
  return true;
}

function wireAnswers(spokenAnswers) {
  if (!spokenAnswers || !isSupported()) {
    $('voice-answer').hidden = true;
    $('typed-answer').open = true;
  }
  $('record').addEventListener('click', toggleRecording);
  $('discard-recording').addEventListener('click', () => {
    resetTake();
    toggleRecording();
  });
  $('send-recording').addEventListener('click', () => {
    if (!state.take || state.sending) {
      return;
    }
    sendAnswer({ body: state.take.blob, headers: { 'Content-Type': 'audio/wav' } },
      { spoken: true });
  });
  $('send-text').addEventListener('click', () => {
    const text = $('answer-text').value.trim();
    if (!text) {
      $('answer-error').textContent = 'Write the answer first.';
      $('answer-text').focus();
      return;
    }
    if (!state.sending) {
      sendAnswer({ json: { text } }, { spoken: false });
    }
  });
  $('finish').addEventListener('click', finish);
  $('cancel-again').addEventListener('click', cancelAgain);
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
  speaker.stop();
  const button = $('finish');
  setBusy(button, true);
  button.textContent = 'Scoring the interview…';
  announce('Scoring the interview: this takes a few seconds…');
  const r = await api('POST', `${base()}/finish`);
  setBusy(button, false);
  if (!r.ok) {
    render(iv);
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
  $('delivery-report').hidden = !deliveryReport(iv, {
    summary: $('delivery-summary'), pace: $('pace-chart'), fillers: $('filler-chart'),
  });
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
      q && q.answer ? answerBlock(q.answer) : null,
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
  const done = iv.status === 'completed';
  // once finished, the report's "Question by question" holds every answer
  $('rehearsal').hidden = done;
  if (done) {
    state.again = null;
  }
  const n = state.again || iv.currentQuestion;
  $('answer-panel').hidden = done || !n;
  $('finish').hidden = done;
  $('finish').textContent = iv.currentQuestion ? 'Finish early and get the report'
    : 'Finish and get the report';
  $('finish').classList.toggle('secondary', Boolean(iv.currentQuestion));
  if (n) {
    $('answer-title').textContent = state.again ? `Your new answer to question ${n}`
      : `Your answer to question ${n}`;
  }
  showAgainQuestion(iv);
  $('report').hidden = !done || !iv.report;
  if (done && iv.report) {
    renderReport(iv);
  }
  renderQuestions(iv);
}

// In the panel, while answering again: the question, and Cancel.
function showAgainQuestion(iv) {
  const q = state.again && iv.questions.find((x) => x.n === state.again);
  const box = $('again-question');
  box.hidden = !q;
  $('again-cancel-row').hidden = !q;
  if (!q) {
    return;
  }
  box.querySelector('.question-label').textContent = `Question ${q.n} of ${iv.questionCount}`;
  box.querySelector('.question-text').textContent = q.text;
  $('again-hint').textContent = 'Your earlier answer stays until the new one is saved' +
    (iv.currentQuestion ? `; question ${iv.currentQuestion} is then asked again.` : '.');
  $('cancel-again').textContent = iv.currentQuestion
    ? `Cancel: back to question ${iv.currentQuestion}` : 'Cancel';
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
  // without a speech service here, the page reads and types
  const [answers, f] = await Promise.all([offered('spokenAnswers', $('questions'),
    'Spoken questions and answers are not available on this server: read each question and '
    + 'type your answer. The report scores it all the same.'), features()]);
  state.spoken = f?.spokenQuestions?.available !== false;
  $('rehearsal').querySelector('.autoplay-setting').hidden = !state.spoken;
  $('autoplay-hint').hidden = !state.spoken;
  wireAutoplay();
  wireAnswers(answers);
  window.addEventListener('pagehide', () => {
    if (state.recording) {
      state.recording.cancel();
    }
    speaker.stop();
    resetTake();
  });
  await load();
  const iv = state.interview;
  if (iv && iv.status !== 'completed' && iv.currentQuestion && autoplayOn()) {
    fetchQuestionAudio(iv.currentQuestion, true);
  }
}

main();
