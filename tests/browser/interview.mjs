// A spoken interview as a candidate has it, in a real Chromium against the
// real stack, with Chromium's fake microphone playing the test's WAV: the
// question reads itself when it arrives (Pause, Replay, the setting that
// turns that off, remembered across a reload), an answer is recorded,
// listened back and recorded again without anything leaving the page,
// then sent: the waiting steps are shown on the page, the transcript and
// its delivery numbers appear as soon as the server has them, and the next
// question starts playing while its later sentences are still being made.
// Having read the transcript, the candidate answers question 1 again: the
// panel goes back to it (and Cancel returns), the new recording's
// transcript takes the old one's place and question 2 plays again.
// The answer stream's contract is also played to the page as written
// (sentences out of order, an error mid-way) through a routed request.
// Then the report with how the answers were spoken, and the list of
// interviews with their scores.
//
// Usage: node interview.mjs BASE_URL ARTIFACT_DIR
// Environment: JT_USER_ID (signed in through /app/signin's development
// form), JT_FAKE_AUDIO (the WAV the fake microphone plays).
//
// Prints "ok   browser NAME [EXTRA]" or "FAIL browser NAME: REASON" per case,
// "info browser NAME KEY=JSON" lines for
// tests/integration/test_browser_interview.py, then "N passed, N failed".
// The cases run in order on one page and build on each other.
// Screenshots at 375 and 1280 px go to ARTIFACT_DIR.

import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, assertClean, axe, expect, newPage, runCases, screenshot,
  setArtifactDir, signIn, info,
} from './lib.mjs';

const QUESTIONS = 3;

