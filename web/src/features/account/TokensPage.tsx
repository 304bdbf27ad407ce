import { useEffect, useRef, useState, type FormEvent } from 'react';
import { meApi } from '../../api/endpoints';
import type { ApiToken, CreatedToken } from '../../api/types';
import { ConfirmDialog } from '../../components/Dialog';
import { CheckboxGroup, FormAlert, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { Chip, CopyButton, Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { isPast } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import type { TokenScope } from '../../shared/server';

function tokenStatus(token: ApiToken): 'revoked' | 'expired' | 'active' {
  if (token.revokedAt) return 'revoked';
  if (isPast(token.expiresAt)) return 'expired';
  return 'active';
}

export function TokensPage() {
  useTitle('API tokens');
  const tokens = useResource((signal) => meApi.tokens(signal), []);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const items = tokens.data?.items ?? [];

  function onCreated(result: CreatedToken) {
    setCreated(result);
    setNotice(null);
    tokens.setData((prev) => ({ items: [result.item, ...(prev?.items ?? []).filter((t) => t.id !== result.item.id)] }));
  }

  async function revoke(token: ApiToken) {
    await meApi.revokeToken(token.id);
    const now = new Date().toISOString();
    tokens.setData((prev) => prev && { items: prev.items.map((t) => (t.id === token.id ? { ...t, revokedAt: now } : t)) });
    setNotice(`Token “${token.name}” revoked.`);
  }

  return (
    <section className="page">
      <PageHeader
        title="API tokens"
        description="Personal tokens let scripts and the cvdesk command line act as you. Send one as “Authorization: Bearer <token>”."
      />
      {created && <NewToken created={created} onDone={() => setCreated(null)} />}
      <StatusMessage>{notice}</StatusMessage>

      <section className="panel" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">Your tokens</h2>
        {tokens.loading && !tokens.data && <Loading />}
        {tokens.error && <LoadError error={tokens.error} onRetry={tokens.reload} />}
        {tokens.data && items.length === 0 && <Empty>You have no tokens yet.</Empty>}
        {items.length > 0 && (
          <>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Prefix</th>
                    <th scope="col">Scopes</th>
                    <th scope="col" className="col-opt">
                      Created
                    </th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((token) => {
                    const status = tokenStatus(token);
                    return (
                      <tr key={token.id} className={status === 'active' ? undefined : 'inactive'}>
                        <th scope="row">
                          {token.name} {status !== 'active' && <Chip tone="neutral">{status}</Chip>}
                        </th>
                        <td>
                          <code>{token.prefix}…</code>
                        </td>
                        <td>{token.scopes.join(', ')}</td>
                        <td className="col-opt nowrap">
                          <Time value={token.createdAt} compact />
                        </td>
                        <td>
                          <Time value={token.lastUsedAt} relative empty="never" />
                        </td>
                        <td>
                          <Time value={token.expiresAt} compact empty="never" />
                        </td>
                        <td className="actions">
                          {status === 'active' && (
                            <button type="button" className="button small danger-outline" onClick={() => setRevoking(token)}>
                              Revoke<span className="visually-hidden"> {token.name}</span>
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <CreateToken onCreated={onCreated} />

      <ConfirmDialog
        open={revoking !== null}
        title="Revoke token?"
        confirmLabel="Revoke token"
        danger
        onConfirm={() => (revoking ? revoke(revoking) : Promise.resolve())}
        onClose={() => setRevoking(null)}
      >
        <p>
          Anything using <strong>{revoking?.name}</strong> (<code>{revoking?.prefix}…</code>) stops working at once. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function NewToken({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [created]);
  return (
    <section className="panel emphasis" aria-labelledby="new-token-heading">
      <h2 id="new-token-heading" ref={heading} tabIndex={-1}>
        Copy your new token now
      </h2>
      <p>
        This is the only time <strong>{created.item.name}</strong> is shown in full. cvdesk keeps only a hash of it.
      </p>
      <p className="token-value">
        <code>{created.token}</code>
      </p>
      <p className="button-row">
        <CopyButton text={created.token} label="Copy token" className="button primary" />
        <button type="button" className="button" onClick={onDone}>
          I have stored it
        </button>
      </p>
    </section>
  );
}

const SCOPE_OPTIONS = [
  { value: 'read' as const, label: 'read', hint: 'look only (GET requests)' },
  { value: 'write' as const, label: 'write', hint: 'make changes your roles allow' },
];

function CreateToken({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TokenScope[]>(['read']);
  const [days, setDays] = useState('90');
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (scopes.length === 0) {
      form.setError(localInvalid('scopes', 'choose at least one scope'));
      return;
    }
    const trimmed = days.trim();
    const expiresInDays = trimmed === '' ? undefined : Number(trimmed);
    if (expiresInDays !== undefined && (!Number.isInteger(expiresInDays) || expiresInDays < 1)) {
      form.setError(localInvalid('expiresInDays', 'must be a whole number of days, 1 or more'));
      return;
    }
    void form.run(
      () => meApi.createToken(name.trim(), scopes, expiresInDays),
      (result) => {
        setName('');
        onCreated(result);
      },
    );
  }

  return (
    <section className="panel" aria-labelledby="create-token-heading">
      <h2 id="create-token-heading">Create a token</h2>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['name', 'scopes', 'expiresInDays']} />
        <TextField
          label="Name"
          name="name"
          hint="What it is for, e.g. “scanner on build host”."
          required
          maxLength={120}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={form.fieldError('name')}
        />
        <CheckboxGroup
          legend="Scopes"
          name="scopes"
          inline
          options={SCOPE_OPTIONS}
          value={scopes}
          onChange={setScopes}
          error={form.fieldError('scopes')}
        />
        <TextField
          label="Expires after (days)"
          name="expiresInDays"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          optional
          className="short"
          hint="Leave empty for a token that does not expire."
          value={days}
          onChange={(e) => setDays(e.target.value)}
          error={form.fieldError('expiresInDays')}
        />
        <div>
          <button type="submit" className="button primary" disabled={form.busy}>
            {form.busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </section>
  );
}
