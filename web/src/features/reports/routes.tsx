import type { RouteObject } from 'react-router';
import { RequireCapability } from '../../app/guards';
import { PublicFrame } from '../../components/PublicFrame';
import { DisclosedListPage, DisclosedPage } from '../disclosed/DisclosedPages';
import { HallOfFamePage, ProgramHallOfFamePage } from '../halloffame/HallOfFamePages';
import { InboxPage } from '../inbox/InboxPage';
import { AdminProgramsPage } from '../programs/AdminProgramsPage';
import { ProgramEditPage } from '../programs/ProgramEditPage';
import { PolicyVersionPage } from '../programs/PolicyVersionPage';
import { ProgramPage } from '../programs/ProgramPage';
import { ProgramsPage } from '../programs/ProgramsPage';
import { SlaDashboardPage } from '../programs/SlaDashboardPage';
import { EarningsPage, LedgerPage } from '../rewards/RewardsPages';
import { MyReportsPage } from './MyReportsPage';
import { ReportPage } from './ReportPage';
import { SubmitReportPage } from './SubmitReportPage';

/**
 * The inbound-reports routes, kept here so web/src/app/router.tsx only names two lists.
 *
 * Public pages (anyone, signed in or not) render in PublicFrame: the signed-in frame with a full
 * session, a light public frame otherwise.
 */
export const publicReportRoutes: RouteObject = {
  element: <PublicFrame />,
  children: [
    { path: 'programs', element: <ProgramsPage /> },
    { path: 'programs/:slug', element: <ProgramPage /> },
    { path: 'programs/:slug/policy/:version', element: <PolicyVersionPage /> },
    { path: 'programs/:slug/hall-of-fame', element: <ProgramHallOfFamePage /> },
    { path: 'disclosed', element: <DisclosedListPage /> },
    { path: 'disclosed/:id', element: <DisclosedPage /> },
    { path: 'hall-of-fame', element: <HallOfFamePage /> },
  ],
};

/** Pages inside RequireSession + AppLayout. */
export const signedInReportRoutes: RouteObject[] = [
  { path: 'programs/:slug/submit', element: <SubmitReportPage /> },
  { path: 'reports', element: <MyReportsPage /> },
  { path: 'reports/:id', element: <ReportPage /> },
  { path: 'account/earnings', element: <EarningsPage /> },
  {
    path: 'inbox',
    element: (
      <RequireCapability capability="reports.inbox">
        <InboxPage />
      </RequireCapability>
    ),
  },
  {
    path: 'admin/programs',
    element: (
      <RequireCapability capability="programs.manage">
        <AdminProgramsPage />
      </RequireCapability>
    ),
  },
  {
    path: 'admin/programs/new',
    element: (
      <RequireCapability capability="programs.manage">
        <ProgramEditPage />
      </RequireCapability>
    ),
  },
  {
    path: 'admin/programs/:slug/edit',
    element: (
      <RequireCapability capability="programs.manage">
        <ProgramEditPage />
      </RequireCapability>
    ),
  },
  {
    path: 'admin/programs/:slug/sla',
    element: (
      <RequireCapability capability="reports.inbox">
        <SlaDashboardPage />
      </RequireCapability>
    ),
  },
  {
    path: 'admin/rewards',
    element: (
      <RequireCapability capability="rewards.manage">
        <LedgerPage />
      </RequireCapability>
    ),
  },
];
