// Small DOM helpers shared by the pages: element builder, loading/empty/error states, tables, formatting.

/**
 * Creates an element. attrs: properties/attributes (on* functions become listeners, `dataset` an object,
 * booleans toggle attributes); children: nodes, strings, numbers, arrays, null (skipped).
 */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.substring(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'class') node.className = v;
    else if (k === 'value' || k === 'checked' || k === 'selected') node[k] = v;
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the content of `target`. */
export function show(target, ...children) {
  target.replaceChildren();
  append(target, children);
  return target;
}

/** A region that holds one of the states loading | empty | error | forbidden | ready (data-state, for people and tests). */
export function region(name, extra) {
  return h('div', Object.assign({ class: 'region', 'data-region': name, 'data-state': 'loading' }, extra || {}),
    h('p', { class: 'state loading', role: 'status' }, 'Loading…'));
}

export function loading(target, text) {
  target.dataset.state = 'loading';
  return show(target, h('p', { class: 'state loading', role: 'status' }, text || 'Loading…'));
}

export function empty(target, text) {
  target.dataset.state = 'empty';
  return show(target, h('p', { class: 'state empty' }, text));
}

export function ready(target, ...children) {
  target.dataset.state = 'ready';
  return show(target, ...children);
}

/** Describes an API error for people: 403 as a role problem, 404 as "not available", the problem's field named. */
export function problemText(err) {
  if (!err || err.status === undefined) return String(err && err.message || err);
  const b = err.body || {};
  if (err.status === 404 && !b.error) return 'Not available on this server (HTTP 404).';
  if (err.status === 403) return 'Your role cannot do this' + (b.message ? ` (${b.message}).` : '.');
  const parts = [];
  if (err.status) parts.push(`HTTP ${err.status}`);
  if (b.error) parts.push(b.error);
  let text = parts.join(' · ');
  if (b.field) text += ` — field “${b.field}”`;
  if (b.message) text += `: ${b.message}`;
  return text;
}

/** Shows the error state of a region (403 gets its own "forbidden" state, the page stays usable). */
export function failed(target, err, what) {
  const forbidden = err && err.status === 403;
  target.dataset.state = forbidden ? 'forbidden' : 'error';
  if (err && err.status) target.dataset.status = String(err.status);
  return show(target, h('div', { class: 'state ' + (forbidden ? 'forbidden' : 'error'), role: 'alert' },
    what ? h('strong', {}, what + ': ') : null, problemText(err)));
}

/** Loads into a region: loading state, then render(data) → ready, or the error state. Returns the data or undefined. */
export async function load(target, fetcher, render, what) {
  loading(target);
  try {
    const data = await fetcher();
    const out = render(data);
    if (out !== undefined && target.dataset.state === 'loading') ready(target, out);
    return data;
  } catch (err) {
    failed(target, err, what);
    return undefined;
  }
}

/** A table; columns: [{label, value: row => node|text, num?: bool}]. */
export function table(columns, rows, attrs) {
  return h('div', { class: 'table-wrap' }, h('table', attrs || {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.value(r))))))));
}

const numberFormat = new Intl.NumberFormat('en-US');
export function num(n) {
  return n === null || n === undefined ? '—' : numberFormat.format(n);
}
/** A metric: whole numbers as such, others with at most 4 decimals. */
export function metric(v) {
  const n = Number(v);
  if (!isFinite(n)) return String(v);
  return Number.isInteger(n) ? num(n) : String(Number(n.toFixed(4)));
}
export function pct(x, digits = 1) {
  return x === null || x === undefined ? '—' : (x * 100).toFixed(digits) + '%';
}
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}
export function badge(text) {
  return h('span', { class: 'badge ' + text }, text);
}

/** A button that runs an async action, disabled while it runs; the outcome goes to `status` (an element). */
export function actionButton(label, action, attrs) {
  const button = h('button', Object.assign({ type: 'button' }, attrs || {}), label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try { await action(); } finally { if (button.isConnected) button.disabled = false; }
  });
  return button;
}

/** A labelled form control: returns [label, control] wrapped in a div. */
export function field(id, labelText, control, hint) {
  control.id = id;
  if (hint) control.setAttribute('aria-describedby', id + '-hint');
  return h('div', { class: 'field' }, h('label', { for: id }, labelText), control, hint ? h('span', { class: 'hint', id: id + '-hint' }, hint) : null);
}

/** Today and n days before as YYYY-MM-DD (UTC). */
export function isoDate(date) {
  return date.toISOString().substring(0, 10);
}
