// Segments: every segment with its size, a segment's members (paged) and CSV export, and the rule editor
// (the segmentation plugin's config property `rules`, PUT /api/v1/plugins/segmentation/config).
import { api, url } from '../api.js';
import { h, region, load, empty, ready, failed, table, num, when, show, problemText } from '../ui.js';

const PLUGIN = 'segmentation';
const EXAMPLE = {
  segments: [{ id: 'shoe-browsers', name: 'Shoe browsers', description: 'viewed Shoes 3+ times in 7 days',
    when: { event: 'Product Viewed', where: { category: 'Shoes' }, atLeast: 3, within: 'P7D' } }],
};

export function render(main, ctx) {
  const id = ctx.args[0];
  main.append(h('h1', {}, 'Segments'));
  if (id) {
    renderMembers(main, id);
    return null;
  }
  const listRegion = region('segments');
  const editorRegion = region('rule-editor');
  main.append(
    h('section', { class: 'card', 'aria-labelledby': 'h-seglist' }, h('div', { class: 'actions' }, h('h2', { id: 'h-seglist' }, 'All segments'),
      h('button', { type: 'button', class: 'secondary', onclick: () => loadList() }, 'Refresh')), listRegion),
    h('section', { class: 'card', 'aria-labelledby': 'h-rules' }, h('h2', { id: 'h-rules' }, 'Rule segments'),
      h('p', { class: 'muted' }, 'Rules are a JSON document {"segments": [...]} in the segmentation plugin\u2019s configuration. ',
        'Conditions: event counts in a window, profile comparisons, membership of other segments, all/any/not. ',
        'An invalid document is refused as a whole and the previous rules stay in force.'),
      editorRegion));

  function loadList() {
    load(listRegion, () => api('/api/v1/segments'), (s) => {
      const errors = s.definitionErrors || [];
      const segs = s.segments || [];
      const parts = [];
      if (errors.length) {
        parts.push(h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, 'The stored rules were refused: '),
          h('ul', {}, errors.map((e) => h('li', {}, h('code', {}, e.pointer), ' ', e.message)))));
      }
      if (segs.length === 0) {
        parts.push(h('p', { class: 'state empty' }, 'No segments yet: define rule segments below, or train the segmentation plugin for RFM segments and clusters.'));
      } else {
        parts.push(table([
          { label: 'Segment', value: (r) => h('a', { href: '#/segments/' + encodeURIComponent(r.id) }, r.id) },
          { label: 'Kind', value: (r) => r.kind },
          { label: 'Name', value: (r) => r.name },
          { label: 'Description', value: (r) => r.description || '' },
          { label: 'Members', value: (r) => h('span', { 'data-size': r.id }, num(r.size)), num: true },
          { label: 'Export', value: (r) => h('a', { href: url(`/api/v1/segments/${encodeURIComponent(r.id)}/members.csv`), download: true }, 'CSV') },
        ], segs, { 'aria-label': 'Segments' }));
      }
      return h('div', {}, parts);
    }, 'Segments');
  }
  loadList();
  renderEditor(editorRegion, ctx, loadList);
  return null;
}

