import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { FormAlert, SelectField, TextField, useSubmit } from '../../components/forms';
import { Chip, Empty, LoadError, Loading, PageHeader } from '../../components/ui';
import { useSignedIn } from '../../app/session';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { vendorsApi } from './api';
import { DiscoveryResultView, StatusChip } from './ChannelsTable';
import type { DiscoveryResult } from './types';
import './vendors.css';

/** A comma- or line-separated list, as typed into a field. */
export const lines = (text: string) => text.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);

/** The vendor directory: search, add a vendor, and discover the channels of any target. */
export function VendorsPage() {
  useTitle('Vendors');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const kind = params.get('kind') ?? '';
  const list = useResource((signal) => vendorsApi.list({ ...(q ? { q } : {}), ...(kind ? { kind } : {}), limit: 100 }, signal), [q, kind]);
  const canWrite = can(useSignedIn().user.roles, 'vendors.manage');
  const [creating, setCreating] = useState(false);

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const text = String(data.get('q') ?? '').trim();
    if (text) next.set('q', text);
    if (data.get('kind')) next.set('kind', String(data.get('kind')));
    setParams(next);
  }

  return (
    <>
      <PageHeader
        title="Vendors"
        description="Whom to tell, and how: vendors and coordinators, their contacts and keys, and channels discovered with evidence."
        actions={canWrite && <button type="button" className="button" onClick={() => setCreating((v) => !v)}>{creating ? 'Cancel' : 'Add vendor'}</button>}
      />
      {creating && <CreateVendor />}
      {canWrite && <DiscoverNow />}
      <form className="vendor-search" onSubmit={search} role="search">
        <TextField label="Search" name="q" defaultValue={q} hint="Name, domain, repository or package" />
        <SelectField label="Kind" name="kind" defaultValue={kind}>
          <option value="">All</option>
          <option value="vendor">Vendors</option>
          <option value="coordinator">Coordinators</option>
        </SelectField>
        <button type="submit" className="button">Search</button>
      </form>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.data && list.data.items.length === 0 ? (
        <Empty>No vendor matches.</Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Vendors</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>Domains</th>
              <th>Preferred channel</th>
              <th>Contacts</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((vendor) => (
              <tr key={vendor.id}>
                <td>
                  <Link to={`/vendors/${vendor.id}`}>{vendor.name}</Link> {vendor.kind === 'coordinator' && <Chip tone="info">coordinator</Chip>}
                </td>
                <td>{vendor.domains.join(', ') || <span className="muted">—</span>}</td>
                <td>
                  {vendor.preferredContact ? (
                    <>
                      {vendor.preferredContact.value} <StatusChip status={vendor.preferredContact.status} />
                    </>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
                <td>{vendor.contactCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > list.data.items.length && <p className="muted">Showing {list.data.items.length} of {list.data.total}; narrow the search.</p>}
    </>
  );
}

function CreateVendor() {
  const form = useSubmit();
  const navigate = useNavigate();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void form.run(
      () =>
        vendorsApi.create({
          name: String(data.get('name') ?? ''),
          kind: data.get('kind') === 'coordinator' ? 'coordinator' : 'vendor',
          domains: lines(String(data.get('domains') ?? '')),
          repositories: lines(String(data.get('repositories') ?? '')),
          packages: lines(String(data.get('packages') ?? '')),
        }),
      (vendor) => navigate(`/vendors/${vendor.id}`),
    );
  }
  return (
    <form ref={form.formRef} className="card form" onSubmit={submit} noValidate>
      <h2>Add a vendor</h2>
      <FormAlert error={form.error} fields={['/name', '/domains', '/repositories', '/packages']} />
      <TextField label="Name" name="name" required error={form.fieldError('name')} />
      <SelectField label="Kind" name="kind" defaultValue="vendor">
        <option value="vendor">Vendor</option>
        <option value="coordinator">Coordinator</option>
      </SelectField>
      <TextField label="Domains" name="domains" optional hint="Comma-separated, e.g. acme.example" error={form.fieldError('domains')} />
      <TextField label="Repositories" name="repositories" optional hint="Comma-separated repository URLs" error={form.fieldError('repositories')} />
      <TextField label="Packages" name="packages" optional hint="Comma-separated package URLs, e.g. pkg:npm/%40acme/widget or pkg:npm/%40acme/*" error={form.fieldError('packages')} />
      <button type="submit" className="button" disabled={form.busy}>
        Add vendor
      </button>
    </form>
  );
}

/** Discovery for any target, answered at once (nothing is stored but the audit event). */
function DiscoverNow() {
  const form = useSubmit();
  const [result, setResult] = useState<DiscoveryResult | null>(null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const target = String(new FormData(event.currentTarget).get('target') ?? '');
    void form.run(() => vendorsApi.discoverNow(target), setResult);
  }
  return (
    <section className="card">
      <form ref={form.formRef} className="vendor-search" onSubmit={submit} noValidate>
        <TextField label="Discover the channels of" name="target" hint="A domain, URL, repository URL or package URL" error={form.fieldError('target')} />
        <button type="submit" className="button" disabled={form.busy}>
          {form.busy ? 'Discovering…' : 'Discover'}
        </button>
      </form>
      <FormAlert error={form.error} fields={['/target']} />
      {result && <DiscoveryResultView result={result} />}
    </section>
  );
}
