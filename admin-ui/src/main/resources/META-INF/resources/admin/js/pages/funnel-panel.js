// The dashboard's funnel panel: a saved funnel (GET /api/v1/reports/funnel?funnel=<id>, read from its rollup) or custom
// steps and window (computed on request); saving the custom steps as a funnel, deleting a saved one, and a saved
// funnel's backfill progress (polled until it is done). The choice is kept in the dashboard URL (funnel=<id>).
import { api, url } from '../api.js';
import { h, region, load, loading, ready, empty, failed, show, num, pct, when, field, problemText, actionButton } from '../ui.js';

export const DEFAULT_STEPS = 'Products Searched,Product Viewed,Product Added,Checkout Started,Order Completed';
export const DEFAULT_WINDOW = 'P7D';

/** How often a running backfill is polled, and for how long before the page stops and offers to check again. */
const POLL_MS = 1000;
const POLL_DEADLINE_MS = 10 * 60 * 1000;
/** Where a funnel answer's counts come from (its `source`), for people. */
const SOURCES = {
  rollup: 'Counted from the default funnel\u2019s pre-aggregated rollup.',
  saved: 'Counted from the saved funnel\u2019s pre-aggregated entries.',
  'on-request': 'Computed on request from every person\u2019s steps (slower at scale); save the steps as a funnel to keep them pre-aggregated.',
};
/** A funnel answer that arrived after the choice changed: not shown. */
const STALE = Symbol('stale');

/** A saved funnel's window for people: PT168H (java.time's form) as P7D. */
export function windowText(iso) {
  const m = /^PT(\d+)H$/.exec(iso || '');
  return m && Number(m[1]) % 24 === 0 ? `P${Number(m[1]) / 24}D` : (iso || '');
}

function label(f) {
  return f.name ? `${f.name} (${f.id})` : f.id;
}

/**
 * Builds the panel. params: the page's from, to and segment; ctx: the page context (query, can); onChoice(query):
 * called with urlQuery() when the choice the URL keeps changed (the page writes its URL then).
 * @returns {{section: Element, urlQuery: () => object, stop: () => void}}
 */
