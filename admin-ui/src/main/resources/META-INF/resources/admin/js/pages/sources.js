// Sources and write keys: list, create one, rotate a key (optionally keeping the old one for a while), disable or
// enable a source. A write key is shown once, in the answer that made it.
import { api } from '../api.js';
import { h, region, load, empty, table, when, show, field, problemText, actionButton } from '../ui.js';

export function render(main, ctx) {
  const list = region('sources');
  const name = h('input', { name: 'name', required: true, maxlength: 200, size: 40 });
  const outcome = h('div', { 'aria-live': 'polite', 'data-region': 'new-source' });
  // how long a rotated-out key keeps working beside the new one
  const overlap = h('select', { name: 'keepOldFor' },
    h('option', { value: 'PT0S' }, 'stops at once'), h('option', { value: 'PT1H' }, 'works 1 more hour'),
    h('option', { value: 'P1D' }, 'works 1 more day'), h('option', { value: 'P7D' }, 'works 7 more days'));
  const keyOutcome = h('div', { 'aria-live': 'polite', 'data-region': 'rotated-key' });
  const create = h('form', { class: 'inline', 'aria-label': 'New source', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const created = await api('/api/v1/sources', { method: 'POST', body: { name: name.value } });
      outcome.dataset.state = 'created';
      show(outcome, h('div', { class: 'ok-box', role: 'status' }, `Source “${created.source.name}” created. Its write key, shown only now: `,
        h('code', { 'data-field': 'write-key' }, created.writeKey)));
      name.value = '';
      loadList();
    } catch (err) {
      outcome.dataset.state = err.status === 403 ? 'forbidden' : 'error';
      show(outcome, h('div', { class: 'state ' + (err.status === 403 ? 'forbidden' : 'error'), role: 'alert' }, problemText(err)));
    }
  } }, field('s-name', 'Name', name, 'e.g. web storefront'), h('button', { type: 'submit', disabled: !ctx.can('sources') }, 'Create source'));
  main.append(h('h1', {}, 'Sources and write keys'),
    h('section', { class: 'card', 'aria-labelledby': 'h-new' }, h('h2', { id: 'h-new' }, 'New source'),
      h('p', { class: 'muted' }, 'Storefronts and SDKs send events with a source\u2019s write key (HTTP Basic user, or "writeKey" in the body). Keys are stored only as hashes.'),
      create, outcome),
    h('section', { class: 'card', 'aria-labelledby': 'h-sources' }, h('h2', { id: 'h-sources' }, 'Sources'),
      h('div', { class: 'inline' }, field('s-overlap', 'When a key is rotated, the old key', overlap)), keyOutcome, list));
  const can = ctx.can('sources');

  async function rotate(source) {
    const keep = overlap.options[overlap.selectedIndex].text;
    if (!window.confirm(`Give “${source.name}” a new write key? The current key ${keep}.`)) return;
    try {
      const rotated = await api(`/api/v1/sources/${encodeURIComponent(source.id)}/rotate-key`, { method: 'POST', body: { keepOldFor: overlap.value } });
      keyOutcome.dataset.state = 'rotated';
      show(keyOutcome, h('div', { class: 'ok-box', role: 'status' }, `New write key of “${rotated.source.name}”, shown only now: `,
        h('code', { 'data-field': 'write-key' }, rotated.writeKey),
        rotated.source.previousKeyValidUntil ? ` (the old key works until ${when(rotated.source.previousKeyValidUntil)})` : ' (the old key no longer works)'));
      loadList();
    } catch (err) {
      keyOutcome.dataset.state = 'error';
      show(keyOutcome, h('div', { class: 'state error', role: 'alert' }, problemText(err)));
    }
  }

  async function setEnabled(source, enabled) {
    if (!enabled && !window.confirm(`Refuse every event sent with the keys of “${source.name}”?`)) return;
    try {
      await api(`/api/v1/sources/${encodeURIComponent(source.id)}`, { method: 'PATCH', body: { enabled } });
      loadList();
    } catch (err) {
      keyOutcome.dataset.state = 'error';
      show(keyOutcome, h('div', { class: 'state error', role: 'alert' }, problemText(err)));
    }
  }

  function loadList() {
    load(list, () => api('/api/v1/sources'), (sources) => {
      if (!sources.length) return empty(list, 'No sources yet.');
      return table([
        { label: 'Name', value: (s) => s.name }, { label: 'Id', value: (s) => h('code', {}, s.id) },
        { label: 'Created', value: (s) => when(s.createdAt) }, { label: 'Write key accepted', value: (s) => (s.enabled ? 'yes' : 'no') },
        { label: 'Key rotated', value: (s) => (s.keyRotatedAt ? when(s.keyRotatedAt) : '—')
            + (s.previousKeyValidUntil ? `; old key until ${when(s.previousKeyValidUntil)}` : '') },
        { label: 'Actions', value: (s) => h('span', {},
            actionButton('Rotate key', () => rotate(s), { disabled: !can }), ' ',
            s.enabled ? actionButton('Disable', () => setEnabled(s, false), { class: 'danger', disabled: !can })
              : actionButton('Enable', () => setEnabled(s, true), { disabled: !can })) },
      ], sources, { 'aria-label': 'Sources' });
    }, 'Sources');
  }
  loadList();
  return null;
}
