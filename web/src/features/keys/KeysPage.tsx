import { Link } from 'react-router';
import { PGP_KEY_URL, keysApi } from '../../api/endpoints';
import type { KeyStatus, OpenPgpKey } from '../../api/types';
import { useSignedIn } from '../../app/session';
import { Chip, Empty, LoadError, Loading, PageHeader, Time, type Tone } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { Command, CopyFor, EXPIRY_WARNING_DAYS, Fingerprint, daysUntil } from './common';
import { NoticeSigningPanel } from './NoticeSigningPanel';
import './keys.css';

const STATUS: Record<KeyStatus, { tone: Tone; label: string; explain: string }> = {
  current: {
    tone: 'success',
    label: 'current',
    explain: 'Published at /pgp-key.txt; reporters encrypt to it and security.txt is signed with it.',
  },
  previous: {
    tone: 'neutral',
    label: 'previous',
    explain: 'Replaced by a newer key. No longer published, but kept so reports encrypted to it still decrypt.',
  },
  revoked: {
    tone: 'danger',
    label: 'revoked',
    explain: 'Never current again. Published with its revocation until it expires, so clients learn of it.',
  },
};

/** A shell-safe way to read a passphrase without echo or shell history, used before the commands. */
const READ_PASSPHRASE = `read -rs PASSPHRASE   # type the passphrase; nothing shows, nothing goes to the history`;

const COMMANDS: { id: string; title: string; what: string; command: string; note: string }[] = [
  {
    id: 'generate',
    title: 'Generate a key',
    what: 'the generate command',
    command: `printf '%s\\n' "$PASSPHRASE" | cvdesk keys generate --name "Example Security Team" \\\n    --email security@example.org --passphrase-stdin`,
    note: 'Ed25519 signing key with a Curve25519 encryption subkey, valid two years (add --expires-in-days D for 1 to 3650 days); the passphrase needs 12 characters or more. It becomes the current key; a key that was current becomes previous.',
  },
  {
    id: 'import',
    title: 'Import a key made elsewhere',
    what: 'the import commands',
    command: `gpg --export-secret-keys --armor KEYID > key.asc\nprintf '%s\\n' "$PASSPHRASE" | cvdesk keys import key.asc --passphrase-stdin`,
    note: 'One passphrase-protected private key. Refused when it is public only, unprotected, expired or revoked, or the passphrase does not unlock it.',
  },
  {
    id: 'rotate',
    title: 'Rotate',
    what: 'the rotate command',
    command: `read -rs NEW_PASSPHRASE\nprintf '%s\\n' "$NEW_PASSPHRASE" | cvdesk keys rotate --passphrase-stdin`,
    note: 'A successor with the same user ID (or --name, --email) becomes current; the old key becomes previous. --expires-in-days D as for generate. Sign security.txt again afterwards.',
  },
  {
    id: 'sign',
    title: 'Sign security.txt',
    what: 'the sign-securitytxt command',
    command: `printf '%s\\n' "$PASSPHRASE" | cvdesk keys sign-securitytxt --passphrase-stdin`,
    note: 'The same as the Sign form on the security.txt page.',
  },
  {
    id: 'list',
    title: 'List and export',
    what: 'the list and export commands',
    command: `cvdesk keys list\ncvdesk keys export > pgp-key.asc`,
    note: 'Public data only: the export is the current public key, as served at /pgp-key.txt.',
  },
];

function revokeCommand(fingerprint: string): string {
  return [
    `cvdesk keys revoke ${fingerprint} --reason "…"`,
    `# or a fresh, reasoned revocation signed with the key:`,
    `printf '%s\\n' "$PASSPHRASE" | cvdesk keys revoke ${fingerprint} --reason "…" \\`,
    `    --kind compromised --passphrase-stdin   # or superseded, retired`,
  ].join('\n');
}

/**
 * The organisation's OpenPGP keys, read-only. Generating, importing, rotating and revoking need the
 * private key's passphrase, which must never pass through the web app, so they are done with
 * `cvdesk keys …` on the server; this page shows the exact commands. The notice-signing key has no
 * passphrase, so leads make and rotate it here (NoticeSigningPanel).
 */
