import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { FormAlert, SelectField, TextField, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { ServerHtml } from '../../components/ReportChips';
import { Chip, CopyButton, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useSignedIn } from '../../app/session';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { vendorsApi } from '../vendors/api';
import { casesApi } from './api';
import { ContactLog } from './ContactLog';
import { stateTone } from './CasesPage';
import { CREDIT_KINDS, isOpenCase, POLICY_CHOICES, STATUSES, type CaseDetail, type Participant, type Vulnerability } from './types';
import './cases.css';

/** One case: what is due, vulnerabilities, participants and their statuses, notices, the contact log, decisions. */
export function CasePage() {
  const { id = '' } = useParams();
  const detail = useResource((signal) => casesApi.get(id, signal), [id]);
  const log = useResource((signal) => casesApi.log(id, signal), [id]);
  const notices = useResource((signal) => casesApi.notices(id, signal), [id]);
  const canWrite = can(useSignedIn().user.roles, 'cases.write');
  useTitle(detail.data?.title ?? 'Case');
  const reload = () => {
    detail.reload();
    log.reload();
    notices.reload();
  };
  if (detail.loading && !detail.data) return <Loading />;
  if (detail.error) return <LoadError error={detail.error} onRetry={detail.reload} />;
  const c = detail.data!;
  return (
    <>
      <PageHeader
        title={c.title}
        description={
          <>
            Case {c.ref} · <Chip tone={stateTone(c.state)}>{c.state}</Chip> · {c.policy.name} · owner {c.owner?.name || c.owner?.email}
            {c.embargo && (
              <>
                {' '}
                · embargo until {c.embargo.local.replace('T', ' ')} {c.embargo.zone} (UTC{c.embargo.offset})
              </>
            )}
          </>
        }
        actions={
          <Link className="button secondary" to="/cases">
            All cases
          </Link>
        }
      />
      <div className="case-layout">
        <div className="case-main">
          {c.summary.html && <ServerHtml html={c.summary.html} />}
          <NextActions c={c} />
          <Vulnerabilities c={c} canWrite={canWrite} onChange={reload} />
          <Participants c={c} canWrite={canWrite} onChange={reload} />
          <Statements c={c} canWrite={canWrite} onChange={reload} />
          <section className="card" aria-labelledby="log-title">
            <h2 id="log-title">Contact log</h2>
            {log.data ? <ContactLog caseId={c.id} entries={log.data.items} canDecrypt={canWrite} /> : <Loading />}
          </section>
        </div>
        <aside className="case-side">
          {canWrite && <Decision c={c} onChange={reload} />}
          {canWrite && <CaseSettings c={c} onChange={reload} />}
          {canWrite && <Transitions c={c} onChange={reload} />}
          <section className="card" aria-labelledby="notices-title">
            <h2 id="notices-title">Notices</h2>
            {notices.data?.items.length ? (
              <ul className="plain-list">
                {notices.data.items.map((n) => (
                  <li key={n.id}>
                    {n.kind} to {n.recipient} <Chip tone={n.status === 'sent' ? 'success' : n.status === 'failed' ? 'danger' : 'neutral'}>{n.status}</Chip> {n.encryptedTo ? <Chip tone="info">encrypted</Chip> : <Chip tone="warning">clear text</Chip>}{' '}
                    <Time value={n.createdAt} compact />
                    {n.error && <div className="muted">{n.error}</div>}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None sent yet.</p>
            )}
          </section>
          <section className="card">
            <h2>Decisions</h2>
            {c.decisions.length ? (
              <ul className="plain-list">
                {c.decisions.map((d) => (
                  <li key={d.id}>
                    <strong>{d.condition}</strong> by {d.decidedBy} <Time value={d.decidedAt} compact />
                    <div className="muted">{d.evidence}</div>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No disclosure decision yet.</p>
            )}
            {c.advisoryId && (
              <p>
                <Link to={`/manage/advisories/${c.advisoryId}`}>Draft advisory</Link>
              </p>
            )}
          </section>
          <Credits c={c} canWrite={canWrite} onChange={reload} />
        </aside>
      </div>
    </>
  );
}

/** Credits: only those with consent reach the advisory and CVE records. */
function Credits({ c, canWrite, onChange }: { c: CaseDetail; canWrite: boolean; onChange: () => void }) {
  const form = useSubmit();
  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    void form.run(() => casesApi.addCredit(c.id, { kind: String(data.get('kind') ?? ''), name: String(data.get('name') ?? ''), consentToName: data.get('consent') === 'on' }), () => {
      element.reset();
      onChange();
    });
  }
  return (
    <section className="card" aria-labelledby="credits-title">
      <h2 id="credits-title">Credits</h2>
      {c.credits.length ? (
        <ul className="plain-list">
          {c.credits.map((cr) => (
            <li key={cr.id} data-credit={cr.name}>
              {cr.name} ({cr.kind}) {cr.consentToName ? <Chip tone="success">may be named</Chip> : <Chip tone="warning">no consent</Chip>}{' '}
              {canWrite && (
                <button type="button" className="link-button" disabled={form.busy} onClick={() => void form.run(() => casesApi.setCreditConsent(c.id, cr.id, !cr.consentToName), onChange)}>
                  {cr.consentToName ? 'Withdraw consent' : 'Record consent'}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None.</p>
      )}
      {canWrite && (
        <form ref={form.formRef} className="form" onSubmit={add} noValidate aria-label="Add credit">
          <FormAlert error={form.error} fields={['/kind', '/name']} />
          <SelectField label="Credit kind" name="kind" defaultValue="individual">
            {CREDIT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </SelectField>
          <TextField label="Credited name" name="name" error={form.fieldError('name')} />
          <label className="checkbox">
            <input type="checkbox" name="consent" /> They agreed to be named
          </label>
          <button type="submit" className="button secondary" disabled={form.busy}>
            Add credit
          </button>
        </form>
      )}
    </section>
  );
}

function NextActions({ c }: { c: CaseDetail }) {
  const name = (id: string | null) => c.participants.find((p) => p.id === id)?.vendor.name;
  return (
    <section className="card" aria-labelledby="next-title">
      <h2 id="next-title">Next actions</h2>
      {c.next.dates.deadline && (
        <p>
          Disclosure deadline: <Time value={c.next.dates.deadline} /> ({c.next.dates.deadlineReason})
        </p>
      )}
      {c.next.actions.length ? (
        <ul className="next-actions">
          {c.next.actions.map((a, i) => (
            <li key={`${a.kind}-${a.participantId ?? ''}-${i}`} className={a.overdue ? 'overdue' : ''}>
              <Time value={a.due} compact /> {a.overdue && <Chip tone="danger">due</Chip>} {a.text}
              {a.participantId && name(a.participantId) ? <span className="muted"> ({name(a.participantId)})</span> : null}
              {a.condition && <span className="muted"> · condition: {a.condition}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Nothing due.</p>
      )}
    </section>
  );
}

function Vulnerabilities({ c, canWrite, onChange }: { c: CaseDetail; canWrite: boolean; onChange: () => void }) {
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="vulns-title">
      <h2 id="vulns-title">Vulnerabilities</h2>
      {c.vulnerabilities.map((v) =>
        editing === v.id ? (
          <VulnerabilityForm
            key={v.id}
            label={`Edit ${v.title}`}
            initial={v}
            save={(body) => casesApi.updateVulnerability(c.id, v.id, body)}
            onDone={() => {
              setEditing(null);
              onChange();
            }}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <article key={v.id} className="case-vulnerability" aria-label={v.title}>
            <h3>{v.title}</h3>
            <p className="muted">
              {v.product}
              {v.versions.length ? ` · ${v.versions.join(', ')}` : ''}
              {v.cwe ? ` · CWE-${v.cwe}` : ''}
              {v.cvssVectors.map((vector) => ` · ${vector}`)}
              {v.candidateId && (
                <>
                  {' '}
                  · <Link to={`/findings/candidates/${v.candidateId}`}>finding candidate</Link>
                </>
              )}
            </p>
            {v.summary.html && <ServerHtml html={v.summary.html} />}
            {canWrite && (
              <button type="button" className="link-button" onClick={() => setEditing(v.id)}>
                Edit vulnerability
              </button>
            )}
          </article>
        ),
      )}
      {canWrite && !adding && (
        <button type="button" className="button secondary" onClick={() => setAdding(true)}>
          Add vulnerability
        </button>
      )}
      {adding && (
        <VulnerabilityForm
          label="Add vulnerability"
          save={(body) => casesApi.addVulnerability(c.id, body)}
          onDone={() => {
            setAdding(false);
            onChange();
          }}
          onCancel={() => setAdding(false)}
        />
      )}
    </section>
  );
}

/** Adds a vulnerability, or edits one (every field is sent: an emptied CWE is cleared). */
function VulnerabilityForm({ label, initial, save, onDone, onCancel }: { label: string; initial?: Vulnerability; save: (body: Record<string, unknown>) => Promise<unknown>; onDone: () => void; onCancel: () => void }) {
  const form = useSubmit();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const cwe = String(data.get('cwe') ?? '').replace(/^CWE-/i, '').trim();
    const cvssVectors = String(data.get('cvss') ?? '').split(/[\s,]+/).filter(Boolean);
    const versions = String(data.get('versions') ?? '').split(',').map((v) => v.trim()).filter(Boolean);
    const body: Record<string, unknown> = { title: String(data.get('title') ?? ''), product: String(data.get('product') ?? ''), summary: String(data.get('summary') ?? ''), versions, cvssVectors };
    if (cwe) body.cwe = /^\d+$/.test(cwe) ? Number(cwe) : cwe;
    else if (initial) body.cwe = null;
    void form.run(() => save(body), onDone);
  }
  return (
    <form ref={form.formRef} className="form" onSubmit={submit} noValidate aria-label={label}>
      <FormAlert error={form.error} fields={['/title', '/product', '/versions', '/cwe', '/cvssVectors', '/summary']} />
      <TextField label="Vulnerability title" name="title" defaultValue={initial?.title} error={form.fieldError('title')} />
      <TextField label="Product" name="product" defaultValue={initial?.product} error={form.fieldError('product')} />
      <TextField label="Affected versions" name="versions" optional defaultValue={initial?.versions.join(', ')} hint="Comma-separated, e.g. < 2.4.1" error={form.fieldError('versions')} />
      <TextField label="CWE" name="cwe" optional defaultValue={initial?.cwe ? String(initial.cwe) : ''} hint="e.g. 89" error={form.fieldError('cwe')} />
      <TextField label="CVSS vectors" name="cvss" optional defaultValue={initial?.cvssVectors.join(' ')} hint="At most one per CVSS version, separated by spaces" error={form.fieldError('cvssVectors')} />
      <TextAreaField label="Vulnerability summary" name="summary" optional defaultValue={initial?.summary.markdown} hint="Markdown" error={form.fieldError('summary')} />
      <div className="button-row">
        <button type="submit" className="button" disabled={form.busy}>
          {initial ? 'Save vulnerability' : 'Add'}
        </button>{' '}
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Participants({ c, canWrite, onChange }: { c: CaseDetail; canWrite: boolean; onChange: () => void }) {
  const vendors = useResource((signal) => (canWrite ? vendorsApi.list({ limit: 200 }, signal) : Promise.resolve({ items: [], total: 0 })), [canWrite]);
  const form = useSubmit();
  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const vendorId = String(new FormData(event.currentTarget).get('vendorId') ?? '');
    void form.run(() => casesApi.addParticipant(c.id, { vendorId }), onChange);
  }
  const present = new Set(c.participants.map((p) => p.vendor.id));
  return (
    <section className="card" aria-labelledby="participants-title">
      <h2 id="participants-title">Participants</h2>
      {c.participants.length === 0 && <p className="muted">No vendor or coordinator yet.</p>}
      {c.participants.length > 0 && (
        <table className="table case-status-table">
          <caption className="visually-hidden">Statuses per participant and vulnerability</caption>
          <thead>
            <tr>
              <th>Participant</th>
              {c.vulnerabilities.map((v) => (
                <th key={v.id}>{v.title}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.participants.map((p) => (
              <tr key={p.id} data-participant={p.vendor.name}>
                <th scope="row">
                  {p.vendor.name} <Chip tone="neutral">{p.role}</Chip>{' '}
                  {p.acknowledgedAt ? <Chip tone="success">acknowledged</Chip> : p.noticeCount ? <Chip tone="warning">not acknowledged</Chip> : <Chip tone="neutral">not notified</Chip>}
                  <div className="muted">
                    {p.contact ? p.contact.value : 'no mail contact'} · {p.encryptedTo ? `key …${p.encryptedTo.slice(-16)}` : 'no key'} · {p.noticeCount} notice{p.noticeCount === 1 ? '' : 's'}
                  </div>
                </th>
                {c.vulnerabilities.map((v) => {
                  const status = p.statuses.find((s) => s.vulnerabilityId === v.id);
                  if (!status) return <td key={v.id} className="muted">not shared</td>;
                  return (
                    <td key={v.id}>
                      {canWrite ? (
                        <select
                          aria-label={`Status of ${p.vendor.name} for ${v.title}`}
                          value={status.status}
                          onChange={(e) => void casesApi.setStatus(c.id, p.id, v.id, e.target.value).then(onChange, onChange)}
                        >
                          {STATUSES.map((s) => (
                            <option key={s} value={s}>
                              {s.replace('_', ' ')}
                            </option>
                          ))}
                        </select>
                      ) : (
                        status.status.replace('_', ' ')
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && c.participants.map((p) => <ParticipantActions key={p.id} c={c} p={p} coordinators={(vendors.data?.items ?? []).filter((v) => v.kind === 'coordinator')} onChange={onChange} />)}
      {canWrite && (
        <form ref={form.formRef} className="case-inline-form" onSubmit={add} aria-label="Add participant">
          <FormAlert error={form.error} fields={['/vendorId']} />
          <SelectField label="Add a vendor or coordinator" name="vendorId" defaultValue="">
            <option value="">Choose…</option>
            {(vendors.data?.items ?? [])
              .filter((v) => !present.has(v.id))
              .map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                  {v.kind === 'coordinator' ? ' (coordinator)' : ''}
                </option>
              ))}
          </SelectField>
          <button type="submit" className="button secondary" disabled={form.busy}>
            Add participant
          </button>
        </form>
      )}
    </section>
  );
}

function ParticipantActions({ c, p, coordinators, onChange }: { c: CaseDetail; p: Participant; coordinators: { id: string; name: string }[]; onChange: () => void }) {
  const form = useSubmit();
  const [link, setLink] = useState<string | null>(null);
  const [coordinator, setCoordinator] = useState('');
  const [handOver, setHandOver] = useState<{ channel: { kind: string; value: string } | null; text: string } | null>(null);
  const open = isOpenCase(c.state);
  return (
    <div className="participant-actions" aria-label={`Actions for ${p.vendor.name}`} role="group">
      <strong>{p.vendor.name}:</strong>{' '}
      {open && (
        <button type="button" className="button small" disabled={form.busy} onClick={() => void form.run(() => casesApi.sendNotice(c.id, p.id), onChange)}>
          {p.noticeCount === 0 ? 'Send notice' : p.acknowledgedAt ? 'Send update' : 'Send follow-up'}
        </button>
      )}{' '}
      {!p.acknowledgedAt && open && (
        <button type="button" className="button small secondary" disabled={form.busy} onClick={() => void form.run(() => casesApi.acknowledge(c.id, p.id), onChange)}>
          Mark acknowledged
        </button>
      )}{' '}
      <button type="button" className="button small secondary" disabled={form.busy} onClick={() => void form.run(() => casesApi.portalLink(c.id, p.id), (r) => setLink(r.url))}>
        Portal link
      </button>{' '}
      {p.mailContacts.length > 0 && (
        <select
          aria-label={`Mail contact for ${p.vendor.name}`}
          value={p.contact?.chosen ? p.contact.id : ''}
          disabled={form.busy}
          onChange={(e) => void form.run(() => casesApi.updateParticipant(c.id, p.id, { contactId: e.target.value || null }), onChange)}
        >
          <option value="">Preferred contact{p.contact && !p.contact.chosen ? ` (${p.contact.value})` : ''}</option>
          {p.mailContacts.map((m) => (
            <option key={m.id} value={m.id}>
              {m.value}
              {m.status === 'bounced' ? ' (bounced)' : ''}
            </option>
          ))}
        </select>
      )}
      {p.role === 'vendor' && open && coordinators.length > 0 && (
        <span className="escalate">
          <select aria-label={`Coordinator to escalate ${p.vendor.name} to`} value={coordinator} onChange={(e) => setCoordinator(e.target.value)}>
            <option value="">Escalate to…</option>
            {coordinators.map((co) => (
              <option key={co.id} value={co.id}>
                {co.name}
              </option>
            ))}
          </select>
          <button type="button" className="button small secondary" disabled={!coordinator || form.busy} onClick={() => void form.run(() => casesApi.escalate(c.id, p.id, coordinator), (r) => {
              setHandOver(r.handOver);
              onChange();
            })}>
            Escalate
          </button>
        </span>
      )}
      {handOver && (
        <div className="hand-over">
          <p>
            This coordinator takes reports {handOver.channel ? <>at <a href={handOver.channel.value} rel="noreferrer noopener" target="_blank">{handOver.channel.value}</a></> : 'by hand'}: submit this package there (shown once; it holds a portal link).
          </p>
          <pre className="case-log-body">{handOver.text}</pre>
          <CopyButton text={handOver.text} />
        </div>
      )}
      {link && (
        <p className="portal-link">
          <code>{link}</code> <CopyButton text={link} />
        </p>
      )}
      <FormAlert error={form.error} />
    </div>
  );
}

function Statements({ c, canWrite, onChange }: { c: CaseDetail; canWrite: boolean; onChange: () => void }) {
  const form = useSubmit();
  const author = (id: string | null) => (id ? c.participants.find((p) => p.id === id)?.vendor.name ?? 'participant' : 'us');
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    void form.run(() => casesApi.statement(c.id, String(data.get('body') ?? ''), data.get('shared') === 'on'), () => {
      element.reset();
      onChange();
    });
  }
  return (
    <section className="card" aria-labelledby="statements-title">
      <h2 id="statements-title">Statements</h2>
      {c.statements.map((s) => (
        <article key={s.id} className="case-statement">
          <p className="muted">
            {author(s.participantId)} · <Time value={s.createdAt} compact /> · {s.shared ? 'shared with every participant' : 'not shared'}{' '}
            {canWrite && (
              <button type="button" className="link-button" onClick={() => void casesApi.shareStatement(c.id, s.id, !s.shared).then(onChange, onChange)}>
                {s.shared ? 'Stop sharing' : 'Share with all'}
              </button>
            )}
          </p>
          <ServerHtml html={s.body.html} />
        </article>
      ))}
      {canWrite && (
        <form ref={form.formRef} className="form" onSubmit={submit} noValidate aria-label="Add statement">
          <FormAlert error={form.error} fields={['/body']} />
          <TextAreaField label="Our statement" name="body" hint="Markdown" />
          <label className="checkbox">
            <input type="checkbox" name="shared" /> Share with every participant
          </label>
          <button type="submit" className="button secondary" disabled={form.busy}>
            Add statement
          </button>
        </form>
      )}
    </section>
  );
}

function Decision({ c, onChange }: { c: CaseDetail; onChange: () => void }) {
  const form = useSubmit();
  if (!isOpenCase(c.state)) return null;
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void form.run(() => casesApi.decide(c.id, { condition: String(data.get('condition') ?? ''), evidence: String(data.get('evidence') ?? '') }), onChange);
  }
  return (
    <form ref={form.formRef} className="card form" onSubmit={submit} noValidate aria-label="Record a disclosure decision">
      <h2>Record a disclosure decision</h2>
      <FormAlert error={form.error} fields={['/condition', '/evidence']} />
      <SelectField label="Condition" name="condition" defaultValue={c.policy.conditions[0]}>
        {c.policy.conditions.map((condition) => (
          <option key={condition} value={condition}>
            {condition.replace(/_/g, ' ')}
          </option>
        ))}
      </SelectField>
      <TextAreaField label="Evidence" name="evidence" hint="What shows the condition holds" error={form.fieldError('evidence')} />
      <button type="submit" className="button" disabled={form.busy}>
        Record decision
      </button>
    </form>
  );
}

function Transitions({ c, onChange }: { c: CaseDetail; onChange: () => void }) {
  const form = useSubmit();
  const targets = c.allowedTransitions.filter((s) => s !== 'notifying');
  const pending = c.extensions.filter((e) => e.state === 'pending');
  if (targets.length === 0 && pending.length === 0) return null;
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void form.run(() => casesApi.transition(c.id, String(data.get('to')) as CaseDetail['state'], String(data.get('reason') ?? '')), onChange);
  }
  return (
    <section className="card">
      {pending.map((e) => (
        <div key={e.id} className="extension-request">
          <p>
            {c.participants.find((p) => p.id === e.participantId)?.vendor.name} asks for more time until <Time value={e.requestedUntil} />: {e.reason}
          </p>
          <button type="button" className="button small" onClick={() => void form.run(() => casesApi.decideExtension(c.id, e.id, true), onChange)}>
            Accept
          </button>{' '}
          <button type="button" className="button small secondary" onClick={() => void form.run(() => casesApi.decideExtension(c.id, e.id, false), onChange)}>
            Decline
          </button>
        </div>
      ))}
      {targets.length > 0 && (
        <form ref={form.formRef} className="form" onSubmit={submit} noValidate aria-label="Change state">
          <h2>Change state</h2>
          <SelectField label="Move to" name="to" defaultValue={targets[0]}>
            {targets.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
          <TextField label="Reason" name="reason" optional />
          <button type="submit" className="button secondary" disabled={form.busy}>
            Change state
          </button>
        </form>
      )}
      <FormAlert error={form.error} fields={['/reason']} />
    </section>
  );
}

function CaseSettings({ c, onChange }: { c: CaseDetail; onChange: () => void }) {
  const form = useSubmit();
  const [done, setDone] = useState(false);
  const zone = c.embargo?.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const date = String(data.get('embargoDate') ?? '');
    const time = String(data.get('embargoTime') ?? '');
    const exploited = String(data.get('exploited') ?? '');
    setDone(false);
    void form.run(
      () =>
        casesApi.update(c.id, {
          policy: String(data.get('policy')),
          embargo: date ? { date, time: time || '00:00', zone: String(data.get('embargoZone') ?? 'UTC') } : null,
          exploitedAt: exploited ? new Date(`${exploited}T00:00:00Z`).toISOString() : null,
        }),
      () => {
        setDone(true);
        onChange();
      },
    );
  }
  return (
    <form ref={form.formRef} className="card form" onSubmit={submit} noValidate aria-label="Case settings">
      <h2>Policy and embargo</h2>
      <FormAlert error={form.error} fields={['/policy', '/embargo/date', '/embargo/time', '/embargo/zone', '/exploitedAt']} />
      <SelectField label="Disclosure policy" name="policy" defaultValue={c.policy.key}>
        {POLICY_CHOICES.map((p) => (
          <option key={p.key} value={p.key}>
            {p.label}
          </option>
        ))}
      </SelectField>
      <TextField label="Embargo ends on" name="embargoDate" type="date" optional defaultValue={c.embargo?.local.slice(0, 10) ?? ''} error={form.fieldError('embargo/date')} />
      <TextField label="at (local time)" name="embargoTime" type="time" optional defaultValue={c.embargo?.local.slice(11, 16) ?? '10:00'} error={form.fieldError('embargo/time')} />
      <TextField label="Time zone" name="embargoZone" optional defaultValue={zone} hint="IANA name, e.g. Europe/Amsterdam" error={form.fieldError('embargo/zone')} />
      <TextField label="Exploited in the wild since" name="exploited" type="date" optional defaultValue={c.exploitedAt?.slice(0, 10) ?? ''} />
      <button type="submit" className="button secondary" disabled={form.busy}>
        Save
      </button>
      {done && <p className="muted">Saved.</p>}
    </form>
  );
}
