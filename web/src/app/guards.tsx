import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { can, type Capability } from '../lib/access';
import { signInPath } from '../lib/navigation';
import { PageHeader } from '../components/ui';
import { useSession } from './session';
import { Splash } from './Splash';

export const ENROLLMENT_PATH = '/account/two-factor';

/**
 * Pages for signed-in people. No session: to sign-in (coming back here afterwards). A session
 * waiting for its second factor: to the code step. A staff session that must enrol in
 * two-factor: to /account/two-factor, the only page it may use.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const { status, session, reason } = useSession();
  const location = useLocation();
  if (status !== 'ready') return <Splash />;
  const here = `${location.pathname}${location.search}`;
  if (!session) return <Navigate to={reason === 'signed_out' ? '/signin' : signInPath(here)} replace />;
  if (session.stage === 'mfa_pending') return <Navigate to={signInPath(here)} replace />;
  if (session.stage === 'mfa_enrollment' && location.pathname !== ENROLLMENT_PATH) {
    return <Navigate to={ENROLLMENT_PATH} replace />;
  }
  return <>{children}</>;
}

/** A section some roles may not see. The server refuses too; this explains instead of failing. */
export function RequireCapability({ capability, children }: { capability: Capability; children: ReactNode }) {
  const { session } = useSession();
  if (can(session?.user.roles, capability)) return <>{children}</>;
  return (
    <section className="page narrow">
      <PageHeader title="Not available to you" />
      <p>Your roles do not include this part of cvdesk. If you need it, ask a security lead to change your roles.</p>
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </section>
  );
}
