// Profile explorer: search by user id; the live profile or the profile as of an instant; the timeline (paged);
// segments; churn score with reasons; recommendations with reasons. Admins download the customer's data export
// (GET /api/v1/customers/{id}/export, the right of access) from the live profile; operators detach an anonymous id
// stitched into the user by mistake (POST /api/v1/identity/unmerge) and see the profile once it is re-folded.
import { api } from '../api.js';
import { h, region, load, empty, ready, failed, table, num, pct, when, field, badge, actionButton, show, problemText } from '../ui.js';

/** How long the page waits for the profile projection to fold a detach before it says so. */
const DETACH_WAIT_MS = 60000;

export function render(main, ctx) {
  const id = ctx.args[0] || '';
  const asOf = ctx.query.get('asOf') || '';
  const userInput = h('input', { name: 'user', value: id, placeholder: 'u-000003', required: true, size: 30 });
  const asOfInput = h('input', { name: 'asOf', type: 'datetime-local', step: 0.001, value: asOf ? asOf.replace(/Z$/, '').substring(0, 23) : '' });
  const search = h('form', { class: 'inline', role: 'search', 'aria-label': 'Find a profile', onsubmit: (e) => {
    e.preventDefault();
    const target = '#/profiles/' + encodeURIComponent(userInput.value.trim());
    ctx.navigate(asOfInput.value ? `${target}?asOf=${encodeURIComponent(asOfInput.value + (asOfInput.value.length === 16 ? ':00' : '') + 'Z')}` : target);
  } },
  field('p-user', 'User id, anonymous id or person id', userInput),
  field('p-asof', 'As of (UTC, optional)', asOfInput, 'empty: the live profile'),
  h('button', { type: 'submit', id: 'p-search' }, 'Show profile'));
  main.append(h('h1', {}, 'Profile explorer'), search);
  if (!id) {
    const hint = region('profile');
    empty(hint, 'Enter a user id to see the profile, its timeline, segments, churn score and recommendations.');
    main.append(hint);
    return null;
  }

  const profile = region('profile');
  const timeline = region('timeline');
  const segments = region('user-segments');
  const churn = region('churn');
  const recs = region('recommendations');
  const detached = h('div', { 'aria-live': 'polite', 'data-region': 'detach' });
  main.append(h('div', { class: 'grid' },
    h('section', { class: 'card', 'aria-labelledby': 'h-profile' }, h('h2', { id: 'h-profile' }, asOf ? `Profile as of ${when(asOf)}` : 'Live profile'), detached, profile,
      !asOf && ctx.can('customers') ? h('p', {}, h('a', { id: 'p-export', href: `/api/v1/customers/${encodeURIComponent(id)}/export`, download: '' },
        'Download everything held about this customer'), h('span', { class: 'hint' }, ' (JSON with personal data; recorded in the audit trail)')) : null),
    h('div', {},
      h('section', { class: 'card', 'aria-labelledby': 'h-segs' }, h('h2', { id: 'h-segs' }, 'Segments'), segments),
      h('section', { class: 'card', 'aria-labelledby': 'h-churn' }, h('h2', { id: 'h-churn' }, 'Churn risk'), churn),
      h('section', { class: 'card', 'aria-labelledby': 'h-recs' }, h('h2', { id: 'h-recs' }, 'Recommendations'), recs))),
  h('section', { class: 'card', 'aria-labelledby': 'h-timeline' }, h('h2', { id: 'h-timeline' }, 'Timeline (latest first)'), timeline));

  const showProfile = () => load(profile, () => api('/api/v1/profiles/' + encodeURIComponent(id), { query: { asOf } }),
    (p) => renderProfile(p, !asOf && ctx.can('identity.unmerge') ? (anon) => detach(p, anon) : null), 'Profile')
    .then((p) => {
      if (p === undefined && profile.dataset.status === '404') {
        empty(profile, asOf ? `No profile as of ${when(asOf)}: no event of this person had happened yet (or no profile with this id).` : 'No profile with this id.');
      }
    });
  // the unlink is an event: the profile projection re-folds the user's history without the device, then the page shows it
  async function detach(p, anon) {
    if (!window.confirm(`Detach the anonymous id “${anon}” from user “${p.userId}”? Its events leave this profile and form their own; `
      + 'the log keeps every event, and the detach is itself an event.')) return;
    try {
      await api('/api/v1/identity/unmerge', { method: 'POST', body: { userId: p.userId, anonymousId: anon } });
    } catch (err) {
      detached.dataset.state = 'error';
      show(detached, h('p', { class: 'state error', role: 'alert' }, problemText(err)));
      return;
    }
    detached.dataset.state = 'pending';
    show(detached, h('p', { class: 'state loading', role: 'status' }, `Detaching “${anon}”: the profile is being re-folded from the log…`));
    const deadline = Date.now() + DETACH_WAIT_MS;
    while (Date.now() < deadline && detached.isConnected) {
      const now = await api('/api/v1/profiles/' + encodeURIComponent(p.userId)).catch(() => null);
      if (now && !(now.anonymousIds || []).includes(anon)) {
        detached.dataset.state = 'done';
        show(detached, h('p', { class: 'ok-box', role: 'status' }, `“${anon}” detached; its events are the profile `,
          h('a', { href: '#/profiles/' + encodeURIComponent(anon) }, anon), ' now.'));
        return showProfile();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (!detached.isConnected) return undefined;
    detached.dataset.state = 'error';
    return show(detached, h('p', { class: 'state error', role: 'alert' }, `The detach of “${anon}” was accepted but not folded within `
      + `${DETACH_WAIT_MS / 1000} s: the profile projection is behind (see Ingestion). Reload the page later.`));
  }
  showProfile();
  loadTimeline(timeline, id);
  load(segments, () => api(`/api/v1/users/${encodeURIComponent(id)}/segments`), (s) => {
    const list = s.segments || [];
    const rfm = s.rfm ? h('p', {}, 'RFM: ', h('strong', {}, s.rfm.segment), ` (R ${s.rfm.r} · F ${s.rfm.f} · M ${s.rfm.m})`) : h('p', { class: 'muted' }, 'No RFM score yet (needs a segmentation training run).');
    if (list.length === 0) return h('div', {}, rfm, h('p', { class: 'state empty' }, 'In no segment now.'));
    return h('div', {}, rfm, table([
      { label: 'Segment', value: (r) => h('a', { href: '#/segments/' + encodeURIComponent(r.segment) }, r.segment) },
      { label: 'Kind', value: (r) => r.kind },
      { label: 'Score', value: (r) => r.score.toFixed(2), num: true },
      { label: 'Since', value: (r) => when(r.recordedAt) }], list));
  }, 'Segments');
  load(churn, () => api(`/api/v1/users/${encodeURIComponent(id)}/churn`), (c) => renderChurn(c), 'Churn score').then((c) => {
    if (c === undefined && churn.dataset.status === '404') {
      empty(churn, 'No churn score for this user (the churn API answered 404: the user is unknown to it, or the endpoint is not available on this server).');
    }
  });
  load(recs, () => api('/api/v1/recommendations/' + encodeURIComponent(id), { query: { limit: 10 } }), (r) => {
    const items = r.items || [];
    if (items.length === 0) return empty(recs, 'Nothing to recommend yet.');
    return h('div', {}, h('p', { class: 'muted' }, r.source === 'cold-start' ? 'Cold start: popular items (no personal list yet).' : 'Personal recommendations.'),
      table([{ label: 'Item', value: (i) => i.itemId }, { label: 'Why', value: (i) => i.reason },
        { label: 'Score', value: (i) => i.score.toFixed(3), num: true }], items));
  }, 'Recommendations');
  return null;
}

function list(values) {
  return values && values.length ? values.join(', ') : '—';
}

function weighted(values) {
  return values && values.length ? values.map((w) => `${w.name} ${pct(w.weight, 0)}`).join(', ') : '—';
}

/** The anonymous ids, each with a Detach button when the caller may unmerge and the person is a known user. */
function anonymousIds(p, detach) {
  const ids = p.anonymousIds || [];
  if (!detach || !p.userId || !ids.length) return list(ids);
  return h('ul', { class: 'plain', 'aria-label': 'Anonymous ids' }, ids.map((a) => h('li', {}, h('code', {}, a), ' ',
    actionButton('Detach', () => detach(a), { class: 'secondary', 'data-anon': a, 'aria-label': `Detach ${a} from this user` }))));
}

function renderProfile(p, detach) {
  const facts = [
    ['Person', p.personId], ['User id', p.userId || '—'], ['Anonymous ids', anonymousIds(p, detach)],
    ['First seen', when(p.firstSeen)], ['Last seen', when(p.lastSeen)], ['Sessions', num(p.sessions)],
    ['Orders', num(p.orders)], ['Revenue', p.revenue], ['Average order', p.averageOrderValue],
    ['Days since last order', p.rfm && p.rfm.recencyDays !== null && p.rfm.recencyDays !== undefined ? p.rfm.recencyDays : '—'],
    ['Top categories', weighted(p.topCategories)], ['Top brands', weighted(p.topBrands)],
    ['Recently viewed', list(p.recentlyViewed)],
    ['Cart', p.cart && p.cart.length ? p.cart.map((l) => JSON.stringify(l)).join('; ') : 'empty'],
    ['Device', [p.device, p.os].filter(Boolean).join(' · ') || '—'], ['Locale', [p.locale, p.timezone].filter(Boolean).join(' · ') || '—'],
    ['As of', when(p.asOf)],
  ];
  const counts = Object.entries(p.eventCounts || {}).sort((a, b) => b[1] - a[1]);
  return h('div', {},
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null || v === undefined ? '—' : v instanceof Node ? v : String(v))])),
    h('h3', {}, 'Events by type'),
    counts.length ? table([{ label: 'Type', value: (r) => r[0] }, { label: 'Count', value: (r) => num(r[1]), num: true }], counts) : h('p', { class: 'muted' }, 'none'),
    Object.keys(p.traits || {}).length ? [h('h3', {}, 'Traits'), h('pre', { class: 'raw', tabindex: '0' }, JSON.stringify(p.traits, null, 2))] : null);
}

