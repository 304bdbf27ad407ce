import type { RouteObject } from 'react-router';
import { AutomatedSourcesPage } from './AutomatedSourcesPage';
import { CandidatePage } from './CandidatePage';
import { DraftGroupsPage } from './DraftGroupsPage';
import { FindingsDashboardPage } from './FindingsDashboardPage';
import { FindingsQueuePage } from './FindingsQueuePage';

/** Inside RequireSession + AppLayout: triagers and leads review, auditors read (the server decides). */
export const signedInFindingsRoutes: RouteObject[] = [
  { path: 'findings', element: <FindingsQueuePage /> },
  { path: 'findings/groups', element: <DraftGroupsPage /> },
  { path: 'findings/dashboard', element: <FindingsDashboardPage /> },
  { path: 'findings/sources', element: <AutomatedSourcesPage /> },
  { path: 'findings/:id', element: <CandidatePage /> },
];
