import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useSignedIn, useSession } from './session';

function initials(name: string, email: string): string {
  const words = (name || email).split(/[\s@._-]+/).filter(Boolean);
  return ((words[0]?.[0] ?? '') + (words[1]?.[0] ?? '')).toUpperCase() || '?';
}

/** A disclosure (button + panel), closed by Escape, a click outside, or moving to another page. */
export function UserMenu() {
  const session = useSignedIn();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const limited = session.stage !== 'full';
  const { user } = session;

  useEffect(() => setOpen(false), [location.pathname]);

  useEffect(() => {
    if (!open) return;
    function onPointer(event: PointerEvent) {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    }
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    }
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  async function onSignOut() {
    setBusy(true);
    await signOut();
    navigate('/signin', { replace: true });
  }

  return (
    <div className="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="user-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(user.name, user.email)}
        </span>
        <span className="user-name">{user.name || user.email}</span>
        <span className="visually-hidden"> — account menu</span>
        <span className="caret" aria-hidden="true" />
      </button>
      <div id={panelId} className="user-panel" hidden={!open}>
        <div className="user-panel-head">
          <strong>{user.name}</strong>
          <span className="muted">{user.email}</span>
        </div>
        {!limited && (
          <ul className="user-links">
            <li>
              <Link to="/account">Profile</Link>
            </li>
            <li>
              <Link to="/account/two-factor">Two-factor</Link>
            </li>
            <li>
              <Link to="/account/tokens">API tokens</Link>
            </li>
          </ul>
        )}
        <button type="button" className="button block" onClick={onSignOut} disabled={busy}>
          {busy ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </div>
  );
}
