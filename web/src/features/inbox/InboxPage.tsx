import { useCallback, useEffect, useState, type FormEvent, type MouseEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { useSignedIn } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { FormAlert, SelectField, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { FormActions } from '../../components/FormActions';
import { SeverityChip, SlaBreachMarker, StateChip } from '../../components/ReportChips';
import { TextAreaField } from '../../components/TextAreaField';
import { Chip, Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useListKeys } from '../../lib/useListKeys';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi, reportsApi } from '../reports/api';
import { stateLabel, severityLabel } from '../reports/labels';
import { triages } from '../reports/roles';
import { INBOX_SORTS, OPEN_STATES, REPORT_STATES, SEVERITIES, type InboxItem, type InboxQuery, type InboxSort } from '../reports/types';
import { useKeysetList } from '../reports/useKeysetList';
import { useStaffDirectory } from '../reports/useStaffDirectory';
import '../reports/reports.css';
import { shortRef } from '../../shared/server';

const PAGE_SIZE = 50;

/**
 * The filters as they sit in the URL: `state` absent means the open ones, `all` means any.
 * `createdAfter`/`createdBefore` are UTC days (YYYY-MM-DD): received on or after the first,
 * before the second.
 */
interface Filters {
  program: string;
  state: string;
  severity: string;
  assignee: string;
  asset: string;
  createdAfter: string;
  createdBefore: string;
  slaBreached: boolean;
  q: string;
  sort: InboxSort;
}

const SORT_LABELS: Record<InboxSort, string> = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  severity: 'Highest CVSS score first',
  priority: 'Highest priority first',
  sla: 'Next response due first',
  updated: 'Last updated first',
};

/** A UTC day as typed into a date field; anything else in the URL is ignored. */
function day(value: string | null): string {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? value : '';
}

function readFilters(params: URLSearchParams): Filters {
  const sort = params.get('sort');
  return {
    program: params.get('program') ?? '',
    state: params.get('state') ?? '',
    severity: params.get('severity') ?? '',
    assignee: params.get('assignee') ?? '',
    asset: params.get('asset') ?? '',
    createdAfter: day(params.get('createdAfter')),
    createdBefore: day(params.get('createdBefore')),
    slaBreached: params.get('slaBreached') === 'true' || params.get('slaBreached') === '1',
    q: params.get('q') ?? '',
    sort: (INBOX_SORTS as readonly string[]).includes(sort ?? '') ? (sort as InboxSort) : 'newest',
  };
}

function toParams(filters: Filters): URLSearchParams {
  const next = new URLSearchParams();
  if (filters.program) next.set('program', filters.program);
  if (filters.state) next.set('state', filters.state);
  if (filters.severity) next.set('severity', filters.severity);
  if (filters.assignee) next.set('assignee', filters.assignee);
  if (filters.asset) next.set('asset', filters.asset);
  if (filters.createdAfter) next.set('createdAfter', filters.createdAfter);
  if (filters.createdBefore) next.set('createdBefore', filters.createdBefore);
  if (filters.slaBreached) next.set('slaBreached', 'true');
  if (filters.q.trim()) next.set('q', filters.q.trim());
  if (filters.sort !== 'newest') next.set('sort', filters.sort);
  return next;
}

const VIEWS: { label: string; filters: Partial<Filters> }[] = [
  { label: 'Open', filters: {} },
  { label: 'New', filters: { state: 'new' } },
  { label: 'Mine', filters: { assignee: 'me' } },
  { label: 'Unassigned', filters: { assignee: 'none' } },
  { label: 'Overdue', filters: { slaBreached: true } },
  { label: 'All', filters: { state: 'all' } },
];

const EMPTY: Filters = { program: '', state: '', severity: '', assignee: '', asset: '', createdAfter: '', createdBefore: '', slaBreached: false, q: '', sort: 'newest' };

const SHORTCUTS: [string[], string][] = [
  [['j', '↓'], 'Next report'],
  [['k', '↑'], 'Previous report'],
  [['o', 'Enter'], 'Open the report'],
  [['x'], 'Select or unselect the report'],
  [['e'], 'Assign the report to me'],
  [['/'], 'Search'],
  [['?'], 'This help'],
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((target as HTMLInputElement).type);
}

/**
 * The staff inbox: dense like a mail client. Filters live in the URL; pages load by keyset
 * ("Load more"); j/k/o/x/e work from the keyboard (? lists them); selected rows take bulk
 * actions (assign, add or remove labels, close as spam).
 */