function renderEditor(target, ctx, onSaved) {
  load(target, () => api('/api/v1/plugins/' + PLUGIN), (plugin) => {
    // the stored document (what configVersion is the version of); the applied one may lag while the plugin reopens
    const current = (plugin.storedConfig && plugin.storedConfig.rules) || (plugin.config && plugin.config.rules) || '{"segments":[]}';
    let pretty = current;
    try { pretty = JSON.stringify(JSON.parse(current), null, 2); } catch (e) { /* show as stored */ }
    const editable = ctx.can('segments.edit');
    const text = h('textarea', { id: 'rules', name: 'rules', rows: 18, spellcheck: 'false', 'aria-describedby': 'rules-errors rules-hint', readonly: !editable }, pretty);
    text.value = pretty;
    const errors = h('div', { id: 'rules-errors', 'aria-live': 'polite', 'data-state': 'none' });
    const save = h('button', { type: 'submit', id: 'rules-save', disabled: !editable }, 'Validate and save');
    const form = h('form', { 'aria-label': 'Rule segments editor', onsubmit: async (e) => {
      e.preventDefault();
      errors.dataset.state = 'saving';
      show(errors, h('p', { class: 'state loading', role: 'status' }, 'Saving…'));
      let doc;
      try {
        doc = JSON.parse(text.value);
      } catch (err) {
        errors.dataset.state = 'invalid';
        show(errors, h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, 'rules: '), 'not valid JSON — ', err.message));
        return;
      }
      save.disabled = true;
      try {
        // If-Match: refused (409 version_conflict) when the rules changed since they were loaded, e.g. a segment created
        // through the segments API meanwhile, instead of overwriting that change
        const saved = await api(`/api/v1/plugins/${PLUGIN}/config`, { method: 'PUT', headers: ifMatch(plugin),
          body: Object.assign(storedText(plugin), { rules: JSON.stringify(doc) }) });
        // the next save from this form names the version just stored
        plugin.configVersion = saved.configVersion;
        plugin.storedConfig = saved.storedConfig;
        plugin.config = saved.config;
        errors.dataset.state = 'saved';
        text.removeAttribute('aria-invalid');
        show(errors, h('p', { class: 'ok-box', role: 'status' }, 'Saved. Members are evaluated as events arrive; sizes update after the plugin\u2019s next batch.'));
        onSaved();
      } catch (err) {
        errors.dataset.state = err.status === 403 ? 'forbidden' : (err.status === 409 ? 'conflict' : 'invalid');
        if (err.status === 400) text.setAttribute('aria-invalid', 'true');
        show(errors, inlineErrors(err));
        errors.scrollIntoView({ block: 'nearest' });
      } finally {
        save.disabled = !editable;
      }
    } },
    h('div', { class: 'editor' },
      h('div', {}, h('label', { for: 'rules' }, 'Rules document (JSON)'), text, h('div', { class: 'actions' }, save)),
      h('div', {}, errors,
        h('p', { class: 'hint', id: 'rules-hint' }, editable ? ['Example:', h('pre', { class: 'raw', tabindex: '0' }, JSON.stringify(EXAMPLE, null, 2))] : 'Read-only: your role cannot change rule segments.'))));
    return form;
  }, 'Rule definitions');
}

/** The If-Match header for PUT …/config: the version of the configuration the form was filled from. */
export function ifMatch(plugin) {
  return plugin && plugin.configVersion ? { 'If-Match': `"${plugin.configVersion}"` } : {};
}

/** What a 409 version_conflict of PUT …/config tells the operator. */
export function conflictText(err) {
  return 'The configuration changed since this page loaded it (someone else saved, or a rule segment was created, changed or '
    + 'deleted). Nothing was saved: copy your changes, reload, and apply them again.';
}

/** The 400 of PUT …/config: field, and every error with its JSON pointer (the message starts with the pointer). */
export function inlineErrors(err) {
  const b = err.body || {};
  if (err.status === 409 && b.error === 'version_conflict') {
    return h('div', { class: 'error-box', role: 'alert', 'data-field': b.field || '', 'data-error': 'version_conflict' },
      h('strong', {}, 'Not saved: '), conflictText(err));
  }
  if (err.status === 400 && Array.isArray(b.errors)) {
    return h('div', { class: 'error-box', role: 'alert', 'data-field': b.field || '' },
      h('strong', {}, `Refused (${b.error || 'invalid'}), field “${b.field || '?'}”:`),
      h('ul', {}, b.errors.map((e) => {
        const m = /^(\/[^:\s]*):\s*(.*)$/s.exec(e.message || '');
        return h('li', { 'data-pointer': m ? m[1] : '' }, m ? [h('code', {}, m[1]), ' ', m[2]] : [e.property ? h('code', {}, e.property) : null, ' ', e.message]);
      })));
  }
  return h('div', { class: 'state ' + (err.status === 403 ? 'forbidden' : 'error'), role: 'alert' }, problemText(err));
}

/**
 * The plugin's stored configuration as PUT …/config takes it (other properties keep their values): the stored texts,
 * read with configVersion; the applied values converted to text for a server that does not send them.
 */
