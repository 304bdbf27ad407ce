import { isRouteErrorResponse, useRouteError } from 'react-router';

/** Last resort when rendering a page throws: say so plainly and offer a reload. */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <main id="main" className="splash" tabIndex={-1}>
      <div className="alert alert-error" role="alert">
        <h1>Something went wrong</h1>
        <p>This page ran into an error it could not recover from. Reloading usually helps.</p>
        <p className="muted">
          <code className="break">{detail}</code>
        </p>
        <p className="button-row">
          <button type="button" className="button primary" onClick={() => window.location.reload()}>
            Reload
          </button>
          <a className="button" href="/">
            Dashboard
          </a>
        </p>
      </div>
    </main>
  );
}
