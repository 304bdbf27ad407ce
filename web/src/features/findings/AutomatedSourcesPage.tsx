import { useState, type FormEvent } from 'react';
import { useSignedIn } from '../../app/session';
import { ConfirmDialog } from '../../components/Dialog';
import { FormAlert, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { Chip, Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { leads } from '../reports/roles';
import { findingsApi } from './api';
import { FindingsTabs } from './parts';
import type { AutomatedSource } from './types';
import './findings.css';

/**
 * `/findings/sources`: the import sources whose findings may count as automated (one engineer
 * approves them). Everyone who reviews or audits sees the list; leads register and retire.
 */
export function AutomatedSourcesPage() {
  useTitle('Automated sources');
  const session = useSignedIn();
  const isLead = leads(session.user.roles);
  const [showRetired, setShowRetired] = useState(false);
  const [retiring, setRetiring] = useState<AutomatedSource | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sources = useResource((signal) => findingsApi.automatedSources(showRetired, signal), [showRetired]);

  return (
    <section className="page findings-page">
      <PageHeader
        title="Automated sources"
        description="A finding that says it comes from an automated system counts as automated only when it is imported under a source registered here, by the uploader registered for it. Everything else is a person's finding: an engineer who neither found nor imported it must approve it."
      />
      <FindingsTabs current="sources" />
      {notice && <StatusMessage>{notice}</StatusMessage>}
      {isLead && (
        <RegisterForm
          onRegistered={(source) => {
            setNotice(`Registered ${source.name}.`);
            sources.reload();
          }}
        />
      )}
      <h2>Registered sources</h2>
      <div className="checkbox">
        <input id="show-retired" type="checkbox" checked={showRetired} onChange={(e) => setShowRetired(e.target.checked)} />
        <label htmlFor="show-retired">Show retired registrations</label>
      </div>
      {sources.loading && !sources.data && <Loading />}
      {sources.error && <LoadError error={sources.error} onRetry={sources.reload} />}
      {sources.data && sources.data.items.length === 0 && <Empty>No automated sources are registered: every finding counts as a person's.</Empty>}
      {sources.data && sources.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Automated sources">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Uploaded by</th>
                <th scope="col">Registered</th>
                <th scope="col">Status</th>
                {isLead && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {sources.data.items.map((s) => (
                <tr key={s.id}>
                  <th scope="row" className="break">
                    <code>{s.name}</code>
                    <div className="muted small prewrap">{s.description}</div>
                  </th>
                  <td className="break">{s.uploader ?? 'The command line'}</td>
                  <td>
                    {s.registeredBy}, <Time value={s.registeredAt} compact />
                  </td>
                  <td>
                    {s.retiredAt ? (
                      <>
                        <Chip tone="neutral">Retired</Chip>{' '}
                        <span className="muted small">
                          by {s.retiredBy}, <Time value={s.retiredAt} compact />
                        </span>
                      </>
                    ) : (
                      <Chip tone="success">In force</Chip>
                    )}
                  </td>
                  {isLead && (
                    <td>
                      {!s.retiredAt && (
                        <button type="button" className="button danger-outline" onClick={() => setRetiring(s)}>
                          Retire {s.name}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={retiring !== null}
        title={`Retire ${retiring?.name ?? ''}?`}
        confirmLabel="Retire"
        danger
        onConfirm={async () => {
          if (!retiring) return;
          const result = await findingsApi.retireAutomatedSource(retiring.id);
          setNotice(`Retired ${result.name}; ${result.candidatesNowPersonFound} candidate(s) now count as found by a person.`);
          sources.reload();
        }}
        onClose={() => setRetiring(null)}
      >
        <p>
          Findings that came in under <strong>{retiring?.name}</strong> will count as a person's from now on, and so will later imports under that name:
          their candidates need an engineer who did not import them. Registering the name again does not change that for what was imported before.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function RegisterForm({ onRegistered }: { onRegistered: (source: AutomatedSource) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [uploaderEmail, setUploaderEmail] = useState('');
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(
      () => findingsApi.registerAutomatedSource({ name: name.trim(), description: description.trim(), uploaderEmail: uploaderEmail.trim() || null }),
      (source) => {
        setName('');
        setDescription('');
        setUploaderEmail('');
        onRegistered(source);
      },
    );
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
      <h2>Register a source</h2>
      <FormAlert error={form.error} fields={['name', 'description', 'uploaderEmail']} />
      <TextField
        label="Source name"
        name="name"
        autoComplete="off"
        maxLength={100}
        hint="Exactly as imports name it (--source, ?source=)."
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={form.fieldError('name')}
      />
      <TextAreaField
        label="Description"
        name="description"
        rows={2}
        maxLength={1000}
        hint="What the system is and who runs it."
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={form.fieldError('description')}
      />
      <TextField
        label="Uploading account (e-mail)"
        name="uploaderEmail"
        type="email"
        autoComplete="off"
        optional
        maxLength={254}
        hint="The triager or lead account whose API token the system uses — one of its own, that nobody signs in with: its uploads count as automated and need one engineer's approval, never its own. Leave empty for imports from the command line only."
        value={uploaderEmail}
        onChange={(e) => setUploaderEmail(e.target.value)}
        error={form.fieldError('uploaderEmail')}
      />
      <div>
        <button type="submit" className="button primary" disabled={form.busy}>
          Register
        </button>
      </div>
    </form>
  );
}
