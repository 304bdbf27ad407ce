import type { RouteObject } from 'react-router';
import { VendorPage } from './VendorPage';
import { VendorsPage } from './VendorsPage';

/** Inside RequireSession + AppLayout: staff read the directory, triagers and leads change it (the server decides). */
export const signedInVendorRoutes: RouteObject[] = [
  { path: 'vendors', element: <VendorsPage /> },
  { path: 'vendors/:id', element: <VendorPage /> },
];
