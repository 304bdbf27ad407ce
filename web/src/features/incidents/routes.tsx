import type { RouteObject } from 'react-router';
import { PublicFrame } from '../../components/PublicFrame';
import { FollowUpPage } from './FollowUpPage';
import { IncidentPage } from './IncidentPage';
import { IncidentsPage } from './IncidentsPage';
import { ReportIncidentPage } from './ReportIncidentPage';

/**
 * Sealed incidents. `/report` is security.txt's Contact and works without an account (in the
 * signed-in frame for a full session); `/report/follow-up` is where receipt holders come back.
 * OpenPGP.js is loaded by these pages on first use, as its own chunk.
 */
export const publicIncidentRoutes: RouteObject = {
  element: <PublicFrame />,
  children: [
    { path: 'report', element: <ReportIncidentPage /> },
    { path: 'report/follow-up', element: <FollowUpPage /> },
  ],
};

/** Inside RequireSession + AppLayout: staff see every incident, anyone else their own. */
export const signedInIncidentRoutes: RouteObject[] = [
  { path: 'incidents', element: <IncidentsPage /> },
  { path: 'incidents/:id', element: <IncidentPage /> },
];