const [baseArg, artifactArg] = process.argv.slice(2);
const { JT_USER_ID, JT_FAKE_AUDIO } = process.env;
if (!baseArg || !artifactArg || !JT_USER_ID || !JT_FAKE_AUDIO) {
  console.error('usage: JT_USER_ID=… JT_FAKE_AUDIO=… node interview.mjs BASE_URL ARTIFACT_DIR');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
setArtifactDir(path.resolve(artifactArg));

const ARGS = [
  ...CHROMIUM_ARGS,
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${path.resolve(JT_FAKE_AUDIO)}`,
];

// Runs in the page before its scripts: a timeline of what the candidate
// sees and hears, in page milliseconds.  "play D" is a Web Audio buffer of
// D seconds starting; the rest are marks of the page's own elements as
// they appear: "step NAME" (the active waiting step), "shown question-N",
// "transcript question-N" (an answer shown before it is stored), "saved
// question-N" (the stored answer), "state N STATE" (question N's player).
function recordTimeline() {
  window.__timeline = [];
  const mark = (what) => window.__timeline.push([what, Math.round(performance.now())]);
  window.__mark = mark;
  const start = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function startAndMark(...args) {
    mark(`play ${this.buffer ? this.buffer.duration.toFixed(2) : '?'}`);
    return start.apply(this, args);
  };
  const seen = new Set();
  const observer = new MutationObserver(() => {
    const steps = document.getElementById('answer-steps');
    if (steps && !steps.hidden) {
      const active = steps.querySelector('li.active');
      const key = `step ${active ? active.dataset.step : 'none'}`;
      if (!seen.has(key)) {
        seen.add(key);
        mark(key);
      }
    } else {
      for (const k of [...seen]) {
        if (k.startsWith('step ')) {
          seen.delete(k);
        }
      }
    }
    for (const el of document.querySelectorAll('.question, .question .answer')) {
      const li = el.closest('li');
      const answer = el.classList.contains('answer');
      const key = !answer ? `shown ${el.id}`
        : `${el.classList.contains('pending') ? 'transcript' : 'saved'} ${li.id}`;
      if (!seen.has(key)) {
        seen.add(key);
        mark(key);
      }
    }
    for (const el of document.querySelectorAll('.question-tools')) {
      const key = `state ${el.dataset.n} ${el.dataset.state}`;
      if (el.dataset.prev !== el.dataset.state) {
        el.dataset.prev = el.dataset.state;
        mark(key);
      }
    }
  });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body,
    { subtree: true, childList: true, attributes: true,
      attributeFilter: ['class', 'hidden', 'data-state'] }));
}

const shared = { page: null, seen: null, interviewId: null, audioRequests: [], posts: 0 };

async function text(selector) {
  return ((await shared.page.textContent(selector)) || '').trim();
}

async function playerState(n) {
  return shared.page.getAttribute(`#question-${n} .question-tools`, 'data-state');
}

async function waitState(n, states, page = shared.page) {
  await page.waitForFunction(([k, want]) => {
    const el = document.querySelector(`#question-${k} .question-tools`);
    return el && want.includes(el.dataset.state);
  }, [n, states]);
  return page.getAttribute(`#question-${n} .question-tools`, 'data-state');
}

// ---- cases ---------------------------------------------------------------------------------

async function questionReadsItself(browser) {
  const name = 'question_reads_itself';
  const opened = await newPage(browser, BASE);
  shared.page = opened.page;
  shared.seen = opened.seen;
  shared.context = opened.context;
  const { page, context } = opened;
  await context.addInitScript(recordTimeline);
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (/\/questions\/\d+\/audio$/.test(p)) {
      shared.audioRequests.push(p);
    }
    if (r.method() === 'POST' && p.endsWith('/answers')) {
      shared.posts += 1;
    }
  });
  await signIn(page, BASE, JT_USER_ID, '/app/interviews');
  shared.seen.expectErrors(/401 \(Unauthorized\) \[[^\]]*\/api\/me\]/);
  await page.waitForSelector('#interview-list[aria-busy="false"]');
  await page.fill('#role', 'Site reliability engineer');
  await page.fill('#questionCount', String(QUESTIONS));
  await Promise.all([
    page.waitForURL((u) => /^\/app\/interviews\/[0-9a-f]{24}$/.test(u.pathname)),
    page.click('#start-interview'),
  ]);
  shared.interviewId = new URL(page.url()).pathname.split('/').pop();
  info(name, 'interview', shared.interviewId);
  await page.waitForSelector('#answer-panel:not([hidden])');
  // nobody pressed Play: the question asks for its voice by itself
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .some((e) => /\/questions\/1\/audio$/.test(e.name)));
  let first = await waitState(1, ['playing', 'ended', 'blocked']);
  info(name, 'on_arrival', first);
  if (first === 'blocked') {
    // the browser's autoplay rule: one press of the visible button
    expect((await text('#question-1 .player-status')).includes('Press Play'),
      'a held-back question does not say how to hear it');
    await page.click('#question-1 button.play');
    first = await waitState(1, ['playing', 'ended']);
  }
  await waitState(1, ['ended']);
  expect((await text('#question-1 button.play')) === 'Play again',
    `after playing, the button says ${await text('#question-1 button.play')}`);
  // Play again, pause it (from the keyboard), replay it
  await page.click('#question-1 button.play');
  await waitState(1, ['playing']);
  await page.focus('#question-1 button.play');
  await page.keyboard.press('Space');
  expect(await waitState(1, ['paused']) === 'paused', 'Pause did not pause');
  expect(await page.getAttribute('#question-1 button.play', 'aria-label') === 'Play, question 1',
    `the paused button is named ${await page.getAttribute('#question-1 button.play', 'aria-label')}`);
  expect(await page.isVisible('#question-1 button.replay'), 'no Replay beside a paused question');
  await page.click('#question-1 button.replay');
  await waitState(1, ['playing', 'ended']);
  await waitState(1, ['ended']);
  await screenshot(page, 'interview-question');
  await axe(page);
  await assertClean(page, shared.seen);
  return first;
}

async function autoplayOffIsRemembered() {
  const name = 'autoplay_off_is_remembered';
  const { page } = shared;
  await page.uncheck('#autoplay');
  const stored = await page.evaluate(() => localStorage.getItem('jobtune.interview.autoplay'));
  expect(stored === 'off', `localStorage holds ${stored}`);
  const before = shared.audioRequests.length;
  await page.reload();
  await page.waitForSelector('#answer-panel:not([hidden])');
  expect(!(await page.isChecked('#autoplay')), 'the setting came back on after a reload');
  // the page asked nothing for the question's voice, and waits for Play
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
  expect(shared.audioRequests.length === before,
    `with auto-play off, the page fetched ${shared.audioRequests.slice(before)}`);
  expect(await playerState(1) === 'idle', `the player is ${await playerState(1)}`);
  await page.click('#question-1 button.play');
  await waitState(1, ['playing', 'ended']);
  info(name, 'stored', stored);
  await page.check('#autoplay');
  return stored;
}