export function KeysPage() {
  useTitle('OpenPGP keys');
  const { user } = useSignedIn();
  const keys = useResource((signal) => keysApi.list(signal), []);
  const items = keys.data?.items ?? [];
  const current = items.find((k) => k.status === 'current');
  const currentDays = current ? daysUntil(current.expiresAt) : null;

  return (
    <section className="page keys-page">
      <PageHeader
        title="OpenPGP keys"
        description={
          <>
            Reporters encrypt to the current key, published at <a href={PGP_KEY_URL}>/pgp-key.txt</a>, and{' '}
            <Link to="/admin/security-txt">security.txt</Link> is signed with it.
          </>
        }
      />

      {keys.loading && !keys.data && <Loading />}
      {keys.error && <LoadError error={keys.error} onRetry={keys.reload} />}

      {keys.data && !current && (
        <div className="alert alert-warning">
          <p>
            <strong>There is no current key.</strong> Reporters cannot encrypt to you, security.txt has no Encryption
            field and cannot be signed, and <code>/pgp-key.txt</code> answers 404. Generate or import one with the commands
            below.
          </p>
        </div>
      )}
      {current && currentDays !== null && currentDays < EXPIRY_WARNING_DAYS && (
        <div className={currentDays < 0 ? 'alert alert-error' : 'alert alert-warning'}>
          <p>
            <strong>
              {currentDays < 0
                ? 'The current key has expired.'
                : `The current key expires ${currentDays === 0 ? 'today' : `in ${currentDays} day${currentDays === 1 ? '' : 's'}`}.`}
            </strong>{' '}
            Rotate it (see below), then sign security.txt again.
          </p>
        </div>
      )}

      {keys.data && items.length === 0 && <Empty>No keys yet.</Empty>}
      {items.length > 0 && (
        <ul className="key-list" aria-label="Keys: current first, then previous, then revoked">
          {items.map((key) => (
            <li key={key.id}>
              <KeyCard item={key} />
            </li>
          ))}
        </ul>
      )}

      <NoticeSigningPanel canManage={can(user.roles, 'keys.manage')} />

      <section className="panel" aria-labelledby="key-commands">
        <h2 id="key-commands">Changing keys: on the server</h2>
        <p>
          Generating, importing, rotating and revoking keys set or need the private key's passphrase, so they are not
          offered here: the passphrase must never pass through the web app. <code>cvdesk keys …</code> reads it from
          standard input on the server (never from the command line, where <code>ps</code> would show it), uses it for one
          operation and drops it; cvdesk stores the private key only encrypted with it. (Signing security.txt is the one
          exception a lead may make in the browser: there the passphrase unlocks the key for one request and is not
          kept.) Someone with shell access to the server runs:
        </p>
        <p className="hint">First, in the same shell (bash):</p>
        <Command command={READ_PASSPHRASE} what="the read passphrase command" />
        <div className="command-list">
          {COMMANDS.map((c) => (
            <section key={c.id} aria-labelledby={`cmd-${c.id}`} className="command-item">
              <h3 id={`cmd-${c.id}`}>{c.title}</h3>
              <Command command={c.command} what={c.what} />
              <p className="hint">{c.note}</p>
            </section>
          ))}
          <section aria-labelledby="cmd-revoke" className="command-item">
            <h3 id="cmd-revoke">Revoke</h3>
            <p className="hint">
              Each key above has its own revoke command. Without the passphrase (lost, or the key is compromised) the
              revocation certificate stored with the key is applied. A revoked current key leaves no current key until
              you generate or import one.
            </p>
          </section>
        </div>
        <p className="hint">
          Afterwards run <code>unset PASSPHRASE NEW_PASSPHRASE</code>. Details: <code>docs/keys.md</code> in the cvdesk
          sources.
        </p>
      </section>
    </section>
  );
}

function ExpiryNote({ item }: { item: OpenPgpKey }) {
  const days = daysUntil(item.expiresAt);
  if (item.status === 'revoked' || days === null) return null;
  if (days < 0) return <Chip tone="danger">expired</Chip>;
  if (days < EXPIRY_WARNING_DAYS) {
    return <Chip tone="warning">{days === 0 ? 'expires today' : `expires in ${days} day${days === 1 ? '' : 's'}`}</Chip>;
  }
  return null;
}

function KeyCard({ item }: { item: OpenPgpKey }) {
  const status = STATUS[item.status];
  const headingId = `key-${item.id}`;
  return (
    <article className={`panel key-card key-${item.status}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="key-heading">
        <span className="key-uid">{item.uid}</span> <Chip tone={status.tone}>{status.label}</Chip> <ExpiryNote item={item} />
      </h2>
      <p className="hint">{status.explain}</p>
      <dl className="properties">
        <div>
          <dt>Fingerprint</dt>
          <dd className="fingerprint-row">
            <Fingerprint value={item.fingerprint} />
            <CopyFor text={item.fingerprint} what={`the fingerprint of ${item.uid}`} />
          </dd>
        </div>
        <div>
          <dt>Algorithm</dt>
          <dd>
            <code>{item.algorithm}</code> <span className="muted">({item.source})</span>
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Time value={item.createdAt} /> <span className="muted">· added to cvdesk <Time value={item.addedAt} /></span>
          </dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>
            <Time value={item.expiresAt} empty="never" />
          </dd>
        </div>
        {item.revokedAt && (
          <div>
            <dt>Revoked</dt>
            <dd>
              <Time value={item.revokedAt} />
              {item.revocationReason ? `: ${item.revocationReason}` : ''}
            </dd>
          </div>
        )}
      </dl>
      {item.status !== 'revoked' && (
        <details className="key-revoke">
          <summary>Revoke command for this key</summary>
          <Command command={revokeCommand(item.fingerprint)} what={`the revoke command for ${item.uid}`} />
        </details>
      )}
    </article>
  );
}
