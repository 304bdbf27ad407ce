import { useSession } from './session';

/** What shows while the session is being asked for, or when the server cannot be reached. */
export function Splash() {
  const { status, error, refresh } = useSession();
  if (status === 'error') {
    return (
      <main id="main" className="splash" tabIndex={-1}>
        <div className="alert alert-error" role="alert">
          <p>
            <strong>cvdesk is not answering.</strong> {error?.message}
          </p>
          <button type="button" className="button" onClick={() => refresh().catch(() => undefined)}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  return (
    <main id="main" className="splash" aria-busy="true">
      <p className="loading" role="status">
        <span className="spinner" aria-hidden="true" />
        Loading cvdesk…
      </p>
    </main>
  );
}
