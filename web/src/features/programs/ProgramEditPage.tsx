import { useId, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { FormAlert, SelectField, TextField, localInvalid, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi } from '../reports/api';
import { ASSET_KIND_LABELS, TARGET_LABELS } from '../reports/labels';
import {
  ASSET_KINDS,
  DISCLOSURE_MODES,
  REWARD_SEVERITIES,
  TARGET_KEYS,
  TIERS,
  type AssetKind,
  type DisclosureSettings,
  type Program,
  type ProgramInput,
  type ProgramKind,
  type RewardRange,
  type TargetKey,
  type Visibility,
} from '../reports/types';
import { MembersPanel, SubmissionLimitPanel } from './ProgramAccessPanels';
import '../reports/reports.css';

interface AssetRow {
  key: number;
  kind: AssetKind;
  identifier: string;
  tier: string;
  inScope: boolean;
  description: string;
}

interface ExclusionRow {
  key: number;
  name: string;
  description: string;
  redirectUrl: string;
}

type Cell = { min: string; max: string };
type Grid = Record<string, Cell>;
type Targets = Record<TargetKey, { value: string; unit: 'hours' | 'days' }>;

const cellKey = (tier: number, severity: string) => `${tier}/${severity}`;

const MODE_LABELS: Record<DisclosureSettings['mode'], string> = {
  mutual: 'Mutual: when both sides agree',
  open: 'Open: after a delay once asked, or sooner if both agree',
  none: 'None: reports are never published',
};

let rowKey = 0;

function initialState(program: Program | undefined) {
  const grid: Grid = {};
  for (const range of program?.rewards.ranges ?? []) grid[cellKey(range.tier, range.severity)] = { min: String(range.min), max: String(range.max) };
  const targets = Object.fromEntries(
    TARGET_KEYS.map((k) => {
      const t = program?.responseTargets[k];
      return [k, { value: t ? String(t.value) : '', unit: t?.unit ?? (k === 'firstResponse' ? 'hours' : 'days') }];
    }),
  ) as Targets;
  return {
    slug: program?.slug ?? '',
    name: program?.name ?? '',
    kind: program?.kind ?? ('vdp' as ProgramKind),
    visibility: program?.visibility ?? ('public' as Visibility),
    policy: program?.policy.markdown ?? '',
    safeHarbour: program?.safeHarbour.markdown ?? '',
    assets: (program?.scope ?? []).map((a) => ({
      key: ++rowKey,
      kind: (ASSET_KINDS as readonly string[]).includes(a.kind) ? (a.kind as AssetKind) : 'other',
      identifier: a.identifier,
      tier: String(a.tier),
      inScope: a.inScope,
      description: a.description,
    })),
    exclusions: (program?.exclusions ?? []).map((e) => ({ key: ++rowKey, name: e.name, description: e.description, redirectUrl: e.redirectUrl ?? '' })),
    currency: program?.rewards.currency ?? 'USD',
    grid,
    targets,
    businessDays: program?.businessDays ?? false,
    disclosure: program?.disclosure ?? { mode: 'mutual' as const, delayDays: 30, level: 'full' as const },
    staleCloseDays: String(program?.staleCloseDays ?? 14),
  };
}

/** `/admin/programs/new` and `/admin/programs/:slug/edit`. */
export function ProgramEditPage() {
  const { slug } = useParams();
  const program = useResource((signal) => (slug ? programsApi.get(slug, signal) : Promise.resolve(undefined)), [slug]);
  useTitle(slug ? `Edit ${program.data?.name ?? 'programme'}` : 'New programme');
  if (slug && !program.data) {
    return (
      <section className="page narrow">
        {program.loading && <Loading />}
        {program.error && <LoadError error={program.error} onRetry={program.reload} />}
      </section>
    );
  }
  return <ProgramForm key={program.data?.id ?? 'new'} program={program.data} />;
}

function ProgramForm({ program }: { program: Program | undefined }) {
  const navigate = useNavigate();
  const form = useSubmit();
  const ids = useId();
  const creating = !program;
  const [state, setState] = useState(() => initialState(program));
  const rangeIndex = useRef<string[]>([]);
  const set = <K extends keyof typeof state>(key: K, value: (typeof state)[K]) => setState((s) => ({ ...s, [key]: value }));

  function updateAsset(key: number, change: Partial<AssetRow>) {
    set(
      'assets',
      state.assets.map((a) => (a.key === key ? { ...a, ...change } : a)),
    );
  }
  function updateExclusion(key: number, change: Partial<ExclusionRow>) {
    set(
      'exclusions',
      state.exclusions.map((e) => (e.key === key ? { ...e, ...change } : e)),
    );
  }
  function updateCell(key: string, change: Partial<Cell>) {
    set('grid', { ...state.grid, [key]: { ...(state.grid[key] ?? { min: '', max: '' }), ...change } });
  }

  function build(): ProgramInput | null {
    const ranges: RewardRange[] = [];
    const index: string[] = [];
    if (state.kind === 'bounty') {
      for (const tier of TIERS) {
        for (const severity of REWARD_SEVERITIES) {
          const cell = state.grid[cellKey(tier, severity)];
          if (!cell || (!cell.min.trim() && !cell.max.trim())) continue;
          const min = Number(cell.min || cell.max);
          const max = Number(cell.max || cell.min);
          if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < 0) {
            form.setError(localInvalid('rewards', `tier ${tier} × ${severity}: amounts must be numbers`));
            return null;
          }
          ranges.push({ tier, severity, min, max });
          index.push(cellKey(tier, severity));
        }
      }
    }
    rangeIndex.current = index;
    const responseTargets: ProgramInput['responseTargets'] = {};
    for (const key of TARGET_KEYS) {
      const t = state.targets[key];
      if (!t.value.trim()) continue;
      const value = Number.parseInt(t.value, 10);
      if (!Number.isInteger(value) || value < 1) {
        form.setError(localInvalid(`responseTargets/${key}`, 'must be a whole number of hours or days, at least 1'));
        return null;
      }
      responseTargets[key] = { value, unit: t.unit };
    }
    const stale = Number.parseInt(state.staleCloseDays || '0', 10);
    return {
      name: state.name.trim(),
      kind: state.kind,
      visibility: state.visibility,
      policy: state.policy,
      safeHarbour: state.safeHarbour,
      scope: state.assets
        .filter((a) => a.identifier.trim())
        .map((a) => ({ kind: a.kind, identifier: a.identifier.trim(), tier: Number(a.tier), inScope: a.inScope, ...(a.description.trim() ? { description: a.description.trim() } : {}) })),
      exclusions: state.exclusions
        .filter((e) => e.name.trim())
        .map((e) => ({ name: e.name.trim(), ...(e.description.trim() ? { description: e.description.trim() } : {}), ...(e.redirectUrl.trim() ? { redirectUrl: e.redirectUrl.trim() } : {}) })),
      rewards: { currency: state.currency.trim().toUpperCase(), ranges },
      responseTargets,
      businessDays: state.businessDays,
      disclosure: { ...state.disclosure, delayDays: Number(state.disclosure.delayDays) || 0 },
      staleCloseDays: Number.isFinite(stale) ? stale : 14,
    };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (creating && !state.slug.trim()) return form.setError(localInvalid('slug', 'choose a slug: it is the programme’s address'));
    if (!state.name.trim()) return form.setError(localInvalid('name', 'give the programme a name'));
    if (!state.policy.trim()) return form.setError(localInvalid('policy', 'write the policy'));
    const input = build();
    if (!input) return;
    const { safeHarbour, ...rest } = input;
    const body = safeHarbour.trim() || !creating ? input : rest;
    void form.run(
      () => (creating ? programsApi.create({ slug: state.slug.trim(), ...(body as ProgramInput) }) : programsApi.update(program.slug, body)),
      (saved) => navigate(`/programs/${saved.slug}`),
    );
  }

  const rewardError = form.fieldError('rewards');
  const rewardCellError = (() => {
    const detail = form.error?.details.find((d) => d.field?.startsWith('/rewards/ranges/'));
    if (!detail?.field) return undefined;
    const i = Number(detail.field.split('/')[3]);
    return rangeIndex.current[i];
  })();

  return (
    <section className="page program-edit">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <ol>
          <li>
            <Link to="/admin/programs">Manage programmes</Link>
          </li>
          <li aria-current="page">{creating ? 'New' : program.name}</li>
        </ol>
      </nav>
      <PageHeader
        title={creating ? 'New programme' : `Edit ${program.name}`}
        description={creating ? 'Everything except the slug can be changed later.' : `Policy version ${program.policy.version}. Changing the policy text makes version ${program.policy.version + 1}.`}
      />
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['slug', 'name', 'kind', 'visibility', 'policy', 'safeHarbour', 'scope', 'exclusions', 'rewards', 'responseTargets', 'businessDays', 'disclosure', 'staleCloseDays']} />

        <section className="panel form-section" aria-labelledby={`${ids}-basics`}>
          <h2 id={`${ids}-basics`}>Basics</h2>
          <div className="form-grid">
            <TextField label="Name" name="name" required maxLength={120} value={state.name} onChange={(e) => set('name', e.target.value)} error={form.fieldError('name')} />
            {creating ? (
              <TextField
                label="Slug"
                name="slug"
                required
                maxLength={63}
                spellCheck={false}
                autoComplete="off"
                hint="Lower-case letters, digits and dashes; the address /programs/slug. Cannot be changed."
                value={state.slug}
                onChange={(e) => set('slug', e.target.value.toLowerCase())}
                error={form.fieldError('slug')}
              />
            ) : (
              <div className="field">
                <span className="field-label">Slug</span>
                <code>{program.slug}</code>
              </div>
            )}
          </div>
          <fieldset className="field">
            <legend>Kind</legend>
            <div className="checkbox-options inline-options">
              {(['vdp', 'bounty'] as const).map((k) => (
                <div className="checkbox" key={k}>
                  <input type="radio" id={`${ids}-kind-${k}`} name="kind" checked={state.kind === k} onChange={() => set('kind', k)} />
                  <label htmlFor={`${ids}-kind-${k}`}>
                    {k === 'bounty' ? 'Bug bounty' : 'Vulnerability disclosure (no rewards)'}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <fieldset className="field">
            <legend>Visibility</legend>
            <div className="checkbox-options inline-options">
              {(['public', 'invite_only'] as const).map((v) => (
                <div className="checkbox" key={v}>
                  <input type="radio" id={`${ids}-vis-${v}`} name="visibility" checked={state.visibility === v} onChange={() => set('visibility', v)} />
                  <label htmlFor={`${ids}-vis-${v}`}>{v === 'public' ? 'Public: anyone can read and report' : 'Invite only: staff and invited accounts'}</label>
                </div>
              ))}
            </div>
          </fieldset>
        </section>

        <section className="panel form-section" aria-labelledby={`${ids}-policy`}>
          <h2 id={`${ids}-policy`}>Policy</h2>
          <TextAreaField
            label="Policy"
            name="policy"
            rows={12}
            required
            maxLength={100_000}
            hint="Markdown. What to test, how, what not to do, how you respond. Reporters accept this version when they submit."
            value={state.policy}
            onChange={(e) => set('policy', e.target.value)}
            error={form.fieldError('policy')}
          />
          <TextAreaField
            label="Safe harbour"
            name="safeHarbour"
            rows={4}
            optional
            maxLength={20_000}
            hint={creating ? 'Markdown. Leave empty for cvdesk’s standard safe-harbour statement.' : 'Markdown.'}
            value={state.safeHarbour}
            onChange={(e) => set('safeHarbour', e.target.value)}
            error={form.fieldError('safeHarbour')}
          />
        </section>

        <section className="panel form-section" aria-labelledby={`${ids}-scope`}>
          <h2 id={`${ids}-scope`}>Scope</h2>
          <p className="hint">Tier 1 matters most. List out-of-scope assets too, so reporters are told before they submit.</p>
          {form.fieldError('scope') && <p className="field-error">{form.fieldError('scope')}</p>}
          {state.assets.length > 0 && (
            <ol className="row-editor">
              {state.assets.map((a, index) => (
                <li key={a.key} className="row-editor-item asset-row">
                  <SelectField label="Type" name={`asset-${index}-kind`} value={a.kind} onChange={(e) => updateAsset(a.key, { kind: e.target.value as AssetKind })}>
                    {ASSET_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {ASSET_KIND_LABELS[k]}
                      </option>
                    ))}
                  </SelectField>
                  <TextField
                    label={`Asset ${index + 1}`}
                    name={`asset-${index}-identifier`}
                    spellCheck={false}
                    placeholder="example.com, https://api.example.com"
                    value={a.identifier}
                    onChange={(e) => updateAsset(a.key, { identifier: e.target.value })}
                    error={form.fieldError(`scope/${index}/identifier`)}
                  />
                  <SelectField label="Tier" name={`asset-${index}-tier`} value={a.tier} onChange={(e) => updateAsset(a.key, { tier: e.target.value })}>
                    {TIERS.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </SelectField>
                  <div className="checkbox row-check">
                    <input type="checkbox" id={`${ids}-asset-${a.key}-in`} checked={a.inScope} onChange={(e) => updateAsset(a.key, { inScope: e.target.checked })} />
                    <label htmlFor={`${ids}-asset-${a.key}-in`}>In scope</label>
                  </div>
                  <TextField
                    label="Notes"
                    name={`asset-${index}-description`}
                    optional
                    className="wide"
                    value={a.description}
                    onChange={(e) => updateAsset(a.key, { description: e.target.value })}
                  />
                  <button type="button" className="button small ghost row-remove" onClick={() => set('assets', state.assets.filter((x) => x.key !== a.key))}>
                    Remove<span className="visually-hidden"> asset {index + 1}</span>
                  </button>
                </li>
              ))}
            </ol>
          )}
          <p>
            <button
              type="button"
              className="button small"
              onClick={() => set('assets', [...state.assets, { key: ++rowKey, kind: 'domain', identifier: '', tier: '1', inScope: true, description: '' }])}
            >
              Add an asset
            </button>
          </p>
        </section>

        <section className="panel form-section" aria-labelledby={`${ids}-exclusions`}>
          <h2 id={`${ids}-exclusions`}>Out-of-scope categories</h2>
          <p className="hint">Kinds of report you do not take (e.g. “Self-XSS”, “Findings in third-party services”), with where to send them instead.</p>
          {form.fieldError('exclusions') && <p className="field-error">{form.fieldError('exclusions')}</p>}
          {state.exclusions.length > 0 && (
            <ol className="row-editor">
              {state.exclusions.map((e, index) => (
                <li key={e.key} className="row-editor-item exclusion-row">
                  <TextField label={`Category ${index + 1}`} name={`exclusion-${index}-name`} maxLength={200} value={e.name} onChange={(ev) => updateExclusion(e.key, { name: ev.target.value })} error={form.fieldError(`exclusions/${index}/name`)} />
                  <TextField label="Explanation" name={`exclusion-${index}-description`} optional value={e.description} onChange={(ev) => updateExclusion(e.key, { description: ev.target.value })} />
                  <TextField
                    label="Report it instead at"
                    name={`exclusion-${index}-redirect`}
                    type="url"
                    optional
                    placeholder="https://…"
                    value={e.redirectUrl}
                    onChange={(ev) => updateExclusion(e.key, { redirectUrl: ev.target.value })}
                    error={form.fieldError(`exclusions/${index}/redirectUrl`)}
                  />
                  <button type="button" className="button small ghost row-remove" onClick={() => set('exclusions', state.exclusions.filter((x) => x.key !== e.key))}>
                    Remove<span className="visually-hidden"> category {index + 1}</span>
                  </button>
                </li>
              ))}
            </ol>
          )}
          <p>
            <button type="button" className="button small" onClick={() => set('exclusions', [...state.exclusions, { key: ++rowKey, name: '', description: '', redirectUrl: '' }])}>
              Add a category
            </button>
          </p>
        </section>

        {state.kind === 'bounty' && (
          <section className="panel form-section" aria-labelledby={`${ids}-rewards`}>
            <h2 id={`${ids}-rewards`}>Rewards</h2>
            <TextField
              label="Currency"
              name="currency"
              className="short"
              maxLength={3}
              hint="ISO 4217 code, such as USD or EUR."
              value={state.currency}
              onChange={(e) => set('currency', e.target.value.toUpperCase())}
              error={form.fieldError('rewards/currency')}
            />
            <p className="hint">Ranges in whole {state.currency || 'currency'} units, by asset tier and severity. Leave a cell empty for no reward.</p>
            <div className="table-wrap">
              <table className="table reward-editor">
                <caption className="visually-hidden">Reward ranges: tiers down, severities across; each cell a minimum and a maximum</caption>
                <thead>
                  <tr>
                    <th scope="col">Tier</th>
                    {REWARD_SEVERITIES.map((s) => (
                      <th key={s} scope="col">
                        {s.charAt(0).toUpperCase() + s.slice(1)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {TIERS.map((tier) => (
                    <tr key={tier}>
                      <th scope="row">Tier {tier}</th>
                      {REWARD_SEVERITIES.map((severity) => {
                        const key = cellKey(tier, severity);
                        const cell = state.grid[key] ?? { min: '', max: '' };
                        return (
                          <td key={severity} className={rewardCellError === key ? 'cell-error' : undefined}>
                            <div className="range-inputs">
                              <input
                                type="number"
                                min={0}
                                inputMode="decimal"
                                aria-label={`Tier ${tier} ${severity}: from`}
                                placeholder="from"
                                value={cell.min}
                                onChange={(e) => updateCell(key, { min: e.target.value })}
                              />
                              <input
                                type="number"
                                min={0}
                                inputMode="decimal"
                                aria-label={`Tier ${tier} ${severity}: to`}
                                placeholder="to"
                                value={cell.max}
                                onChange={(e) => updateCell(key, { max: e.target.value })}
                              />
                            </div>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {rewardError && <p className="field-error">{rewardError}</p>}
          </section>
        )}

        <section className="panel form-section" aria-labelledby={`${ids}-targets`}>
          <h2 id={`${ids}-targets`}>Response targets</h2>
          <p className="hint">What reporters are promised, shown on the programme page beside the measured medians. Leave empty for no target.</p>
          <div className="targets-editor">
            {TARGET_KEYS.map((key) => {
              const t = state.targets[key];
              const error = form.fieldError(`responseTargets/${key}`);
              return (
                <fieldset key={key} className={['field', 'target-row', error ? 'has-error' : ''].join(' ').trim()} aria-invalid={error ? true : undefined}>
                  <legend>{TARGET_LABELS[key]}</legend>
                  <div className="inline-add">
                    <input
                      type="number"
                      min={1}
                      inputMode="numeric"
                      aria-label={`${TARGET_LABELS[key]}: how many`}
                      value={t.value}
                      onChange={(e) => set('targets', { ...state.targets, [key]: { ...t, value: e.target.value } })}
                    />
                    <select aria-label={`${TARGET_LABELS[key]}: unit`} value={t.unit} onChange={(e) => set('targets', { ...state.targets, [key]: { ...t, unit: e.target.value as 'hours' | 'days' } })}>
                      <option value="hours">hours</option>
                      <option value="days">days</option>
                    </select>
                  </div>
                  {error && <p className="field-error">{error}</p>}
                </fieldset>
              );
            })}
          </div>
          <div className="checkbox">
            <input type="checkbox" id={`${ids}-business`} checked={state.businessDays} onChange={(e) => set('businessDays', e.target.checked)} />
            <label htmlFor={`${ids}-business`}>
              Count business days only
              <span className="hint">Saturdays and Sundays (UTC) do not count towards the targets.</span>
            </label>
          </div>
        </section>

        <section className="panel form-section" aria-labelledby={`${ids}-disclosure`}>
          <h2 id={`${ids}-disclosure`}>Disclosure and housekeeping</h2>
          <div className="form-grid">
            <SelectField
              label="Disclosure"
              name="disclosureMode"
              value={state.disclosure.mode}
              onChange={(e) => set('disclosure', { ...state.disclosure, mode: e.target.value as DisclosureSettings['mode'] })}
              error={form.fieldError('disclosure/mode')}
            >
              {DISCLOSURE_MODES.map((m) => (
                <option key={m} value={m}>
                  {MODE_LABELS[m]}
                </option>
              ))}
            </SelectField>
            {state.disclosure.mode === 'open' && (
              <TextField
                label="Delay (days)"
                name="delayDays"
                type="number"
                min={0}
                max={365}
                className="short"
                value={String(state.disclosure.delayDays)}
                onChange={(e) => set('disclosure', { ...state.disclosure, delayDays: Number(e.target.value) })}
                error={form.fieldError('disclosure/delayDays')}
              />
            )}
            <SelectField
              label="What is published"
              name="disclosureLevel"
              value={state.disclosure.level}
              onChange={(e) => set('disclosure', { ...state.disclosure, level: e.target.value as 'full' | 'limited' })}
            >
              <option value="full">The report, redacted by the team</option>
              <option value="limited">A summary only</option>
            </SelectField>
            <TextField
              label="Close unanswered reports after (days)"
              name="staleCloseDays"
              type="number"
              min={0}
              max={365}
              className="short"
              hint="A report waiting for more information closes itself after this many days; 0 never."
              value={state.staleCloseDays}
              onChange={(e) => set('staleCloseDays', e.target.value)}
              error={form.fieldError('staleCloseDays')}
            />
          </div>
        </section>

        <div className="button-row form-footer">
          <button type="submit" className="button primary" disabled={form.busy}>
            {form.busy ? 'Saving…' : creating ? 'Create programme' : 'Save changes'}
          </button>
          <Link className="button ghost" to={creating ? '/admin/programs' : `/programs/${program.slug}`}>
            Cancel
          </Link>
        </div>
      </form>
      {!creating && (
        <div className="stack">
          <MembersPanel program={program} />
          <SubmissionLimitPanel program={program} />
        </div>
      )}
    </section>
  );
}
