// Dashboard: behaviour overview (charts), funnel (bars with conversion; saved funnels or custom steps, see
// funnel-panel.js) and retention cohorts (heat-map table), from the report API (/api/v1/reports/*).
import { api, url } from '../api.js';
import { h, region, load, ready, empty, failed, table, num, pct, field, isoDate } from '../ui.js';
import { draw, color } from '../charts.js';
import { funnelPanel } from './funnel-panel.js';

/** Weeks after its first that each cohort is followed, unless the URL says otherwise (`weeks=`). */
const DEFAULT_WEEKS = '8';

/**
 * Edits the query of the dashboard URL as it is now, in place: replaceState, so no hashchange (the reports are not
 * reloaded) and no new history entry; a reload or a shared link restores what the URL keeps.
 */
function keepInUrl(edit) {
  const s = new URLSearchParams(location.hash.split('?')[1] || '');
  edit(s);
  const query = s.toString();
  history.replaceState(history.state, '', '#/dashboard' + (query ? '?' + query : ''));
}

/** The heat map's colour at full intensity (over white below it). */
const HEAT = [31, 95, 191];

/**
 * Black or white, whichever reads on this background: black from a relative luminance of 0.18 up, where it has
 * a contrast of at least 4.6:1, white below it (WCAG 2.1 AA asks 4.5:1 for text).
 */
