import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { CvssVectorsField, filledVectors } from '../../components/CvssVectorsField';
import { CwePicker, type CweValue } from '../../components/CwePicker';
import { FormAlert, SelectField, TextField, localInvalid, useSubmit } from '../../components/forms';
import { ServerHtml } from '../../components/ReportChips';
import { TextAreaField } from '../../components/TextAreaField';
import { LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { attachmentLimits, programsApi, reportsApi } from './api';
import { AttachmentUploader, type UploadItem } from './AttachmentUploader';
import { assetKindLabel } from './labels';
import type { NewReport, Program } from './types';
import './reports.css';

const OTHER = '__other__';
/** Until the server's limits arrive (GET /attachments/limits): its default. */
const MAX_FILES = 10;
const MAX_COLLABORATORS = 5;
const FIELDS = ['title', 'asset', 'assetOther', 'category', 'cwe', 'cvss', 'description', 'steps', 'impact', 'attachments', 'collaborators', 'policyVersion', 'accept'];

interface Draft {
  title: string;
  description: string;
  steps: string;
  impact: string;
}

const EMPTY_DRAFT: Draft = { title: '', description: '', steps: '', impact: '' };
const draftKey = (slug: string) => `cvdesk.draft.${slug}`;

function readDraft(slug: string): Draft {
  try {
    const stored = JSON.parse(window.sessionStorage.getItem(draftKey(slug)) ?? 'null') as Partial<Draft> | null;
    return { ...EMPTY_DRAFT, ...(stored ?? {}) };
  } catch {
    return EMPTY_DRAFT;
  }
}

export function SubmitReportPage() {
  const { slug = '' } = useParams();
  const program = useResource((signal) => programsApi.get(slug, signal), [slug]);
  useTitle(program.data ? `Submit a report · ${program.data.name}` : 'Submit a report');

  return (
    <section className="page narrow submit-page">
      {program.loading && !program.data && <Loading />}
      {program.error && <LoadError error={program.error} onRetry={program.reload} />}
      {program.data && <SubmitForm program={program.data} onPolicyChanged={(p) => program.setData(p)} />}
    </section>
  );
}

function SubmitForm({ program, onPolicyChanged }: { program: Program; onPolicyChanged: (program: Program) => void }) {
  const navigate = useNavigate();
  const form = useSubmit();
  const ids = useId();
  const [draft, setDraft] = useState<Draft>(() => readDraft(program.slug));
  const [asset, setAsset] = useState('');
  const [assetOther, setAssetOther] = useState('');
  const [category, setCategory] = useState('');
  const [cwe, setCwe] = useState<CweValue | null>(null);
  const [vectors, setVectors] = useState<string[]>(['']);
  const limits = useResource((signal) => attachmentLimits(signal), []);
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [collaborators, setCollaborators] = useState<{ key: number; account: string; share: string }[]>([]);
  const [accepted, setAccepted] = useState(false);
  const [acceptedVersion, setAcceptedVersion] = useState(program.policy.version);
  const [policyChanged, setPolicyChanged] = useState<number | null>(null);
  const policyRef = useRef<HTMLDetailsElement>(null);
  const collaboratorKey = useRef(0);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      try {
        if (Object.values(draft).some((v) => v.trim())) window.sessionStorage.setItem(draftKey(program.slug), JSON.stringify(draft));
        else window.sessionStorage.removeItem(draftKey(program.slug));
      } catch {
        // Storage full or disabled: the draft just is not kept.
      }
    }, 400);
    return () => window.clearTimeout(timer);
  }, [draft, program.slug]);

  const inScope = program.scope.filter((a) => a.inScope);
  const outOfScope = program.scope.filter((a) => !a.inScope);
  const chosenAsset = program.scope.find((a) => a.id === asset);
  const chosenCategory = program.exclusions.find((e) => e.id === category);
  const bounty = program.kind === 'bounty';
  const collaboratorShare = collaborators.reduce((sum, c) => sum + (Number.parseInt(c.share, 10) || 0), 0);
  const collaboratorsError = form.error?.details.find((d) => d.field === '/collaborators')?.message;
  const uploading = uploads.some((u) => u.status === 'uploading');

  const set = (field: keyof Draft) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft.title.trim()) return form.setError(localInvalid('title', 'give the report a title'));
    if (asset === OTHER && !assetOther.trim()) return form.setError(localInvalid('assetOther', 'name the asset (a host, URL, app or package)'));
    if (!draft.description.trim()) return form.setError(localInvalid('description', 'describe what you found'));
    if (uploading) return form.setError(localInvalid('attachments', 'wait until every file has finished uploading, or remove it'));
    if (bounty && collaboratorShare > 99) return form.setError(localInvalid('collaborators', 'collaborators may share at most 99% together; you keep the rest'));
    if (!accepted) return form.setError(localInvalid('accept', `tick the box to accept the policy (version ${acceptedVersion})`));
    const report: NewReport = {
      program: program.slug,
      title: draft.title.trim(),
      description: draft.description,
      policyVersion: acceptedVersion,
      ...(draft.steps.trim() ? { steps: draft.steps } : {}),
      ...(draft.impact.trim() ? { impact: draft.impact } : {}),
      ...(asset && asset !== OTHER ? { asset } : {}),
      ...(asset === OTHER ? { assetOther: assetOther.trim() } : {}),
      ...(category ? { category } : {}),
      ...(cwe ? { cwe: cwe.id } : {}),
      ...(filledVectors(vectors).length ? { cvss: filledVectors(vectors) } : {}),
    };
    const files = uploads.filter((u) => u.status === 'done' && u.attachment).map((u) => u.attachment!.id);
    if (files.length) report.attachments = files;
    const people = collaborators.filter((c) => c.account.trim());
    if (bounty && people.length) report.collaborators = people.map((c) => ({ account: c.account.trim(), share: Number.parseInt(c.share, 10) || 0 }));

    void form.run(
      () => reportsApi.submit(report),
      (created) => {
        try {
          window.sessionStorage.removeItem(draftKey(program.slug));
        } catch {
          // nothing to clear
        }
        navigate(`/reports/${created.id}`, { state: { submitted: true } });
      },
    );
  }

  // A 409 naming /policyVersion: the policy changed while the person was writing.
  useEffect(() => {
    const error = form.error;
    if (!error || !isApiError(error, 'conflict') || !error.fieldError('policyVersion')) return;
    let cancelled = false;
    programsApi.get(program.slug).then(
      (fresh) => {
        if (cancelled) return;
        onPolicyChanged(fresh);
        setPolicyChanged(fresh.policy.version);
        setAcceptedVersion(fresh.policy.version);
        setAccepted(false);
        if (policyRef.current) {
          policyRef.current.open = true;
          policyRef.current.scrollIntoView({ block: 'start' });
          policyRef.current.querySelector('summary')?.focus();
        }
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [form.error]);

  const conflict = form.error && isApiError(form.error, 'conflict') && form.error.fieldError('policyVersion');

  return (
    <>
      <PageHeader
        title="Submit a report"
        description={
          <>
            To <Link to={`/programs/${program.slug}`}>{program.name}</Link>. Take your time: a clear report is triaged faster. Your text is kept in this
            tab until you submit it or close the tab.
          </>
        }
      />

      <form ref={form.formRef} onSubmit={submit} noValidate className="stack submit-form">
        {conflict ? (
          <div className="form-alert" role="alert">
            <div className="alert alert-warning">
              <p>
                <strong>The policy changed while you were writing</strong> (it is now version {policyChanged ?? '…'}). Nothing you wrote is lost. Read
                the new policy below, tick the box again and submit.
              </p>
            </div>
          </div>
        ) : (
          <FormAlert error={form.error} fields={FIELDS} />
        )}

        <section className="panel form-section" aria-labelledby={`${ids}-before`}>
          <h2 id={`${ids}-before`}>Before you start</h2>
          <ul className="checklist">
            <li>Test only what the policy allows, and stop once you have shown the flaw: no data beyond what proves it, no disruption.</li>
            <li>Share everything you found, unconditionally. A report held back until a reward is promised is closed.</li>
            <li>One flaw per report. Several findings? Several reports, so each can be fixed and credited on its own.</li>
            <li>Keep it between you and the team until it is fixed and disclosure is agreed.</li>
          </ul>
          <details ref={policyRef} className={['policy-details', policyChanged ? 'changed' : ''].join(' ').trim()}>
            <summary>
              Read the policy (version {program.policy.version}){policyChanged ? ' — changed' : ''}
            </summary>
            <ServerHtml html={program.policy.html} className="policy" />
            {program.safeHarbour.html && (
              <>
                <h3>Safe harbour</h3>
                <ServerHtml html={program.safeHarbour.html} />
              </>
            )}
          </details>
        </section>

        <section className="panel form-section" aria-labelledby={`${ids}-what`}>
          <h2 id={`${ids}-what`}>What and where</h2>
          <TextField
            label="Title"
            name="title"
            required
            maxLength={200}
            autoComplete="off"
            hint="One line naming the flaw and where it is, e.g. “Stored XSS in the display name on /profile”."
            value={draft.title}
            onChange={set('title')}
            error={form.fieldError('title')}
          />

          <SelectField
            label="Affected asset"
            name="asset"
            value={asset}
            onChange={(event) => setAsset(event.target.value)}
            hint="Pick it from the programme’s scope. Not listed? Choose “Other” and name it."
            error={form.fieldError('asset')}
          >
            <option value="">Choose an asset…</option>
            {inScope.length > 0 && (
              <optgroup label="In scope">
                {inScope.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.identifier} — {assetKindLabel(a.kind)}, tier {a.tier}
                  </option>
                ))}
              </optgroup>
            )}
            {outOfScope.length > 0 && (
              <optgroup label="Out of scope">
                {outOfScope.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.identifier} — out of scope
                  </option>
                ))}
              </optgroup>
            )}
            <option value={OTHER}>Other (not listed)</option>
          </SelectField>

          {chosenAsset && !chosenAsset.inScope && (
            <div className="alert alert-warning scope-warning" role="status">
              <p>
                <strong>{chosenAsset.identifier} is out of scope.</strong> {chosenAsset.description || 'The team does not take reports about it here.'}
              </p>
              <p>You may still submit; the report will be marked out of scope and may be closed without a reward.</p>
            </div>
          )}
          {chosenAsset && chosenAsset.inScope && chosenAsset.description && <p className="hint asset-note">{chosenAsset.description}</p>}
          {asset === OTHER && (
            <>
              <TextField
                label="Which asset?"
                name="assetOther"
                maxLength={500}
                autoComplete="off"
                hint="A host name, URL, app or package name."
                value={assetOther}
                onChange={(event) => setAssetOther(event.target.value)}
                error={form.fieldError('assetOther')}
              />
              <p className="alert alert-info" role="status">
                An asset that is not listed is flagged for the team to decide whether it is in scope.
              </p>
            </>
          )}

          {program.exclusions.length > 0 && (
            <SelectField
              label="Is it one of these?"
              name="category"
              value={category}
              onChange={(event) => setCategory(event.target.value)}
              hint="Some kinds of report are out of scope for this programme, and some belong elsewhere."
              error={form.fieldError('category')}
            >
              <option value="">None of these</option>
              {program.exclusions.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </SelectField>
          )}
          {chosenCategory && (
            <div className="alert alert-warning scope-warning" role="status">
              <p>
                <strong>{chosenCategory.name} is out of scope here.</strong> {chosenCategory.description}
              </p>
              {chosenCategory.redirectUrl ? (
                <p>
                  Please report it at{' '}
                  <a href={chosenCategory.redirectUrl} rel="noopener noreferrer" target="_blank">
                    {chosenCategory.redirectUrl}
                  </a>{' '}
                  instead. You may still submit it here; it will be flagged.
                </p>
              ) : (
                <p>You may still submit; it will be flagged out of scope.</p>
              )}
            </div>
          )}
        </section>

        <section className="panel form-section" aria-labelledby={`${ids}-how-bad`}>
          <h2 id={`${ids}-how-bad`}>Weakness and severity</h2>
          <p className="hint">Both are optional: the team checks and sets them during triage. Your estimate helps them sort the inbox.</p>
          <CwePicker
            label="Weakness (CWE)"
            optional
            value={cwe}
            onChange={setCwe}
            hint="Search by number or by words; the closest specific entry is best."
            error={form.fieldError('cwe')}
          />
          <CvssVectorsField vectors={vectors} onChange={setVectors} error={form.fieldError('cvss')} />
        </section>

        <section className="panel form-section" aria-labelledby={`${ids}-details`}>
          <h2 id={`${ids}-details`}>The details</h2>
          <p className="hint">
            Markdown works: <code>**bold**</code>, <code>`code`</code>, fenced code blocks, lists and links. HTML is shown as text, and images
            are shown as links.
          </p>
          <TextAreaField
            label="Description"
            name="description"
            rows={8}
            maxLength={50_000}
            counter
            required
            hint="What is wrong, where, and why it is a security problem."
            value={draft.description}
            onChange={set('description')}
            error={form.fieldError('description')}
          />
          <TextAreaField
            label="Steps to reproduce"
            name="steps"
            rows={6}
            maxLength={50_000}
            counter
            optional
            hint="Numbered steps someone else can follow exactly: URLs, requests, accounts, payloads."
            value={draft.steps}
            onChange={set('steps')}
            error={form.fieldError('steps')}
          />
          <TextAreaField
            label="Impact"
            name="impact"
            rows={4}
            maxLength={20_000}
            counter
            optional
            hint="What an attacker could do with it, and to whom."
            value={draft.impact}
            onChange={set('impact')}
            error={form.fieldError('impact')}
          />
          <AttachmentUploader items={uploads} onChange={setUploads} max={limits.data?.maxFiles ?? MAX_FILES} maxBytes={limits.data?.maxBytes} error={form.fieldError('attachments')} />
        </section>

        {bounty && (
          <section className="panel form-section" aria-labelledby={`${ids}-people`}>
            <h2 id={`${ids}-people`}>
              Collaborators <span className="optional">(optional)</span>
            </h2>
            <p className="hint">
              Found it with someone? Name up to {MAX_COLLABORATORS} cvdesk accounts and their share of any reward, in whole percent. They can read
              the report and reply. You keep {Math.max(0, 100 - collaboratorShare)}%.
            </p>
            {collaborators.map((c, index) => (
              <div className="collaborator-row" key={c.key}>
                <TextField
                  label={`Collaborator ${index + 1}: email or account id`}
                  name={`collaborator-${index}`}
                  type="email"
                  autoComplete="off"
                  value={c.account}
                  onChange={(event) => setCollaborators((list) => list.map((x) => (x.key === c.key ? { ...x, account: event.target.value } : x)))}
                  error={form.fieldError(`collaborators/${index}/account`)}
                />
                <TextField
                  label="Share (%)"
                  name={`collaborator-${index}-share`}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={99}
                  className="short"
                  value={c.share}
                  onChange={(event) => setCollaborators((list) => list.map((x) => (x.key === c.key ? { ...x, share: event.target.value } : x)))}
                  error={form.fieldError(`collaborators/${index}/share`)}
                />
                <button type="button" className="button small ghost" onClick={() => setCollaborators((list) => list.filter((x) => x.key !== c.key))}>
                  Remove<span className="visually-hidden"> collaborator {index + 1}</span>
                </button>
              </div>
            ))}
            {/* Only what concerns them together (their shares' sum): a row's own error is shown beside that row. */}
            {collaboratorsError && <p className="field-error">{collaboratorsError}</p>}
            {collaborators.length < MAX_COLLABORATORS && (
              <p>
                <button
                  type="button"
                  className="button small"
                  onClick={() => setCollaborators((list) => [...list, { key: ++collaboratorKey.current, account: '', share: '10' }])}
                >
                  Add a collaborator
                </button>
              </p>
            )}
          </section>
        )}

        <section className="panel form-section" aria-labelledby={`${ids}-send`}>
          <h2 id={`${ids}-send`}>Send</h2>
          <div className={['checkbox', 'accept', form.fieldError('accept') ? 'has-error' : ''].join(' ').trim()}>
            <input
              type="checkbox"
              id={`${ids}-accept`}
              checked={accepted}
              aria-invalid={form.fieldError('accept') ? true : undefined}
              aria-describedby={form.fieldError('accept') ? `${ids}-accept-error` : undefined}
              onChange={(event) => setAccepted(event.target.checked)}
            />
            <label htmlFor={`${ids}-accept`}>
              I have read the policy (version {acceptedVersion}) and accept it, safe harbour included.
            </label>
          </div>
          {form.fieldError('accept') && (
            <p id={`${ids}-accept-error`} className="field-error">
              {form.fieldError('accept')}
            </p>
          )}
          <div className="button-row">
            <button type="submit" className="button primary" disabled={form.busy} aria-busy={form.busy || undefined}>
              {form.busy ? 'Submitting…' : 'Submit report'}
            </button>
            {uploading && <span className="muted">Waiting for uploads to finish…</span>}
          </div>
        </section>
      </form>
    </>
  );
}
