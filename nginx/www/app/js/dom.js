// dom.js - building elements from data without ever parsing it as HTML.
//
// h('p', { class: 'hint', id: 'x' }, 'text', child) makes an element:
// attributes are set with setAttribute (on* handlers are refused: the CSP
// forbids inline handlers, and listeners are added with `on: {click: fn}`),
// `text` children become text nodes, null/false children are skipped and
// arrays are flattened.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let initial;
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'on') {
      for (const [type, fn] of Object.entries(value)) {
        el.addEventListener(type, fn);
      }
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (/^on/i.test(name)) {
      throw new Error(`h(): inline handler ${name} refused; use on: {...}`);
    } else if (name === 'value' && 'value' in el) {
      initial = value; // set once the children (a select's options) exist
    } else if (name === 'checked' || name === 'selected' || name === 'disabled') {
      el[name] = Boolean(value);
      if (value) {
        el.setAttribute(name, '');
      }
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  if (initial !== undefined) {
    el.value = initial;
  }
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
}

export function clear(el) {
  while (el.firstChild) {
    el.removeChild(el.firstChild);
  }
  return el;
}

// An ISO date as the reader's locale writes a date and time, or '' when it
// is not a date.
export function formatDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// Shows text in a notice element (class "notice", plus kind such as
// "error"); hides the element when text is empty.
export function setNotice(el, text, kind = '') {
  el.textContent = text;
  el.className = `notice${kind ? ` ${kind}` : ''}`;
  el.hidden = !text;
}
