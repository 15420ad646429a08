// The admin UI shell: who is signed in (/api/v1/me), what their roles allow, hash routing to the pages.
import { api, goToSignIn } from './api.js';
import { h, show, failed } from './ui.js';

/**
 * What each role may do besides reading, as the server's @RolesAllowed grant it (admin: everything; operator:
 * failed events, dead letters, identity, segments and plugin settings, training, model promotion, saved funnels; analyst:
 * read-only; plugin-developer: plugins — settings, enable/disable, training, replay, dead letters).
 * Only used to hide or disable controls: the server decides, and a 403 is shown as such.
 */
const ALLOWED = {
  'failed-events': ['operator'],
  'dead-letters': ['operator', 'plugin-developer'],
  'segments.edit': ['operator', 'plugin-developer'],
  'funnels.edit': ['operator'],
  'plugins.config': ['operator', 'plugin-developer'],
  'plugins.train': ['operator', 'plugin-developer'],
  'plugins.replay': ['plugin-developer'],
  'plugins.enable': ['plugin-developer'],
  'models.promote': ['operator'],
  'sources': [],
  'projections': [],
  'accounts': [],
  'customers': [],
  'identity.unmerge': ['operator'],
};

const PAGES = {
  dashboard: () => import('./pages/dashboard.js'),
  profiles: () => import('./pages/profiles.js'),
  segments: () => import('./pages/segments.js'),
  plugins: () => import('./pages/plugins.js'),
  models: () => import('./pages/models.js'),
  ingestion: () => import('./pages/ingestion.js'),
  sources: () => import('./pages/sources.js'),
  cluster: () => import('./pages/cluster.js'),
  accounts: () => import('./pages/accounts.js'),
};

const main = document.getElementById('main');
let me = null;
let cleanup = null;
let generation = 0;

function can(action) {
  const roles = (me && me.roles) || [];
  if (roles.includes('admin')) return true;
  return (ALLOWED[action] || []).some((r) => roles.includes(r));
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || 'dashboard', args: parts.slice(1), query: new URLSearchParams(query || '') };
}

async function route() {
  const { page, args, query } = parseHash();
  const mine = ++generation;
  if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const loader = PAGES[page];
  if (!loader) {
    main.dataset.state = 'empty';
    show(main, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/dashboard' }, 'Go to the dashboard')));
    return;
  }
  main.dataset.page = page;
  const link = document.querySelector(`#nav a[data-page="${page}"]`);
  document.title = `${link ? link.textContent : page} · Footfall admin`;
  try {
    const module = await loader();
    if (mine !== generation) return;
    main.replaceChildren();
    main.dataset.state = 'ready';
    cleanup = module.render(main, { args, query, me, can, navigate }) || null;
  } catch (err) {
    failed(main, err, 'This page could not be shown');
  }
}

/** Changes the hash route (adds a history entry). */
function navigate(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

async function start() {
  try {
    me = await api('/api/v1/me');
  } catch (err) {
    if (err.status !== 401) failed(main, err, 'Could not find out who is signed in');
    return; // 401: api() is taking the browser to the sign-in page
  }
  document.body.dataset.roles = (me.roles || []).join(' ');
  show(document.getElementById('who'), `${me.name} · ${(me.roles || []).join(', ')}`);
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.addEventListener('click', async () => {
    try { await api('/api/v1/logout', { method: 'POST' }); } catch (e) { /* signed out either way */ }
    goToSignIn();
  });
  let next = null;
  try { next = sessionStorage.getItem('footfall-next'); sessionStorage.removeItem('footfall-next'); } catch (e) { /* ignore */ }
  if (!location.hash && next) location.replace(next);
  window.addEventListener('hashchange', route);
  route();
}

start();
