import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { sessionApi } from '../../api/endpoints';
import { useSession } from '../../app/session';
import { Loading } from '../../components/ui';
import { useTitle } from '../../lib/useTitle';

// A token works once; keep the one request per token even if the component mounts twice.
const attempts = new Map<string, Promise<unknown>>();

export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { session } = useSession();
  const [state, setState] = useState<'pending' | 'ok' | ApiError>('pending');
  useTitle('Verify email');

  useEffect(() => {
    if (!token) return;
    let live = true;
    let attempt = attempts.get(token);
    if (!attempt) {
      attempt = sessionApi.verifyEmail(token);
      attempts.set(token, attempt);
    }
    attempt.then(
      () => live && setState('ok'),
      (error: unknown) => live && setState(toApiError(error)),
    );
    return () => {
      live = false;
    };
  }, [token]);

  const next = session?.stage === 'full' ? <Link to="/">Go to the dashboard</Link> : <Link to="/signin">Sign in</Link>;

  if (!token) {
    return (
      <>
        <h1 tabIndex={-1}>Verify email</h1>
        <div className="alert alert-error" role="alert">
          <p>This link is incomplete. Open the link from the email again, or copy the whole address into the browser.</p>
        </div>
      </>
    );
  }
  if (state === 'pending') {
    return (
      <>
        <h1 tabIndex={-1}>Verify email</h1>
        <Loading label="Verifying your email address…" />
      </>
    );
  }
  if (state === 'ok') {
    return (
      <>
        <h1 tabIndex={-1}>Email verified</h1>
        <div className="alert alert-success" role="status">
          <p>Thank you — your email address is verified.</p>
        </div>
        <p>{next}</p>
      </>
    );
  }
  const expired = state.code === 'link_expired';
  return (
    <>
      <h1 tabIndex={-1}>Could not verify</h1>
      <div className="alert alert-error" role="alert">
        <p>
          {expired
            ? 'This link has expired.'
            : state.code === 'token_invalid' || state.code === 'not_found'
              ? 'This link is not valid, or it has already been used.'
              : state.message}
        </p>
      </div>
      <p>If your address is already verified, you can simply sign in.</p>
      <p>{next}</p>
    </>
  );
}