async function recordReviewAndRecordAgain() {
  const { page } = shared;
  const record = async () => {
    await page.waitForSelector('#record[data-recording="true"]');
    await page.waitForFunction(() => document.getElementById('level-meter').value > 0.01);
    await page.waitForFunction(() => {
      const [m, s] = document.getElementById('elapsed').textContent.split(':').map(Number);
      return m * 60 + s >= 2;
    });
    await page.click('#record');
    await page.waitForSelector('#take:not([hidden])');
    await page.waitForFunction(() => {
      const a = document.getElementById('take-audio');
      return a.readyState >= 1 && a.duration > 1.5;
    });
  };
  await page.click('#record');
  // the question stops talking when the candidate starts
  expect(['idle', 'stopped', 'ended'].includes(await playerState(1)),
    `the question is ${await playerState(1)} while recording`);
  await record();
  expect(await page.isHidden('#record'), 'Record answer is still offered beside the take');
  await screenshot(page, 'interview-review');
  await page.click('#discard-recording');
  await record();
  expect(shared.posts === 0, `${shared.posts} answers left the page before Send`);
  await axe(page);
  return null;
}

// The real answer stream, from Send to the next question playing.
async function answerFlowsToNextQuestion() {
  const name = 'answer_flows_to_next_question';
  const { page } = shared;
  await page.evaluate(() => { window.__timeline.length = 0; window.__mark('send'); });
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname.endsWith('/answers'));
  await page.setViewportSize({ width: 375, height: 812 });
  await page.click('#send-recording');
  // the wait as a phone shows it, while the answer is transcribed
  await page.waitForSelector('#answer-steps li.active[data-step="transcribe"]');
  await page.screenshot({ path: path.resolve(artifactArg, 'interview-waiting-375.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  const res = await answered;
  const type = res.headers()['content-type'] || '';
  expect(res.status() < 300, `the answer was answered ${res.status()}`);
  expect(await page.isVisible('#answer-steps') || await page.$('#question-2'),
    'nothing shows that the answer is on its way');
  await page.waitForSelector('#question-1 .answer:not(.pending)');
  await page.waitForSelector('#question-2');
  await waitState(2, ['playing', 'ended']);
  await waitState(2, ['ended']);
  const timeline = await page.evaluate(() => window.__timeline);
  info(name, 'type', type);
  info(name, 'timeline', timeline);
  expect(type.startsWith('application/x-ndjson'), `the answer came as ${type}, not a stream`);
  const at = (what) => (timeline.find(([w]) => w === what) || [])[1];
  const firstPlay = (timeline.find(([w, t]) => w.startsWith('play ') && t > at('send')) || [])[1];
  for (const step of ['step send', 'step transcribe', 'step question', 'step save',
    'transcript question-1', 'shown question-2']) {
    expect(at(step) !== undefined, `"${step}" never happened: ${JSON.stringify(timeline)}`);
  }
  // the transcript, the next question and its first sentence's sound all
  // come before the stream's end; the sound while the longer second
  // sentence is still being made
  // each step is on the page while its work is done (the fakes take about
  // a second for each)
  expect(at('transcript question-1') - at('step transcribe') >= 500,
    '"Transcribing…" was not shown while the answer was transcribed');
  expect(at('shown question-2') - at('step question') >= 500,
    '"Writing the next question…" was not shown while it was written');
  expect(at('transcript question-1') < at('shown question-2'), 'the transcript came after the question');
  expect(firstPlay !== undefined, 'the next question was never played');
  expect(at('saved question-1') - firstPlay >= 1000,
    `the first sentence played ${at('saved question-1') - firstPlay} ms before the answer was saved`);
  const delivery = await text('#question-1 .answer .delivery');
  info(name, 'delivery', delivery);
  expect(/\d+ words a minute/.test(delivery), `the delivery says ${JSON.stringify(delivery)}`);
  await screenshot(page, 'interview-next-question');
  await assertClean(page, shared.seen);
  return type.split(';')[0];
}

// "Answer question 1 again": back to question 1, Cancel, then a longer
// recording sent with ?replace=true whose transcript replaces the old one
// on the page, and question 2, asked again, plays.
async function answerAgain() {
  const name = 'answer_again';
  const { page } = shared;
  await page.waitForSelector('#question-1 button.again');
  expect(await text('#question-1 button.again') === 'Answer question 1 again',
    `the button says ${await text('#question-1 button.again')}`);
  const before = await text('#question-1 .transcript');
  const question1 = await text('#question-1 .question-text');
  await page.click('#question-1 button.again');
  await page.waitForSelector('#again-question:not([hidden])');
  expect(await text('#again-question .question-text') === question1,
    'the panel does not show question 1');
  expect(await text('#answer-title') === 'Your new answer to question 1',
    `the panel is titled ${await text('#answer-title')}`);
  expect((await text('#again-hint')).endsWith('question 2 is then asked again.'),
    `the panel says ${await text('#again-hint')}`);
  expect(await page.getAttribute('#question-1', 'aria-current') === 'step',
    'question 1 is not marked as the one being answered');
  expect(!(await page.$('button.again')), 'Answer again is offered while answering again');
  // Cancel goes back to question 2, the earlier answer untouched
  expect(await text('#cancel-again') === 'Cancel: back to question 2',
    `Cancel says ${await text('#cancel-again')}`);
  await page.click('#cancel-again');
  await page.waitForSelector('#again-question', { state: 'hidden' });
  expect(await text('#answer-title') === 'Your answer to question 2',
    `after Cancel the panel is titled ${await text('#answer-title')}`);
  expect(await text('#question-1 .transcript') === before, 'Cancel changed the transcript');
  await page.click('#question-1 button.again');
  await page.waitForSelector('#again-question:not([hidden])');
  await axe(page);
  // a longer take than the first: another transcript
  await page.click('#record');
  await page.waitForFunction(() => {
    const [m, s] = document.getElementById('elapsed').textContent.split(':').map(Number);
    return m * 60 + s >= 3;
  });
  await page.click('#record');
  await page.waitForSelector('#take:not([hidden])');
  await screenshot(page, 'interview-answer-again');
  // a retry that fails after its transcript keeps the earlier answer
  await page.route('**/api/interviews/*/answers*', (route) => route.fulfill({
    status: 200, headers: { 'Content-Type': 'application/x-ndjson' },
    body: [{ event: 'transcript', n: 1, text: 'A retry that will not be kept.', delivery: null },
      { event: 'error', status: 502, error: { code: 'ai_upstream_error',
        message: 'The AI service did not answer. Your answer was not saved; send it again.' } }]
      .map((e) => JSON.stringify(e)).join('\n') + '\n' }), { times: 1 });
  await page.click('#send-recording');
  await page.waitForFunction(() => document.getElementById('answer-error').textContent !== '');
  expect(await text('#question-1 .transcript') === before,
    `after a failed retry question 1 shows ${await text('#question-1 .transcript')}`);
  expect(await text('#answer-title') === 'Your new answer to question 1',
    'after a failed retry the panel left question 1');
  expect(await page.isVisible('#send-recording'), 'the new recording is gone after the error');
  await page.evaluate(() => { window.__timeline.length = 0; window.__mark('send'); });
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' &&
    new URL(r.url()).pathname.endsWith('/answers'));
  await page.click('#send-recording');
  const res = await answered;
  const query = new URL(res.url()).search;
  info(name, 'query', query);
  expect(query === '?question=1&replace=true', `the answer went with ${query}`);
  await page.waitForFunction((old) => {
    const t = document.querySelector('#question-1 .answer:not(.pending) .transcript');
    return t && t.textContent.trim() !== old;
  }, before);
  await waitState(2, ['ended']);
  const after = await text('#question-1 .transcript');
  info(name, 'transcripts', [before, after]);
  expect(await page.$$eval('#question-1 .answer', (a) => a.length) === 1,
    'the old transcript is still on the page');
  expect(await page.$$eval('#questions > li', (li) => li.map((x) => x.id).join()) ===
    'question-1,question-2', 'the questions on the page are not 1 and 2');
  expect(await page.isHidden('#again-question'), 'the panel is still at question 1');
  expect(await text('#answer-title') === 'Your answer to question 2',
    `the panel is titled ${await text('#answer-title')}`);
  const timeline = await page.evaluate(() => window.__timeline);
  expect(timeline.some(([w]) => w.startsWith('play ')), 'question 2 was not played again');
  await screenshot(page, 'interview-answered-again');
  await assertClean(page, shared.seen);
  return after;
}

// A small WAV of `seconds` of a quiet tone, base64: a sentence of a question.
function sentence(seconds, rate = 16000) {
  const frames = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + frames * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + frames * 2, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i += 1) {
    buf.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 330 * i) / rate)), 44 + i * 2);
  }
  return buf.toString('base64');
}

