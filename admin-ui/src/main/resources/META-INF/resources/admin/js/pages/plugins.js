// Plugins: state and lag of every plugin; one plugin's config form (generated from its config spec), training with
// progress, replay, enable/disable and dead letters (retry/drop).
import { api } from '../api.js';
import { h, region, load, empty, ready, failed, table, num, pct, when, show, badge, field, problemText, actionButton, metric } from '../ui.js';
import { textOf, ifMatch, conflictText } from './segments.js';

export function render(main, ctx) {
  const id = ctx.args[0];
  if (id) return renderPlugin(main, ctx, id);
  const list = region('plugins');
  main.append(h('h1', {}, 'Plugins'), h('section', { class: 'card' }, list));
  load(list, () => api('/api/v1/plugins'), (p) => {
    const plugins = p.plugins || [];
    const refused = p.refused || [];
    return h('div', {},
      plugins.length === 0 ? h('p', { class: 'state empty' }, 'No plugin is loaded.') : table([
        { label: 'Plugin', value: (r) => h('a', { href: '#/plugins/' + encodeURIComponent(r.id) }, r.descriptor ? r.descriptor.name : r.id) },
        { label: 'Id', value: (r) => h('code', {}, r.id) },
        { label: 'Version', value: (r) => r.descriptor ? r.descriptor.version : '' },
        { label: 'State', value: (r) => [badge(r.state), r.replaying ? ' replaying' : ''] },
        { label: 'Lag (events)', value: (r) => h('span', { 'data-lag': r.id }, num(r.lag)), num: true },
        { label: 'Processed', value: (r) => num(r.processedEvents), num: true },
        { label: 'Dead letters', value: (r) => num(r.deadLetters), num: true },
        { label: 'Last error', value: (r) => r.stateReason || r.lastError || '' },
      ], plugins, { 'aria-label': 'Plugins' }),
      refused.length ? [h('h2', {}, 'Refused plugin directories'), table([
        { label: 'Directory', value: (r) => r.directory || r.path || JSON.stringify(r) },
        { label: 'Reason', value: (r) => r.reason || '' }], refused)] : null);
  }, 'Plugins');
  return null;
}

