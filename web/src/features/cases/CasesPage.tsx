import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { FormAlert, SelectField, TextField, useSubmit } from '../../components/forms';
import { Chip, CopyButton, Empty, LoadError, Loading, PageHeader } from '../../components/ui';
import { useSignedIn } from '../../app/session';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { casesApi } from './api';
import { CASE_STATES, POLICY_CHOICES } from './types';
import './cases.css';

export const stateTone = (state: string) => (state === 'disclosed' ? 'success' : state === 'closed' ? 'neutral' : state === 'draft' ? 'warning' : 'info');

const AGES = [
  { key: '', label: 'Any age' },
  { key: '0-7', label: 'Under 7 days' },
  { key: '7-30', label: '7–30 days' },
  { key: '30-90', label: '30–90 days' },
  { key: '90-', label: 'Over 90 days' },
];

/** Outbound cases: filter by state and age, open a new one, get the deadlines calendar link. */
export function CasesPage() {
  useTitle('Cases');
  const [params, setParams] = useSearchParams();
  const state = params.get('state') ?? 'open';
  const age = params.get('age') ?? '';
  const [min, max] = age.split('-');
  const list = useResource(
    (signal) => casesApi.list({ ...(state ? { state } : {}), ...(min ? { minAgeDays: Number(min) } : {}), ...(max ? { maxAgeDays: Number(max) } : {}), limit: 200 }, signal),
    [state, age],
  );
  const canWrite = can(useSignedIn().user.roles, 'cases.write');
  const [creating, setCreating] = useState(false);

  function filter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    next.set('state', String(data.get('state') ?? ''));
    if (data.get('age')) next.set('age', String(data.get('age')));
    setParams(next);
  }

  return (
    <>
      <PageHeader
        title="Cases"
        description="Outbound coordinated disclosure: vulnerabilities, the vendors and coordinators told, their answers, and what is due next."
        actions={
          <>
            <Link className="button secondary" to="/cases/dashboard">
              Dashboard
            </Link>
            {canWrite && (
              <button type="button" className="button" onClick={() => setCreating((v) => !v)}>
                {creating ? 'Cancel' : 'New case'}
              </button>
            )}
          </>
        }
      />
      {creating && <CreateCase />}
      <form className="case-filters" onSubmit={filter} role="search">
        <SelectField label="State" name="state" defaultValue={state}>
          <option value="open">Open (draft, notifying, coordinating)</option>
          <option value="">All</option>
          {CASE_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
        <SelectField label="Age" name="age" defaultValue={age}>
          {AGES.map((a) => (
            <option key={a.key} value={a.key}>
              {a.label}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.data && list.data.items.length === 0 ? (
        <Empty>No case matches.</Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Cases</caption>
          <thead>
            <tr>
              <th>Case</th>
              <th>State</th>
              <th>Age</th>
              <th>Vulnerabilities</th>
              <th>Acknowledged</th>
              <th>Owner</th>
              <th>Embargo</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/cases/${c.id}`}>{c.title}</Link>
                </td>
                <td>
                  <Chip tone={stateTone(c.state)}>{c.state}</Chip>
                </td>
                <td>{c.ageDays} d</td>
                <td>{c.vulnerabilities}</td>
                <td>
                  {c.acknowledged} / {c.participants}
                </td>
                <td>{c.owner?.name || c.owner?.email || '—'}</td>
                <td>{c.embargo ? `${c.embargo.local.replace('T', ' ')} ${c.embargo.zone}` : <span className="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CalendarLink />
    </>
  );
}

function CreateCase() {
  const form = useSubmit();
  const navigate = useNavigate();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const projectKey = String(data.get('projectKey') ?? '').trim();
    const policy = String(data.get('policy') ?? 'organisation_default');
    const title = String(data.get('title') ?? '').trim();
    void form.run(
      () => (projectKey ? casesApi.createFromDraftGroup({ projectKey, policy, ...(title ? { title } : {}) }) : casesApi.create({ title, policy, summary: String(data.get('summary') ?? '') })),
      (created) => navigate(`/cases/${created.id}`),
    );
  }
  return (
    <form ref={form.formRef} className="card form" onSubmit={submit} noValidate aria-label="New case">
      <h2>New case</h2>
      <FormAlert error={form.error} fields={['/title', '/summary', '/policy', '/projectKey']} />
      <TextField label="Title" name="title" error={form.fieldError('title')} hint="Required unless made from a draft group" />
      <TextField label="Summary" name="summary" optional error={form.fieldError('summary')} />
      <SelectField label="Disclosure policy" name="policy" defaultValue="organisation_default">
        {POLICY_CHOICES.map((p) => (
          <option key={p.key} value={p.key}>
            {p.label}
          </option>
        ))}
      </SelectField>
      <TextField label="From draft group (project key)" name="projectKey" optional hint="Approved finding candidates of this project become the vulnerabilities" error={form.fieldError('projectKey')} />
      <button type="submit" className="button" disabled={form.busy}>
        Create case
      </button>
    </form>
  );
}

function CalendarLink() {
  const form = useSubmit();
  const [url, setUrl] = useState<string | null>(null);
  return (
    <section className="card">
      <h2>Deadlines calendar</h2>
      <p className="muted">An iCalendar feed of the due dates of the cases you own. Making a new link revokes the old one.</p>
      <FormAlert error={form.error} />
      {url ? (
        <p className="calendar-url">
          <code>{url}</code> <CopyButton text={url} />
        </p>
      ) : (
        <button type="button" className="button secondary" disabled={form.busy} onClick={() => void form.run(() => casesApi.calendarToken(), (r) => setUrl(r.url))}>
          Make calendar link
        </button>
      )}
    </section>
  );
}