const DELIVERY = { durationSeconds: 62.4, words: 150, wordsPerMinute: 144.2,
  speakingSeconds: 55.1, fillers: { count: 4, perMinute: 3.8,
    top: [{ word: 'um', count: 3 }, { word: 'you know', count: 1 }] },
  pauses: { count: 2, longestSeconds: 3.4 } };

// The contract as written, played to the page: a transcript, the next
// question, its sentences out of order, then an error: nothing is kept,
// the recording waits for another try.  The same cut before its end: the
// page asks the server, which kept nothing.  Then the same with a done.
async function streamContractPlayedInOrder() {
  const name = 'stream_contract_played_in_order';
  const { page } = shared;
  const iv = await page.evaluate(async (id) => (await fetch(`/api/interviews/${id}`)).json(),
    shared.interviewId);
  const n = iv.currentQuestion;
  const next = { n: n + 1, text: 'First sentence. Second sentence, a little longer.' };
  const lines = (tail) => [
    { event: 'transcript', text: 'I led the migration, um, in three steps.', delivery: DELIVERY },
    { event: 'question', ...next },
    { event: 'audio', n: next.n, seq: 1, wav: sentence(0.6) },
    { event: 'audio', n: next.n, seq: 0, wav: sentence(0.3) },
    tail,
  ].filter(Boolean).map((e) => JSON.stringify(e)).join('\n') + '\n';
  const answered = JSON.parse(JSON.stringify(iv));
  answered.questions.find((q) => q.n === n).answer = { text: 'I led the migration, um, in three steps.',
    source: 'audio', answeredAt: new Date().toISOString(), delivery: DELIVERY };
  answered.questions.push({ ...next, askedAt: new Date().toISOString(), answer: null });
  answered.currentQuestion = next.n;
  const routeOnce = (tail) => page.route('**/api/interviews/*/answers*', (route) => route.fulfill({
    status: 200, headers: { 'Content-Type': 'application/x-ndjson' }, body: lines(tail) }),
  { times: 1 });

  // an error mid-way
  await page.click('#record');
  expect(!(await page.$('button.again')),
    'Answer question 1 again is still offered once question 2 is being recorded');
  await page.waitForFunction(() => {
    const [m, s] = document.getElementById('elapsed').textContent.split(':').map(Number);
    return m * 60 + s >= 1;
  });
  await page.click('#record');
  await page.waitForSelector('#take:not([hidden])');
  await routeOnce({ event: 'error', error: { code: 'upstream_unavailable',
    message: 'The speech service did not answer. Your answer was not saved; send it again.' } });
  await page.evaluate(() => { window.__timeline.length = 0; });
  await page.click('#send-recording');
  await page.waitForFunction(() => document.getElementById('answer-error').textContent !== '');
  const error = await text('#answer-error');
  expect(error.includes('send it again'), `the error shown is ${JSON.stringify(error)}`);
  expect(!(await page.$(`#question-${n} .answer`)), 'an answer is shown that was not kept');
  expect(!(await page.$(`#question-${next.n}`)), 'the question of a failed answer stayed');
  expect(await page.isVisible('#send-recording'), 'the recording is gone after the error');
  expect(await page.evaluate(() => !!document.querySelector('#take-audio').src),
    'the recording is gone after the error');
  await screenshot(page, 'interview-stream-error');

  // a stream cut before its end: the page asks the server, which kept nothing
  await routeOnce(null);
  await page.click('#send-recording');
  await page.waitForFunction(() => /connection was lost/.test(
    document.getElementById('answer-error').textContent));
  expect(!(await page.$(`#question-${n} .answer`)), 'a cut answer is shown as kept');
  expect(await page.isVisible('#send-recording'), 'the recording is gone after the cut');

  // the same, ending well
  await routeOnce({ event: 'done', interview: answered });
  await page.evaluate(() => { window.__timeline.length = 0; });
  await page.click('#send-recording');
  await page.waitForSelector(`#question-${n} .answer:not(.pending) .delivery`);
  await waitState(next.n, ['ended']);
  const timeline = await page.evaluate(() => window.__timeline);
  const plays = timeline.filter(([w]) => w.startsWith('play ')).map(([w]) => w);
  info(name, 'plays', plays);
  expect(JSON.stringify(plays) === JSON.stringify(['play 0.30', 'play 0.60']),
    `the sentences played as ${JSON.stringify(plays)}`);
  const delivery = await text(`#question-${n} .answer .delivery`);
  for (const want of ['144 words a minute, within the comfortable 120 to 160', '“um” 3×',
    '3.4 s', '1 min 02 s']) {
    expect(delivery.includes(want), `the delivery says ${JSON.stringify(delivery)}`);
  }
  await screenshot(page, 'interview-delivery');
  await assertClean(page, shared.seen);
  return plays.length;
}

