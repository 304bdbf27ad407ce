import { Outlet, ScrollRestoration, createBrowserRouter } from 'react-router';
import { AccountPage } from '../features/account/AccountPage';
import { TokensPage } from '../features/account/TokensPage';
import { TwoFactorPage } from '../features/account/TwoFactorPage';
import { AuditPage } from '../features/admin/AuditPage';
import { JobsPage } from '../features/admin/JobsPage';
import { OutboxPage } from '../features/admin/OutboxPage';
import { UsersPage } from '../features/admin/UsersPage';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { SignInPage } from '../features/auth/SignInPage';
import { SignUpPage } from '../features/auth/SignUpPage';
import { VerifyEmailPage } from '../features/auth/VerifyEmailPage';
import { DashboardPage } from '../features/home/DashboardPage';
import { publicIncidentRoutes, signedInIncidentRoutes } from '../features/incidents/routes';
import { advisoryRoutes } from '../features/advisories/routes';
import { signedInFindingsRoutes } from '../features/findings/routes';
import { signedInVendorRoutes } from '../features/vendors/routes';
import { signedInCaseRoutes } from '../features/cases/routes';
import { publicPortalRoutes } from '../features/portal/routes';
import { publicCnaRoutes, signedInCnaRoutes } from '../features/cna/routes';
import { signedInCveIdRoutes } from '../features/cve-ids/routes';
import { NotFoundRoute } from '../features/NotFoundPage';
import { publicReportRoutes, signedInReportRoutes } from '../features/reports/routes';
import { KeysPage } from '../features/keys/KeysPage';
import { SecurityTxtPage } from '../features/keys/SecurityTxtPage';
import { NotificationsPage } from '../features/notifications/NotificationsPage';
import { PreferencesPage } from '../features/notifications/PreferencesPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { WebhooksPage } from '../features/webhooks/WebhooksPage';
import { RequireCapability, RequireSession } from './guards';
import { AppLayout, AuthLayout } from './layouts';
import { RouteError } from './RouteError';
import { SessionProvider } from './session';

function Root() {
  return (
    <SessionProvider>
      <Outlet />
      <ScrollRestoration />
    </SessionProvider>
  );
}

/** Every path the SPA answers; the server sends index.html for any of them (and for any other non-API path). */
export const router = createBrowserRouter([
  {
    id: 'root',
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      {
        element: <AuthLayout />,
        children: [
          { path: 'signin', element: <SignInPage /> },
          { path: 'signup', element: <SignUpPage /> },
          { path: 'verify-email', element: <VerifyEmailPage /> },
          { path: 'forgot-password', element: <ForgotPasswordPage /> },
          { path: 'reset-password', element: <ResetPasswordPage /> },
        ],
      },
      publicReportRoutes,
      publicIncidentRoutes,
      publicPortalRoutes,
      publicCnaRoutes,
      {
        element: (
          <RequireSession>
            <AppLayout />
          </RequireSession>
        ),
        children: [
          { index: true, element: <DashboardPage /> },
          ...signedInReportRoutes,
          ...signedInIncidentRoutes,
          ...advisoryRoutes,
          ...signedInFindingsRoutes,
          ...signedInVendorRoutes,
          ...signedInCaseRoutes,
          ...signedInCnaRoutes,
          ...signedInCveIdRoutes,
          { path: 'account', element: <AccountPage /> },
          { path: 'account/two-factor', element: <TwoFactorPage /> },
          { path: 'account/tokens', element: <TokensPage /> },
          {
            path: 'admin/users',
            element: (
              <RequireCapability capability="users.manage">
                <UsersPage />
              </RequireCapability>
            ),
          },
          {
            path: 'admin/audit',
            element: (
              <RequireCapability capability="audit.read">
                <AuditPage />
              </RequireCapability>
            ),
          },
          {
            path: 'admin/outbox/:id?',
            element: (
              <RequireCapability capability="outbox.read">
                <OutboxPage />
              </RequireCapability>
            ),
          },
          {
            path: 'admin/jobs',
            element: (
              <RequireCapability capability="jobs.manage">
                <JobsPage />
              </RequireCapability>
            ),
          },
          {
            path: 'admin/settings',
            element: (
              <RequireCapability capability="settings.read">
                <SettingsPage />
              </RequireCapability>
            ),
          },
          {
            path: 'admin/keys',
            element: (
              <RequireCapability capability="keys.read">
                <KeysPage />
              </RequireCapability>
            ),
          },
          {
            path: 'admin/security-txt',
            element: (
              <RequireCapability capability="keys.read">
                <SecurityTxtPage />
              </RequireCapability>
            ),
          },
          {
            path: 'admin/webhooks',
            element: (
              <RequireCapability capability="webhooks.manage">
                <WebhooksPage />
              </RequireCapability>
            ),
          },
          { path: 'notifications', element: <NotificationsPage /> },
          { path: 'account/notifications', element: <PreferencesPage /> },
        ],
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
]);
