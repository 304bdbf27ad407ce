import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isApiError, onAuthProblem, setCsrfToken, toApiError, type ApiError } from '../api/client';
import { sessionApi } from '../api/endpoints';
import type { Session } from '../api/types';

/** Why there is no session: never had one, signed out on purpose, or it ended under us. */
export type NoSessionReason = 'none' | 'signed_out' | 'expired';

export interface SessionContextValue {
  status: 'loading' | 'ready' | 'error';
  session: Session | null;
  reason: NoSessionReason;
  error: ApiError | undefined;
  setSession: (session: Session | null, reason?: NoSessionReason) => void;
  /** Asks the server again; returns the session (or null when signed out). */
  refresh: () => Promise<Session | null>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionContextValue['status']>('loading');
  const [session, setSessionState] = useState<Session | null>(null);
  const [reason, setReason] = useState<NoSessionReason>('none');
  const [error, setError] = useState<ApiError | undefined>(undefined);

  const setSession = useCallback((next: Session | null, why: NoSessionReason = 'none') => {
    setCsrfToken(next?.csrfToken ?? null);
    setSessionState(next);
    setReason(next ? 'none' : why);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const next = await sessionApi.get();
      setSession(next);
      setStatus('ready');
      setError(undefined);
      return next;
    } catch (reason) {
      if (isApiError(reason) && reason.status === 401) {
        setSession(null);
        setStatus('ready');
        return null;
      }
      setError(toApiError(reason));
      setStatus('error');
      throw reason;
    }
  }, [setSession]);

  useEffect(() => {
    refresh().catch(() => undefined);
  }, [refresh]);

  useEffect(
    () =>
      onAuthProblem((problem) => {
        if (problem.code === 'authentication_required') setSession(null, 'expired');
        else refresh().catch(() => undefined);
      }),
    [refresh, setSession],
  );

  const signOut = useCallback(async () => {
    try {
      await sessionApi.signOut();
    } catch {
      // Signed out on the server or not, this browser forgets the session.
    }
    setSession(null, 'signed_out');
  }, [setSession]);

  const value = useMemo(
    () => ({ status, session, reason, error, setSession, refresh, signOut }),
    [status, session, reason, error, setSession, refresh, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** For pages inside RequireSession, where a session is certain. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn outside RequireSession');
  return session;
}
