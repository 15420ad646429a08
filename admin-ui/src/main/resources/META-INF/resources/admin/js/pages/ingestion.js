// Ingestion: the live ingest rate (sampled from the Prometheus counters at /q/metrics), failed events by reason with
// reprocess (as stored or corrected) and drop, and the projections' lag.
import { api } from '../api.js';
import { h, region, load, empty, ready, failed, table, num, when, show, field, problemText, actionButton } from '../ui.js';
import { draw, color } from '../charts.js';

const SAMPLE_MS = 5000;

export function render(main, ctx) {
  const rate = region('ingest-rate');
  const rateChart = h('div', { class: 'chart', 'data-region': 'chart-ingest-rate' });
  const byReason = region('failed-by-reason');
  const failedList = region('failed-events');
  const projections = region('projections');
  const status = h('select', { name: 'status' }, ['OPEN', 'REPROCESSED', 'DROPPED'].map((s) => h('option', { value: s, selected: s === (ctx.query.get('status') || 'OPEN') }, s)));
  main.append(h('h1', {}, 'Ingestion'),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'h-rate' }, h('h2', { id: 'h-rate' }, 'Ingest rate'), rate, rateChart),
      h('section', { class: 'card', 'aria-labelledby': 'h-reasons' }, h('h2', { id: 'h-reasons' }, 'Failed events by reason'), byReason)),
    h('section', { class: 'card', 'aria-labelledby': 'h-failed' }, h('h2', { id: 'h-failed' }, 'Failed events'),
      h('form', { class: 'inline', 'aria-label': 'Failed events filter', onsubmit: (e) => { e.preventDefault(); ctx.navigate('#/ingestion?status=' + status.value); } },
        field('fe-status', 'Status', status), h('button', { type: 'submit', class: 'secondary' }, 'Show')), failedList),
    h('section', { class: 'card', 'aria-labelledby': 'h-proj' }, h('h2', { id: 'h-proj' }, 'Projections'), projections));

  // ---- rate: two samples of the ingest counters, SAMPLE_MS apart
  const samples = [];
  let chart = null;
  let timer = null;
  const sample = async () => {
    try {
      const text = await fetch('/q/metrics', { credentials: 'same-origin' }).then((r) => {
        if (!r.ok) throw Object.assign(new Error(`HTTP ${r.status}`), { status: r.status, body: { message: 'metrics not readable' } });
        return r.text();
      });
      const now = Date.now();
      const m = counters(text);
      samples.push({ t: now, ...m });
      if (samples.length > 60) samples.shift();
      if (samples.length < 2) {
        ready(rate, h('p', { class: 'muted' }, `Measuring… ${num(m.stored)} events stored since start, ${num(m.queued)} queued.`));
      } else {
        const a = samples[samples.length - 2];
        const dt = (now - a.t) / 1000;
        const per = (k) => Math.max(0, (m[k] - a[k]) / dt);
        ready(rate, h('div', { class: 'tiles' },
          tile('stored', 'Stored / s', per('stored').toFixed(1)), tile('duplicate', 'Duplicates / s', per('duplicate').toFixed(1)),
          tile('failed', 'Failed / s', per('failed').toFixed(1)), tile('queued', 'Queued', num(m.queued))),
          h('p', { class: 'hint' }, `Over the last ${dt.toFixed(0)} s; since start: ${num(m.stored)} stored, ${num(m.failed)} failed.`));
        const points = samples.slice(1).map((s, i) => ({ x: new Date(s.t).toISOString().substring(11, 19), y: Math.max(0, (s.stored - samples[i].stored) / ((s.t - samples[i].t) / 1000)) }));
        if (!chart) {
          try {
            chart = draw(rateChart, 'ingest-rate', { type: 'line', label: 'Stored events per second', data: { labels: points.map((p) => p.x),
              datasets: [{ label: 'stored / s', data: points.map((p) => p.y), borderColor: color(0), backgroundColor: color(0) }] },
            options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, suggestedMax: 1 } } } });
          } catch (err) { failed(rateChart, err, 'Chart'); }
        } else {
          chart.data.labels = points.map((p) => p.x);
          chart.data.datasets[0].data = points.map((p) => p.y);
          chart.update();
        }
      }
    } catch (err) {
      failed(rate, err, 'Ingest metrics (/q/metrics)');
    }
    timer = setTimeout(sample, SAMPLE_MS);
  };
  sample();

  // ---- failed events
  if (!ctx.can('failed-events')) {
    const denied = { status: 403, body: { message: 'failed events are for admins and operators' } };
    failed(byReason, denied);
    failed(failedList, denied);
  } else {
    loadFailed(failedList, byReason, status.value, ctx);
  }

  load(projections, () => api('/api/v1/projections'), (list) => {
    if (!list.length) return empty(projections, 'No projections.');
    return table([
      { label: 'Projection', value: (r) => r.name },
      { label: 'Running', value: (r) => (r.running ? 'yes' : 'no') + (r.replaying ? ', replaying' : '') + (r.error ? ', in error' : '') },
      { label: 'Segments', value: (r) => num(r.segments ?? 1), num: true },
      { label: 'Position', value: (r) => num(r.position), num: true },
      { label: 'Head', value: (r) => num(r.head), num: true },
      { label: 'Lag', value: (r) => num(r.lag), num: true },
      // events the projection failed on every time and skips (ADR 0023): GET /api/v1/projections/{name}/dead-letters
      { label: 'Dead letters', value: (r) => num(r.deadLetters ?? 0), num: true },
    ], list, { 'aria-label': 'Projections' });
  }, 'Projections');

  return () => { clearTimeout(timer); if (chart) chart.destroy(); };
}

