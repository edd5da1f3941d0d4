// chart.js - the interview report's rubric as an inline SVG bar chart,
// built with DOM calls (no markup strings), readable by screen readers
// (role="img" with a <title> and a <desc> that says every number); the
// page shows the same numbers in a table beside it.

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

// rows: [{ label, value }] with value 0..max.  Returns an <svg>.
export function barChart(rows, { max = 10, title = 'Scores', idPrefix = 'chart' } = {}) {
  serial += 1;
  const id = `${idPrefix}-${serial}`;
  const labelW = 150;
  const barW = 300;
  const rowH = 34;
  const width = labelW + barW + 50;
  const height = rows.length * rowH + 10;
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`,
    class: 'bar-chart',
    preserveAspectRatio: 'xMinYMin meet',
  });
  svg.append(el('title', { id: `${id}-title` }, title));
  svg.append(el('desc', { id: `${id}-desc` },
    rows.map((r) => `${r.label}: ${r.value} out of ${max}`).join('; ')));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    const value = Math.max(0, Math.min(max, Number(r.value) || 0));
    const g = el('g', { 'aria-hidden': 'true' });
    g.append(el('text', { x: labelW - 10, y: y + rowH / 2 + 5, 'text-anchor': 'end',
      class: 'bar-label' }, r.label));
    g.append(el('rect', { x: labelW, y: y + 6, width: barW, height: rowH - 12, rx: 4,
      class: 'bar-track' }));
    g.append(el('rect', { x: labelW, y: y + 6, width: (barW * value) / max,
      height: rowH - 12, rx: 4, class: 'bar-fill' }));
    g.append(el('text', { x: labelW + barW + 8, y: y + rowH / 2 + 5, class: 'bar-value' },
      String(value)));
    svg.append(g);
  });
  return svg;
}
