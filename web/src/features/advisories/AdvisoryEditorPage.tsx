import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useSignedIn } from '../../app/session';
import { ServerHtml } from '../../components/ReportChips';
import { TextAreaField } from '../../components/TextAreaField';
import { FormAlert, SelectField, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { Chip, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { advisoriesApi, type Advisory, type AdvisoryContent, type AffectedProduct, type ContentView, type VersionRange } from './api';
import './advisories.css';

const JUSTIFICATIONS = ['component_not_present', 'vulnerable_code_not_present', 'vulnerable_code_cannot_be_controlled_by_adversary', 'vulnerable_code_not_in_execute_path', 'inline_mitigations_already_exist'];
const list = (text: string) => text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
const orNull = (text: string) => (text.trim() ? text.trim() : null);
const newProduct = (): AffectedProduct => ({ vendor: '', product: '', ecosystem: null, packageName: null, purl: null, status: 'affected', justification: null, ranges: [], versions: [] });
const newRange = (): VersionRange => ({ type: 'SEMVER', repo: null, introduced: '0', fixed: null, lastAffected: null });

/** Replaces item `i` of a list with `change(item)`. */
function edit<T>(items: T[], i: number, change: (item: T) => T): T[] {
  return items.map((item, j) => (j === i ? change(item) : item));
}

/**
 * One advisory for staff: edit the draft (saved whole), preview it as the server renders it,
 * publish it as the next revision (leads, with what changed), and read the revision history.
 */
export function AdvisoryEditorPage() {
  const { id = '' } = useParams();
  useTitle(id);
  const { user } = useSignedIn();
  const advisory = useResource((signal) => advisoriesApi.get(id, signal), [id]);
  const [content, setContent] = useState<AdvisoryContent | null>(null);
  const [view, setView] = useState<Advisory | null>(null);
  const [notice, setNotice] = useState('');
  const [changeSummary, setChangeSummary] = useState('');
  const save = useSubmit();
  const publish = useSubmit();
  const canWrite = can(user.roles, 'advisories.write');
  const canPublish = can(user.roles, 'advisories.publish');

  useEffect(() => {
    if (advisory.data) {
      setView(advisory.data);
      setContent(advisory.data.draft?.content ?? null);
    }
  }, [advisory.data]);

  if (advisory.loading && !view) return <Loading />;
  if (advisory.error) return <LoadError error={advisory.error} onRetry={advisory.reload} />;
  if (!view || !content) return null;
  const set = (change: Partial<AdvisoryContent>) => setContent({ ...content, ...change });

  function submit(event: FormEvent) {
    event.preventDefault();
    void save.run(
      () => advisoriesApi.saveDraft(id, content!),
      (saved) => {
        setView(saved);
        setNotice('Draft saved.');
      },
    );
  }
  function doPublish(event: FormEvent) {
    event.preventDefault();
    void publish.run(
      () => advisoriesApi.publish(id, changeSummary),
      (published) => {
        setView(published);
        setChangeSummary('');
        setNotice(`Published as revision ${published.revision}.`);
      },
    );
  }

  return (
    <section className="page advisory-editor">
      <PageHeader
        title={`${view.id}: ${view.title}`}
        description={
          <>
            {view.state === 'published' ? <Chip tone="success">published, revision {view.revision}</Chip> : <Chip tone="warning">draft</Chip>}{' '}
            {view.draft?.unpublishedChanges && view.state === 'published' && <Chip tone="warning">unpublished changes</Chip>}{' '}
            <Link to="/manage/advisories">All advisories</Link>
            {view.state === 'published' && (
              <>
                {' · '}
                <a href={`/advisories/${view.id}`}>public page</a> · <a href={view.links.csaf ?? view.links.csafApi}>CSAF</a>
                {view.links.osv && (
                  <>
                    {' · '}
                    <a href={view.links.osv}>OSV</a>
                  </>
                )}
              </>
            )}
            {view.source?.url && (
              <>
                {' · '}
                <a href={view.source.url}>source ({view.source.kind})</a>
              </>
            )}
          </>
        }
      />
      <StatusMessage>{notice}</StatusMessage>

      <form className="panel advisory-form" onSubmit={submit} ref={save.formRef} noValidate>
        <h2>Draft</h2>
        <FormAlert error={save.error} />
        <SelectField label="Kind" name="kind" value={content.kind} onChange={(e) => set({ kind: e.target.value as AdvisoryContent['kind'] })}>
          <option value="security_advisory">security advisory (CSAF csaf_security_advisory)</option>
          <option value="vex">VEX: (not) affected statements about our products (CSAF csaf_vex)</option>
        </SelectField>
        <TextField label="Title" name="title" value={content.title} maxLength={300} onChange={(e) => set({ title: e.target.value })} error={save.fieldError('content/title')} />
        <TextAreaField label="Summary (Markdown)" name="summary" rows={5} value={content.summary} onChange={(e) => set({ summary: e.target.value })} error={save.fieldError('content/summary')} />
        <TextAreaField label="Workarounds (Markdown)" name="workarounds" optional rows={3} value={content.workarounds} onChange={(e) => set({ workarounds: e.target.value })} />

        <h3>Vulnerabilities</h3>
        {content.vulnerabilities.map((v, i) => (
          <fieldset key={i} className="advisory-item">
            <legend>Vulnerability {i + 1}</legend>
            <TextField label="Title" name={`v${i}-title`} value={v.title} onChange={(e) => set({ vulnerabilities: edit(content.vulnerabilities, i, (x) => ({ ...x, title: e.target.value })) })} />
            <TextField label="CVE ID" name={`v${i}-cve`} optional value={v.cve ?? ''} onChange={(e) => set({ vulnerabilities: edit(content.vulnerabilities, i, (x) => ({ ...x, cve: orNull(e.target.value) })) })} error={save.fieldError(`content/vulnerabilities/${i}/cve`)} />
            <TextField label="CWE ids" name={`v${i}-cwes`} optional hint="e.g. 79, 89" value={v.cwes.join(', ')} onChange={(e) => set({ vulnerabilities: edit(content.vulnerabilities, i, (x) => ({ ...x, cwes: list(e.target.value).map(Number).filter(Number.isFinite) })) })} />
            <TextAreaField label="CVSS vectors" name={`v${i}-cvss`} optional hint="One CVSS 3.1 and/or one 4.0 vector, one a line" rows={2} value={v.cvss.join('\n')} onChange={(e) => set({ vulnerabilities: edit(content.vulnerabilities, i, (x) => ({ ...x, cvss: list(e.target.value) })) })} error={save.fieldError(`content/vulnerabilities/${i}/cvss/0`)} />
            <TextAreaField label="Description (Markdown)" name={`v${i}-description`} rows={4} value={v.description} onChange={(e) => set({ vulnerabilities: edit(content.vulnerabilities, i, (x) => ({ ...x, description: e.target.value })) })} />
            <button type="button" className="button ghost" onClick={() => set({ vulnerabilities: content.vulnerabilities.filter((_, j) => j !== i) })}>
              Remove vulnerability
            </button>
          </fieldset>
        ))}
        <button type="button" className="button ghost" onClick={() => set({ vulnerabilities: [...content.vulnerabilities, { title: '', description: '', cve: null, cwes: [], cvss: [] }] })}>
          Add a vulnerability
        </button>

        <h3>Products</h3>
        {content.products.map((p, i) => {
          const setProduct = (change: Partial<AffectedProduct>) => set({ products: edit(content.products, i, (x) => ({ ...x, ...change })) });
          return (
            <fieldset key={i} className="advisory-item">
              <legend>Product {i + 1}</legend>
              <TextField label="Vendor" name={`p${i}-vendor`} value={p.vendor} onChange={(e) => setProduct({ vendor: e.target.value })} />
              <TextField label="Product" name={`p${i}-product`} value={p.product} onChange={(e) => setProduct({ product: e.target.value })} />
              <TextField label="OSV ecosystem" name={`p${i}-ecosystem`} optional hint="npm, PyPI, Maven, Go, crates.io, Debian:12…; empty for a product that is not a package" value={p.ecosystem ?? ''} onChange={(e) => setProduct({ ecosystem: orNull(e.target.value) })} error={save.fieldError(`content/products/${i}/ecosystem`)} />
              <TextField label="Package name" name={`p${i}-package`} optional value={p.packageName ?? ''} onChange={(e) => setProduct({ packageName: orNull(e.target.value) })} error={save.fieldError(`content/products/${i}/packageName`)} />
              <TextField label="Package URL (purl)" name={`p${i}-purl`} optional value={p.purl ?? ''} onChange={(e) => setProduct({ purl: orNull(e.target.value) })} />
              <SelectField label="Status" name={`p${i}-status`} value={p.status} onChange={(e) => setProduct({ status: e.target.value as AffectedProduct['status'], ...(e.target.value === 'affected' ? { justification: null } : { ranges: [] }) })}>
                <option value="affected">affected</option>
                <option value="not_affected">not affected</option>
              </SelectField>
              {p.status === 'not_affected' && (
                <SelectField label="Justification" name={`p${i}-justification`} value={p.justification ?? ''} onChange={(e) => setProduct({ justification: orNull(e.target.value) })}>
                  <option value="">choose…</option>
                  {JUSTIFICATIONS.map((j) => (
                    <option key={j} value={j}>
                      {j.replace(/_/g, ' ')}
                    </option>
                  ))}
                </SelectField>
              )}
              <TextField label="Single versions" name={`p${i}-versions`} optional hint="Comma-separated" value={p.versions.join(', ')} onChange={(e) => setProduct({ versions: list(e.target.value) })} />
              {p.status === 'affected' &&
                p.ranges.map((r, k) => {
                  const setRange = (change: Partial<VersionRange>) => setProduct({ ranges: edit(p.ranges, k, (x) => ({ ...x, ...change })) });
                  const base = `content/products/${i}/ranges/${k}`;
                  return (
                    <div key={k} className="advisory-range">
                      <SelectField label="Range type" name={`p${i}r${k}-type`} value={r.type} onChange={(e) => setRange({ type: e.target.value as VersionRange['type'] })} error={save.fieldError(`${base}/type`)}>
                        <option value="SEMVER">SEMVER</option>
                        <option value="ECOSYSTEM">ECOSYSTEM</option>
                        <option value="GIT">GIT (commits)</option>
                      </SelectField>
                      {r.type === 'GIT' && <TextField label="Repository" name={`p${i}r${k}-repo`} value={r.repo ?? ''} onChange={(e) => setRange({ repo: orNull(e.target.value) })} error={save.fieldError(`${base}/repo`)} />}
                      <TextField label="Introduced" name={`p${i}r${k}-introduced`} hint='"0": since the beginning' value={r.introduced} onChange={(e) => setRange({ introduced: e.target.value })} error={save.fieldError(`${base}/introduced`)} />
                      <TextField label="Fixed" name={`p${i}r${k}-fixed`} optional value={r.fixed ?? ''} onChange={(e) => setRange({ fixed: orNull(e.target.value) })} error={save.fieldError(`${base}/fixed`)} />
                      <TextField label="Last affected" name={`p${i}r${k}-last`} optional hint="Instead of fixed" value={r.lastAffected ?? ''} onChange={(e) => setRange({ lastAffected: orNull(e.target.value) })} error={save.fieldError(`${base}/lastAffected`)} />
                      <button type="button" className="button ghost" onClick={() => setProduct({ ranges: p.ranges.filter((_, j) => j !== k) })}>
                        Remove range
                      </button>
                    </div>
                  );
                })}
              {p.status === 'affected' && (
                <button type="button" className="button ghost" onClick={() => setProduct({ ranges: [...p.ranges, newRange()] })}>
                  Add a version range
                </button>
              )}
              <button type="button" className="button ghost" onClick={() => set({ products: content.products.filter((_, j) => j !== i) })}>
                Remove product
              </button>
            </fieldset>
          );
        })}
        <button type="button" className="button ghost" onClick={() => set({ products: [...content.products, newProduct()] })}>
          Add a product
        </button>

        <h3>References</h3>
        <TextAreaField
          label="References"
          name="references"
          optional
          hint="One a line: URL, a space, then what it is"
          rows={3}
          value={content.references.map((r) => `${r.url} ${r.summary}`.trim()).join('\n')}
          onChange={(e) => set({ references: e.target.value.split('\n').filter((l) => l.trim()).map((l) => ({ url: l.trim().split(/\s+/)[0]!, summary: l.trim().split(/\s+/).slice(1).join(' ') })) })}
          error={save.fieldError('content/references/0/url')}
        />

        <h3>Credits</h3>
        {content.credits.map((c, i) => (
          <div key={i} className="advisory-range">
            <TextField label="Name" name={`c${i}-name`} value={c.name} onChange={(e) => set({ credits: edit(content.credits, i, (x) => ({ ...x, name: e.target.value })) })} />
            <SelectField label="Kind" name={`c${i}-kind`} value={c.kind} onChange={(e) => set({ credits: edit(content.credits, i, (x) => ({ ...x, kind: e.target.value as 'person' | 'system' })) })}>
              <option value="person">person</option>
              <option value="system">system (e.g. Security Research — agent name)</option>
            </SelectField>
            <label className="checkbox">
              <input type="checkbox" checked={c.consent} onChange={(e) => set({ credits: edit(content.credits, i, (x) => ({ ...x, consent: e.target.checked })) })} /> agreed to be credited
            </label>
            <button type="button" className="button ghost" onClick={() => set({ credits: content.credits.filter((_, j) => j !== i) })}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="button ghost" onClick={() => set({ credits: [...content.credits, { name: '', kind: 'person', consent: false, userId: null }] })}>
          Add a credit
        </button>

        {canWrite && (
          <p className="button-row">
            <button type="submit" className="button" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save draft'}
            </button>
          </p>
        )}
      </form>

      {view.draft && (
        <section className="panel" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview of the saved draft</h2>
          <Preview content={view.draft.html} />
        </section>
      )}

      {canPublish && (
        <form className="panel" onSubmit={doPublish} ref={publish.formRef} noValidate>
          <h2>Publish</h2>
          <p>Publishing makes the saved draft the next public revision, with its CSAF document (checked by the CSAF validator first) and OSV record. It cannot be undone; a later change is a new revision.</p>
          <FormAlert error={publish.error} fields={['changeSummary']} />
          {view.revision > 0 && <TextField label="What changed" name="changeSummary" value={changeSummary} maxLength={1000} onChange={(e) => setChangeSummary(e.target.value)} error={publish.fieldError('changeSummary')} />}
          <button type="submit" className="button" disabled={publish.busy}>
            {publish.busy ? 'Publishing…' : view.revision > 0 ? `Publish revision ${view.revision + 1}` : 'Publish'}
          </button>
        </form>
      )}

      {view.revisions.length > 0 && (
        <section className="panel" aria-labelledby="revisions-heading">
          <h2 id="revisions-heading">Revisions</h2>
          <table className="table">
            <thead>
              <tr>
                <th>Revision</th>
                <th>Published</th>
                <th>By</th>
                <th>What changed</th>
              </tr>
            </thead>
            <tbody>
              {[...view.revisions].reverse().map((r) => (
                <tr key={r.number}>
                  <td>{r.number}</td>
                  <td>
                    <Time value={r.date} />
                  </td>
                  <td>{r.publishedBy}</td>
                  <td>{r.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

function Preview({ content }: { content: ContentView }) {
  return (
    <div className="advisory-preview">
      <h3>
        {content.title || '(untitled)'} <Chip>{content.severity}</Chip>
      </h3>
      <ServerHtml html={content.summary.html} />
      {content.vulnerabilities.map((v, i) => (
        <div key={i}>
          <h4>
            {v.cve ?? 'Vulnerability'} {v.title}
          </h4>
          <p className="muted">
            {v.cwes.map((c) => `CWE-${c.id} ${c.name}`).join('; ')} {v.cvss.map((s) => `CVSS ${s.version} ${s.score} (${s.severity})`).join('; ')}
          </p>
          <ServerHtml html={v.description.html} />
        </div>
      ))}
      <ul>
        {content.products.map((p, i) => (
          <li key={i}>
            {p.vendor} {p.product}: {p.status === 'affected' ? [...p.rangeLabels, ...p.versions].join(', ') : `not affected (${p.justification ?? '?'})`}
          </li>
        ))}
      </ul>
      {content.credits.length > 0 && <p>Credits: {content.credits.map((c) => `${c.name}${c.consent === false ? ' (no consent yet)' : ''}`).join(', ')}</p>}
    </div>
  );
}
