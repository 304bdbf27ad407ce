import type { RouteObject } from 'react-router';
import { PublicFrame } from '../../components/PublicFrame';
import { PortalPage } from './PortalPage';

/** The vendor portal: no account, the token from the notice's link (see PortalPage). */
export const publicPortalRoutes: RouteObject = {
  element: <PublicFrame />,
  children: [
    { path: 'portal', element: <PortalPage /> },
    { path: 'portal/:token', element: <PortalPage /> },
  ],
};
