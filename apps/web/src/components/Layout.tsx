import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useLive } from '../live';
import { clearToken, trpc } from '../trpc';
import { AlertBell } from './alerts/AlertBell';
import { HeaderSearch } from './HeaderSearch';
import { LiveIndicator } from './LiveIndicator';
import './Layout.css';

export function Layout() {
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const { reason } = useLive();
  const me = trpc.auth.me.useQuery(undefined, { staleTime: 5 * 60_000 });
  const logout = trpc.auth.logout.useMutation();
  const queryClient = useQueryClient();

  useEffect(() => setMenuOpen(false), [location.pathname]);

  const signOut = async () => {
    await logout.mutateAsync().catch(() => undefined); // the session ends here either way
    clearToken();
    queryClient.clear();
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Jobdeck
          </NavLink>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span className="visually-hidden">Menu</span>
            <span className="menu-icon" aria-hidden="true" />
          </button>
          <nav id="main-nav" className={`nav${menuOpen ? ' nav-open' : ''}`} aria-label="Main">
            <NavLink to="/" end>
              Overview
            </NavLink>
            <NavLink to="/jobs">Jobs</NavLink>
            <NavLink to="/flows">Flows</NavLink>
            <NavLink to="/schedules">Schedules</NavLink>
            <NavLink to="/search">Search</NavLink>
            <NavLink to="/insight">Insight</NavLink>
            <NavLink to="/alerts">Alerts</NavLink>
            {me.data?.role === 'admin' && (
              <>
                <NavLink to="/users">Users</NavLink>
                <NavLink to="/tokens">Tokens</NavLink>
                <NavLink to="/audit">Audit</NavLink>
              </>
            )}
            <span className="nav-spacer" />
            <HeaderSearch />
            <AlertBell />
            <LiveIndicator />
            {me.data && (
              <span className="user" title={`${me.data.kind} token`}>
                {me.data.name} <span className="role">{me.data.role}</span>
              </span>
            )}
            <button type="button" className="button button-ghost" onClick={signOut} disabled={logout.isPending}>
              Sign out
            </button>
          </nav>
        </div>
      </header>
      {reason && (
        <div className="notice" role="status" data-testid="live-notice">
          {reason}
        </div>
      )}
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}