export function storedText(plugin) {
  return plugin.storedConfig ? Object.assign({}, plugin.storedConfig) : configText(plugin);
}

/** The plugin's applied configuration as the text values PUT …/config takes (other properties keep their values). */
export function configText(plugin) {
  const out = {};
  const spec = ((plugin.descriptor || {}).config || {}).properties || [];
  for (const p of spec) {
    const v = (plugin.config || {})[p.name];
    if (v === undefined || v === null) continue;
    out[p.name] = textOf(p.type, v);
  }
  return out;
}

/** Text form of an applied value: lists joined by commas, durations in ISO-8601 (Jackson may send seconds). */
export function textOf(type, v) {
  if (Array.isArray(v)) return v.join(',');
  if (type === 'DURATION' && typeof v === 'number') return isoDuration(v);
  return String(v);
}

/** Seconds as an ISO-8601 duration java.time.Duration parses: 1800 → PT30M, 1209600 → P14D. */
export function isoDuration(seconds) {
  let rest = seconds;
  const days = Math.floor(rest / 86400); rest -= days * 86400;
  const hours = Math.floor(rest / 3600); rest -= hours * 3600;
  const minutes = Math.floor(rest / 60); rest = Math.round((rest - minutes * 60) * 1e9) / 1e9;
  const time = (hours ? hours + 'H' : '') + (minutes ? minutes + 'M' : '') + (rest ? rest + 'S' : '');
  return 'P' + (days ? days + 'D' : '') + (time ? 'T' + time : (days ? '' : 'T0S'));
}

function renderMembers(main, id) {
  const info = region('segment');
  const members = region('members');
  main.append(h('p', {}, h('a', { href: '#/segments' }, '← All segments')),
    h('section', { class: 'card', 'aria-labelledby': 'h-seg' }, h('h2', { id: 'h-seg' }, 'Segment ', h('code', {}, id)), info),
    h('section', { class: 'card', 'aria-labelledby': 'h-members' }, h('div', { class: 'actions' }, h('h2', { id: 'h-members' }, 'Members'),
      h('a', { class: 'button secondary', href: url(`/api/v1/segments/${encodeURIComponent(id)}/members.csv`), download: true }, 'Export CSV')), members));
  load(info, () => api('/api/v1/segments/' + encodeURIComponent(id)), (s) => h('dl', { class: 'facts' },
    h('dt', {}, 'Name'), h('dd', {}, s.name), h('dt', {}, 'Kind'), h('dd', {}, s.kind),
    h('dt', {}, 'Description'), h('dd', {}, s.description || '—'), h('dt', {}, 'Members'), h('dd', { 'data-size': s.id }, num(s.size))), 'Segment')
    .then((s) => { if (s === undefined && info.dataset.status === '404') empty(info, 'No such segment (yet): sizes appear after the plugin\u2019s next batch.'); });

  const rows = h('tbody', {});
  const more = h('div', { class: 'actions' });
  let count = 0;
  const page = async (after) => {
    const p = await api(`/api/v1/segments/${encodeURIComponent(id)}/members`, { query: { after, limit: 100 } });
    for (const m of p.members || []) {
      count++;
      rows.append(h('tr', { 'data-member': m.userId }, h('td', {}, h('a', { href: '#/profiles/' + encodeURIComponent(m.userId) }, m.userId)),
        h('td', { class: 'num' }, m.score.toFixed(2)), h('td', {}, when(m.recordedAt))));
    }
    more.replaceChildren();
    if (p.next) more.append(h('button', { type: 'button', class: 'secondary', id: 'members-more', onclick: () => page(p.next).catch((err) => failed(more, err)) }, 'Next members'));
    return p;
  };
  load(members, () => page(undefined), () => {
    if (count === 0) return empty(members, 'No members now.');
    return h('div', {}, h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Members' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'User'), h('th', { scope: 'col', class: 'num' }, 'Score'), h('th', { scope: 'col' }, 'Recorded'))), rows)), more);
  }, 'Members');
}
