// Cluster: the instances sharing the database, their roles and heartbeats, which processor segments each one folds,
// what nobody holds right now, and the replays asked of one instance and carried out by another (GET /api/v1/cluster).
import { api } from '../api.js';
import { h, region, load, empty, table, when, badge } from '../ui.js';

/** "profiles 0, 2" for a processor of several segments, the bare name for one of one segment. */
function held(instance) {
  const segments = instance.segments || {};
  return (instance.holds || []).map((processor) => {
    const list = segments[processor] || [];
    const several = list.length > 1 || (list.length === 1 && list[0] !== 0);
    return h('li', {}, h('code', {}, processor), several ? ` segments ${list.join(', ')}` : '');
  });
}

export function render(main) {
  const instances = region('cluster');
  const replays = region('replays');
  main.append(h('h1', {}, 'Cluster'),
    h('p', { class: 'muted' }, 'Instances that share this database. Each processor segment (the profile projection, the reporting projection, '
      + 'every plugin) is folded by one live instance with the process role; the instances hand segments over to even the load and take over '
      + 'those of an instance that stops.'),
    h('section', { class: 'card', 'aria-labelledby': 'h-instances' }, h('h2', { id: 'h-instances' }, 'Instances'), instances),
    h('section', { class: 'card', 'aria-labelledby': 'h-replays' }, h('h2', { id: 'h-replays' }, 'Replays asked of another instance'), replays));
  load(instances, () => api('/api/v1/cluster'), (cluster) => {
    const list = cluster.instances || [];
    if (!list.length) return empty(instances, 'No instance has announced itself.');
    const unclaimed = cluster.unclaimed || [];
    return h('div', {}, table([
      { label: 'Instance', value: (i) => h('span', {}, h('code', {}, i.node), i.node === cluster.node ? ' (this one)' : '') },
      { label: 'Roles', value: (i) => (i.roles || []).join(', ') },
      { label: 'State', value: (i) => badge(i.live ? 'live' : 'gone') },
      { label: 'Started', value: (i) => when(i.startedAt) },
      { label: 'Last heartbeat', value: (i) => when(i.seenAt) },
      { label: 'Folds', value: (i) => ((i.holds || []).length ? h('ul', { class: 'plain' }, held(i)) : 'nothing') },
    ], list, { 'aria-label': 'Instances' }),
    h('p', { 'data-field': 'unclaimed' }, unclaimed.length
      ? ['Held by nobody right now (a hand-over or a takeover in progress, or no live instance runs it): ', unclaimed.map((p) => h('code', {}, p)).reduce((a, c) => (a.length ? [...a, ', ', c] : [c]), [])]
      : 'Every processor segment is held.'));
  }, 'Cluster');
  load(replays, () => api('/api/v1/cluster'), (cluster) => {
    const list = cluster.replays || [];
    if (!list.length) return empty(replays, 'None yet.');
    return table([
      { label: 'Processor', value: (r) => h('code', {}, r.processor) },
      { label: 'From', value: (r) => (r.from ? when(r.from) : 'the start') },
      { label: 'Asked', value: (r) => when(r.requestedAt) },
      { label: 'Asked on', value: (r) => h('code', {}, r.requestedOn) },
      { label: 'Done', value: (r) => (r.doneAt ? when(r.doneAt) : 'pending') },
      { label: 'Done by', value: (r) => (r.doneBy ? h('code', {}, r.doneBy) : '') },
      { label: 'Outcome', value: (r) => r.outcome || '' },
    ], list, { 'aria-label': 'Replays' });
  }, 'Replays');
  return null;
}
