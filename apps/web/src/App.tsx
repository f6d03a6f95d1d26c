import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout';
import { Loading } from './components/Loading';
import { ToastProvider } from './components/toasts/Toasts';
import { LiveProvider } from './live';
import { JobDetailPage } from './pages/JobDetail';
import { JobsPage } from './pages/Jobs';
import { LoginPage } from './pages/Login';
import { AuditPage } from './pages/audit/AuditPage';
import { ExportsPage } from './pages/exports/ExportsPage';
import { FlowsPage } from './pages/flows/FlowsPage';
import { NotFoundPage } from './pages/NotFound';
import { OverviewPage } from './pages/Overview';
import { SchedulePage } from './pages/Schedule';
import { SchedulesPage } from './pages/Schedules';
import { TokensPage } from './pages/tokens/TokensPage';
import { UsersPage } from './pages/users/UsersPage';
import { useToken } from './trpc';

// The Insight page brings its charting library with it: loaded when first visited, not with the dashboard.
const InsightPage = lazy(() => import('./pages/insight/InsightPage'));
// The Search page likewise: its filters and dialogs are loaded when first searched.
const SearchPage = lazy(() => import('./pages/search/SearchPage'));
// The Alerts pages (rules, channels, history, a firing): loaded when first visited.
const AlertsPage = lazy(() => import('./pages/alerts/AlertsPage'));
const FiringPage = lazy(() => import('./pages/alerts/FiringPage'));
// A flow's page brings the graph libraries (React Flow, dagre): loaded when a flow is first opened.
const FlowPage = lazy(() => import('./pages/flows/FlowPage'));

/** Without a session every page is the login page, which brings the user back afterwards. */
function RequireAuth() {
  const token = useToken();
  const location = useLocation();
  if (!token) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return (
    <LiveProvider>
      <ToastProvider>
        <Layout />
      </ToastProvider>
    </LiveProvider>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route index element={<OverviewPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/:id" element={<JobDetailPage />} />
        <Route
          path="insight"
          element={
            <Suspense fallback={<Loading label="Loading the Insight page…" rows={6} />}>
              <InsightPage />
            </Suspense>
          }
        />
        <Route
          path="search"
          element={
            <Suspense fallback={<Loading label="Loading the Search page…" rows={6} />}>
              <SearchPage />
            </Suspense>
          }
        />
        <Route
          path="alerts"
          element={
            <Suspense fallback={<Loading label="Loading the Alerts page…" rows={6} />}>
              <AlertsPage />
            </Suspense>
          }
        />
        <Route
          path="alerts/firings/:id"
          element={
            <Suspense fallback={<Loading label="Loading the alert…" rows={6} />}>
              <FiringPage />
            </Suspense>
          }
        />
        <Route path="flows" element={<FlowsPage />} />
        <Route
          path="flows/:id"
          element={
            <Suspense fallback={<Loading label="Loading the flow…" rows={6} />}>
              <FlowPage />
            </Suspense>
          }
        />
        <Route path="exports" element={<ExportsPage />} />
        <Route path="schedules" element={<SchedulesPage />} />
        <Route path="schedules/:id" element={<SchedulePage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="tokens" element={<TokensPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
