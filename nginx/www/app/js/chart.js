// chart.js - the interview report's bar charts (the rubric, the pace and
// the fillers of each answer; the scores across interviews) as inline
// SVG, built with DOM calls (no markup strings), readable by screen
// readers (role="img" with a <title> and a <desc> that says every
// number); the pages show the same numbers as text beside them.

const SVG = 'http://www.w3.org/2000/svg';

function el(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, String(v));
  }
  if (text !== null) {
    node.textContent = text;
  }
  return node;
}

let serial = 0;

// Positions across the chart are percentages of its width and the text is
// in CSS pixels, so that the labels keep their size at 375 px as at 1280
// px: each row is its label on one line and its bar below it.
const TRACK = 82; // % of the width the bars may take; the value follows
const ROW_H = 46;
const BAR_Y = 22;
const BAR_H = 14;

function pct(value, max) {
  return `${((TRACK * Math.max(0, Math.min(max, value))) / max).toFixed(2)}%`;
}

// rows: [{ label, value }] with value 0..max, or null for "no value" (a
// row without a bar, its value shown as a dash).  Options: max, title
// (the chart's accessible name), idPrefix, band [low, high] (a range
// shaded behind the bars, such as a comfortable pace; the caller says
// what it means beside the chart), describe(row) (the text that says a
// row to a screen reader, "Label: value out of max" by default).
// Returns an <svg>.
export function barChart(rows, { max = 10, title = 'Scores', idPrefix = 'chart', band = null,
  describe = (r) => `${r.label}: ${r.value} out of ${max}` } = {}) {
  serial += 1;
  const id = `${idPrefix}-${serial}`;
  const height = rows.length * ROW_H + 4;
  const svg = el('svg', {
    width: '100%',
    height,
    role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`,
    class: 'bar-chart',
  });
  svg.append(el('title', { id: `${id}-title` }, title));
  svg.append(el('desc', { id: `${id}-desc` },
    rows.map((r) => (r.value === null ? `${r.label}: none` : describe(r))).join('; ')));
  rows.forEach((r, i) => {
    const y = 2 + i * ROW_H;
    const g = el('g', { 'aria-hidden': 'true' });
    g.append(el('text', { x: 0, y: y + 15, class: 'bar-label' }, r.label));
    g.append(el('rect', { x: 0, y: y + BAR_Y, width: `${TRACK}%`, height: BAR_H, rx: 4,
      class: 'bar-track' }));
    if (band) {
      g.append(el('rect', { x: pct(band[0], max), y: y + BAR_Y - 3,
        width: `${((TRACK * (Math.min(band[1], max) - band[0])) / max).toFixed(2)}%`,
        height: BAR_H + 6, class: 'bar-band' }));
    }
    if (r.value !== null) {
      g.append(el('rect', { x: 0, y: y + BAR_Y, width: pct(Number(r.value) || 0, max),
        height: BAR_H, rx: 4, class: 'bar-fill' }));
    }
    g.append(el('text', { x: `${TRACK + 2}%`, y: y + BAR_Y + BAR_H - 2, class: 'bar-value' },
      r.value === null ? '—' : String(r.value)));
    svg.append(g);
  });
  return svg;
}
