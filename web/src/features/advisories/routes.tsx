import type { RouteObject } from 'react-router';
import { RequireCapability } from '../../app/guards';
import { AdvisoriesPage } from './AdvisoriesPage';
import { AdvisoryEditorPage } from './AdvisoryEditorPage';
import { SecurityPageEditor } from './SecurityPageEditor';

/**
 * Staff's advisory and policy-page editing, inside RequireSession + AppLayout. The public pages
 * (/advisories, /advisories/:id, /security) are server-rendered, not part of the SPA.
 */
export const advisoryRoutes: RouteObject[] = [
  {
    path: 'manage/advisories',
    element: (
      <RequireCapability capability="advisories.read">
        <AdvisoriesPage />
      </RequireCapability>
    ),
  },
  {
    path: 'manage/advisories/:id',
    element: (
      <RequireCapability capability="advisories.read">
        <AdvisoryEditorPage />
      </RequireCapability>
    ),
  },
  {
    path: 'manage/security-page',
    element: (
      <RequireCapability capability="advisories.publish">
        <SecurityPageEditor />
      </RequireCapability>
    ),
  },
];