function renderChurn(c) {
  // Shows the fields the churn API answers with (docs/api.md): known ones with labels, any other scalar as is.
  const labels = { probability: 'Probability', band: 'Band', coldStart: 'Cold start', customerValue: 'Value (recent revenue)',
    modelVersion: 'Model version', scoredAt: 'Scored', target: 'Target' };
  const rows = [];
  for (const [k, v] of Object.entries(c)) {
    if (k === 'userId' || v === null || v === undefined || typeof v === 'object') continue;
    let shown = String(v);
    if (k === 'probability') shown = pct(v);
    else if (k === 'scoredAt') shown = when(v);
    else if (k === 'coldStart') shown = v ? 'yes — too little history, population rate' : 'no';
    rows.push([labels[k] || k, shown]);
  }
  const text = (x) => (typeof x === 'string' ? x : x.text || (x.action ? `${x.action}${x.reason ? ' — ' + x.reason : ''}` : x.reason || JSON.stringify(x)));
  const items = (xs) => h('ul', {}, xs.map((x) => h('li', {}, text(x))));
  return h('div', { 'data-churn': 'ready' },
    h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    Array.isArray(c.reasons) && c.reasons.length ? [h('h3', {}, 'Why'), items(c.reasons)] : null,
    Array.isArray(c.strategies) && c.strategies.length ? [h('h3', {}, 'Suggested strategies'), items(c.strategies)] : null);
}

