import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { messageOf } from '../lib/errors';
import { TextField } from '../components/TextField';
import { setToken, trpc, useToken } from '../trpc';
import './Login.css';

const DEV_LOGIN = import.meta.env.VITE_DEV_LOGIN_EMAIL ?? 'admin@localhost';

export function LoginPage() {
  const token = useToken();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = trpc.auth.login.useMutation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (token && !login.isSuccess) return <Navigate to={from} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { email, password },
      {
        onSuccess: (session) => {
          queryClient.clear(); // nothing from an earlier session survives
          setToken(session.token, session.expiresAt);
          navigate(from.startsWith('/login') ? '/' : from, { replace: true });
        },
      },
    );
  };

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit} data-testid="login-form" noValidate>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Jobdeck
        </div>
        <h1>Sign in</h1>
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          data-testid="login-email"
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          data-testid="login-password"
        />
        {login.error && (
          <p className="form-error" role="alert" data-testid="login-error">
            {messageOf(login.error)}
          </p>
        )}
        <button
          type="submit"
          className="button button-primary button-block"
          disabled={login.isPending}
          data-testid="login-submit"
        >
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {import.meta.env.DEV && <p className="muted small hint">dev login: {DEV_LOGIN}</p>}
      </form>
    </div>
  );
}
