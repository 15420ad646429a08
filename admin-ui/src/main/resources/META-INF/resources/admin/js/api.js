// Calls to the Footfall API (/api/v1): session cookie, CSRF header on writes, 401 -> sign-in page.

/** An API answer other than 2xx; `body` is the machine-readable problem ({error, field, message, ...}) when JSON. */
export class ApiError extends Error {
  constructor(status, body, path) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.path = path;
  }
}

function cookie(name) {
  const found = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith(name + '='));
  return found ? decodeURIComponent(found.substring(name.length + 1)) : null;
}

let signingIn = false;

/** Sends the browser to the sign-in page the server names (local form or OIDC), remembering where it was. */
export async function goToSignIn() {
  if (signingIn) return;
  signingIn = true;
  let loginUrl = '/admin/login.html';
  try {
    const r = await fetch('/api/v1/auth', { headers: { Accept: 'application/json' } });
    if (r.ok) loginUrl = (await r.json()).loginUrl || loginUrl;
  } catch (e) { /* keep the default */ }
  try { sessionStorage.setItem('footfall-next', location.hash); } catch (e) { /* private mode */ }
  location.assign(loginUrl);
}

/** Builds an API URL with query parameters (null, undefined and '' are left out). */
export function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== null && v !== undefined && v !== '') u.searchParams.set(k, v);
  }
  return u.pathname + u.search;
}

/**
 * Calls the API. Resolves with the parsed JSON (or text), rejects with ApiError.
 * @param {string} path e.g. /api/v1/segments
 * @param {{method?: string, query?: object, body?: any, text?: string, headers?: object}} options body is sent as JSON,
 *   text as is; headers are added (e.g. If-Match)
 */
export async function api(path, options = {}) {
  const method = options.method || 'GET';
  const headers = Object.assign({ Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, options.headers || {});
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.text !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = options.text;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = cookie('footfall-csrf');
    if (token) headers['X-CSRF-Token'] = token;
  }
  const target = url(path, options.query);
  let response;
  try {
    response = await fetch(target, { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: 'The server did not answer: ' + e.message }, target);
  }
  const type = response.headers.get('Content-Type') || '';
  let data = null;
  if (response.status !== 204) {
    const text = await response.text();
    if (type.includes('json') && text) {
      try { data = JSON.parse(text); } catch (e) { data = { message: text }; }
    } else {
      data = text;
    }
  }
  if (response.status === 401) {
    goToSignIn();
    throw new ApiError(401, typeof data === 'object' ? data : { message: 'signed out' }, target);
  }
  if (!response.ok) {
    const message = String(data || '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().substring(0, 200);
    const error = new ApiError(response.status, typeof data === 'object' && data ? data : { message }, target);
    error.retryAfter = response.headers.get('Retry-After');
    throw error;
  }
  return data;
}