// The rest of the interview (one more spoken answer, one typed), the
// report with how the answers were spoken, and the list with its score.
async function reportAndList() {
  const name = 'report_and_list';
  const { page } = shared;
  await page.reload();
  await page.waitForSelector('#answer-panel:not([hidden])');
  const iv = await page.evaluate(async (id) => (await fetch(`/api/interviews/${id}`)).json(),
    shared.interviewId);
  // the question read on arrival after the reload may still hold the
  // test stack's one slow place when the answer goes: the page waits the
  // 429's Retry-After and sends again (the browser logs each 429)
  shared.seen.expectErrors(/429 \(Too Many Requests\) \[[^\]]*\/answers\?question=\d\]/);
  for (let n = iv.currentQuestion; n <= QUESTIONS; n += 1) {
    await page.waitForSelector(`#question-${n}[aria-current="step"]`);
    if (n < QUESTIONS) {
      await page.click('#record');
      await page.waitForFunction(() => {
        const [m, s] = document.getElementById('elapsed').textContent.split(':').map(Number);
        return m * 60 + s >= 2;
      });
      await page.click('#record');
      await page.waitForSelector('#take:not([hidden])');
      await page.click('#send-recording');
    } else {
      await page.click('#typed-answer summary');
      await page.fill('#answer-text', 'I wrote the runbook and trained the on-call team.');
      await page.click('#send-text');
    }
    await page.waitForSelector(`#question-${n} .answer:not(.pending)`);
  }
  await page.waitForSelector('#answer-panel', { state: 'hidden' });
  const finished = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/finish'));
  await page.click('#finish');
  expect((await finished).status() === 200, 'finish did not answer 200');
  await page.waitForSelector('#report:not([hidden])');
  const bars = await page.$$eval('#rubric-chart svg rect.bar-fill', (r) => r.length);
  expect(bars === 5, `the rubric chart has ${bars} bars`);
  const overall = await text('#overall-score');
  const delivery = {
    shown: await page.isVisible('#delivery-report'),
    summary: await page.$$eval('#delivery-summary li', (l) => l.map((x) => x.textContent)),
    paceBars: await page.$$eval('#pace-chart svg rect.bar-fill', (r) => r.length),
    band: await page.$$eval('#pace-chart svg rect.bar-band', (r) => r.length),
    desc: await page.$eval('#pace-chart svg desc', (d) => d.textContent).catch(() => null),
  };
  info(name, 'delivery', delivery);
  // two answers spoken, one typed: the typed one is left out
  expect(delivery.shown, 'the report says nothing about how the answers were spoken');
  expect(delivery.paceBars === 2 && delivery.band === 2,
    `the pace chart has ${delivery.paceBars} bars and ${delivery.band} comfortable bands`);
  expect(/words a minute, (slower than|inside|faster than) the comfortable 120 to 160/
    .test(delivery.summary.join(' ')), `the summary says ${JSON.stringify(delivery.summary)}`);
  const perQuestion = await page.$$eval('#feedback article', (a) => a.map((x) =>
    Boolean(x.querySelector('.delivery'))));
  expect(JSON.stringify(perQuestion) === '[true,true,false]',
    `delivery under the report's answers: ${JSON.stringify(perQuestion)}`);
  // the chart's labels keep their size on a phone
  await page.setViewportSize({ width: 375, height: 812 });
  const fontPx = await page.$eval('#rubric-chart svg text.bar-label', (t) =>
    t.getBoundingClientRect().height);
  info(name, 'label_px_at_375', Math.round(fontPx));
  expect(fontPx >= 14, `the chart's labels are ${fontPx} px tall at 375 px`);
  await screenshot(page, 'interview-report');
  await axe(page);

  await page.goto(`${BASE}/app/interviews`);
  await page.waitForSelector(`#interviews li[data-id="${shared.interviewId}"]`);
  const item = await text(`#interviews li[data-id="${shared.interviewId}"]`);
  info(name, 'list_item', item);
  expect(/score \d+ out of 100/.test(item) && /words a minute/.test(item),
    `the list shows ${JSON.stringify(item)}`);
  await page.waitForSelector('#trend:not([hidden])');
  const trend = {
    summary: await text('#trend-summary'),
    scoreBars: await page.$$eval('#trend-scores svg rect.bar-fill', (r) => r.length),
    paceBars: await page.$$eval('#trend-pace svg rect.bar-fill', (r) => r.length),
  };
  info(name, 'trend', trend);
  expect(trend.scoreBars === 1 && trend.paceBars === 1, `the trend is ${JSON.stringify(trend)}`);
  await screenshot(page, 'interviews-list');
  await axe(page);
  await assertClean(page, shared.seen);
  return overall;
}

