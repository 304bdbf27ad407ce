import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { useSession } from '../../app/session';
import { FormAlert, TextField, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { cnaApi, type Receipt, type Submitted } from './api';

/**
 * The public CVE request form: no account needed. A product outside the CNA's scope is answered at
 * once with why and where to go instead; an accepted request gives a receipt link to follow it.
 */
export function CveRequestFormPage() {
  useTitle('Request a CVE');
  const session = useSession();
  const signedIn = session.session?.stage === 'full';
  const policy = useResource((signal) => cnaApi.policy(signal), []);
  const [form, setForm] = useState({ product: '', title: '', description: '', versions: '', cwe: '', references: '', email: '', name: '', credit: false, noOtherCna: false, reportId: '' });
  const [outcome, setOutcome] = useState<Submitted | null>(null);
  const submit = useSubmit();
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value });

  function send(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = { product: form.product, title: form.title, description: form.description };
    if (form.versions.trim()) body.versions = form.versions;
    if (form.cwe.trim()) body.cwe = Number(form.cwe.replace(/^CWE-/i, ''));
    const references = form.references.split('\n').map((r) => r.trim()).filter(Boolean);
    if (references.length) body.references = references;
    if (!signedIn) body.email = form.email;
    if (form.name.trim()) body.name = form.name;
    if (form.credit) body.credit = true;
    if (form.noOtherCna) body.noOtherCna = true;
    if (signedIn && form.reportId.trim()) body.reportId = form.reportId.trim();
    void submit.run(() => cnaApi.submitRequest(body), setOutcome);
  }

  if (policy.loading && !policy.data) return <Loading />;
  if (policy.error) return <LoadError error={policy.error} onRetry={policy.reload} />;
  const products = policy.data?.scope.products ?? [];

  if (outcome?.status === 'open') {
    return (
      <section className="page cve-request-page">
        <PageHeader title="Request received" />
        <div className="alert alert-success" role="status">
          <p>We will answer by mail. Keep this link to follow your request; it is shown only once:</p>
          <p>
            <a href={outcome.trackUrl}>{outcome.trackUrl}</a>
          </p>
        </div>
      </section>
    );
  }

  return (
    <section className="page cve-request-page">
      <PageHeader
        title="Request a CVE"
        description={
          <>
            For a vulnerability in one of our products. Read our <a href="/cna">CNA policy</a> first: what we cover, what we do not, and what to tell us.
          </>
        }
      />
      {outcome?.status === 'out_of_scope' && (
        <div className="alert alert-warning out-of-scope" role="alert">
          <p>{outcome.reason}</p>
          <p>Where to go instead:</p>
          <ul>
            {outcome.whereToGo.map((w) => (
              <li key={w.url}>
                <a href={w.url}>{w.label}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form ref={submit.formRef} onSubmit={send} aria-label="CVE request">
        <FormAlert error={submit.error} fields={['product', 'title', 'description', 'versions', 'cwe', 'references', 'email', 'name', 'reportId']} />
        <TextField label="Product" name="product" list="cna-products" required value={form.product} onChange={set('product')} error={submit.fieldError('product')} hint={products.length ? `We cover: ${products.join(', ')}.` : undefined} />
        <datalist id="cna-products">
          {products.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <label className="checkbox">
          <input type="checkbox" name="noOtherCna" checked={form.noOtherCna} onChange={(e) => setForm({ ...form, noOtherCna: e.target.checked })} /> It is third-party software and, as far as I know, no other CNA covers it
        </label>
        <TextField label="Title" name="title" required maxLength={200} value={form.title} onChange={set('title')} error={submit.fieldError('title')} />
        <TextAreaField label="What is the flaw, and what does an attacker gain?" name="description" required rows={6} value={form.description} onChange={set('description')} error={submit.fieldError('description')} />
        <TextField label="Affected versions" name="versions" optional value={form.versions} onChange={set('versions')} error={submit.fieldError('versions')} />
        <TextField label="Weakness (CWE number)" name="cwe" optional value={form.cwe} onChange={set('cwe')} error={submit.fieldError('cwe')} />
        <TextAreaField label="Public references (one URL a line)" name="references" optional rows={3} value={form.references} onChange={set('references')} error={submit.fieldError('references')} />
        {signedIn ? (
          <TextField label="A report of yours (its id)" name="reportId" optional value={form.reportId} onChange={set('reportId')} error={submit.fieldError('reportId')} />
        ) : (
          <TextField label="Your email (for our answer)" name="email" type="email" required value={form.email} onChange={set('email')} error={submit.fieldError('email')} />
        )}
        <TextField label="Your name for the credits" name="name" optional value={form.name} onChange={set('name')} error={submit.fieldError('name')} />
        <label className="checkbox">
          <input type="checkbox" name="credit" checked={form.credit} onChange={(e) => setForm({ ...form, credit: e.target.checked })} /> Credit me as finder in the CVE record
        </label>
        <div className="button-row">
          <button type="submit" className="button primary" disabled={submit.busy}>
            Request a CVE
          </button>
        </div>
      </form>
      {signedIn && (
        <p>
          <Link to="/cve-request/mine">Your CVE requests</Link>
        </p>
      )}
    </section>
  );
}

/** /cve-request/track#<receipt>: the receipt stays in the fragment (never sent in a URL) and is posted. */
export function CveRequestTrackPage() {
  useTitle('Your CVE request');
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [error, setError] = useState<ApiError | undefined>();
  useEffect(() => {
    const token = window.location.hash.slice(1);
    if (!token) return setError(toApiError(new Error('This link has no receipt.')));
    cnaApi.track(token).then(setReceipt, (reason) => setError(toApiError(reason)));
  }, []);
  return (
    <section className="page cve-request-page">
      <PageHeader title="Your CVE request" />
      <FormAlert error={error} />
      {receipt && <ReceiptView receipt={receipt} />}
    </section>
  );
}

export function MyCveRequestsPage() {
  useTitle('Your CVE requests');
  const mine = useResource((signal) => cnaApi.mine(signal), []);
  return (
    <section className="page cve-request-page">
      <PageHeader title="Your CVE requests" />
      {mine.error && <LoadError error={mine.error} onRetry={mine.reload} />}
      {mine.data?.items.length === 0 && <p>None yet. <Link to="/cve-request">Request a CVE</Link>.</p>}
      {mine.data?.items.map((r) => <ReceiptView key={r.id} receipt={r} />)}
    </section>
  );
}

function ReceiptView({ receipt }: { receipt: Receipt }) {
  return (
    <article className="panel">
      <h2>{receipt.title}</h2>
      <p>
        {receipt.product} · requested <Time value={receipt.createdAt} /> · <strong>{receipt.status}</strong>
        {receipt.cveId ? ` · ${receipt.cveId}` : ''}
      </p>
      {receipt.decisionReason && <p>Why: {receipt.decisionReason}</p>}
    </article>
  );
}
