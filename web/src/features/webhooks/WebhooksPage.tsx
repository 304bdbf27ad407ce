import { Fragment, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { webhooksApi, type WebhookInput } from '../../api/endpoints';
import type { Webhook, WebhookDelivery, WebhookEventType } from '../../api/types';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { CheckboxGroup, FormAlert, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { Chip, CopyButton, Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { EVENT_INFO, EVENT_OPTIONS, STATE_INFO, VERIFY_SNIPPET, isUnsettled } from './events';
import './webhooks.css';
import { DisclosureCell } from '../../components/DisclosureCell';

interface Shown {
  hook: Webhook;
  secret: string;
  reason: 'created' | 'rotated';
}

/**
 * Webhook endpoints (leads): register, edit, switch on and off, rotate the signing secret, delete,
 * send a test ping, and read each endpoint's delivery log. The secret is shown once, right after
 * it is made. `?log=<id>` in the URL keeps one endpoint's log open.
 */
export function WebhooksPage() {
  useTitle('Webhooks');
  const hooks = useResource((signal) => webhooksApi.list(signal), []);
  const items = hooks.data?.items ?? [];
  const [params, setParams] = useSearchParams();
  const openLog = params.get('log');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [notice, setNotice] = useState<ReactNode>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);
  /** Bumped to make an open log fetch again (after a test ping). */
  const [logNonce, setLogNonce] = useState(0);

  function replace(hook: Webhook) {
    hooks.setData((prev) => prev && { items: prev.items.map((h) => (h.id === hook.id ? stripSecret(hook) : h)) });
  }

  function setLog(id: string | null) {
    const next = new URLSearchParams(params);
    if (id) next.set('log', id);
    else next.delete('log');
    setParams(next, { replace: true, preventScrollReset: true });
  }

  async function act(hook: Webhook, what: string, action: () => Promise<void>) {
    setBusy(`${what}:${hook.id}`);
    setError(undefined);
    setNotice(null);
    try {
      await action();
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(null);
    }
  }

  const sendTest = (hook: Webhook) =>
    act(hook, 'test', async () => {
      await webhooksApi.test(hook.id);
      setNotice(`Test ping queued for “${hook.name}”. Its delivery shows in the log.`);
      setLog(hook.id);
      setLogNonce((n) => n + 1);
    });

  const toggleActive = (hook: Webhook) =>
    act(hook, 'active', async () => {
      const updated = await webhooksApi.update(hook.id, { active: !hook.active });
      replace(updated);
      setNotice(
        updated.active
          ? `“${hook.name}” is active again.`
          : `“${hook.name}” deactivated: it receives no events (only test pings) until you activate it again.`,
      );
    });

  return (
    <section className="page webhooks-page">
      <PageHeader
        title="Webhooks"
        description="cvdesk POSTs a signed JSON message to each active endpoint when something it subscribed to happens to a report. Every delivery and attempt is logged."
        actions={
          <button type="button" className="button primary" onClick={() => setCreating(true)}>
            Add endpoint
          </button>
        }
      />

      {shown && <SecretPanel shown={shown} onDone={() => setShown(null)} />}
      <StatusMessage>{notice}</StatusMessage>
      <FormAlert error={error} />

      {hooks.loading && !hooks.data && <Loading />}
      {hooks.error && <LoadError error={hooks.error} onRetry={hooks.reload} />}
      {hooks.data && items.length === 0 && (
        <Empty>No endpoints yet. Add one to send report events to a tracker, a chat bridge or a SIEM.</Empty>
      )}
      {items.length > 0 && (
        <ul className="webhook-list" aria-label="Endpoints">
          {items.map((hook) => {
            const logOpen = openLog === hook.id;
            const logId = `log-${hook.id}`;
            const headingId = `hook-${hook.id}`;
            return (
              <li key={hook.id}>
                <article className={hook.active ? 'panel webhook' : 'panel webhook inactive'} aria-labelledby={headingId}>
                  <div className="webhook-head">
                    <h2 id={headingId} className="webhook-name">
                      {hook.name}
                    </h2>
                    {hook.active ? <Chip tone="success">active</Chip> : <Chip tone="neutral">inactive</Chip>}
                  </div>
                  <p className="webhook-url">
                    <code>{hook.url}</code>
                  </p>
                  <p className="webhook-events">
                    <span className="visually-hidden">Events: </span>
                    <span className="chips">
                      {hook.events.map((event) => (
                        <Chip key={event} tone="info">
                          <span title={event}>{EVENT_INFO[event]?.label ?? event}</span>
                        </Chip>
                      ))}
                    </span>
                  </p>
                  <p className="webhook-dates muted">
                    Added <Time value={hook.createdAt} relative />
                    {hook.updatedAt !== hook.createdAt && (
                      <>
                        {' '}
                        · changed <Time value={hook.updatedAt} relative />
                      </>
                    )}
                  </p>
                  <div className="button-row webhook-actions">
                    <button
                      type="button"
                      className="button small"
                      onClick={() => void sendTest(hook)}
                      disabled={busy === `test:${hook.id}`}
                    >
                      {busy === `test:${hook.id}` ? 'Sending…' : 'Send test'}
                      <span className="visually-hidden"> to {hook.name}</span>
                    </button>
                    <button
                      type="button"
                      className="button small"
                      aria-expanded={logOpen}
                      aria-controls={logOpen ? logId : undefined}
                      onClick={() => setLog(logOpen ? null : hook.id)}
                    >
                      {logOpen ? 'Hide deliveries' : 'Deliveries'}
                      <span className="visually-hidden"> of {hook.name}</span>
                    </button>
                    <span className="webhook-actions-spacer" />
                    <button type="button" className="button small ghost" onClick={() => setEditing(hook)}>
                      Edit<span className="visually-hidden"> {hook.name}</span>
                    </button>
                    <button
                      type="button"
                      className="button small ghost"
                      onClick={() => void toggleActive(hook)}
                      disabled={busy === `active:${hook.id}`}
                    >
                      {hook.active ? 'Deactivate' : 'Activate'}
                      <span className="visually-hidden"> {hook.name}</span>
                    </button>
                    <button type="button" className="button small ghost" onClick={() => setRotating(hook)}>
                      Rotate secret<span className="visually-hidden"> of {hook.name}</span>
                    </button>
                    <button type="button" className="button small danger-outline" onClick={() => setDeleting(hook)}>
                      Delete<span className="visually-hidden"> {hook.name}</span>
                    </button>
                  </div>
                  {logOpen && <DeliveryLog id={logId} hook={hook} nonce={logNonce} />}
                </article>
              </li>
            );
          })}
        </ul>
      )}

      <details className="panel verify-help-panel">
        <summary>Verifying deliveries</summary>
        <VerifyHelp />
      </details>

      <Dialog open={creating} onClose={() => setCreating(false)} title="Add a webhook endpoint" wide>
        <WebhookForm
          submitLabel="Add endpoint"
          onCancel={() => setCreating(false)}
          onSubmit={(input) => webhooksApi.create(input)}
          onDone={(result) => {
            setCreating(false);
            const created = result as Webhook & { secret?: string };
            hooks.setData((prev) => ({ items: [...(prev?.items ?? []), stripSecret(created)] }));
            if (created.secret) setShown({ hook: stripSecret(created), secret: created.secret, reason: 'created' });
            setNotice(`Endpoint “${created.name}” added.`);
          }}
        />
      </Dialog>

      <Dialog open={editing !== null} onClose={() => setEditing(null)} title={`Edit ${editing?.name ?? ''}`} wide>
        {editing && (
          <WebhookForm
            initial={editing}
            submitLabel="Save changes"
            onCancel={() => setEditing(null)}
            onSubmit={(input) => {
              const changes = diff(editing, input);
              return Object.keys(changes).length === 0 ? Promise.resolve(null) : webhooksApi.update(editing.id, changes);
            }}
            onDone={(result) => {
              setEditing(null);
              if (!result) {
                setNotice('Nothing changed.');
                return;
              }
              replace(result);
              setNotice(`Endpoint “${result.name}” saved.`);
            }}
          />
        )}
      </Dialog>

      <ConfirmDialog
        open={rotating !== null}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        danger
        onConfirm={async () => {
          if (!rotating) return;
          const result = await webhooksApi.update(rotating.id, { rotateSecret: true });
          replace(result);
          if (result.secret) setShown({ hook: stripSecret(result), secret: result.secret, reason: 'rotated' });
          setNotice(`New secret made for “${result.name}”.`);
        }}
        onClose={() => setRotating(null)}
      >
        <p>
          <strong>{rotating?.name}</strong> gets a new secret, shown once. The old one stops working at once: every
          delivery from now on, retries included, is signed with the new one, so update the receiving side right away.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={deleting !== null}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        danger
        onConfirm={async () => {
          if (!deleting) return;
          await webhooksApi.remove(deleting.id);
          hooks.setData((prev) => prev && { items: prev.items.filter((h) => h.id !== deleting.id) });
          if (openLog === deleting.id) setLog(null);
          if (shown?.hook.id === deleting.id) setShown(null);
          setNotice(`Endpoint “${deleting.name}” deleted.`);
        }}
        onClose={() => setDeleting(null)}
      >
        <p>
          <strong>{deleting?.name}</strong> (<code className="break">{deleting?.url}</code>) stops receiving events and its
          delivery log is deleted with it. Deliveries still queued do nothing. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function stripSecret<T extends Webhook & { secret?: string }>(hook: T): Webhook {
  const { id, name, url, events, active, createdAt, updatedAt } = hook;
  return { id, name, url, events, active, createdAt, updatedAt };
}

/** Only the fields that changed (the server refuses an empty change). */
function diff(before: Webhook, after: WebhookInput): Partial<WebhookInput> {
  const changes: Partial<WebhookInput> = {};
  if (after.name !== before.name) changes.name = after.name;
  if (after.url !== before.url) changes.url = after.url;
  if ([...after.events].sort().join() !== [...before.events].sort().join()) changes.events = after.events;
  if (after.active !== before.active) changes.active = after.active;
  return changes;
}

function WebhookForm({
  initial,
  submitLabel,
  onSubmit,
  onDone,
  onCancel,
}: {
  initial?: Webhook;
  submitLabel: string;
  onSubmit: (input: WebhookInput) => Promise<(Webhook & { secret?: string }) | null>;
  onDone: (result: (Webhook & { secret?: string }) | null) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [url, setUrl] = useState(initial?.url ?? 'https://');
  const [events, setEvents] = useState<WebhookEventType[]>(initial?.events ?? ['report.created', 'report.state_changed']);
  const [active, setActive] = useState(initial?.active ?? true);
  const form = useSubmit();
  const activeId = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (events.length === 0) {
      form.setError(localInvalid('events', 'choose at least one event'));
      return;
    }
    void form.run(() => onSubmit({ name: name.trim(), url: url.trim(), events, active }), onDone);
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      <FormAlert error={form.error} fields={['name', 'url', 'events', 'active']} />
      <TextField
        label="Name"
        name="name"
        autoComplete="off"
        maxLength={100}
        hint="What it feeds, e.g. “Jira bridge”."
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={form.fieldError('name')}
      />
      <TextField
        label="URL"
        name="url"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        maxLength={2048}
        hint="https:// to a public address; redirects are not followed. (Plain http:// and private addresses only if the server runs with WEBHOOK_ALLOW_PRIVATE=true.)"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        error={form.fieldError('url')}
      />
      <CheckboxGroup
        legend="Events"
        name="events"
        options={EVENT_OPTIONS}
        value={events}
        onChange={setEvents}
        hint="Internal notes never leave cvdesk."
        error={form.fieldError('events')}
      />
      <div className="checkbox">
        <input id={activeId} type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        <label htmlFor={activeId}>
          Active
          <span className="hint">An inactive endpoint receives nothing but test pings.</span>
        </label>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

function SecretPanel({ shown, onDone }: { shown: Shown; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // After the dialog that made the secret has closed and given focus back to its opener.
    const timer = window.setTimeout(() => heading.current?.focus(), 0);
    return () => window.clearTimeout(timer);
  }, [shown]);
  return (
    <section className="panel emphasis" aria-labelledby="secret-heading">
      <h2 id="secret-heading" ref={heading} tabIndex={-1}>
        Copy the signing secret now
      </h2>
      <p>
        {shown.reason === 'rotated' ? 'The new secret' : 'The secret'} of <strong>{shown.hook.name}</strong> is shown this
        once. Store it with the receiving side: cvdesk keeps it sealed and never shows it again. If it is lost, rotate it.
      </p>
      <p className="token-value">
        <code>{shown.secret}</code>
      </p>
      <p className="button-row">
        <CopyButton text={shown.secret} label="Copy secret" className="button primary" />
        <button type="button" className="button" onClick={onDone}>
          I have stored it
        </button>
      </p>
      <VerifyHelp />
    </section>
  );
}

/** A summary of docs/webhooks.md: what a delivery looks like and how to check its signature. */
function VerifyHelp() {
  return (
    <div className="verify-help">
      <h3>Verifying a delivery</h3>
      <ul>
        <li>
          Each request carries <code>X-Cvdesk-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</code>. The HMAC
          key is the whole <code>whsec_…</code> secret (UTF-8); the message is <code>&lt;t&gt;.&lt;raw body&gt;</code>.
        </li>
        <li>
          Check it on the raw body before parsing the JSON, compare in constant time, and refuse timestamps more than a few
          minutes old, so a captured request cannot be replayed.
        </li>
        <li>
          <code>X-Cvdesk-Event</code> names the event; <code>X-Cvdesk-Delivery</code> stays the same across retries — a
          delivery can arrive twice, so deduplicate on it.
        </li>
        <li>
          Answer 2xx within 10 seconds. Anything else (another status, a redirect, a time-out) is retried about 2, 4, 8 and
          16 seconds later; after 5 attempts the delivery is dead (retry it in <Link to="/admin/jobs">Jobs</Link>).
        </li>
      </ul>
      <div className="snippet">
        <pre>
          <code>{VERIFY_SNIPPET}</code>
        </pre>
        <div className="snippet-copy">
          <CopyButton text={VERIFY_SNIPPET} label="Copy code" />
        </div>
      </div>
      <p className="hint">
        The full guide, with a complete receiver, is <code>docs/webhooks.md</code> in the cvdesk sources.
      </p>
    </div>
  );
}

const POLL_MS = 2000;
const POLL_LIMIT = 30;

/** One endpoint's deliveries, newest first; refreshes itself while one is still pending or retrying. */
function DeliveryLog({ id, hook, nonce }: { id: string; hook: Webhook; nonce: number }) {
  const first = useResource((signal) => webhooksApi.deliveries(hook.id, undefined, signal), [hook.id, nonce]);
  const [more, setMore] = useState<{ items: WebhookDelivery[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | undefined>(undefined);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const polls = useRef(0);

  useEffect(() => {
    polls.current = 0;
    setMore(null);
  }, [hook.id, nonce]);

  const firstItems = first.data?.items ?? [];
  const seen = new Set(firstItems.map((d) => d.id));
  const items = [...firstItems, ...(more?.items ?? []).filter((d) => !seen.has(d.id))];
  const next = more ? more.next : (first.data?.next ?? null);
  const unsettled = firstItems.some((d) => isUnsettled(d.state));

  useEffect(() => {
    if (!first.data || first.loading || !unsettled || polls.current >= POLL_LIMIT) return;
    const timer = window.setTimeout(() => {
      polls.current += 1;
      first.reload();
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [first.data, first.loading, unsettled, first.reload]);

  async function loadMore() {
    if (!next) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await webhooksApi.deliveries(hook.id, next);
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...page.items], next: page.next }));
    } catch (reason) {
      setMoreError(toApiError(reason));
    } finally {
      setLoadingMore(false);
    }
  }

  function toggle(deliveryId: string) {
    setOpen((prev) => {
      const nextSet = new Set(prev);
      if (nextSet.has(deliveryId)) nextSet.delete(deliveryId);
      else nextSet.add(deliveryId);
      return nextSet;
    });
  }

  return (
    <section id={id} className="delivery-log" aria-labelledby={`${id}-heading`}>
      <div className="delivery-log-head">
        <h3 id={`${id}-heading`}>Deliveries to {hook.name}</h3>
        <button type="button" className="button small ghost" onClick={first.reload} disabled={first.loading}>
          {first.loading && first.data ? 'Refreshing…' : 'Refresh'}
          <span className="visually-hidden"> the deliveries of {hook.name}</span>
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {first.data && !first.loading ? `${items.length} deliver${items.length === 1 ? 'y' : 'ies'} shown${unsettled ? ', some still in progress' : ''}.` : ''}
      </p>
      {first.loading && !first.data && <Loading />}
      {first.error && <LoadError error={first.error} onRetry={first.reload} />}
      {first.data && items.length === 0 && <Empty>Nothing sent yet. “Send test” sends a ping now.</Empty>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table delivery-table">
            <caption className="visually-hidden">Deliveries to {hook.name}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Response
                </th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num col-opt">
                  Attempts
                </th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {items.map((delivery) => {
                const last = delivery.log[delivery.log.length - 1];
                const status = delivery.lastStatus ?? last?.responseStatus ?? null;
                const state = STATE_INFO[delivery.state] ?? { tone: 'neutral' as const, label: delivery.state, hint: '' };
                const expanded = open.has(delivery.id);
                const detailsId = `delivery-${delivery.id}`;
                return (
                  <Fragment key={delivery.id}>
                    <tr>
                      <DisclosureCell expanded={expanded} detailsId={detailsId} onToggle={() => toggle(delivery.id)}>
                        Details of the {delivery.eventType} delivery
                      </DisclosureCell>
                      <td className="nowrap">
                        <Time value={delivery.createdAt} compact />
                      </td>
                      <td>
                        <code>{delivery.eventType}</code>
                      </td>
                      <td>
                        <span title={state.hint}>
                          <Chip tone={state.tone}>{state.label}</Chip>
                        </span>
                      </td>
                      <td className="num">{status ?? <span className="muted">—</span>}</td>
                      <td className="num nowrap">{last ? `${last.durationMs} ms` : <span className="muted">—</span>}</td>
                      <td className="num col-opt">
                        {delivery.attempts}/{delivery.maxAttempts}
                      </td>
                      <td className="delivery-error">
                        {delivery.lastError ? <span title={delivery.lastError}>{delivery.lastError}</span> : <span className="muted">—</span>}
                      </td>
                    </tr>
                    {expanded && (
                      <tr className="details-row" id={detailsId}>
                        <td colSpan={8}>
                          <DeliveryDetails delivery={delivery} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <FormAlert error={moreError} />
      {next && (
        <p>
          <button type="button" className="button small" onClick={() => void loadMore()} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load older deliveries'}
          </button>
        </p>
      )}
    </section>
  );
}

function DeliveryDetails({ delivery }: { delivery: WebhookDelivery }) {
  return (
    <div className="delivery-details">
      <dl className="properties compact">
        <div>
          <dt>Delivery</dt>
          <dd>
            <code>{delivery.id}</code> <span className="muted">(X-Cvdesk-Delivery)</span>
          </dd>
        </div>
        <div>
          <dt>Event</dt>
          <dd>
            <code>{delivery.eventId}</code>
          </dd>
        </div>
        <div>
          <dt>Delivered</dt>
          <dd>
            <Time value={delivery.deliveredAt} empty="not yet" />
          </dd>
        </div>
      </dl>
      {delivery.log.length === 0 ? (
        <p className="muted">No attempt yet.</p>
      ) : (
        <table className="table attempt-table">
          <caption>Attempts</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Started</th>
              <th scope="col" className="num">
                Status
              </th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col">Error or answer</th>
            </tr>
          </thead>
          <tbody>
            {delivery.log.map((attempt) => (
              <tr key={attempt.attempt}>
                <td className="num">{attempt.attempt}</td>
                <td className="nowrap">
                  <Time value={attempt.startedAt} compact />
                </td>
                <td className="num">{attempt.responseStatus ?? '—'}</td>
                <td className="num nowrap">{attempt.durationMs} ms</td>
                <td>
                  {attempt.error && <span className="error-text">{attempt.error}</span>}
                  {attempt.responseBody ? <pre className="attempt-body">{attempt.responseBody}</pre> : !attempt.error && <span className="muted">(empty)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>Payload sent</summary>
        <pre className="json">{JSON.stringify(delivery.payload, null, 2)}</pre>
      </details>
    </div>
  );
}
