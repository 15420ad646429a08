// The local sign-in page. The form posts j_username/j_password to /j_security_check (it also works without
// JavaScript); with JavaScript it is sent by fetch so that a wrong password (401) shows a message on this page, and
// a success (a redirect to /admin/, the session cookie set) goes back to where the user was. Under OIDC the page
// forwards to the identity provider's sign-in instead.
const form = document.getElementById('login-form');
const error = document.getElementById('login-error');
const params = new URLSearchParams(location.search);
if (params.has('error')) error.hidden = false;

fetch('/api/v1/auth', { headers: { Accept: 'application/json' } })
  .then((r) => (r.ok ? r.json() : null))
  .then((auth) => {
    if (auth && auth.mode === 'oidc' && auth.loginUrl) location.replace(auth.loginUrl);
  })
  .catch(() => { /* the form still works */ });

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = document.getElementById('sign-in');
  button.disabled = true;
  error.hidden = true;
  try {
    const response = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
      redirect: 'follow',
    });
    if (response.ok) {
      let next = '';
      try { next = sessionStorage.getItem('footfall-next') || ''; } catch (err) { /* private mode */ }
      location.assign('/admin/' + next);
      return;
    }
    error.textContent = response.status === 401 ? 'Wrong user name or password.'
      : response.status === 429 ? `Too many wrong passwords for this account: try again in ${response.headers.get('Retry-After') || 'a few'} s.`
        : `Sign-in failed (HTTP ${response.status}).`;
  } catch (err) {
    error.textContent = 'The server did not answer: ' + err.message;
  }
  error.hidden = false;
  button.disabled = false;
  document.getElementById('j_password').select();
});