function renderPlugin(main, ctx, id) {
  const base = '/api/v1/plugins/' + encodeURIComponent(id);
  const status = region('plugin');
  const config = region('config');
  const training = h('div', { 'data-region': 'training', 'data-state': 'idle', 'aria-live': 'polite' });
  const letters = region('dead-letters');
  const timers = [];
  let replayRegion = null;
  main.append(h('p', {}, h('a', { href: '#/plugins' }, '← All plugins')), h('h1', {}, 'Plugin ', h('code', {}, id)),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'h-status' }, h('h2', { id: 'h-status' }, 'State'), status),
      h('section', { class: 'card', 'aria-labelledby': 'h-train' }, h('h2', { id: 'h-train' }, 'Training and replay'), actionsPanel(), training)),
    h('section', { class: 'card', 'aria-labelledby': 'h-config' }, h('h2', { id: 'h-config' }, 'Configuration'), config),
    h('section', { class: 'card', 'aria-labelledby': 'h-dl' }, h('h2', { id: 'h-dl' }, 'Dead letters'), letters));

  function loadStatus() {
    return load(status, () => api(base), (p) => {
      const d = p.descriptor || {};
      return h('div', {},
        h('p', {}, d.description || ''),
        h('dl', { class: 'facts' },
          h('dt', {}, 'State'), h('dd', { 'data-field': 'state' }, badge(p.state), p.stateReason ? ' ' + p.stateReason : ''),
          h('dt', {}, 'Version'), h('dd', {}, `${d.version || ''} (SPI ${d.spiVersion || ''})`),
          h('dt', {}, 'Position / lag'), h('dd', {}, `${num(p.position)} / ${num(p.lag)} events${p.replaying ? ' (replaying)' : ''}`),
          h('dt', {}, 'Folded on'), h('dd', { 'data-field': 'segments' }, (p.segments || 1) > 1
            ? [`${p.segments} segments, each person on one (`, h('a', { href: '#/cluster' }, 'where'), ')']
            : (d.partitioning === 'BY_PERSON' ? 'one segment (may be split by person: footfall.processing.segments.plugins)' : 'one segment')),
          h('dt', {}, 'Processed'), h('dd', {}, `${num(p.processedEvents)} events, ${num(p.failedBatches)} failed batches`),
          h('dt', {}, 'Consumes'), h('dd', {}, (d.consumes || []).join(', ') || 'all events'),
          h('dt', {}, 'Produces'), h('dd', {}, (d.produces || []).join(', ') || '—'),
          h('dt', {}, 'Personal data'), h('dd', {}, (d.personalDataPurposes || []).join(', ') || 'none'),
          h('dt', {}, 'Last error'), h('dd', {}, p.lastError || '—')),
        h('div', { class: 'actions' },
          actionButton(p.state === 'DISABLED' || p.state === 'QUARANTINED' ? 'Enable' : 'Disable', async () => {
            try { await api(`${base}/${p.state === 'DISABLED' || p.state === 'QUARANTINED' ? 'enable' : 'disable'}`, { method: 'POST' }); loadStatus(); } catch (err) { failed(status, err, 'Enable/disable'); }
          }, { class: 'secondary', disabled: !ctx.can('plugins.enable'), title: ctx.can('plugins.enable') ? null : 'admin only' }),
          h('a', { href: '#/models?plugin=' + encodeURIComponent(id) }, 'Model versions')));
    }, 'Plugin');
  }

  function actionsPanel() {
    const canTrain = ctx.can('plugins.train');
    const canReplay = ctx.can('plugins.replay');
    const cutoff = h('input', { type: 'datetime-local', step: 1, name: 'cutoff' });
    const from = h('input', { type: 'datetime-local', step: 1, name: 'from' });
    const iso = (v) => (v ? v + (v.length === 16 ? ':00' : '') + 'Z' : null);
    const train = h('form', { class: 'inline', 'aria-label': 'Train', onsubmit: async (e) => {
      e.preventDefault();
      trainButton.disabled = true;
      try {
        const job = await api(`${base}/train`, { method: 'POST', query: { cutoff: iso(cutoff.value) } });
        watch(job);
      } catch (err) {
        trainButton.disabled = !canTrain;
        training.dataset.state = err.status === 403 ? 'forbidden' : 'error';
        show(training, h('div', { class: 'state ' + (err.status === 403 ? 'forbidden' : 'error'), role: 'alert' }, problemText(err)));
      }
    } }, field('t-cutoff', 'History before (UTC, optional)', cutoff, 'empty: now'));
    const trainButton = h('button', { type: 'submit', id: 'train', disabled: !canTrain }, 'Train');
    train.append(trainButton);
    const replayStatus = h('span', { 'aria-live': 'polite' });
    replayRegion = h('span', { 'data-region': 'replay', 'data-state': 'idle' }, replayStatus);
    const replay = h('form', { class: 'inline', 'aria-label': 'Replay', onsubmit: async (e) => {
      e.preventDefault();
      if (!window.confirm(`Clear the state of ${id} and feed it again${from.value ? ' from ' + from.value : ' from the start of the log'}?`)) return;
      try {
        await api(`${base}/replay`, { method: 'POST', query: { from: iso(from.value) } });
        watchReplay(replayStatus);
      } catch (err) {
        show(replayStatus, h('span', { class: 'state ' + (err.status === 403 ? 'forbidden' : 'error'), role: 'alert' }, problemText(err)));
      }
    } }, field('r-from', 'Replay from (UTC, optional)', from, 'empty: the start of the log'),
    h('button', { type: 'submit', class: 'secondary', id: 'replay', disabled: !canReplay }, 'Replay'), replayRegion);
    return h('div', {}, train, canTrain ? null : h('p', { class: 'hint' }, 'Your role cannot train plugins.'), replay);
  }

  /** Polls the plugin while it replays: progress = position / (position + lag), until it has caught up. */
  function watchReplay(target) {
    replayRegion.dataset.state = 'running';
    const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Replay progress' });
    const text = h('span', { 'data-field': 'replay-progress' }, 'starting…');
    show(target, h('span', { class: 'actions' }, bar, text));
    let head = null; // the log's head when the replay was asked for: done once folded again up to it
    const poll = async () => {
      let p;
      try {
        p = await api(base);
      } catch (err) {
        text.textContent = problemText(err);
        timers.push(setTimeout(poll, 2000));
        return;
      }
      const done = Math.max(0, p.position || 0);
      if (head === null) head = done + Math.max(0, p.lag || 0);
      bar.value = head ? Math.min(1, done / head) : 0;
      text.textContent = `${num(Math.min(done, head))} of ${num(head)} events (${pct(head ? Math.min(1, done / head) : 0, 0)})`;
      if (p.replaying || done < head) {
        timers.push(setTimeout(poll, 1000));
        return;
      }
      bar.value = 1;
      replayRegion.dataset.state = 'done';
      show(target, h('span', { class: 'ok-box' }, `Replayed: ${num(done)} events folded again; the plugin is current.`));
      loadStatus();
    };
    timers.push(setTimeout(poll, 300));
  }

  function watch(job) {
    training.dataset.state = 'running';
    training.dataset.job = job.id;
    const bar = h('progress', { max: 1, value: job.progress || 0, 'aria-label': 'Training progress' });
    const text = h('span', { 'data-field': 'job-status' }, job.status);
    const message = h('span', { class: 'muted' }, job.message || '');
    const cancel = h('button', { type: 'button', class: 'danger', onclick: async () => {
      try { await api(`${base}/jobs/${encodeURIComponent(job.id)}/cancel`, { method: 'POST' }); } catch (err) { message.textContent = problemText(err); }
    } }, 'Cancel');
    const report = h('div', {});
    show(training, h('div', { class: 'actions' }, bar, h('span', { 'data-field': 'job-progress' }, pct(job.progress || 0, 0)), text, cancel), message, report);
    const poll = async () => {
      let j;
      try {
        j = await api(`${base}/jobs/${encodeURIComponent(job.id)}`);
      } catch (err) {
        message.textContent = problemText(err);
        timers.push(setTimeout(poll, 2000));
        return;
      }
      bar.value = j.progress || 0;
      training.querySelector('[data-field=job-progress]').textContent = pct(j.progress || 0, 0);
      text.textContent = j.status;
      message.textContent = j.message || '';
      if (j.status === 'RUNNING' || j.status === 'REQUESTED') {
        timers.push(setTimeout(poll, 500));
        return;
      }
      training.dataset.state = j.status === 'SUCCEEDED' ? 'done' : j.status.toLowerCase();
      cancel.remove();
      const trainButton = document.getElementById('train');
      if (trainButton) trainButton.disabled = !ctx.can('plugins.train');
      if (j.report) {
        const metrics = Object.entries(j.report.metrics || {});
        show(report, j.report.summary && j.report.summary !== j.message ? h('p', {}, j.report.summary) : null, j.report.model ? h('p', {}, `Model version ${j.report.model.version} saved${j.report.model.serving ? ' and serving' : ''}.`) : null,
          metrics.length ? table([{ label: 'Metric', value: (m) => m[0] }, { label: 'Value', value: (m) => metric(m[1]), num: true }], metrics) : null);
      }
      loadStatus();
    };
    timers.push(setTimeout(poll, 300));
  }

  function loadConfig() {
    load(config, () => api(base), (p) => configForm(p));
  }

  function configForm(p) {
    const spec = ((p.descriptor || {}).config || {}).properties || [];
    if (spec.length === 0) return empty(config, 'This plugin has no settings.');
    const editable = ctx.can('plugins.config');
    const controls = {};
    const errors = {};
    const rows = spec.map((prop) => {
      // the stored text (what configVersion is the version of), else the applied value, else the default
      const stored = (p.storedConfig || {})[prop.name];
      const current = (p.config || {})[prop.name];
      const value = stored !== undefined && stored !== null ? stored
        : (current === undefined || current === null ? (prop.defaultValue || '') : textOf(prop.type, current));
      let control;
      if (prop.type === 'BOOLEAN') {
        control = h('select', {}, ['true', 'false'].map((v) => h('option', { value: v, selected: v === value }, v)));
      } else if (prop.type === 'ENUM') {
        control = h('select', {}, (prop.allowedValues || []).map((v) => h('option', { value: v, selected: v === value }, v)));
      } else if (prop.type === 'INT' || prop.type === 'LONG' || prop.type === 'DOUBLE') {
        control = h('input', { type: 'number', step: prop.type === 'DOUBLE' ? 'any' : 1, min: prop.min, max: prop.max, value });
      } else if (prop.type === 'STRING' && value.length > 60) {
        control = h('textarea', { rows: 6, spellcheck: 'false' }, value);
        control.value = value;
      } else {
        control = h('input', { value, size: 40, placeholder: prop.type === 'DURATION' ? 'e.g. PT30M' : (prop.type === 'LIST' ? 'a,b,c' : null) });
      }
      control.name = prop.name;
      control.disabled = !editable;
      controls[prop.name] = control;
      const bounds = [prop.min ? 'min ' + prop.min : null, prop.max ? 'max ' + prop.max : null].filter(Boolean).join(', ');
      const hint = [prop.description, `${prop.type.toLowerCase()}${bounds ? ' (' + bounds + ')' : ''}`, prop.defaultValue !== null && prop.defaultValue !== undefined ? `default ${prop.defaultValue}` : 'required'].filter(Boolean).join(' · ');
      const err = h('div', { class: 'field-error', id: `cfg-${prop.name}-error`, 'data-error-for': prop.name, role: 'alert' });
      errors[prop.name] = err;
      const f = field('cfg-' + prop.name, prop.name, control, hint);
      control.setAttribute('aria-describedby', `cfg-${prop.name}-hint cfg-${prop.name}-error`);
      f.append(err);
      return f;
    });
    const outcome = h('div', { 'aria-live': 'polite', 'data-region': 'config-outcome' });
    const save = h('button', { type: 'submit', id: 'config-save', disabled: !editable }, 'Save configuration');
    // novalidate: the server validates (bounds, types, the plugin's own checks) and names the property
    return h('form', { class: 'config', 'aria-label': 'Configuration', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      Object.values(errors).forEach((x) => { x.textContent = ''; });
      Object.values(controls).forEach((c) => c.removeAttribute('aria-invalid'));
      const body = {};
      for (const [k, c] of Object.entries(controls)) body[k] = c.value;
      save.disabled = true;
      try {
        // If-Match: refused (409 version_conflict) when the configuration changed since the form was filled
        const saved = await api(`${base}/config`, { method: 'PUT', headers: ifMatch(p), body });
        p.configVersion = saved.configVersion; // the next save from this form names the version just stored
        p.storedConfig = saved.storedConfig;
        outcome.dataset.state = 'saved';
        show(outcome, h('p', { class: 'ok-box', role: 'status' }, 'Saved; the plugin was reopened with it.'));
        loadStatus();
      } catch (err) {
        outcome.dataset.state = err.status === 403 ? 'forbidden' : 'invalid';
        const list = (err.body && err.body.errors) || [];
        for (const x of list) {
          if (!errors[x.property]) continue;
          errors[x.property].textContent = x.message;
          controls[x.property].setAttribute('aria-invalid', 'true');
        }
        show(outcome, h('div', { class: 'state ' + (err.status === 403 ? 'forbidden' : 'error'), role: 'alert' },
          err.status === 409 && err.body && err.body.error === 'version_conflict' ? conflictText(err) : problemText(err)));
      } finally {
        save.disabled = !editable;
      }
    } }, h('div', { class: 'grid' }, rows), editable ? null : h('p', { class: 'hint' }, 'Read-only: your role cannot change plugin settings.'),
    outcome, h('div', { class: 'actions' }, save));
  }

  function loadLetters() {
    load(letters, () => api(`${base}/dead-letters`, { query: { status: 'PARKED' } }), (list) => {
      if (!list.length) return empty(letters, 'No parked dead letters.');
      const can = ctx.can('dead-letters');
      return table([
        { label: '#', value: (r) => r.id, num: true },
        { label: 'Events', value: (r) => `${(r.positions || []).length} (positions ${(r.positions || []).slice(0, 3).join(', ')}${(r.positions || []).length > 3 ? ', …' : ''})` },
        { label: 'Error', value: (r) => r.error },
        { label: 'Attempts', value: (r) => r.attempts, num: true },
        { label: 'Since', value: (r) => when(r.createdAt) },
        { label: '', value: (r) => h('div', { class: 'actions' },
          actionButton('Retry', () => letterAction(r.id, 'retry'), { disabled: !can }),
          actionButton('Drop', () => letterAction(r.id, 'drop'), { class: 'danger', disabled: !can })) },
      ], list, { 'aria-label': 'Dead letters' });
    }, 'Dead letters');
  }

  async function letterAction(letter, action) {
    if (action === 'drop' && !window.confirm(`Give up on dead letter ${letter}? Its events will not be delivered to ${id}.`)) return;
    try {
      await api(`${base}/dead-letters/${letter}/${action}`, { method: 'POST' });
      loadLetters();
      loadStatus();
    } catch (err) {
      failed(letters, err, `${action} dead letter ${letter}`);
    }
  }

  loadStatus();
  loadConfig();
  loadLetters();
  return () => timers.forEach(clearTimeout);
}
