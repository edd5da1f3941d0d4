// diff.js - a word diff for showing tailored text against the original.
//
// wordDiff(a, b) -> [{ op: 'eq' | 'del' | 'ins', text }], from the longest
// common subsequence of the two texts' words (whitespace kept with the
// word before it).  Texts past LIMIT word pairs are shown as one deletion
// and one insertion rather than making the browser wait.

const LIMIT = 4000000;

function words(text) {
  return (text || '').match(/\S+\s*/g) || [];
}

function same(x, y) {
  return x.trim() === y.trim();
}

export function wordDiff(a, b) {
  const x = words(a);
  const y = words(b);
  const n = x.length;
  const m = y.length;
  if (n * m > LIMIT) {
    return [{ op: 'del', text: a }, { op: 'ins', text: b }].filter((p) => p.text);
  }
  // lcs[i][j] = LCS length of x[i:] and y[j:]
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i][j] = same(x[i], y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  const push = (op, text) => {
    const last = out[out.length - 1];
    if (last && last.op === op) {
      last.text += text;
    } else {
      out.push({ op, text });
    }
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (same(x[i], y[j])) {
      push('eq', y[j]);
      i += 1;
      j += 1;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      push('del', x[i]);
      i += 1;
    } else {
      push('ins', y[j]);
      j += 1;
    }
  }
  while (i < n) {
    push('del', x[i]);
    i += 1;
  }
  while (j < m) {
    push('ins', y[j]);
    j += 1;
  }
  return out;
}
