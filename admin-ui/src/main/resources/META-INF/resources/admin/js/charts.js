// Thin wrapper over Chart.js (global `Chart`, loaded from its WebJar by index.html).

const PALETTE = ['#1f5fbf', '#e07b00', '#2a9d5b', '#b33d8f', '#6b5fd3', '#c23b22', '#16879c', '#8a6d00', '#5b6475', '#9c4d00', '#3d7a2a'];

export function color(i) {
  return PALETTE[i % PALETTE.length];
}

/** Draws a chart on a new canvas inside `holder`; returns the Chart, or throws when Chart.js is missing. */
export function draw(holder, name, config) {
  if (!window.Chart) throw new Error('the chart library (Chart.js) did not load');
  const canvas = document.createElement('canvas');
  canvas.dataset.chart = name;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', config.label || name);
  holder.replaceChildren(canvas);
  const chart = new window.Chart(canvas, {
    type: config.type,
    data: config.data,
    options: Object.assign({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom' } },
    }, config.options || {}),
  });
  return chart;
}
