import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSignedIn } from '../../app/session';
import { FormAlert, SelectField, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { Chip, Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { advisoriesApi } from './api';

/**
 * Staff's list of advisories, drafts and published; start a draft (blank or from a resolved
 * report); leads sign the published CSAF documents. The public reads /advisories (server-rendered).
 */
export function AdvisoriesPage() {
  useTitle('Advisories');
  const { user } = useSignedIn();
  const [state, setState] = useState('all');
  const list = useResource((signal) => advisoriesApi.list({ state }, signal), [state]);
  const navigate = useNavigate();
  const create = useSubmit();
  const [fromReport, setFromReport] = useState('');
  const canWrite = can(user.roles, 'advisories.write');
  const canPublish = can(user.roles, 'advisories.publish');

  function start(event: FormEvent) {
    event.preventDefault();
    const report = fromReport.trim();
    void create.run(
      () => advisoriesApi.create(report ? { fromReport: report } : {}),
      (advisory) => navigate(`/manage/advisories/${advisory.id}`),
    );
  }

  return (
    <section className="page advisories-page">
      <PageHeader
        title="Advisories"
        description={
          <>
            Drafts are private to staff; a lead publishes. The public reads them at <a href="/advisories">/advisories</a>, as{' '}
            <a href="/.well-known/csaf/provider-metadata.json">CSAF</a> and as OSV.
          </>
        }
      />
      <SelectField label="Show" name="state" value={state} onChange={(e) => setState(e.target.value)}>
        <option value="all">all</option>
        <option value="draft">drafts never published</option>
        <option value="published">published</option>
      </SelectField>
      {list.loading && !list.data && <Loading />}
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      {list.data && list.data.items.length === 0 && <Empty>No advisories yet.</Empty>}
      {list.data && list.data.items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Advisory</th>
              <th>Title</th>
              <th>Severity</th>
              <th>State</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link to={`/manage/advisories/${a.id}`}>{a.id}</Link>
                </td>
                <td>{a.title}</td>
                <td>{a.severity}</td>
                <td>{a.state === 'published' ? <Chip tone="success">revision {a.revision}</Chip> : <Chip tone="warning">draft</Chip>}</td>
                <td>{a.currentReleaseAt ? <Time value={a.currentReleaseAt} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {canWrite && (
        <form className="panel" onSubmit={start} ref={create.formRef} noValidate>
          <h2>New advisory</h2>
          <FormAlert error={create.error} fields={['fromReport']} />
          <TextField label="From report" name="fromReport" optional hint="The id of a resolved or disclosed report, to prefill the draft; leave empty for a blank one." value={fromReport} onChange={(e) => setFromReport(e.target.value)} error={create.fieldError('fromReport')} />
          <button type="submit" className="button" disabled={create.busy}>
            {create.busy ? 'Starting…' : 'Start a draft'}
          </button>
        </form>
      )}
      {canPublish && <SignForm />}
    </section>
  );
}

/** Detached OpenPGP signatures (.asc) of every published CSAF document not yet signed by the current key. */
function SignForm() {
  const [passphrase, setPassphrase] = useState('');
  const [notice, setNotice] = useState('');
  const form = useSubmit();
  function submit(event: FormEvent) {
    event.preventDefault();
    const value = passphrase;
    setPassphrase('');
    if (!value) {
      form.setError(localInvalid('passphrase', 'enter the passphrase of the current key'));
      return;
    }
    void form.run(
      () => advisoriesApi.sign(value),
      (result) => setNotice(result.signed.length ? `Signed ${result.signed.join(', ')}.` : 'Every published document is signed already.'),
    );
  }
  return (
    <form className="panel" onSubmit={submit} ref={form.formRef} noValidate>
      <h2>Sign CSAF documents</h2>
      <p>Signs each published document not yet signed by the current key. The passphrase unlocks the key for this request only and is never stored.</p>
      <StatusMessage>{notice}</StatusMessage>
      <FormAlert error={form.error} fields={['passphrase']} />
      <TextField label="Passphrase of the current key" name="passphrase" type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} error={form.fieldError('passphrase')} />
      <button type="submit" className="button" disabled={form.busy}>
        {form.busy ? 'Signing…' : 'Sign'}
      </button>
    </form>
  );
}
