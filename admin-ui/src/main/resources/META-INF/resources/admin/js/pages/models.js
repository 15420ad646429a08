// Models: every plugin's model versions with their metrics; promote a version or roll back to the previous one.
import { api } from '../api.js';
import { h, region, load, empty, table, when, show, problemText, actionButton, badge, metric } from '../ui.js';

export function render(main, ctx) {
  const only = ctx.query.get('plugin');
  const holder = region('models');
  main.append(h('h1', {}, 'Models'), h('p', { class: 'muted' }, 'Training saves a new version; only promotion changes what serves.'), holder);
  load(holder, () => api('/api/v1/plugins'), (p) => {
    const plugins = (p.plugins || []).filter((x) => !only || x.id === only);
    if (!plugins.length) return empty(holder, 'No plugins.');
    return h('div', {}, plugins.map((plugin) => {
      const r = region('models-' + plugin.id);
      const section = h('section', { class: 'card', 'data-plugin': plugin.id }, h('h2', {}, plugin.descriptor ? plugin.descriptor.name : plugin.id, ' ', h('code', {}, plugin.id)), r);
      const refresh = () => load(r, () => api(`/api/v1/plugins/${encodeURIComponent(plugin.id)}/models`), (versions) => {
        if (!versions.length) return empty(r, 'No model versions (this plugin has not saved a model yet).');
        const names = [...new Set(versions.flatMap((v) => Object.keys(v.metrics || {})))].sort();
        const outcome = h('div', { 'aria-live': 'polite' });
        const canPromote = ctx.can('models.promote');
        const act = async (path) => {
          try { await api(`/api/v1/plugins/${encodeURIComponent(plugin.id)}/models/${path}`, { method: 'POST' }); refresh(); } catch (err) {
            show(outcome, h('div', { class: 'state ' + (err.status === 403 ? 'forbidden' : 'error'), role: 'alert' }, problemText(err)));
          }
        };
        return h('div', {}, table([
          { label: 'Version', value: (v) => v.version, num: true },
          { label: 'Created', value: (v) => when(v.createdAt) },
          { label: 'Serving', value: (v) => (v.serving ? badge('serving') : '') },
          ...names.map((n) => ({ label: n, value: (v) => (v.metrics && v.metrics[n] !== undefined ? metric(v.metrics[n]) : ''), num: true })),
          { label: '', value: (v) => (v.serving ? '' : actionButton('Promote', () => act(`${v.version}/promote`), { class: 'secondary', disabled: !canPromote })) },
        ], versions.slice().sort((a, b) => b.version - a.version), { 'aria-label': `Model versions of ${plugin.id}` }),
        h('div', { class: 'actions' }, actionButton('Roll back to the previous promoted version', () => act('rollback'), { class: 'danger', disabled: !canPromote })), outcome);
      }, 'Models');
      refresh();
      return section;
    }));
  }, 'Plugins');
  return null;
}
