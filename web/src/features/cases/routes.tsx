import type { RouteObject } from 'react-router';
import { CasePage } from './CasePage';
import { CasesDashboardPage } from './CasesDashboardPage';
import { CasesPage } from './CasesPage';

/** Inside RequireSession + AppLayout: triagers and leads run cases, auditors read them (the server decides). */
export const signedInCaseRoutes: RouteObject[] = [
  { path: 'cases', element: <CasesPage /> },
  { path: 'cases/dashboard', element: <CasesDashboardPage /> },
  { path: 'cases/:id', element: <CasePage /> },
];
