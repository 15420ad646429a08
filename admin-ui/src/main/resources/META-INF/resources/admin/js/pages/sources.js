// Sources and write keys: list, and create one (the write key is shown once, in the answer to its creation).
import { api } from '../api.js';
import { h, region, load, empty, table, when, show, field, problemText } from '../ui.js';

export function render(main, ctx) {
  const list = region('sources');
  const name = h('input', { name: 'name', required: true, maxlength: 200, size: 40 });
  const outcome = h('div', { 'aria-live': 'polite', 'data-region': 'new-source' });
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
    h('section', { class: 'card', 'aria-labelledby': 'h-sources' }, h('h2', { id: 'h-sources' }, 'Sources'), list));
  function loadList() {
    load(list, () => api('/api/v1/sources'), (sources) => {
      if (!sources.length) return empty(list, 'No sources yet.');
      return table([
        { label: 'Name', value: (s) => s.name }, { label: 'Id', value: (s) => h('code', {}, s.id) },
        { label: 'Created', value: (s) => when(s.createdAt) }, { label: 'Write key accepted', value: (s) => (s.enabled ? 'yes' : 'no') },
      ], sources, { 'aria-label': 'Sources' });
    }, 'Sources');
  }
  loadList();
  return null;
}
