import { useId, useState, type FormEvent } from 'react';
import { FormAlert, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { Empty, LoadError, Loading, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { programsApi } from '../reports/api';
import type { Program } from '../reports/types';

/** Who may see an invite-only programme: invite by address, withdraw an invitation. */
export function MembersPanel({ program }: { program: Program }) {
  const ids = useId();
  const members = useResource((signal) => programsApi.members(program.slug, signal), [program.slug]);
  const form = useSubmit();
  const [email, setEmail] = useState('');
  const [status, setStatus] = useState('');

  function invite(event: FormEvent) {
    event.preventDefault();
    setStatus('');
    if (!email.trim()) return form.setError(localInvalid('email', 'enter the address the person signed up with'));
    void form.run(
      () => programsApi.invite(program.slug, email.trim()),
      (member) => {
        setEmail('');
        setStatus(`${member.email} is invited and was mailed the link.`);
        members.reload();
      },
    );
  }

  function remove(userId: string, address: string) {
    setStatus('');
    void form.run(
      () => programsApi.removeMember(program.slug, userId),
      () => {
        setStatus(`The invitation of ${address} is withdrawn.`);
        members.reload();
      },
    );
  }

  return (
    <section className="panel form-section" aria-labelledby={`${ids}-members`}>
      <h2 id={`${ids}-members`}>Members</h2>
      <p className="hint">
        {program.visibility === 'invite_only'
          ? 'Only staff and these accounts can see this programme and report to it.'
          : 'The programme is public, so invitations matter only if you make it invite-only.'}
      </p>
      {status && <StatusMessage>{status}</StatusMessage>}
      <form ref={form.formRef} onSubmit={invite} noValidate className="inline-form">
        <FormAlert error={form.error} fields={['email']} />
        <TextField label="Invite by email" name="email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={form.fieldError('email')} />
        <button type="submit" className="button" disabled={form.busy}>
          Invite
        </button>
      </form>
      {members.error ? (
        <LoadError error={members.error} onRetry={members.reload} />
      ) : members.loading && !members.data ? (
        <Loading />
      ) : members.data?.items.length ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Invited accounts</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Invited</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((m) => (
                <tr key={m.userId}>
                  <td>
                    {m.name} <span className="muted">{m.email}</span>
                  </td>
                  <td>
                    <Time value={m.addedAt} />
                  </td>
                  <td>
                    <button type="button" className="button ghost small" disabled={form.busy} onClick={() => remove(m.userId, m.email)} aria-label={`Withdraw the invitation of ${m.email}`}>
                      Withdraw
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty>Nobody is invited yet.</Empty>
      )}
    </section>
  );
}

/** The programme's optional cap on reports from low-reputation reporters. */
export function SubmissionLimitPanel({ program }: { program: Program }) {
  const ids = useId();
  const limit = useResource((signal) => programsApi.submissionLimit(program.slug, signal), [program.slug]);
  const form = useSubmit();
  const [draft, setDraft] = useState<{ reputationBelow: string; maxReports: string } | null>(null);
  const [status, setStatus] = useState('');
  const current = limit.data?.limit ?? null;
  const values = draft ?? { reputationBelow: current ? String(current.reputationBelow) : '0', maxReports: current ? String(current.maxReports) : '3' };

  function save(event: FormEvent) {
    event.preventDefault();
    setStatus('');
    const reputationBelow = Number.parseInt(values.reputationBelow, 10);
    const maxReports = Number.parseInt(values.maxReports, 10);
    if (!Number.isInteger(reputationBelow)) return form.setError(localInvalid('reputationBelow', 'must be a whole number of points'));
    if (!Number.isInteger(maxReports) || maxReports < 0) return form.setError(localInvalid('maxReports', 'must be a whole number, 0 or more'));
    void form.run(
      () => programsApi.setSubmissionLimit(program.slug, { reputationBelow, maxReports }),
      (saved) => {
        setDraft(null);
        limit.setData(saved);
        setStatus('The limit is saved.');
      },
    );
  }

  function clear() {
    setStatus('');
    void form.run(
      () => programsApi.clearSubmissionLimit(program.slug),
      () => {
        setDraft(null);
        limit.setData({ limit: null });
        setStatus('Reports are no longer limited.');
      },
    );
  }

  if (limit.error) return <LoadError error={limit.error} onRetry={limit.reload} />;
  if (!limit.data) return <Loading />;
  return (
    <section className="panel form-section" aria-labelledby={`${ids}-limit`}>
      <h2 id={`${ids}-limit`}>Limit for low-signal reporters</h2>
      <p className="hint">
        {current
          ? `Now: reporters with fewer than ${current.reputationBelow} reputation points may file ${current.maxReports} report${current.maxReports === 1 ? '' : 's'} per ${current.windowDays} days.`
          : 'Now: no limit. Reporters with low reputation (many spam or not-applicable reports) can be held to a few reports per month.'}
      </p>
      {status && <StatusMessage>{status}</StatusMessage>}
      <form ref={form.formRef} onSubmit={save} noValidate className="inline-form">
        <FormAlert error={form.error} fields={['reputationBelow', 'maxReports']} />
        <TextField label="Reputation below" name="reputationBelow" type="number" className="short" value={values.reputationBelow} onChange={(e) => setDraft({ ...values, reputationBelow: e.target.value })} error={form.fieldError('reputationBelow')} />
        <TextField label="Reports allowed" name="maxReports" type="number" min={0} className="short" value={values.maxReports} onChange={(e) => setDraft({ ...values, maxReports: e.target.value })} error={form.fieldError('maxReports')} />
        <button type="submit" className="button" disabled={form.busy}>
          Save limit
        </button>
        {current && (
          <button type="button" className="button ghost" disabled={form.busy} onClick={clear}>
            Remove limit
          </button>
        )}
      </form>
    </section>
  );
}
