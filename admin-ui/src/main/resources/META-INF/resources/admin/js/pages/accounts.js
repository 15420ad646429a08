// Accounts: your own (change the password, sign out everywhere) and, for admins, every local account (create, change
// roles, reset a password, delete) and the audit trail. With Keycloak, accounts live in Keycloak and this page says so.
import { api, goToSignIn } from '../api.js';
import { h, region, load, empty, table, when, show, field, problemText, actionButton } from '../ui.js';

const ROLES = ['admin', 'operator', 'analyst', 'plugin-developer'];

function outcome(name) {
  return h('div', { 'aria-live': 'polite', 'data-region': name });
}

function tell(target, ok, text) {
  target.dataset.state = ok ? 'done' : 'error';
  show(target, h('div', { class: ok ? 'ok-box' : 'state error', role: ok ? 'status' : 'alert' }, text));
}

function roleBoxes(prefix, checked, legend) {
  return h('fieldset', { class: 'inline roles', 'data-field': 'roles' }, h('legend', { class: legend ? null : 'visually-hidden' }, 'Roles'),
    ROLES.map((r) => h('label', {}, h('input', { type: 'checkbox', name: prefix + '-role', value: r, checked: checked.includes(r) }), ' ', r)));
}

function chosen(fieldset) {
  return [...fieldset.querySelectorAll('input[type=checkbox]')].filter((c) => c.checked).map((c) => c.value);
}

export function render(main, ctx) {
  main.append(h('h1', {}, 'Accounts'));
  if (ctx.me.authentication !== 'local') {
    main.append(h('section', { class: 'card' }, h('p', { 'data-region': 'managed-elsewhere' },
      'People and their roles are managed in Keycloak: change passwords and sign-ins there.')));
    if (ctx.can('accounts')) main.append(auditTrail());
    return null;
  }
  main.append(ownAccount(ctx));
  if (ctx.can('accounts')) main.append(...allAccounts(ctx), auditTrail());
  return null;
}

function ownAccount(ctx) {
  const current = h('input', { type: 'password', name: 'currentPassword', required: true, autocomplete: 'current-password' });
  const next = h('input', { type: 'password', name: 'newPassword', required: true, minlength: 10, maxlength: 200, autocomplete: 'new-password' });
  const again = h('input', { type: 'password', name: 'repeat', required: true, autocomplete: 'new-password' });
  const said = outcome('own-password');
  const form = h('form', { class: 'inline', 'aria-label': 'Change your password', onsubmit: async (e) => {
    e.preventDefault();
    if (next.value !== again.value) return tell(said, false, 'The new password and its repetition differ.');
    try {
      await api('/api/v1/me/password', { method: 'PUT', body: { currentPassword: current.value, newPassword: next.value } });
      form.reset();
      tell(said, true, 'Password changed. Your other sign-ins have ended; this one goes on.');
    } catch (err) {
      tell(said, false, err.status === 429 ? `Too many wrong passwords: try again in ${err.retryAfter || 'a few'} s.` : problemText(err));
    }
  } }, field('own-current', 'Current password', current), field('own-new', 'New password', next, '10 to 200 characters'),
  field('own-repeat', 'New password again', again), h('button', { type: 'submit' }, 'Change password'));
  const everywhere = actionButton('Sign out everywhere', async () => {
    if (!window.confirm('End every sign-in of your account, in every browser, this one included?')) return;
    try { await api('/api/v1/logout', { method: 'POST', query: { everywhere: true } }); } catch (e) { /* signed out either way */ }
    goToSignIn();
  }, { class: 'danger' });
  const signIns = region('own-sessions');
  function loadSignIns() {
    load(signIns, () => api('/api/v1/me/sessions'), (list) => {
      if (!list.length) return empty(signIns, 'No sign-ins of the admin UI (you are using HTTP Basic).');
      return table([
        { label: 'Signed in', value: (x) => when(x.createdAt) }, { label: 'Last used', value: (x) => when(x.lastSeenAt) },
        { label: '', value: (x) => (x.current ? 'this browser' : actionButton('End', async () => {
          try {
            await api(`/api/v1/me/sessions/${encodeURIComponent(x.id)}`, { method: 'DELETE' });
          } catch (err) {
            if (err.status !== 404) return tell(said, false, problemText(err));
          }
          loadSignIns();
        }, { class: 'secondary', 'data-session': x.id })) },
      ], list, { 'aria-label': 'Your sign-ins' });
    }, 'Your sign-ins');
  }
  loadSignIns();
  return h('section', { class: 'card', 'aria-labelledby': 'h-own' }, h('h2', { id: 'h-own' }, `Your account: ${ctx.me.name}`),
    form, said, h('h3', {}, 'Where you are signed in'), signIns,
    h('p', { class: 'muted' }, 'Lost a laptop, or signed in on a shared computer? End all your sign-ins at once: '), everywhere);
}

