// delivery.js - how an answer was spoken, in words: the numbers the
// server measured on each spoken answer (answer.delivery: its length, the
// pace in words a minute, the filler words, the pauses) as a short list
// under the answer, and the report's "How you spoke" section: the
// report's delivery summary in sentences and a chart of each answer's
// pace (against the comfortable range) and fillers.  Typed answers have
// no delivery and are left out.
import { clear, h } from './dom.js';
import { barChart } from './chart.js';

// The comfortable pace the server's reports judge by (openapi's
// DeliverySummary.pace: min 120, max 160 words a minute), for the
// numbers shown before there is a report.
export const PACE_RANGE = [120, 160];

function paceText(wpm) {
  const [low, high] = PACE_RANGE;
  const where = wpm < low ? 'slower than' : wpm > high ? 'faster than' : 'within';
  return `${wpm} words a minute, ${where} the comfortable ${low} to ${high}`;
}

// x rounded to digits decimals (0 for a missing number); the interviews
// list's trend uses it too.
export function round(x, digits = 0) {
  const f = 10 ** digits;
  return Math.round((Number(x) || 0) * f) / f;
}

function length(seconds) {
  const s = Math.round(Number(seconds) || 0);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function fillerText(f) {
  if (!f || !f.count) {
    return 'None heard';
  }
  const top = (f.top || []).slice(0, 3).map((t) => `“${t.word}” ${t.count}×`).join(', ');
  return `${f.count} (${round(f.perMinute, 1)} a minute)${top ? `: ${top}` : ''}`;
}

function pauseText(p) {
  if (!p || !p.count) {
    return 'No long pauses';
  }
  return `${p.count}, the longest ${round(p.longestSeconds, 1)} s`;
}

// <dl> of one answer's delivery.
export function deliveryList(d) {
  const item = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value));
  return h('dl', { class: 'delivery' },
    item('Length', length(d.durationSeconds)),
    item('Pace', paceText(round(d.wordsPerMinute))),
    item('Fillers', fillerText(d.fillers)),
    item('Pauses', pauseText(d.pauses)));
}

const VERDICT = {
  slow: 'slower than',
  comfortable: 'inside',
  fast: 'faster than',
};

// Fills the report's "How you spoke" parts from report.delivery (the
// server's summary: {answers, durationSeconds, wordsPerMinute, pace: {min,
// max, verdict}, fillersPerMinute, longestPauseSeconds}) and each spoken
// answer's numbers; false when no answer was spoken (the section is then
// hidden).
export function deliveryReport(iv, { summary, pace, fillers }) {
  const sum = iv.report && iv.report.delivery;
  const spoken = iv.questions.filter((q) => q.answer && q.answer.delivery);
  for (const fig of [pace, fillers]) {
    fig.querySelector('svg')?.remove();
    fig.querySelector('.chart-note')?.remove();
  }
  clear(summary);
  if (!sum || !spoken.length) {
    return false;
  }
  const range = sum.pace ? [sum.pace.min, sum.pace.max] : null;
  const label = (q) => `Question ${q.n}`;
  const paceRows = spoken.map((q) => ({ label: label(q), value: round(q.answer.delivery.wordsPerMinute) }));
  const fillerRows = spoken.map((q) => ({ label: label(q),
    value: round(q.answer.delivery.fillers ? q.answer.delivery.fillers.perMinute : 0, 1) }));
  const paceMax = Math.max(200, ...paceRows.map((r) => r.value));
  pace.append(barChart(paceRows, { max: paceMax, title: 'Pace of each answer', band: range,
    idPrefix: 'pace', describe: (r) => `${r.label}: ${r.value} words a minute` }));
  if (range) {
    pace.append(h('p', { class: 'chart-note' },
      `The shaded band is the comfortable pace, ${range[0]} to ${range[1]} words a minute.`));
  }
  const fillerMax = Math.max(5, ...fillerRows.map((r) => Math.ceil(r.value)));
  fillers.append(barChart(fillerRows, { max: fillerMax, title: 'Filler words a minute',
    idPrefix: 'fillers', describe: (r) => `${r.label}: ${r.value} fillers a minute` }));

  const verdict = sum.pace && VERDICT[sum.pace.verdict];
  summary.append(
    h('li', {}, h('strong', {}, 'Pace: '), `${round(sum.wordsPerMinute)} words a minute`,
      verdict ? `, ${verdict} the comfortable ${sum.pace.min} to ${sum.pace.max}.` : '.'),
    h('li', {}, h('strong', {}, 'Fillers: '), `${round(sum.fillersPerMinute, 1)} a minute.`),
    h('li', {}, h('strong', {}, 'Longest pause: '), sum.longestPauseSeconds
      ? `${round(sum.longestPauseSeconds, 1)} s.` : 'no pause of 2 s or more.'),
    h('li', {}, `Over ${sum.answers} spoken answer${sum.answers === 1 ? '' : 's'}, ` +
      `${length(sum.durationSeconds)} in all.`));
  return true;
}
