import { useEffect, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { visibleSections, type Section } from '../lib/access';
import { useSignedIn } from './session';
import { UserMenu } from './UserMenu';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { useRouteFocus } from './useRouteFocus';

/** Moves focus to the page content without adding #main to the URL (the router owns the URL). */
export function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(event) => {
        const main = document.getElementById('main');
        if (!main) return;
        event.preventDefault();
        main.focus();
        main.scrollIntoView();
      }}
    >
      Skip to content
    </a>
  );
}

function Brand() {
  return (
    <Link to="/" className="brand">
      <span className="brand-mark" aria-hidden="true" />
      cvdesk
    </Link>
  );
}

const GROUP_LABELS: Record<Section['group'], string> = {
  overview: 'Overview',
  admin: 'Administration',
  account: 'Account',
};

function SideNav({ id, open }: { id: string; open: boolean }) {
  const session = useSignedIn();
  const sections = visibleSections(session.user.roles);
  const groups = (['overview', 'admin', 'account'] as const)
    .map((group) => ({ group, items: sections.filter((s) => s.group === group) }))
    .filter((g) => g.items.length > 0);
  return (
    <nav id={id} className={open ? 'sidebar open' : 'sidebar'} aria-label="Main">
      {groups.map(({ group, items }) => (
        <div className="nav-group" key={group}>
          <h2 className="nav-heading" id={`nav-${group}`}>
            {GROUP_LABELS[group]}
          </h2>
          <ul aria-labelledby={`nav-${group}`}>
            {items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/' || item.to === '/account'}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

/**
 * The signed-in frame: skip link, top bar (brand, menu toggle on small screens, user menu), a
 * side navigation showing only what the roles allow, and the page. A session that must enrol
 * in two-factor gets the bare frame: nothing to navigate to but sign-out.
 */
export function AppLayout({ children }: { children?: ReactNode }) {
  const session = useSignedIn();
  const location = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const limited = session.stage !== 'full';
  useRouteFocus();

  useEffect(() => setNavOpen(false), [location.pathname]);

  // On small screens the navigation covers the page: Escape closes it and returns to the toggle.
  useEffect(() => {
    if (!navOpen) return;
    function onKey(event: KeyboardEvent) {
      if (event.key !== 'Escape') return;
      setNavOpen(false);
      document.querySelector<HTMLElement>('.nav-toggle')?.focus();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);

  return (
    <div className="app">
      <SkipLink />
      <header className="topbar">
        {!limited && (
          <button
            type="button"
            className="nav-toggle"
            aria-expanded={navOpen}
            aria-controls="sidebar"
            onClick={() => setNavOpen((v) => !v)}
          >
            <span className="hamburger" aria-hidden="true" />
            Menu
          </button>
        )}
        <Brand />
        <span className="topbar-spacer" />
        {!limited && <NotificationBell />}
        <UserMenu />
      </header>
      <div className={limited ? 'frame limited' : 'frame'}>
        {!limited && <SideNav id="sidebar" open={navOpen} />}
        <main id="main" tabIndex={-1}>
          {children ?? <Outlet />}
        </main>
      </div>
    </div>
  );
}

/** The frame of the signed-out pages: a narrow column with the brand. */
export function AuthLayout({ children }: { children?: ReactNode }) {
  useRouteFocus();
  return (
    <div className="auth">
      <SkipLink />
      <header className="auth-header">
        <Brand />
      </header>
      <main id="main" className="auth-main" tabIndex={-1}>
        <div className="auth-card">{children ?? <Outlet />}</div>
      </main>
      <footer className="auth-footer">
        <p>cvdesk · coordinated vulnerability disclosure</p>
      </footer>
    </div>
  );
}