function textOn(rgb) {
  const [r, g, b] = rgb.map((c) => { const s = c / 255; return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b >= 0.18 ? '#000' : '#fff';
}

export function render(main, ctx) {
  const q = ctx.query;
  const today = new Date();
  const params = {
    from: q.get('from') || isoDate(new Date(today.getTime() - 29 * 86400000)),
    to: q.get('to') || isoDate(today),
    segment: q.get('segment') || '',
  };
  const granularity = q.get('granularity') || 'day';
  const charts = [];

  const from = h('input', { type: 'date', value: params.from, name: 'from' });
  const to = h('input', { type: 'date', value: params.to, name: 'to' });
  const gran = h('select', { name: 'granularity' }, ['day', 'week', 'month'].map((g) => h('option', { value: g, selected: g === granularity }, g)));
  const segment = h('select', { name: 'segment' }, h('option', { value: '' }, 'All users'));
  api('/api/v1/segments').then((s) => {
    for (const seg of s.segments || []) segment.append(h('option', { value: seg.id, selected: seg.id === params.segment }, `${seg.name} (${num(seg.size)})`));
  }).catch(() => { /* the filter stays at "All users" */ });
  const filters = h('form', { class: 'inline', 'aria-label': 'Report filters', onsubmit: (e) => {
    e.preventDefault();
    const s = new URLSearchParams({ from: from.value, to: to.value, granularity: gran.value });
    if (segment.value) s.set('segment', segment.value);
    for (const [k, v] of Object.entries(funnel.urlQuery())) s.set(k, v);
    if (appliedWeeks !== DEFAULT_WEEKS) s.set('weeks', appliedWeeks);
    ctx.navigate('#/dashboard?' + s.toString());
  } },
  field('f-from', 'From', from), field('f-to', 'To', to), field('f-granularity', 'Granularity', gran),
  field('f-segment', 'Segment', segment), h('button', { type: 'submit' }, 'Apply'));

  const tiles = region('overview-totals');
  const activeChart = region('chart-active-users', { class: 'region chart' });
  const sessionsChart = region('chart-sessions', { class: 'region chart' });
  const eventsChart = region('chart-events-by-type', { class: 'region chart' });
  // the funnel's choice is kept in the URL without reloading the page (replaceState: no hashchange, no new entry)
  const funnel = funnelPanel(ctx, params, (choice) => keepInUrl((s) => {
    for (const k of ['funnel', 'steps', 'window']) s.delete(k);
    for (const [k, v] of Object.entries(choice)) s.set(k, v);
  }));
  const preferences = region('preferences');
  const atRisk = region('churn-report');
  const recReport = region('recommendations-report');
  const cohorts = region('cohorts');
  const csv = (report, extra) => h('a', { href: url('/api/v1/reports/' + report, Object.assign({}, params, extra, { format: 'csv' })), download: true }, 'Export CSV');

  // the cohorts' weeks: like the funnel's choice, kept in the URL (replaceState) and followed by the panel's CSV link
  const weeks = h('input', { type: 'number', min: 1, max: 52, value: q.get('weeks') || DEFAULT_WEEKS, name: 'weeks' });
  let appliedWeeks = weeks.value;
  const cohortsCsv = csv('cohorts');
  cohortsCsv.id = 'cohorts-csv';
  const cohortForm = h('form', { class: 'inline', 'aria-label': 'Cohort weeks', onsubmit: (e) => { e.preventDefault(); loadCohorts(); } },
    field('f-weeks', 'Weeks', weeks), h('button', { type: 'submit', class: 'secondary' }, 'Update cohorts'));

  main.append(
    h('h1', {}, 'Dashboard'),
    filters,
    h('section', { class: 'card', 'aria-labelledby': 'h-overview' },
      h('div', { class: 'actions' }, h('h2', { id: 'h-overview' }, 'Behaviour overview'), csv('overview', { granularity })),
      tiles,
      h('div', { class: 'grid two' },
        h('div', {}, h('h3', {}, 'Active users'), activeChart),
        h('div', {}, h('h3', {}, 'Sessions'), sessionsChart),
        h('div', { class: 'wide' }, h('h3', {}, 'Events by type'), eventsChart))),
    funnel.section,
    h('section', { class: 'card', 'aria-labelledby': 'h-cohorts' },
      h('div', { class: 'actions' }, h('h2', { id: 'h-cohorts' }, 'Retention cohorts'), cohortsCsv), cohortForm, cohorts),
    h('section', { class: 'card', 'aria-labelledby': 'h-prefs' },
      h('div', { class: 'actions' }, h('h2', { id: 'h-prefs' }, 'Preferences'), csv('preferences')), preferences),
    h('div', { class: 'grid two' },
      h('section', { class: 'card', 'aria-labelledby': 'h-atrisk' },
        h('div', { class: 'actions' }, h('h2', { id: 'h-atrisk' }, 'Users at risk of churning'), csv('churn')), atRisk),
      h('section', { class: 'card', 'aria-labelledby': 'h-recreport' },
        h('div', { class: 'actions' }, h('h2', { id: 'h-recreport' }, 'Recommendations'), csv('recommendations')), recReport)));

  load(tiles, () => api('/api/v1/reports/overview', { query: Object.assign({ granularity }, params) }), (o) => {
    const series = o.series || [];
    const t = o.totals || {};
    const tile = (key, label) => h('div', { class: 'tile', 'data-metric': key }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, num(t[key])));
    const out = h('div', { class: 'tiles' }, tile('activeUsers', 'Active users'), tile('newUsers', 'New users'),
      tile('returningUsers', 'Returning users'), tile('sessions', 'Sessions'), tile('events', 'Events'));
    if (series.length === 0) {
      for (const r of [activeChart, sessionsChart, eventsChart]) empty(r, 'No activity in this period.');
      return out;
    }
    const labels = series.map((s) => s.period);
    drawInto(activeChart, 'active-users', {
      type: 'line', label: 'Active, new and returning users per ' + granularity,
      data: { labels, datasets: [
        { label: 'Active users', data: series.map((s) => s.activeUsers), borderColor: color(0), backgroundColor: color(0) },
        { label: 'New users', data: series.map((s) => s.newUsers), borderColor: color(1), backgroundColor: color(1) },
        { label: 'Returning users', data: series.map((s) => s.returningUsers), borderColor: color(2), backgroundColor: color(2) }] },
    });
    drawInto(sessionsChart, 'sessions', {
      type: 'bar', label: 'Sessions per ' + granularity,
      data: { labels, datasets: [{ label: 'Sessions', data: series.map((s) => s.sessions), backgroundColor: color(0) }] },
      options: { plugins: { legend: { display: false } } },
    });
    const totals = {};
    for (const s of series) for (const [type, n] of Object.entries(s.eventsByType || {})) totals[type] = (totals[type] || 0) + n;
    const types = Object.keys(totals).sort((a, b) => totals[b] - totals[a]);
    drawInto(eventsChart, 'events-by-type', {
      type: 'bar', label: 'Events by type per ' + granularity,
      data: { labels, datasets: types.map((type, i) => ({ label: type, data: series.map((s) => (s.eventsByType || {})[type] || 0), backgroundColor: color(i) })) },
      options: { scales: { x: { stacked: true }, y: { stacked: true } },
        plugins: { legend: { position: 'right', labels: { boxWidth: 12 } } } },
    });
    requestAnimationFrame(() => performance.mark('footfall-dashboard-drawn'));
    return out;
  }, 'Overview report').then((o) => {
    if (o === undefined) for (const r of [activeChart, sessionsChart, eventsChart]) empty(r, 'No data: the overview report could not be read.');
  });

  function drawInto(holder, name, config) {
    try {
      ready(holder);
      charts.push(draw(holder, name, config));
    } catch (err) {
      failed(holder, err, 'Chart');
    }
  }

  function loadCohorts() {
    appliedWeeks = weeks.value;
    keepInUrl((s) => { if (appliedWeeks === DEFAULT_WEEKS) s.delete('weeks'); else s.set('weeks', appliedWeeks); });
    cohortsCsv.href = url('/api/v1/reports/cohorts', Object.assign({}, params, { weeks: appliedWeeks, format: 'csv' }));
    load(cohorts, () => api('/api/v1/reports/cohorts', { query: Object.assign({ weeks: appliedWeeks }, params) }), (c) => {
      const list = c.cohorts || [];
      if (list.length === 0) return empty(cohorts, 'No cohort in this period.');
      const width = Math.max(...list.map((x) => (x.retention || []).length));
      const cell = (v) => {
        if (v === null || v === undefined) return h('td', { class: 'cell' }, '');
        const alpha = Math.max(0.05, Math.min(1, v));
        const background = HEAT.map((c) => Math.round(255 - alpha * (255 - c)));
        return h('td', { class: 'cell', style: `background:rgb(${background.join(',')});color:${textOn(background)}` }, pct(v, 0));
      };
      return h('div', { class: 'table-wrap' }, h('table', { class: 'heat', 'aria-label': 'Share of each weekly cohort active in the weeks after its first' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Cohort'), h('th', { scope: 'col' }, 'Start'), h('th', { scope: 'col', class: 'num' }, 'Users'),
          Array.from({ length: width }, (_, i) => h('th', { scope: 'col', class: 'num' }, 'Week ' + i)))),
        h('tbody', {}, list.map((x) => h('tr', { 'data-cohort': x.cohort }, h('th', { scope: 'row' }, x.cohort), h('td', {}, x.start),
          h('td', { class: 'num' }, num(x.size)), Array.from({ length: width }, (_, i) => cell((x.retention || [])[i])))))));
    }, 'Cohort report');
  }

  loadCohorts();

  const shareTable = (label, rows) => table([
    { label, value: (r) => r.name },
    { label: 'Users', value: (r) => num(r.users), num: true },
    { label: 'Share', value: (r) => h('span', { class: 'share' }, h('span', { class: 'share-bar', style: `width:${Math.round((r.share || 0) * 100)}%`, 'aria-hidden': 'true' }), pct(r.share)) },
  ], rows || []);
  const countTable = (label, key, rows) => (rows && rows.length ? table([{ label, value: (r) => r[key] + (r.name && r.name !== r[key] ? ` — ${r.name}` : '') },
    { label: 'Count', value: (r) => num(r.count), num: true }], rows) : h('p', { class: 'muted' }, 'none'));
  load(preferences, () => api('/api/v1/reports/preferences', { query: Object.assign({ limit: 10 }, params) }), (p) => {
    if (!(p.categories || []).length && !(p.brands || []).length) return empty(preferences, 'No product activity in this period.');
    const top = p.topProducts || {};
    const searches = p.searches || {};
    return h('div', { class: 'grid' },
      h('div', {}, h('h3', {}, 'Categories'), shareTable('Category', p.categories)),
      h('div', {}, h('h3', {}, 'Brands'), shareTable('Brand', p.brands)),
      h('div', {}, h('h3', {}, 'Most viewed'), countTable('Product', 'productId', top.viewed)),
      h('div', {}, h('h3', {}, 'Most added to cart'), countTable('Product', 'productId', top.carted)),
      h('div', {}, h('h3', {}, 'Most purchased'), countTable('Product', 'productId', top.purchased)),
      h('div', {}, h('h3', {}, 'Searches without results'), countTable('Query', 'query', searches.noResult),
        h('h3', {}, 'Searches without a click'), countTable('Query', 'query', searches.noClick)));
  }, 'Preference report');
  load(atRisk, () => api('/api/v1/reports/churn', { query: Object.assign({ limit: 10 }, params) }), (c) => {
    const users = c.users || [];
    if (!users.length) return empty(atRisk, 'No scored users at risk (train the churn plugin first).');
    return table([
      { label: 'User', value: (u) => h('a', { href: '#/profiles/' + encodeURIComponent(u.userId) }, u.userId) },
      { label: 'Risk', value: (u) => `${pct(u.probability, 0)} ${u.band || ''}`, num: true },
      { label: 'Value', value: (u) => num(u.value), num: true },
      { label: 'Why', value: (u) => (u.reasons || []).join('; ') },
      { label: 'Suggested', value: (u) => (u.strategies || []).join('; ') },
    ], users, { 'aria-label': 'Users at risk' });
  }, 'Churn report');
  load(recReport, () => api('/api/v1/reports/recommendations', { query: Object.assign({ limit: 10 }, params) }), (r) => h('div', {},
    h('dl', { class: 'facts' }, h('dt', {}, 'Coverage'), h('dd', {}, pct(r.coverage)),
      h('dt', {}, 'Click-through'), h('dd', {}, r.clickThrough === null || r.clickThrough === undefined ? 'not tracked' : pct(r.clickThrough))),
    h('h3', {}, 'Most recommended'), countTable('Item', 'itemId', r.mostRecommended),
    // the report covers the recommender's current lists of everyone: say so rather than look filtered
    params.segment ? h('p', { class: 'hint', 'data-field': 'not-by-segment' }, 'For all users: this report is not split by segment.') : null,
    r.countedAt ? h('p', { class: 'hint' }, `Lists counted ${new Date(r.countedAt).toISOString().substring(0, 16).replace('T', ' ')} UTC.`) : null),
  'Recommendation report');
  return () => {
    funnel.stop();
    charts.forEach((c) => c.destroy());
  };
}
