// The local sign-in page: a plain form posted to /j_security_check (works without JavaScript too).
// With JavaScript it shows the failure message and, under OIDC, goes to the identity provider instead.
const params = new URLSearchParams(location.search);
if (params.has('error')) {
  document.getElementById('login-error').hidden = false;
}
fetch('/api/v1/auth', { headers: { Accept: 'application/json' } })
  .then((r) => (r.ok ? r.json() : null))
  .then((auth) => {
    if (auth && auth.mode === 'oidc' && auth.loginUrl && !location.pathname.endsWith(auth.loginUrl)) {
      location.replace(auth.loginUrl);
    }
  })
  .catch(() => { /* the form still works */ });
