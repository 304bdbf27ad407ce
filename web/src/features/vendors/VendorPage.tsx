import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useSignedIn } from '../../app/session';
import { ConfirmDialog } from '../../components/Dialog';
import { FormAlert, SelectField, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { ServerHtml } from '../../components/ReportChips';
import { TextAreaField } from '../../components/TextAreaField';
import { Chip, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { toApiError, type ApiError } from '../../api/client';
import { vendorsApi } from './api';
import { DiscoveryResultView, StatusChip } from './ChannelsTable';
import { CONTACT_KINDS, type Vendor } from './types';
import { lines } from './VendorsPage';
import './vendors.css';

const hours = (value: number | null) => (value === null ? '—' : value < 48 ? `${value.toFixed(1)} h` : `${(value / 24).toFixed(1)} days`);

/** One vendor: domains, repositories, packages, contacts (with status and evidence), keys, response times, and discovery. */
export function VendorPage() {
  const { id = '' } = useParams();
  const vendor = useResource((signal) => vendorsApi.get(id, signal), [id]);
  const discoveries = useResource((signal) => vendorsApi.discoveries(id, signal), [id]);
  useTitle(vendor.data?.name ?? 'Vendor');
  const canWrite = can(useSignedIn().user.roles, 'vendors.manage');
  const navigate = useNavigate();
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [adopting, setAdopting] = useState<number | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [editing, setEditing] = useState(false);

  if (vendor.loading && !vendor.data) return <Loading />;
  if (vendor.error) return <LoadError error={vendor.error} onRetry={vendor.reload} />;
  const v = vendor.data!;
  const latest = discoveries.data?.items[0];

  async function act(action: () => Promise<unknown>, message: string) {
    setError(undefined);
    setNotice(null);
    try {
      await action();
      setNotice(message);
      vendor.reload();
      discoveries.reload();
    } catch (reason) {
      setError(toApiError(reason));
    }
  }

  return (
    <>
      <PageHeader
        title={
          <>
            {v.name} {v.kind === 'coordinator' && <Chip tone="info">coordinator{v.country ? ` · ${v.country}` : ''}</Chip>}
          </>
        }
        description={<Link to="/vendors">All vendors</Link>}
        actions={
          canWrite && (
            <>
              <button type="button" className="button" onClick={() => void act(() => vendorsApi.discover(v.id), 'Discovery queued: its result appears below when it has run.')}>
                Discover
              </button>
              <button type="button" className="button" onClick={() => setEditing((e) => !e)}>
                {editing ? 'Cancel editing' : 'Edit'}
              </button>
              <button type="button" className="button button-danger" onClick={() => setDeleting(true)}>
                Delete
              </button>
            </>
          )
        }
      />
      <FormAlert error={error} />
      <StatusMessage>{notice}</StatusMessage>
      {editing && (
        <EditVendor
          vendor={v}
          onSaved={(saved) => {
            vendor.setData(saved);
            setEditing(false);
            setNotice('Saved.');
          }}
        />
      )}

      <section className="vendor-lists">
        <div>
          <h2>Domains</h2>
          <ul>{v.domains.length ? v.domains.map((d) => <li key={d}>{d}</li>) : <li className="muted">none</li>}</ul>
        </div>
        <div>
          <h2>Repositories</h2>
          <ul>{v.repositories.length ? v.repositories.map((r) => <li key={r}>{r}</li>) : <li className="muted">none</li>}</ul>
        </div>
        <div>
          <h2>Packages</h2>
          <ul>{v.packages.length ? v.packages.map((p) => <li key={p.purl}>{p.purl}</li>) : <li className="muted">none</li>}</ul>
        </div>
        <div>
          <h2>Response times</h2>
          <p>
            Acknowledgement: {hours(v.responseTimes.acknowledgement.medianHours)} median of {v.responseTimes.acknowledgement.count}
            <br />
            Fix: {hours(v.responseTimes.fix.medianHours)} median of {v.responseTimes.fix.count}
          </p>
        </div>
      </section>

      {v.notes.markdown && (
        <section>
          <h2>Notes</h2>
          <ServerHtml html={v.notes.html} />
        </section>
      )}

      <section>
        <h2>Contacts</h2>
        <table className="table channel-table">
          <thead>
            <tr>
              <th>Contact</th>
              <th>Status</th>
              <th>Source</th>
              {canWrite && <th><span className="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {v.contacts.map((contact) => (
              <tr key={contact.id}>
                <td>
                  <div>
                    {contact.value} {contact.preferred && <Chip tone="success">preferred</Chip>}
                  </div>
                  <div className="muted">
                    {contact.kind.replace('_', ' ')}
                    {contact.note ? ` · ${contact.note}` : ''}
                  </div>
                  {contact.evidence && <div className="evidence">found at {contact.evidence.url ?? 'directory'}, <Time value={contact.evidence.fetched_at} compact /></div>}
                </td>
                <td>
                  <StatusChip status={contact.status} />
                  {contact.checkedAt && (
                    <div className="muted">
                      <Time value={contact.checkedAt} relative />
                    </div>
                  )}
                </td>
                <td>{contact.source}</td>
                {canWrite && (
                  <td>
                    {!contact.preferred && (
                      <button type="button" className="button button-small" onClick={() => void act(() => vendorsApi.update(v.id, { preferredContactId: contact.id }), 'Preferred channel changed.')}>
                        Prefer
                      </button>
                    )}{' '}
                    {contact.status !== 'bounced' && contact.kind === 'email' && (
                      <button type="button" className="button button-small" onClick={() => void act(() => vendorsApi.updateContact(v.id, contact.id, { status: 'bounced' }), 'Marked as bounced.')}>
                        Bounced
                      </button>
                    )}{' '}
                    <button type="button" className="button button-small" onClick={() => void act(() => vendorsApi.removeContact(v.id, contact.id), 'Contact removed.')}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {canWrite && <AddContact vendor={v} onAdded={() => vendor.reload()} />}
      </section>

      <section>
        <h2>OpenPGP keys</h2>
        {v.keys.length === 0 ? (
          <p className="muted">No key: notices go unencrypted, and a signed security.txt cannot be checked.</p>
        ) : (
          <ul>
            {v.keys.map((key) => (
              <li key={key.id}>
                <code>{key.fingerprint}</code> {key.userIds.join(', ')} {key.expiresAt && <>· expires <Time value={key.expiresAt} /></>}{' '}
                {canWrite && (
                  <button type="button" className="button button-small" onClick={() => void act(() => vendorsApi.removeKey(v.id, key.id), 'Key removed.')}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canWrite && <AddKey vendor={v} onAdded={() => vendor.reload()} />}
      </section>

      <section>
        <h2>Discovery</h2>
        {!latest ? (
          <p className="muted">Not run yet.</p>
        ) : (
          <>
            <p>
              {latest.target} · requested <Time value={latest.requestedAt} relative /> · {latest.state}
              {latest.state === 'queued' && (
                <>
                  {' '}
                  <button type="button" className="button button-small" onClick={() => discoveries.reload()}>
                    Refresh
                  </button>
                </>
              )}
            </p>
            {latest.result && (
              <DiscoveryResultView
                result={latest.result}
                adopting={adopting}
                {...(canWrite
                  ? {
                      onAdopt: (index: number) => {
                        setAdopting(index);
                        void act(() => vendorsApi.adopt(v.id, latest.id, index), 'Added to the contacts, with its evidence.').finally(() => setAdopting(null));
                      },
                    }
                  : {})}
              />
            )}
          </>
        )}
      </section>

      <ConfirmDialog open={deleting} title={`Delete ${v.name}?`} confirmLabel="Delete vendor" danger onClose={() => setDeleting(false)} onConfirm={() => vendorsApi.remove(v.id).then(() => navigate('/vendors'))}>
        <p>Its contacts, keys, response times and discoveries go with it.</p>
      </ConfirmDialog>
    </>
  );
}

const joined = (values: string[]) => values.join(', ');

/** Name, country, notes, and the domain, repository and package lists (a list given replaces the old one). */
function EditVendor({ vendor, onSaved }: { vendor: Vendor; onSaved: (vendor: Vendor) => void }) {
  const form = useSubmit();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const country = String(data.get('country') ?? '').trim();
    void form.run(
      () =>
        vendorsApi.update(vendor.id, {
          name: String(data.get('name') ?? ''),
          country: country || null,
          notes: String(data.get('notes') ?? ''),
          domains: lines(String(data.get('domains') ?? '')),
          repositories: lines(String(data.get('repositories') ?? '')),
          packages: lines(String(data.get('packages') ?? '')),
        }),
      onSaved,
    );
  }
  return (
    <form ref={form.formRef} className="card form" onSubmit={submit} noValidate>
      <h2>Edit {vendor.name}</h2>
      <FormAlert error={form.error} fields={['/name', '/country', '/notes', '/domains', '/repositories', '/packages']} />
      <TextField label="Name" name="name" defaultValue={vendor.name} error={form.fieldError('name')} />
      <TextField label="Country" name="country" optional defaultValue={vendor.country ?? ''} hint="Two letters (ISO 3166), e.g. NL" error={form.fieldError('country')} />
      <TextField label="Domains" name="domains" optional defaultValue={joined(vendor.domains)} hint="Comma-separated" error={form.fieldError('domains')} />
      <TextField label="Repositories" name="repositories" optional defaultValue={joined(vendor.repositories)} error={form.fieldError('repositories')} />
      <TextField label="Packages" name="packages" optional defaultValue={joined(vendor.packages.map((p) => p.purl))} hint="Package URLs" error={form.fieldError('packages')} />
      <TextAreaField label="Notes" name="notes" optional rows={5} defaultValue={vendor.notes.markdown} hint="Markdown" error={form.fieldError('notes')} />
      <button type="submit" className="button" disabled={form.busy}>
        Save
      </button>
    </form>
  );
}

function AddContact({ vendor, onAdded }: { vendor: Vendor; onAdded: () => void }) {
  const form = useSubmit();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    void form.run(() => vendorsApi.addContact(vendor.id, { kind: String(data.get('kind')), value: String(data.get('value') ?? ''), note: String(data.get('note') ?? '') }), () => {
      element.reset();
      onAdded();
    });
  }
  return (
    <form ref={form.formRef} className="vendor-search" onSubmit={submit} noValidate>
      <SelectField label="Kind" name="kind" defaultValue="email">
        {CONTACT_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {kind.replace('_', ' ')}
          </option>
        ))}
      </SelectField>
      <TextField label="Value" name="value" error={form.fieldError('value')} />
      <TextField label="Note" name="note" optional error={form.fieldError('note')} />
      <button type="submit" className="button" disabled={form.busy}>
        Add contact
      </button>
      <FormAlert error={form.error} fields={['/value', '/note']} />
    </form>
  );
}

function AddKey({ vendor, onAdded }: { vendor: Vendor; onAdded: () => void }) {
  const form = useSubmit();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const armored = String(new FormData(element).get('armored') ?? '');
    void form.run(() => vendorsApi.addKey(vendor.id, armored), () => {
      element.reset();
      onAdded();
    });
  }
  return (
    <form ref={form.formRef} className="form" onSubmit={submit} noValidate>
      <TextAreaField label="Add a public key" name="armored" rows={4} hint="Armoured OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----). Private keys are refused." error={form.fieldError('armored')} />
      <button type="submit" className="button" disabled={form.busy}>
        Add key
      </button>
      <FormAlert error={form.error} fields={['/armored']} />
    </form>
  );
}