export function funnelPanel(ctx, params, onChoice) {
  const q = ctx.query;
  const canEdit = ctx.can('funnels.edit');
  const timers = new Set();
  let left = false;
  let turn = 0;
  let chosen = q.get('funnel') || '';
  let applied = { steps: q.get('steps') || DEFAULT_STEPS, window: q.get('window') || DEFAULT_WINDOW };

  const report = region('funnel');
  const list = region('saved-funnels');
  const info = region('saved-funnel', { class: 'region funnel-info' });
  const notice = h('div', { 'data-region': 'funnel-notice', 'data-state': 'none', 'aria-live': 'polite' });
  const csvLink = h('a', { id: 'funnel-csv', download: true }, 'Export CSV');

  // the choice
  const picker = h('select', { name: 'funnel', onchange: () => { clearNotice(); choose(picker.value); } },
    h('option', { value: '' }, 'Custom steps'), chosen ? h('option', { value: chosen }, chosen) : null);
  picker.value = chosen;
  const remove = actionButton('Delete saved funnel', () => deleteChosen(), { class: 'danger', id: 'funnel-delete', disabled: !canEdit,
    title: canEdit ? null : 'admin or operator' });
  const choice = h('form', { class: 'inline', 'aria-label': 'Funnel choice', onsubmit: (e) => e.preventDefault() },
    field('f-funnel', 'Saved funnel', picker, 'read from its rollup; custom steps are computed on request'), remove);

  // custom steps, and saving them as a funnel
  const steps = h('input', { name: 'steps', value: applied.steps, size: 70 });
  const windowInput = h('input', { name: 'window', value: applied.window, size: 6 });
  const saveId = h('input', { name: 'id', size: 24, autocomplete: 'off', spellcheck: 'false', disabled: !canEdit });
  const saveName = h('input', { name: 'name', size: 30, autocomplete: 'off', disabled: !canEdit });
  const controls = { steps, window: windowInput, id: saveId, name: saveName };
  const errors = {};
  const withError = (name, f) => {
    const control = controls[name];
    const err = h('div', { class: 'field-error', id: control.id + '-error', 'data-error-for': name });
    errors[name] = err;
    control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), err.id].filter(Boolean).join(' '));
    f.append(err);
    return f;
  };
  const customForm = h('form', { class: 'inline', 'aria-label': 'Funnel steps', onsubmit: (e) => { e.preventDefault(); loadCustom(); } },
    withError('steps', field('f-steps', 'Steps (comma-separated event names)', steps)),
    withError('window', field('f-window', 'Window', windowInput, 'ISO-8601, e.g. P7D')),
    h('button', { type: 'submit', class: 'secondary' }, 'Update funnel'));
  const saveOutcome = h('div', { 'data-region': 'funnel-save', 'data-state': 'none', 'aria-live': 'polite' });
  const saveButton = h('button', { type: 'submit', id: 'funnel-save-button', class: 'secondary', disabled: !canEdit }, 'Save funnel');
  // novalidate: the server validates the id, name, steps and window and names the field
  const saveForm = h('form', { class: 'inline', 'aria-labelledby': 'h-funnel-save', novalidate: true, onsubmit: (e) => { e.preventDefault(); save(); } },
    withError('id', field('f-save-id', 'Funnel id', saveId, 'a–z, 0–9 and -, e.g. search-to-order')),
    withError('name', field('f-save-name', 'Name (optional)', saveName)), saveButton);
  const custom = h('div', {}, customForm,
    h('h3', { id: 'h-funnel-save' }, 'Save these steps as a funnel'),
    h('p', { class: 'hint' }, canEdit ? 'Saves the steps and window above; a saved funnel is kept up to date as events arrive and answers fast.'
      : 'Your role cannot save funnels.'),
    saveForm, saveOutcome);

  const section = h('section', { class: 'card', 'aria-labelledby': 'h-funnel' },
    h('div', { class: 'actions' }, h('h2', { id: 'h-funnel' }, 'Funnel'), csvLink), choice, list, notice, custom, info, report);

  // ---- choosing ----

  function choose(id) {
    chosen = id;
    turn++;
    stopPolling();
    if (id && ![...picker.options].some((o) => o.value === id)) picker.append(h('option', { value: id }, id));
    picker.value = id;
    custom.hidden = !!id;
    info.hidden = !id;
    remove.hidden = !id;
    if (!id) {
      info.dataset.state = 'idle';
      info.replaceChildren();
    }
    onChoice(urlQuery());
    if (id) loadSaved(id); else loadCustom();
  }

  /** The query the dashboard URL keeps for the choice: funnel=<id>, or custom steps and window other than the defaults. */
  function urlQuery() {
    if (chosen) return { funnel: chosen };
    const out = {};
    if (applied.steps !== DEFAULT_STEPS) out.steps = applied.steps;
    if (applied.window !== DEFAULT_WINDOW) out.window = applied.window;
    return out;
  }

  function setCsv(query) {
    csvLink.href = url('/api/v1/reports/funnel', Object.assign({}, params, query, { format: 'csv' }));
  }

  function loadCustom() {
    applied = { steps: steps.value, window: windowInput.value };
    onChoice(urlQuery());
    const query = { steps: applied.steps, window: applied.window };
    setCsv(query);
    return loadReport(query);
  }

  /** Loads the funnel report; an answer for an earlier choice is dropped. */
  function loadReport(query) {
    const mine = turn;
    return load(report, () => api('/api/v1/reports/funnel', { query: Object.assign({}, params, query) })
      .catch((err) => { if (mine !== turn) return STALE; throw err; }),
    (f) => (f === STALE || mine !== turn ? undefined : bars(f)), 'Funnel report');
  }

  function bars(f) {
    const rows = f.steps || [];
    report.dataset.source = f.source || '';
    if (rows.length === 0 || rows[0].users === 0) return empty(report, 'No user reached the first step in this period.');
    const first = rows[0].users || 1;
    return h('div', {},
      h('div', { role: 'list', 'aria-label': 'Funnel steps' }, rows.map((s, i) => h('div', { class: 'funnel-row', role: 'listitem', 'data-step': s.name },
        h('strong', {}, `${i + 1}. ${s.name}`),
        h('div', { class: 'funnel-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.max(0, Math.min(100, (s.users / first) * 100))}%` })),
        h('span', {}, h('span', { 'data-field': 'users' }, num(s.users)), ' users · ',
          i === 0 ? 'start' : [pct(s.conversionFromPrevious), ' of previous · ', pct(s.conversionFromStart), ' of start'],
          s.dropOff ? ` · ${num(s.dropOff)} dropped` : '')))),
      SOURCES[f.source] ? h('p', { class: 'hint', 'data-field': 'source' }, SOURCES[f.source]) : null);
  }

  async function loadSaved(id) {
    const mine = turn;
    setCsv({ funnel: id });
    loading(info);
    loading(report);
    let f;
    try {
      f = await api('/api/v1/reports/funnels/' + encodeURIComponent(id));
    } catch (err) {
      if (mine !== turn || left) return;
      if (err.status === 404) {
        empty(info, `No saved funnel “${id}”: it was deleted, or the link is wrong. Choose another one, or custom steps.`);
        empty(report, 'No funnel to show.');
      } else {
        failed(info, err, 'Saved funnel');
        failed(report, err, 'Funnel report');
      }
      return;
    }
    if (mine !== turn || left) return;
    showInfo(f);
    loadReport({ funnel: id });
    if (f.backfill && f.backfill.state === 'running') watchBackfill(id, mine, Date.now() + POLL_DEADLINE_MS);
  }

  function showInfo(f) {
    const b = f.backfill || {};
    info.dataset.backfill = b.state || '';
    let history;
    if (b.state === 'running') {
      const total = Math.max(b.total || 0, b.done || 0, 1);
      history = [h('progress', { max: total, value: b.done || 0, 'aria-label': 'Backfill progress' }), ' ',
        h('span', { 'data-field': 'backfill-progress' }, `${num(b.done)} of ${num(b.total)} persons`), ' ',
        h('span', { class: 'hint' }, 'History is being backfilled; until it is done the funnel is computed on request.')];
    } else if (b.state === 'failed') {
      history = h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, 'Backfill failed: '), b.error || 'no reason given',
        ' — the funnel is computed on request.');
    } else {
      history = `complete (${num(b.done)} persons)`;
    }
    ready(info, h('dl', { class: 'facts' },
      h('dt', {}, 'Name'), h('dd', {}, f.name || '—'),
      h('dt', {}, 'Steps'), h('dd', { 'data-field': 'steps' }, (f.steps || []).join(' → ')),
      h('dt', {}, 'Window'), h('dd', { 'data-field': 'window' }, windowText(f.window)),
      h('dt', {}, 'Saved'), h('dd', {}, when(f.createdAt)),
      h('dt', {}, 'History'), h('dd', { 'data-field': 'backfill', 'data-state': b.state || '' }, history)));
  }

  // ---- the backfill's progress ----

  function later(fn, ms) {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  }

  function stopPolling() {
    timers.forEach(clearTimeout);
    timers.clear();
  }

  /** Polls the funnel until its backfill is no longer running, or the deadline passes; then reloads the report. */
  function watchBackfill(id, mine, deadline) {
    const stale = () => left || mine !== turn;
    const tick = async () => {
      if (stale()) return;
      let f;
      try {
        f = await api('/api/v1/reports/funnels/' + encodeURIComponent(id));
      } catch (err) {
        if (stale()) return;
        if (err.status === 404) {
          empty(info, `The saved funnel “${id}” was deleted.`);
          return;
        }
        if (Date.now() < deadline) later(tick, POLL_MS * 3); // a passing failure: try again until the deadline
        else stopped(`Could not read the backfill's progress (${problemText(err)}).`);
        return;
      }
      if (stale()) return;
      showInfo(f);
      const state = f.backfill && f.backfill.state;
      if (state === 'running') {
        if (Date.now() < deadline) later(tick, POLL_MS);
        else stopped(`Still backfilling after ${Math.round(POLL_DEADLINE_MS / 60000)} minutes; this page stopped checking.`);
        return;
      }
      if (state === 'done') loadReport({ funnel: id }); // now read from the rollup
    };
    const stopped = (text) => {
      const dd = info.querySelector('[data-field=backfill]');
      (dd || info).append(h('p', { class: 'hint', role: 'status' }, text, ' ',
        h('button', { type: 'button', class: 'secondary', onclick: (e) => {
          e.target.closest('p').remove();
          watchBackfill(id, mine, Date.now() + POLL_DEADLINE_MS);
        } }, 'Check again')));
    };
    later(tick, POLL_MS);
  }

  // ---- the saved funnels, saving and deleting ----

  function loadList() {
    return load(list, () => api('/api/v1/reports/funnels'), (l) => {
      const funnels = l.funnels || [];
      show(picker, h('option', { value: '' }, 'Custom steps'), funnels.map((f) => h('option', { value: f.id }, label(f))));
      if (chosen && !funnels.some((f) => f.id === chosen)) picker.append(h('option', { value: chosen }, `${chosen} (not saved)`));
      picker.value = chosen;
      if (funnels.length === 0) return empty(list, 'No saved funnels yet: save custom steps below to have them answered fast.');
      return h('p', { class: 'hint' }, `${funnels.length} saved ${funnels.length === 1 ? 'funnel' : 'funnels'}.`);
    }, 'Saved funnels');
  }

  function clearNotice() {
    notice.dataset.state = 'none';
    notice.replaceChildren();
  }

  function clearErrors() {
    Object.values(errors).forEach((e) => { e.textContent = ''; });
    Object.values(controls).forEach((c) => c.removeAttribute('aria-invalid'));
  }

  async function save() {
    clearErrors();
    saveOutcome.dataset.state = 'saving';
    show(saveOutcome, h('p', { class: 'state loading', role: 'status' }, 'Saving…'));
    const body = {
      id: saveId.value.trim(),
      name: saveName.value.trim() || null,
      steps: steps.value.split(',').map((s) => s.trim()),
      window: windowInput.value.trim() || null,
    };
    saveButton.disabled = true;
    try {
      const saved = await api('/api/v1/reports/funnels', { method: 'POST', body });
      saveOutcome.dataset.state = 'saved';
      saveOutcome.replaceChildren();
      saveId.value = '';
      saveName.value = '';
      notice.dataset.state = 'saved';
      show(notice, h('p', { class: 'ok-box', role: 'status' }, `Saved the funnel “${label(saved)}”.`));
      choose(saved.id);
      loadList();
      picker.focus(); // the save form is hidden now
    } catch (err) {
      // the 4xx names the field: its message goes under that field, which is marked invalid and focused
      const b = err.body || {};
      saveOutcome.dataset.state = err.status === 403 ? 'forbidden' : (err.status === 409 ? 'conflict' : (err.status === 400 ? 'invalid' : 'error'));
      if (b.field && errors[b.field]) {
        errors[b.field].textContent = b.message || problemText(err);
        controls[b.field].setAttribute('aria-invalid', 'true');
        controls[b.field].focus();
      }
      show(saveOutcome, h('div', { class: err.status === 403 ? 'state forbidden' : 'error-box', role: 'alert', 'data-field': b.field || '' },
        h('strong', {}, 'Not saved: '), problemText(err)));
    } finally {
      saveButton.disabled = !canEdit;
    }
  }

  async function deleteChosen() {
    const id = chosen;
    if (!id) return;
    const option = [...picker.options].find((o) => o.value === id);
    if (!window.confirm(`Delete the saved funnel “${option ? option.textContent : id}”? Its rollup is dropped; custom steps can still show the same funnel, computed on request.`)) return;
    try {
      await api('/api/v1/reports/funnels/' + encodeURIComponent(id), { method: 'DELETE' });
    } catch (err) {
      if (err.status !== 404) { // 404: deleted already, as asked
        notice.dataset.state = err.status === 403 ? 'forbidden' : 'error';
        show(notice, h('div', { class: 'state ' + (err.status === 403 ? 'forbidden' : 'error'), role: 'alert' }, h('strong', {}, 'Not deleted: '), problemText(err)));
        return;
      }
    }
    notice.dataset.state = 'deleted';
    show(notice, h('p', { class: 'ok-box', role: 'status' }, `Deleted the saved funnel “${id}”.`));
    choose('');
    loadList();
    picker.focus();
  }

  loadList();
  choose(chosen);
  return {
    section,
    urlQuery,
    stop: () => { left = true; stopPolling(); },
  };
}