// Runs in the page before its scripts: Web Audio as a browser that lets
// no page sound before a press has it (Chromium's rule for a page opened
// from the address bar, which headless Chromium does not apply): a new
// AudioContext is suspended, and its resume() stays pending until the
// person presses something, as the Web Audio specification says.
function holdSoundUntilAPress() {
  const Real = window.AudioContext;
  let pressed = false;
  const waiting = [];
  const press = (e) => {
    if (e.isTrusted && !pressed) {
      pressed = true;
      waiting.splice(0).forEach((go) => go());
    }
  };
  window.addEventListener('pointerdown', press, true);
  window.addEventListener('keydown', press, true);
  window.AudioContext = class HeldAudioContext extends Real {
    constructor(...args) {
      super(...args);
      if (!pressed) {
        super.suspend();
      }
    }

    resume() {
      if (pressed) {
        return super.resume();
      }
      return new Promise((ok) => waiting.push(() => super.resume().then(ok)));
    }
  };
}

// The question says on the page that it waits for a press, and plays on one.
async function heldBackUntilAPress(browser) {
  const { page, context, seen } = await newPage(browser, BASE,
    { storageState: await shared.context.storageState() });
  try {
    await context.addInitScript(holdSoundUntilAPress);
    await page.goto(`${BASE}/app/interviews/${shared.interviewId}`);
    await page.waitForSelector('#answer-panel:not([hidden])');
    const n = await page.evaluate(() => Number(document.querySelector('.question.current')
      .id.replace('question-', '')));
    const held = await waitState(n, ['blocked', 'playing'], page);
    expect(held === 'blocked', `the question is ${held} before any press`);
    const said = ((await page.textContent(`#question-${n} .player-status`)) || '').trim();
    expect(said.includes('Press Play question'), `the page says ${JSON.stringify(said)}`);
    expect(await page.isVisible(`#question-${n} button.play`), 'no visible Play button');
    await page.screenshot({ path: path.resolve(artifactArg, 'interview-held-back-1280.png') });
    await page.click(`#question-${n} button.play`);
    await waitState(n, ['playing'], page);
    await assertClean(page, seen);
    return said;
  } finally {
    await context.close();
  }
}