export function InboxPage() {
  useTitle('Inbox');
  const { user } = useSignedIn();
  const canTriage = triages(user.roles);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const key = toParams(filters).toString();
  const directory = useStaffDirectory();
  const programs = useResource((signal) => programsApi.list(signal), []);
  const programName = useCallback((id: string) => programs.data?.items.find((p) => p.id === id)?.name ?? '', [programs.data]);
  // Assets are a programme's: the asset filter lists the chosen programme's scope.
  const program = useResource((signal) => (filters.program ? programsApi.get(filters.program, signal) : Promise.resolve(undefined)), [filters.program]);

  const query: InboxQuery = {
    program: filters.program || undefined,
    state: filters.state === 'all' ? undefined : filters.state || OPEN_STATES.join(','),
    severity: filters.severity || undefined,
    assignee: filters.assignee === 'me' ? user.id : filters.assignee || undefined,
    asset: filters.asset || undefined,
    createdAfter: filters.createdAfter ? `${filters.createdAfter}T00:00:00.000Z` : undefined,
    createdBefore: filters.createdBefore ? `${filters.createdBefore}T00:00:00.000Z` : undefined,
    slaBreached: filters.slaBreached || undefined,
    q: filters.q || undefined,
    sort: filters.sort,
    limit: PAGE_SIZE,
  };
  const list = useKeysetList((after, signal) => reportsApi.list({ ...query, after }, signal), [key]);
  const { first, items, next } = list;
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [spamming, setSpamming] = useState(false);
  const [actionError, setActionError] = useState<ApiError | undefined>(undefined);

  useEffect(() => setSelected(new Set()), [key]);
  // The search box follows the URL (back, forward, a view link) but not while typing.
  const [search, setSearch] = useState(filters.q);
  useEffect(() => setSearch(filters.q), [filters.q]);

  const keys = useListKeys(items.length, (index) => {
    const item = items[index];
    if (item) navigate(`/reports/${item.id}`);
  });

  function toggle(id: string) {
    setSelected((prev) => {
      const nextSet = new Set(prev);
      if (nextSet.has(id)) nextSet.delete(id);
      else nextSet.add(id);
      return nextSet;
    });
  }

  async function assignToMe(item: InboxItem) {
    setActionError(undefined);
    try {
      await reportsApi.triage(item.id, { assigneeId: user.id });
      setNotice(`“${item.title}” assigned to you.`);
      list.update((i) => (i.id === item.id ? { ...i, assigneeId: user.id } : i));
    } catch (reason) {
      setActionError(toApiError(reason));
    }
  }

  // Keys beyond the list's own j/k/o/Enter: x, e, / and ?.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
      const item = keys.active >= 0 ? items[keys.active] : undefined;
      if (event.key === '?') {
        event.preventDefault();
        setHelp(true);
      } else if (event.key === '/') {
        event.preventDefault();
        document.getElementById('inbox-search')?.focus();
      } else if (event.key === 'x' && item && canTriage) {
        event.preventDefault();
        toggle(item.id);
      } else if (event.key === 'e' && item && canTriage) {
        event.preventDefault();
        void assignToMe(item);
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  async function loadMore() {
    const count = await list.loadMore();
    if (count) setNotice(`Loaded ${count} more report${count === 1 ? '' : 's'}.`);
  }

  function apply(change: Partial<Filters>) {
    setParams(toParams({ ...filters, ...change }));
  }

  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    apply({ q: search });
  }

  async function bulk(body: Omit<Parameters<typeof reportsApi.bulk>[0], 'ids'>, message: (n: number) => string) {
    setActionError(undefined);
    const ids = [...selected];
    try {
      const result = await reportsApi.bulk({ ids, ...body });
      setNotice(message(result.updated));
      setSelected(new Set());
      list.reload();
    } catch (reason) {
      setActionError(toApiError(reason));
      throw reason;
    }
  }

  function onRowClick(event: MouseEvent<HTMLTableRowElement>, item: InboxItem) {
    if ((event.target as HTMLElement).closest('a, button, input, label')) return;
    navigate(`/reports/${item.id}`);
  }

  const filtered = key !== '';
  const activeView = VIEWS.findIndex((v) => toParams({ ...EMPTY, ...v.filters }).toString() === key);
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));
  const someSelected = selected.size > 0 && !allSelected;

  return (
    <section className="page inbox-page">
      <PageHeader
        title="Inbox"
        description="Reports sent to every programme, newest first unless you choose another order; received dates are UTC days. Press ? for the keyboard shortcuts."
        actions={
          <button type="button" className="button ghost small" onClick={() => setHelp(true)}>
            Keyboard shortcuts
          </button>
        }
      />

      <nav className="segmented inbox-views" aria-label="Inbox views">
        {VIEWS.map((view, index) => (
          <Link key={view.label} to={{ search: toParams({ ...EMPTY, ...view.filters }).toString() }} aria-current={index === activeView ? 'page' : undefined}>
            {view.label}
          </Link>
        ))}
      </nav>

      <form className="filters inbox-filters" role="search" aria-label="Filter the inbox" onSubmit={onSearch}>
        <TextField label="Search" name="q" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Words in the report" id="inbox-search" />
        <SelectField label="Programme" name="program" value={filters.program} onChange={(e) => apply({ program: e.target.value, asset: '' })}>
          <option value="">Any programme</option>
          {(programs.data?.items ?? []).map((p) => (
            <option key={p.id} value={p.slug}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="State" name="state" value={filters.state} onChange={(e) => apply({ state: e.target.value })}>
          <option value="">Open (new, triaged, needs info)</option>
          <option value="all">Any state</option>
          {REPORT_STATES.map((s) => (
            <option key={s} value={s}>
              {stateLabel(s)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Severity" name="severity" value={filters.severity} onChange={(e) => apply({ severity: e.target.value })}>
          <option value="">Any severity</option>
          <option value="critical,high">High and critical</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {severityLabel(s)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Assignee" name="assignee" value={filters.assignee} onChange={(e) => apply({ assignee: e.target.value })}>
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Nobody (unassigned)</option>
          {directory.members
            .filter((m) => m.id !== user.id)
            .map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          {filters.assignee && !['me', 'none'].includes(filters.assignee) && !directory.members.some((m) => m.id === filters.assignee) && (
            <option value={filters.assignee}>Account {shortRef(filters.assignee)}</option>
          )}
        </SelectField>
        <SelectField
          label="Asset"
          name="asset"
          value={filters.asset}
          onChange={(e) => apply({ asset: e.target.value })}
          disabled={!filters.program && !filters.asset}
        >
          <option value="">{filters.program ? 'Any asset' : 'Any (choose a programme to pick one)'}</option>
          {(program.data?.scope ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.identifier}
              {a.inScope ? '' : ' (out of scope)'}
            </option>
          ))}
          {filters.asset && !program.data?.scope.some((a) => a.id === filters.asset) && <option value={filters.asset}>Asset {shortRef(filters.asset)}</option>}
        </SelectField>
        <TextField
          label="Received from"
          name="createdAfter"
          type="date"
          value={filters.createdAfter}
          max={filters.createdBefore || undefined}
          onChange={(e) => apply({ createdAfter: day(e.target.value) })}
        />
        <TextField
          label="Received before"
          name="createdBefore"
          type="date"
          value={filters.createdBefore}
          min={filters.createdAfter || undefined}
          onChange={(e) => apply({ createdBefore: day(e.target.value) })}
        />
        <SelectField label="Order" name="sort" value={filters.sort} onChange={(e) => apply({ sort: e.target.value as InboxSort })}>
          {INBOX_SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {SORT_LABELS[sort]}
            </option>
          ))}
        </SelectField>
        <div className="checkbox filter-check">
          <input type="checkbox" id="inbox-breached" checked={filters.slaBreached} onChange={(e) => apply({ slaBreached: e.target.checked })} />
          <label htmlFor="inbox-breached">Overdue only</label>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button">
            Search
          </button>
          {filtered && (
            <Link className="button ghost" to="/inbox">
              Clear
            </Link>
          )}
        </div>
      </form>

      <StatusMessage tone="info">{notice}</StatusMessage>
      <FormAlert error={actionError} />

      {canTriage && selected.size > 0 && (
        <BulkBar
          count={selected.size}
          members={directory.members}
          meId={user.id}
          onAssign={(assigneeId, who) => bulk({ action: 'assign', assigneeId }, (n) => `${n} report${n === 1 ? '' : 's'} assigned to ${who}.`)}
          onLabel={(change, labels) =>
            bulk({ action: 'label', add: change === 'add' ? labels : [], remove: change === 'remove' ? labels : [] }, (n) =>
              n === 0 ? 'No report changed: the labels were already as asked.' : `Labels ${change === 'add' ? 'added to' : 'removed from'} ${n} report${n === 1 ? '' : 's'}.`,
            )
          }
          onSpam={() => setSpamming(true)}
          onClear={() => setSelected(new Set())}
        />
      )}

      {first.loading && !first.data && <Loading />}
      {first.error && <LoadError error={first.error} onRetry={first.reload} />}
      {first.data && items.length === 0 && <Empty>{filtered ? 'No reports match these filters.' : 'No open reports. The inbox is clear.'}</Empty>}
      {items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table inbox-table" aria-busy={first.loading || undefined}>
              <caption className="visually-hidden">
                Reports, {SORT_LABELS[filters.sort].toLowerCase()}
                {selected.size ? `, ${selected.size} selected` : ''}
              </caption>
              <thead>
                <tr>
                  {canTriage && (
                    <th scope="col" className="select-cell">
                      <input
                        type="checkbox"
                        aria-label="Select every report shown"
                        checked={allSelected}
                        ref={(el) => {
                          if (el) el.indeterminate = someSelected;
                        }}
                        onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((i) => i.id)))}
                      />
                    </th>
                  )}
                  <th scope="col">Report</th>
                  <th scope="col" className="col-wide">
                    State
                  </th>
                  <th scope="col" className="col-wide">
                    Severity
                  </th>
                  <th scope="col" className="col-opt">
                    Assignee
                  </th>
                  <th scope="col" className="nowrap">
                    Received
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((item, index) => {
                  const isSelected = selected.has(item.id);
                  return (
                    <tr
                      key={item.id}
                      {...keys.rowProps(index)}
                      className={['clickable', isSelected ? 'selected' : '', item.slaBreached ? 'breached' : ''].join(' ').trim()}
                      onClick={(event) => onRowClick(event, item)}
                    >
                      {canTriage && (
                        <td className="select-cell">
                          <input type="checkbox" tabIndex={-1} aria-label={`Select “${item.title}”`} checked={isSelected} onChange={() => toggle(item.id)} />
                        </td>
                      )}
                      <th scope="row" className="inbox-title">
                        <span className="cell-title">
                          <Link to={`/reports/${item.id}`} tabIndex={-1}>
                            {item.title}
                          </Link>
                        </span>
                        <span className="inline-chips">
                          <StateChip state={item.state} /> <SeverityChip severity={item.severity} score={item.score} />
                        </span>
                        <span className="cell-sub">
                          {programName(item.programId)}
                          {item.outOfScope && (
                            <>
                              {' '}
                              <Chip tone="warning">out of scope</Chip>
                            </>
                          )}
                          {item.slaBreached && (
                            <>
                              {' '}
                              <SlaBreachMarker>overdue</SlaBreachMarker>
                            </>
                          )}
                          {(item.labels ?? []).map((l) => (
                            <span key={l} className="label-chip small">
                              {l}
                            </span>
                          ))}
                        </span>
                      </th>
                      <td className="col-wide">
                        <StateChip state={item.state} />
                      </td>
                      <td className="nowrap col-wide">
                        <SeverityChip severity={item.severity} score={item.score} />
                        {item.priority && <span className="priority"> {item.priority}</span>}
                      </td>
                      <td className="col-opt">{item.assigneeId ? directory.name(item.assigneeId) : <span className="muted">—</span>}</td>
                      <td className="nowrap">
                        <Time value={item.createdAt} compact />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="key-hint">
            Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>o</kbd> opens, <kbd>x</kbd> selects, <kbd>e</kbd> assigns to you, <kbd>?</kbd> lists them all.
          </p>
          <FormAlert error={list.moreError} />
          {next ? (
            <p>
              <button type="button" className="button" onClick={() => void loadMore()} disabled={list.loadingMore}>
                {list.loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </p>
          ) : (
            <p className="muted end-of-list">
              {items.length} report{items.length === 1 ? '' : 's'}. End of the list.
            </p>
          )}
        </>
      )}

      <Dialog open={help} onClose={() => setHelp(false)} title="Keyboard shortcuts">
        <div className="dialog-body">
          <dl className="shortcuts">
            {SHORTCUTS.map(([keysList, what]) => (
              <div key={what}>
                <dt>
                  {keysList.map((k, i) => (
                    <span key={k}>
                      {i > 0 ? ' or ' : ''}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
          <p className="hint">Shortcuts work when the focus is not in a text field.</p>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => setHelp(false)} data-autofocus>
            Close
          </button>
        </div>
      </Dialog>

      <Dialog open={spamming} onClose={() => setSpamming(false)} title={`Close ${selected.size} as spam`}>
        {spamming && (
          <SpamForm
            count={selected.size}
            onSubmit={(reason) => bulk({ action: 'spam', reason }, (n) => `${n} report${n === 1 ? '' : 's'} closed as spam.`).then(() => setSpamming(false))}
            onCancel={() => setSpamming(false)}
          />
        )}
      </Dialog>
    </section>
  );
}

function BulkBar({
  count,
  members,
  meId,
  onAssign,
  onLabel,
  onSpam,
  onClear,
}: {
  count: number;
  members: { id: string; name: string }[];
  meId: string;
  onAssign: (assigneeId: string | null, who: string) => Promise<void>;
  onLabel: (change: 'add' | 'remove', labels: string[]) => Promise<void>;
  onSpam: () => void;
  onClear: () => void;
}) {
  const [assignee, setAssignee] = useState('me');
  const [labels, setLabels] = useState('');
  const [busy, setBusy] = useState(false);

  /** Whether the action succeeded (its error is shown by the page's alert). */
  async function run(action: () => Promise<void>): Promise<boolean> {
    setBusy(true);
    try {
      await action();
      return true;
    } catch {
      return false;
    } finally {
      setBusy(false);
    }
  }

  const labelList = labels
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  async function changeLabels(change: 'add' | 'remove') {
    if (labelList.length && (await run(() => onLabel(change, labelList)))) setLabels('');
  }

  return (
    <section className="bulk-bar" aria-label="Bulk actions">
      <strong className="bulk-count">{count} selected</strong>
      <form
        className="bulk-action"
        onSubmit={(e) => {
          e.preventDefault();
          const id = assignee === 'me' ? meId : assignee === 'none' ? null : assignee;
          const who = assignee === 'me' ? 'you' : assignee === 'none' ? 'nobody' : (members.find((m) => m.id === assignee)?.name ?? 'them');
          void run(() => onAssign(id, who));
        }}
      >
        <label htmlFor="bulk-assignee">Assign to</label>
        <select id="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="me">Me</option>
          <option value="none">Nobody</option>
          {members
            .filter((m) => m.id !== meId)
            .map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
        </select>
        <button type="submit" className="button small" disabled={busy}>
          Assign
        </button>
      </form>
      {/* Labels are added to or removed from each report; its other labels stay. */}
      <form
        className="bulk-action"
        onSubmit={(e) => {
          e.preventDefault();
          void changeLabels('add');
        }}
      >
        <label htmlFor="bulk-labels">Labels</label>
        <input id="bulk-labels" type="text" value={labels} placeholder="comma-separated" onChange={(e) => setLabels(e.target.value)} />
        <button type="submit" className="button small" disabled={busy || !labelList.length}>
          Add labels
        </button>
        <button type="button" className="button small" disabled={busy || !labelList.length} onClick={() => void changeLabels('remove')}>
          Remove labels
        </button>
      </form>
      <button type="button" className="button small danger-outline" onClick={onSpam} disabled={busy}>
        Close as spam…
      </button>
      <button type="button" className="button small ghost" onClick={onClear}>
        Clear selection
      </button>
    </section>
  );
}

function SpamForm({ count, onSubmit, onCancel }: { count: number; onSubmit: (reason: string) => Promise<void>; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const form = useSubmit();
  return (
    <form
      ref={form.formRef}
      noValidate
      className="stack dialog-body"
      onSubmit={(event) => {
        event.preventDefault();
        if (!reason.trim()) return form.setError(localInvalid('reason', 'give the reason the reporters will read'));
        void form.run(() => onSubmit(reason.trim()));
      }}
    >
      <p>
        {count} report{count === 1 ? '' : 's'} will move to <StateChip state="spam" />. All of them or none: if one cannot be closed, nothing changes.
      </p>
      <FormAlert error={form.error} fields={['reason']} />
      <TextAreaField label="Reason" name="reason" rows={3} maxLength={5000} hint="The reporters read it." value={reason} onChange={(e) => setReason(e.target.value)} error={form.fieldError('reason')} />
      <FormActions submit="Close as spam" busyLabel="Closing…" busy={form.busy} onCancel={onCancel} danger />
    </form>
  );
}