function allAccounts(ctx) {
  const list = region('accounts');
  const said = outcome('account-change');
  const username = h('input', { name: 'username', required: true, pattern: '[A-Za-z0-9._@\\-]{3,100}', size: 24, autocomplete: 'off' });
  const password = h('input', { type: 'password', name: 'password', required: true, minlength: 10, maxlength: 200, autocomplete: 'new-password' });
  const roles = roleBoxes('new', ['analyst'], true);
  const created = outcome('new-account');
  const create = h('form', { class: 'inline', 'aria-label': 'New account', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('/api/v1/accounts', { method: 'POST', body: { username: username.value, password: password.value, roles: chosen(roles) } });
      tell(created, true, `Account “${username.value}” created.`);
      username.value = '';
      password.value = '';
      loadList();
    } catch (err) {
      tell(created, false, problemText(err));
    }
  } }, field('a-username', 'User name', username, 'letters, digits, . _ @ -'), field('a-password', 'Password', password, '10 to 200 characters'),
  roles, h('button', { type: 'submit' }, 'Create account'));

  async function change(account, body, what) {
    try {
      await api(`/api/v1/accounts/${encodeURIComponent(account.username)}`, { method: 'PATCH', body });
      tell(said, true, what);
      loadList();
    } catch (err) {
      tell(said, false, problemText(err));
    }
  }

  function editRoles(account) {
    const boxes = roleBoxes('edit-' + account.username, account.roles);
    return h('form', { class: 'inline', 'aria-label': `Roles of ${account.username}`, onsubmit: (e) => {
      e.preventDefault();
      change(account, { roles: chosen(boxes) }, `Roles of “${account.username}” saved.`);
    } }, boxes, h('button', { type: 'submit', class: 'secondary' }, 'Save roles'));
  }

  function resetPassword(account) {
    const pw = h('input', { type: 'password', name: 'password', required: true, minlength: 10, maxlength: 200, size: 16,
      autocomplete: 'new-password', 'aria-label': `New password for ${account.username}`, placeholder: 'new password' });
    return h('form', { class: 'inline', 'aria-label': `Reset the password of ${account.username}`, onsubmit: (e) => {
      e.preventDefault();
      change(account, { password: pw.value }, `Password of “${account.username}” reset; their sign-ins have ended.`);
    } }, pw, h('button', { type: 'submit', class: 'secondary' }, 'Reset password'));
  }

  async function remove(account) {
    if (!window.confirm(`Delete the account “${account.username}”? Their sign-ins end at once.`)) return;
    try {
      await api(`/api/v1/accounts/${encodeURIComponent(account.username)}`, { method: 'DELETE' });
      tell(said, true, `Account “${account.username}” deleted.`);
      loadList();
    } catch (err) {
      tell(said, false, problemText(err));
    }
  }

  function loadList() {
    load(list, () => api('/api/v1/accounts'), (accounts) => {
      if (!accounts.length) return empty(list, 'No accounts.');
      return table([
        { label: 'User name', value: (a) => h('code', {}, a.username) },
        { label: 'Created', value: (a) => when(a.createdAt) },
        { label: 'Roles', value: (a) => editRoles(a) },
        { label: 'Password', value: (a) => resetPassword(a) },
        { label: 'Delete', value: (a) => (a.username === ctx.me.name ? '—' : actionButton('Delete', () => remove(a), { class: 'danger' })) },
      ], accounts, { 'aria-label': 'Accounts' });
    }, 'Accounts');
  }
  loadList();
  return [
    h('section', { class: 'card', 'aria-labelledby': 'h-new-account' }, h('h2', { id: 'h-new-account' }, 'New account'), create, created),
    h('section', { class: 'card', 'aria-labelledby': 'h-accounts' }, h('h2', { id: 'h-accounts' }, 'Local accounts'), said, list),
  ];
}

// The audit trail (GET /api/v1/audit): every change made through the admin API and every read of a person's data,
// newest first, 50 at a time; filtered by account and by the customer looked at or changed.
function auditTrail() {
  const trail = region('audit');
  const actor = h('input', { name: 'actor', size: 20, autocomplete: 'off' });
  const person = h('input', { name: 'person', size: 24, autocomplete: 'off' });
  let rows = [];
  let next = null;
  const more = actionButton('Older', () => page(next), { class: 'secondary', hidden: true });
  async function page(before) {
    if (before === null) rows = [];
    await load(trail, () => api('/api/v1/audit', { query: { actor: actor.value.trim(), person: person.value.trim(), before, limit: 50 } }), (answer) => {
      rows = rows.concat(answer.entries);
      next = answer.next;
      more.hidden = next === null;
      if (!rows.length) return empty(trail, 'No changes recorded yet.');
      return table([
        { label: 'When', value: (e) => when(e.at) }, { label: 'Who', value: (e) => e.actor },
        { label: 'Action', value: (e) => h('code', {}, e.action) },
        { label: 'Target', value: (e) => Object.entries(e.target || {}).map(([k, v]) => `${k} ${v}`).join(', ') || '—' },
        { label: 'Answer', value: (e) => String(e.status), num: true },
      ], rows, { 'aria-label': 'Audit trail' });
    }, 'Audit trail');
  }
  const filter = h('form', { class: 'inline', 'aria-label': 'Filter the audit trail', onsubmit: (e) => { e.preventDefault(); page(null); } },
    field('audit-actor', 'Account', actor, 'empty: everybody'),
    field('audit-person', 'Customer id', person, 'who read or changed this customer'), h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  page(null);
  return h('section', { class: 'card', 'aria-labelledby': 'h-audit' }, h('h2', { id: 'h-audit' }, 'Audit trail'),
    h('p', { class: 'muted' }, 'Every change made through the admin API, every look at a customer\'s data and every sign-in: who, what, and '
      + 'the answer. Shoppers appear only as a hash of their id; request bodies are never kept.'), filter, trail, more);
}
