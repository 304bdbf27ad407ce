import type { ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { AppLayout, SkipLink } from '../app/layouts';
import { useSession } from '../app/session';
import { Splash } from '../app/Splash';
import { useRouteFocus } from '../app/useRouteFocus';
import { signInPath } from '../lib/navigation';
import '../features/reports/reports.css';

const PUBLIC_LINKS = [
  { to: '/programs', label: 'Programmes' },
  { to: '/disclosed', label: 'Disclosed' },
  { to: '/hall-of-fame', label: 'Hall of fame' },
];

/** The frame of public pages for someone not signed in: brand, the public sections, sign-in. */
function PublicLayout({ children }: { children?: ReactNode }) {
  const location = useLocation();
  useRouteFocus();
  return (
    <div className="app public">
      <SkipLink />
      <header className="topbar public-topbar">
        <Link to="/programs" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          cvdesk
        </Link>
        <nav className="public-nav" aria-label="Main">
          <ul>
            {PUBLIC_LINKS.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to}>{link.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <span className="topbar-spacer" />
        <Link className="button small" to={signInPath(`${location.pathname}${location.search}`)}>
          Sign in
        </Link>
      </header>
      <main id="main" className="public-main" tabIndex={-1}>
        {children ?? <Outlet />}
      </main>
    </div>
  );
}

/**
 * Pages anyone may read (programmes, disclosed reports, halls of fame): in the signed-in frame
 * for someone with a full session, in a light public frame otherwise.
 */
export function PublicFrame({ children }: { children?: ReactNode }) {
  const { status, session } = useSession();
  if (status === 'loading') return <Splash />;
  if (session?.stage === 'full') return <AppLayout>{children}</AppLayout>;
  return <PublicLayout>{children}</PublicLayout>;
}
