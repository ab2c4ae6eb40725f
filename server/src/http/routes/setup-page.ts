/**
 * The first-run page behind the setup link: creates the first owner through POST /api/v1/auth/setup.
 * Plain HTML so it works before the web app exists; texts in Russian and English.
 */
export const SETUP_PAGE = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Switchboard — настройка / setup</title>
<style>body{font:16px system-ui,sans-serif;max-width:420px;margin:3em auto;padding:0 1em}label{display:block;margin:.8em 0 .2em}
input{width:100%;padding:.5em;box-sizing:border-box}button{margin-top:1.2em;padding:.6em 1.2em}#msg{margin-top:1em}</style></head>
<body><h1>Switchboard</h1><p>Создайте учётную запись владельца. <br><small>Create the owner account.</small></p>
<form id="f"><label for="n">Имя / Name</label><input id="n" required maxlength="100">
<label for="e">Email</label><input id="e" type="email" required>
<label for="p">Пароль / Password (8+)</label><input id="p" type="password" minlength="8" required>
<button>Создать / Create</button></form><p id="msg" role="status"></p>
<script>
const token = new URLSearchParams(location.search).get('token');
document.getElementById('f').onsubmit = async (ev) => {
  ev.preventDefault();
  const r = await fetch('/api/v1/auth/setup', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, displayName: n.value, email: e.value, password: p.value }) });
  const body = await r.json();
  if (!r.ok) { msg.textContent = body.error && body.error.message; return; }
  // On to the web app's sign-in page (built-in at /), with the new owner's address to sign in with.
  msg.textContent = 'Готово. Войдите как ' + body.user.email + ' / Done, sign in as ' + body.user.email + ': ';
  const a = document.createElement('a');
  a.href = '/';
  a.textContent = 'открыть Switchboard / open Switchboard';
  msg.appendChild(a);
};
</script></body></html>`;
