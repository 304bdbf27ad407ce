import type { RouteObject } from 'react-router';
import { RequireCapability } from '../../app/guards';
import { PublicFrame } from '../../components/PublicFrame';
import { RecordEditorPage } from '../cve-records/RecordEditorPage';
import { RecordsPage } from '../cve-records/RecordsPage';
import { CnaSettingsPage } from './CnaSettingsPage';
import { CveRequestFormPage, CveRequestTrackPage, MyCveRequestsPage } from './CveRequestFormPage';
import { CveRequestsPage } from './CveRequestsPage';

/** The public CVE request form and its receipt page (anyone); the policy itself is the server-rendered /cna. */
export const publicCnaRoutes: RouteObject = {
  element: <PublicFrame />,
  children: [
    { path: 'cve-request', element: <CveRequestFormPage /> },
    { path: 'cve-request/track', element: <CveRequestTrackPage /> },
  ],
};

/** Inside RequireSession + AppLayout. */
export const signedInCnaRoutes: RouteObject[] = [
  { path: 'cve-request/mine', element: <MyCveRequestsPage /> },
  {
    path: 'cve-records',
    element: (
      <RequireCapability capability="cna.read">
        <RecordsPage />
      </RequireCapability>
    ),
  },
  {
    path: 'cve-records/:id',
    element: (
      <RequireCapability capability="cna.read">
        <RecordEditorPage />
      </RequireCapability>
    ),
  },
  {
    path: 'cve-requests',
    element: (
      <RequireCapability capability="cna.read">
        <CveRequestsPage />
      </RequireCapability>
    ),
  },
  {
    path: 'admin/cna',
    element: (
      <RequireCapability capability="settings.read">
        <CnaSettingsPage />
      </RequireCapability>
    ),
  },
];