// A server without a speech service (GET /api/features says so, routed
// here): the page reads and types, and asks for no question's voice.
async function withoutSpeech(browser) {
  const { page, context, seen } = await newPage(browser, BASE,
    { storageState: await shared.context.storageState() });
  try {
    const on = { available: true };
    const off = { available: false, missing: ['SARVAM_API_KEY'] };
    await page.route('**/api/features', (route) => route.fulfill({ status: 200,
      contentType: 'application/json', body: JSON.stringify({ features: {
        resumes: on, keywordScore: on, import: on, importStructuring: on, tailoring: on,
        interviews: on, typedAnswers: on, spokenAnswers: off, spokenQuestions: off } }) }));
    const voices = [];
    page.on('request', (r) => {
      if (/\/questions\/\d+\/audio$/.test(new URL(r.url()).pathname)) {
        voices.push(r.url());
      }
    });
    await page.goto(`${BASE}/app/interviews/${shared.interviewId}`);
    await page.waitForSelector('#answer-panel:not([hidden])');
    const said = ((await page.textContent('[data-feature="spokenAnswers"]')) || '').trim();
    expect(said.startsWith('Spoken questions and answers are not available'), `the page says ${said}`);
    expect(!(await page.$('.question-tools')), 'a Play button for a server that cannot speak');
    expect(await page.isHidden('#autoplay'), 'the read-aloud setting is offered');
    expect(await page.isHidden('#voice-answer'), 'the microphone is offered');
    expect(await page.getAttribute('#typed-answer', 'open') !== null, 'the typed answer is closed');
    expect(voices.length === 0, `the page asked for ${voices}`);
    await screenshot(page, 'interview-without-speech');
    await assertClean(page, seen);
    return said;
  } finally {
    await context.close();
  }
}