function tile(key, label, value) {
  return h('div', { class: 'tile', 'data-metric': key }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

/** footfall_ingest_events_total by outcome and footfall_ingest_queued from the Prometheus text format. */
export function counters(text) {
  const out = { stored: 0, duplicate: 0, failed: 0, queued: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('footfall_ingest_events_total{')) {
      const outcome = /outcome="([^"]+)"/.exec(line);
      const value = Number(line.substring(line.lastIndexOf(' ') + 1));
      if (outcome && outcome[1] in out) out[outcome[1]] = value;
    } else if (line.startsWith('footfall_ingest_queued')) {
      out.queued = Number(line.substring(line.lastIndexOf(' ') + 1));
    }
  }
  return out;
}

function loadFailed(target, byReason, status, ctx) {
  const all = [];
  const rows = h('tbody', {});
  const more = h('div', { class: 'actions' });
  // counted on the server over every failed event with this status (GET /api/v1/failed-events/summary), not the loaded pages
  const summarize = () => load(byReason, () => api('/api/v1/failed-events/summary', { query: { status } }), (sum) => {
    if (!sum.reasons || !sum.reasons.length) return empty(byReason, `No ${status.toLowerCase()} failed events.`);
    return h('div', {}, table([{ label: 'Reason · field', value: (r) => r.reason + (r.field ? ` · ${r.field}` : '') },
      { label: 'Events', value: (r) => num(r.count), num: true }], sum.reasons, { 'aria-label': 'Failed events by reason' }),
    h('p', { class: 'hint' }, h('span', { 'data-field': 'total' }, num(sum.total)), ` ${status.toLowerCase()} failed events in all.`));
  }, 'Failed events by reason');
  const row = (f) => {
    const e = f.event;
    const cell = h('td', {});
    const tr = h('tr', { 'data-failed': f.id }, h('td', { class: 'num' }, f.id), h('td', {}, when(e.receivedAt)), h('td', {}, e.reason),
      h('td', {}, e.field ? h('code', {}, e.field) : ''), h('td', {}, e.message), cell);
    if (f.status === 'OPEN') {
      const out = h('div', { 'aria-live': 'polite' });
      const raw = h('textarea', { rows: 6, 'aria-label': `Corrected JSON of failed event ${f.id}` }, e.raw);
      raw.value = e.raw;
      const reprocess = async (body) => {
        try {
          const answer = await api(`/api/v1/failed-events/${f.id}/reprocess`, body === undefined ? { method: 'POST' } : { method: 'POST', text: body });
          show(out, h('div', { class: 'ok-box' }, `Reprocessed: ${answer && answer.stored !== undefined ? answer.stored + ' stored' : 'done'}.`));
          tr.dataset.status = 'REPROCESSED';
          summarize();
        } catch (err) {
          const errs = (err.body && err.body.errors) || [];
          show(out, h('div', { class: 'state error', role: 'alert' }, errs.length ? errs.map((x) => `${x.field || ''}: ${x.message || x.reason}`).join('; ') : problemText(err)));
        }
      };
      cell.append(h('div', { class: 'actions' },
        actionButton('Reprocess', () => reprocess(undefined)),
        actionButton('Drop', async () => {
          try { await api(`/api/v1/failed-events/${f.id}/drop`, { method: 'POST' }); show(out, h('div', { class: 'muted' }, 'Dropped.')); tr.dataset.status = 'DROPPED'; summarize(); } catch (err) { show(out, h('div', { class: 'state error', role: 'alert' }, problemText(err))); }
        }, { class: 'danger' })),
      h('details', {}, h('summary', {}, 'Edit and reprocess'), raw, actionButton('Reprocess corrected', () => reprocess(raw.value), { class: 'secondary' })), out);
    } else {
      cell.append(h('span', { class: 'muted' }, `${f.status.toLowerCase()} ${when(f.resolvedAt)}`));
    }
    return tr;
  };
  const page = async (after) => {
    const p = await api('/api/v1/failed-events', { query: { status, after, limit: 100 } });
    for (const f of p.items || []) { all.push(f); rows.append(row(f)); }
    more.replaceChildren();
    if (p.nextAfter !== undefined && p.nextAfter !== null) {
      more.append(h('button', { type: 'button', class: 'secondary', onclick: () => page(p.nextAfter).catch((err) => failed(more, err)) }, 'Load more'));
    }
    return p;
  };
  summarize();
  load(target, () => page(undefined), () => {
    if (!all.length) return empty(target, `No ${status.toLowerCase()} failed events.`);
    return h('div', {}, h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Failed events' },
      h('thead', {}, h('tr', {}, ['#', 'Received', 'Reason', 'Field', 'Message', ''].map((c) => h('th', { scope: 'col' }, c)))), rows)), more);
  }, 'Failed events');
}
