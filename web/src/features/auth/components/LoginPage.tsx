import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { LanguageSelect } from '../../../lib/LanguageSelect.tsx';
import { navigate } from '../../../lib/router.tsx';
import { login, loginWithLink } from '../api.ts';

/** Email and password sign-in; also consumes a sign-in link (`/login?token=…`) made by an administrator. */
export function LoginPage() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const linkToken = location.pathname === '/login' ? new URLSearchParams(location.search).get('token') : null;
  const linkTried = useRef(false);

  const explain = (err: unknown) => {
    if (err instanceof ApiError && err.status === 401) return t('login.invalid');
    if (err instanceof ApiError && err.status === 429) return t('login.tooMany', { minutes: 15 });
    if (err instanceof ApiError) return t('error.generic', { message: err.message });
    return t('error.network');
  };

  useEffect(() => {
    if (!linkToken || linkTried.current) return;
    linkTried.current = true;
    setBusy(true);
    loginWithLink(linkToken)
      .then(() => navigate('/inbox', true))
      .catch((err) => {
        setError(err instanceof ApiError && err.status < 500 ? t('login.linkInvalid') : explain(err));
        setBusy(false);
      });
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      if (location.pathname === '/' || location.pathname === '/login') navigate('/inbox', true);
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <div className="login-card">
        <div className="login-head">
          <h1>{t('app.name')}</h1>
          <LanguageSelect />
        </div>
        <h2>{t('login.title')}</h2>
        {linkToken && busy ? <p role="status">{t('login.linkSigningIn')}</p> : null}
        <form onSubmit={submit}>
          <label htmlFor="login-email">{t('login.email')}</label>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label htmlFor="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
        <p className="hint">{t('login.setupHint')}</p>
      </div>
    </main>
  );
}
