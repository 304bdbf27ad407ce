import { Link, useLocation } from 'react-router';
import { AppLayout, AuthLayout } from '../app/layouts';
import { useSession } from '../app/session';
import { Splash } from '../app/Splash';
import { useTitle } from '../lib/useTitle';

function NotFound() {
  const location = useLocation();
  const { session } = useSession();
  useTitle('Page not found');
  return (
    <section className="page narrow">
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is nothing at <code className="break">{location.pathname}</code>. The link may be mistyped, or the page
        may have moved.
      </p>
      <p>{session?.stage === 'full' ? <Link to="/">Go to the dashboard</Link> : <Link to="/signin">Sign in</Link>}</p>
    </section>
  );
}

/** The 404, in the signed-in frame when there is a full session and the plain frame otherwise. */
export function NotFoundRoute() {
  const { status, session } = useSession();
  if (status !== 'ready') return <Splash />;
  return session?.stage === 'full' ? (
    <AppLayout>
      <NotFound />
    </AppLayout>
  ) : (
    <AuthLayout>
      <NotFound />
    </AuthLayout>
  );
}
