import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { FormAlert, TextField, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { ServerHtml } from '../../components/ReportChips';
import { Chip, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { portalApi, type PortalView } from './api';
import '../cases/cases.css';

const STORAGE = 'cvdesk.portal-token';
const LABELS: Record<string, string> = { unknown: 'Not said yet', affected: 'Affected', not_affected: 'Not affected', fixed: 'Fixed', no_response: 'No response recorded' };

/**
 * The vendor portal, reached by the link in a notice: `/portal/<token>`. The token is moved out of
 * the address bar at once (kept for this tab only) and sent in a header from then on.
 */
export function PortalPage() {
  useTitle('Vulnerability report');
  const { token: fromLink } = useParams();
  const navigate = useNavigate();
  const [token] = useState(() => {
    if (fromLink) sessionStorage.setItem(STORAGE, fromLink);
    return fromLink ?? sessionStorage.getItem(STORAGE) ?? '';
  });
  useEffect(() => {
    if (fromLink) navigate('/portal', { replace: true });
  }, [fromLink, navigate]);
  const view = useResource((signal) => portalApi.view(token, signal), [token]);
  if (!token) return <p className="card">Open the link from the message you received.</p>;
  if (view.loading && !view.data) return <Loading />;
  if (view.error) return <LoadError error={view.error} onRetry={view.reload} />;
  const v = view.data!;
  return (
    <>
      <PageHeader title={v.case.title} description={`Case ${v.case.ref} from ${v.case.organisation}, for ${v.participant.name}. Please keep it confidential until it is published.`} />
      {v.case.embargo && (
        <p className="card">
          Embargo until <strong>{v.case.embargo.local.replace('T', ' ')}</strong> {v.case.embargo.zone} (UTC{v.case.embargo.offset}).
        </p>
      )}
      {v.case.summary.html && <ServerHtml html={v.case.summary.html} />}
      <Acknowledge token={token} view={v} onChange={view.reload} />
      <section className="card" aria-labelledby="portal-vulns">
        <h2 id="portal-vulns">Vulnerabilities</h2>
        {v.vulnerabilities.map((vuln) => (
          <article key={vuln.id} className="case-vulnerability" aria-label={vuln.title}>
            <h3>{vuln.title}</h3>
            <p className="muted">
              {vuln.product}
              {vuln.versions.length ? ` · ${vuln.versions.join(', ')}` : ''}
              {vuln.cwe ? ` · CWE-${vuln.cwe}` : ''}
              {vuln.cvssVectors.map((vector) => ` · ${vector}`)}
            </p>
            <ServerHtml html={vuln.summary.html} />
            <StatusPicker token={token} vulnerability={vuln} onChange={view.reload} />
          </article>
        ))}
      </section>
      <Statements token={token} view={v} onChange={view.reload} />
      <Messages token={token} view={v} onChange={view.reload} />
      <MoreTime token={token} view={v} onChange={view.reload} />
    </>
  );
}

function Acknowledge({ token, view, onChange }: { token: string; view: PortalView; onChange: () => void }) {
  const form = useSubmit();
  if (view.participant.acknowledgedAt)
    return (
      <p className="card">
        <Chip tone="success">Acknowledged</Chip> on <Time value={view.participant.acknowledgedAt} />. Thank you.
      </p>
    );
  return (
    <section className="card">
      <p>Please confirm you received this report.</p>
      <FormAlert error={form.error} />
      <button type="button" className="button" disabled={form.busy} onClick={() => void form.run(() => portalApi.acknowledge(token), onChange)}>
        Acknowledge receipt
      </button>
    </section>
  );
}

function StatusPicker({ token, vulnerability, onChange }: { token: string; vulnerability: PortalView['vulnerabilities'][number]; onChange: () => void }) {
  const form = useSubmit();
  return (
    <div className="portal-status">
      <span>
        Your status: <strong>{LABELS[vulnerability.status] ?? vulnerability.status}</strong>
      </span>
      {(['affected', 'not_affected', 'fixed'] as const).map((status) => (
        <button key={status} type="button" className="button small secondary" aria-pressed={vulnerability.status === status} disabled={form.busy} onClick={() => void form.run(() => portalApi.setStatus(token, vulnerability.id, status), onChange)}>
          {LABELS[status]}
        </button>
      ))}
      <FormAlert error={form.error} />
    </div>
  );
}

function Statements({ token, view, onChange }: { token: string; view: PortalView; onChange: () => void }) {
  const form = useSubmit();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const body = String(new FormData(element).get('body') ?? '');
    void form.run(() => portalApi.statement(token, body), () => {
      element.reset();
      onChange();
    });
  }
  return (
    <section className="card" aria-labelledby="portal-statements">
      <h2 id="portal-statements">Statements</h2>
      {view.statements.map((s) => (
        <article key={s.id} className="case-statement">
          <p className="muted">
            {s.own ? 'Yours' : `From ${s.from}, shared with every participant`} · <Time value={s.createdAt} compact />
          </p>
          <ServerHtml html={s.body.html} />
        </article>
      ))}
      <form ref={form.formRef} className="form" onSubmit={submit} noValidate aria-label="Post a statement">
        <FormAlert error={form.error} fields={['/body']} />
        <TextAreaField label="Your statement" name="body" hint="Markdown. For the coordinators; they may share it with the other participants." maxLength={20000} />
        <button type="submit" className="button secondary" disabled={form.busy}>
          Post statement
        </button>
      </form>
    </section>
  );
}

function Messages({ token, view, onChange }: { token: string; view: PortalView; onChange: () => void }) {
  const form = useSubmit();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const text = String(new FormData(element).get('text') ?? '');
    void form.run(() => portalApi.message(token, text), () => {
      element.reset();
      onChange();
    });
  }
  return (
    <section className="card" aria-labelledby="portal-messages">
      <h2 id="portal-messages">Messages</h2>
      <ol className="case-log">
        {view.messages.map((m) => (
          <li key={m.id}>
            <Time value={m.at} compact /> <Chip tone={m.from === 'you' ? 'info' : 'neutral'}>{m.from}</Chip> {m.summary}
            {m.body && <pre className="case-log-body">{m.body}</pre>}
          </li>
        ))}
      </ol>
      <form ref={form.formRef} className="form" onSubmit={submit} noValidate aria-label="Ask a question">
        <FormAlert error={form.error} fields={['/text']} />
        <TextAreaField label="Question or message" name="text" maxLength={20000} />
        <button type="submit" className="button secondary" disabled={form.busy}>
          Send
        </button>
      </form>
    </section>
  );
}

function MoreTime({ token, view, onChange }: { token: string; view: PortalView; onChange: () => void }) {
  const form = useSubmit();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const date = String(data.get('until') ?? '');
    void form.run(() => portalApi.extension(token, date ? new Date(`${date}T12:00:00Z`).toISOString() : '', String(data.get('reason') ?? '')), onChange);
  }
  return (
    <section className="card" aria-labelledby="portal-time">
      <h2 id="portal-time">More time</h2>
      {view.extensions.map((e) => (
        <p key={e.id}>
          Until <Time value={e.requestedUntil} />: <Chip tone={e.state === 'accepted' ? 'success' : e.state === 'declined' ? 'danger' : 'neutral'}>{e.state}</Chip> {e.note}
        </p>
      ))}
      <form ref={form.formRef} className="form" onSubmit={submit} noValidate aria-label="Ask for more time">
        <FormAlert error={form.error} fields={['/until', '/reason']} />
        <TextField label="Until" name="until" type="date" />
        <TextAreaField label="Why" name="reason" maxLength={2000} />
        <button type="submit" className="button secondary" disabled={form.busy}>
          Ask for more time
        </button>
      </form>
    </section>
  );
}