function loadTimeline(target, id) {
  const rows = h('tbody', {});
  const more = h('div', { class: 'actions' });
  let count = 0;
  const page = async (before) => {
    const p = await api(`/api/v1/profiles/${encodeURIComponent(id)}/events`, { query: { limit: 50, before } });
    for (const item of p.items || []) {
      const e = item.event || {};
      count++;
      rows.append(h('tr', { 'data-position': item.position },
        h('td', {}, when(e.occurredAt)), h('td', {}, (e.kind || '').toLowerCase()), h('td', { 'data-field': 'name' }, e.name || ''),
        h('td', {}, summary(e)),
        h('td', {}, h('details', {}, h('summary', {}, 'raw'), h('pre', { class: 'raw', tabindex: '0' }, JSON.stringify(e, null, 2))))));
    }
    more.replaceChildren();
    if (p.nextBefore !== undefined && p.nextBefore !== null) {
      more.append(actionButton('Load older events', async () => {
        try { await page(p.nextBefore); } catch (err) { more.append(h('span', { class: 'field-error', role: 'alert' }, err.message)); }
      }, { class: 'secondary', id: 'timeline-more' }));
    }
    return p;
  };
  load(target, () => page(undefined), () => {
    if (count === 0) return empty(target, 'No events.');
    return h('div', {}, h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Timeline' },
      h('thead', {}, h('tr', {}, ['When', 'Kind', 'Name', 'What', ''].map((c) => h('th', { scope: 'col' }, c)))), rows)), more);
  }, 'Timeline').then((p) => {
    if (p === undefined && target.dataset.status === '404') empty(target, 'No events: no profile with this id.');
  });
}

function summary(e) {
  const bits = [];
  if (e.product) bits.push([e.product.productId, e.product.category, e.product.brand, e.product.price].filter((x) => x !== null && x !== undefined).join(' · '));
  if (e.order) bits.push(`order ${e.order.orderId || ''} ${e.order.revenue !== undefined && e.order.revenue !== null ? e.order.revenue : e.order.total || ''} ${e.order.currency || ''}`.trim());
  if (e.searchQuery) bits.push(`“${e.searchQuery}”`);
  if (!e.userId && e.anonymousId) bits.push('anonymous');
  return bits.join(' — ');
}