// A case under its name: on failure the page as it was is saved as
// FAILED-NAME.png, with the answer panel's error in the message.
function step(name, fn) {
  return async () => {
    try {
      return await fn();
    } catch (err) {
      if (shared.page) {
        await shared.page.screenshot({ path: path.resolve(artifactArg, `FAILED-${name}.png`),
          fullPage: true }).catch(() => {});
        const shown = await shared.page.textContent('#answer-error').catch(() => null);
        if (shown) {
          err.message += ` (the page says: ${shown})`;
        }
      }
      throw err;
    }
  };
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS,
    timeout: 60000 });
  try {
    await runCases([
      ['question_reads_itself', step('question_reads_itself', () => questionReadsItself(browser))],
      ['autoplay_off_is_remembered', step('autoplay_off_is_remembered', autoplayOffIsRemembered),
        { needs: 'question_reads_itself' }],
      ['record_review_and_record_again', step('record_review_and_record_again',
        recordReviewAndRecordAgain), { needs: 'question_reads_itself' }],
      ['answer_flows_to_next_question', step('answer_flows_to_next_question',
        answerFlowsToNextQuestion), { needs: 'record_review_and_record_again' }],
      ['answer_again', step('answer_again', answerAgain),
        { needs: 'answer_flows_to_next_question' }],
      ['stream_contract_played_in_order', step('stream_contract_played_in_order',
        streamContractPlayedInOrder), { needs: 'answer_flows_to_next_question' }],
      ['held_back_until_a_press', step('held_back_until_a_press',
        () => heldBackUntilAPress(browser)),
        { needs: 'answer_flows_to_next_question' }],
      ['without_speech', step('without_speech', () => withoutSpeech(browser)),
        { needs: 'answer_flows_to_next_question' }],
      ['report_and_list', step('report_and_list', reportAndList),
        { needs: 'answer_flows_to_next_question' }],
    ]);
  } finally {
    await browser.close();
  }
}

await main();
