import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Dialog } from '../../components/Dialog';
import { FormAlert, SelectField, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { FormActions } from '../../components/FormActions';
import { Chip, Empty, LoadError, Loading, PageHeader, Time, type Tone } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi, rewardsApi } from '../reports/api';
import { formatMinor, shortId } from '../reports/labels';
import { REWARD_STATES, type LedgerItem, type RewardState } from '../reports/types';
import { useKeysetList } from '../reports/useKeysetList';
import { ReputationPanel } from './ReputationPanel';
import '../reports/reports.css';

const STATE_TONE: Record<RewardState, Tone> = { awarded: 'info', paid: 'success', cancelled: 'neutral' };

/** A reporter's rewards and totals per currency. */
export function EarningsPage() {
  useTitle('Earnings');
  const earnings = useResource((signal) => rewardsApi.earnings(signal), []);
  const items = earnings.data?.items ?? [];
  const totals = earnings.data?.totals ?? [];
  return (
    <section className="page narrow">
      <PageHeader title="Earnings" description="Rewards you were awarded for your reports, your share where a reward was split, and your reputation." />
      <ReputationPanel />
      {earnings.loading && !earnings.data && <Loading />}
      {earnings.error && <LoadError error={earnings.error} onRetry={earnings.reload} />}
      {totals.length > 0 && (
        <section className="panel" aria-labelledby="totals-heading">
          <h2 id="totals-heading">Totals</h2>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Totals per currency</caption>
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col" className="num">
                    Awarded, not yet paid
                  </th>
                  <th scope="col" className="num">
                    Paid
                  </th>
                  <th scope="col" className="num col-opt">
                    Cancelled
                  </th>
                </tr>
              </thead>
              <tbody>
                {totals.map((t) => (
                  <tr key={t.currency}>
                    <th scope="row">{t.currency}</th>
                    <td className="num">{formatMinor(t.awarded, t.currency)}</td>
                    <td className="num">{formatMinor(t.paid, t.currency)}</td>
                    <td className="num col-opt">{formatMinor(t.cancelled, t.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {earnings.data && items.length === 0 && <Empty>No rewards yet. Rewards are awarded on bounty programmes once a report is triaged.</Empty>}
      {items.length > 0 && (
        <section className="panel" aria-labelledby="entries-heading">
          <h2 id="entries-heading">Rewards</h2>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Your rewards, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Report</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">State</th>
                  <th scope="col" className="col-opt">
                    Awarded
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      <span className="cell-title">
                        <Link to={`/reports/${r.reportId}`}>Report {shortId(r.reportId)}</Link>
                      </span>
                      <span className="cell-sub">
                        {r.kind}
                        {r.share < 100 ? `, your ${r.share}% share` : ''}
                        {r.note ? ` — ${r.note}` : ''}
                      </span>
                    </th>
                    <td className="num">{formatMinor(r.amount, r.currency)}</td>
                    <td>
                      <Chip tone={STATE_TONE[r.state]}>{r.state}</Chip>
                      {r.paidAt && (
                        <span className="cell-sub">
                          <Time value={r.paidAt} compact />
                        </span>
                      )}
                    </td>
                    <td className="col-opt nowrap">
                      <Time value={r.createdAt} compact />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </section>
  );
}

/** The rewards ledger for leads: filter, mark paid or cancelled, export CSV for payouts. */
export function LedgerPage() {
  useTitle('Rewards ledger');
  const [params, setParams] = useSearchParams();
  const stateParam = params.get('state') ?? '';
  const state = (REWARD_STATES as readonly string[]).includes(stateParam) ? (stateParam as RewardState) : undefined;
  const program = params.get('program') ?? '';
  const key = `${state ?? ''}|${program}`;
  const programs = useResource((signal) => programsApi.list(signal), []);
  const ledger = useKeysetList<LedgerItem>((after, signal) => rewardsApi.ledger({ state, program: program || undefined, after, limit: 50 }, signal), [key]);
  const { first, items, next } = ledger;
  const [settling, setSettling] = useState<{ item: LedgerItem; to: 'paid' | 'cancelled' } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  function replace(updated: LedgerItem) {
    ledger.update((i) => (i.id === updated.id ? updated : i));
  }

  function filter(change: { state?: string; program?: string }) {
    const nextParams = new URLSearchParams();
    const s = change.state ?? state ?? '';
    const p = change.program ?? program;
    if (s) nextParams.set('state', s);
    if (p) nextParams.set('program', p);
    setParams(nextParams);
  }

  return (
    <section className="page">
      <PageHeader
        title="Rewards ledger"
        description="Every reward entry, newest first: one per person per award. Mark them paid once the money has gone out."
        actions={
          <a className="button" href={rewardsApi.exportUrl({ state, program: program || undefined })} download>
            Export CSV
          </a>
        }
      />
      <form className="filters" role="search" aria-label="Filter the ledger" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="State" name="state" value={state ?? ''} onChange={(e) => filter({ state: e.target.value })}>
          <option value="">Any state</option>
          {REWARD_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
        <SelectField label="Programme" name="program" value={program} onChange={(e) => filter({ program: e.target.value })}>
          <option value="">Any programme</option>
          {(programs.data?.items ?? [])
            .filter((p) => p.kind === 'bounty')
            .map((p) => (
              <option key={p.id} value={p.slug}>
                {p.name}
              </option>
            ))}
        </SelectField>
      </form>
      <StatusMessage>{notice}</StatusMessage>
      {first.loading && !first.data && <Loading />}
      {first.error && <LoadError error={first.error} onRetry={first.reload} />}
      {first.data && items.length === 0 && <Empty>No rewards match.</Empty>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Reward entries</caption>
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">Report</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">State</th>
                <th scope="col" className="col-opt">
                  Awarded
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <span className="cell-title">{r.recipient.name || r.recipient.email}</span>
                    <span className="cell-sub">{r.recipient.email}</span>
                  </th>
                  <td>
                    <span className="cell-title">
                      <Link to={`/reports/${r.report.id}`}>{r.report.title}</Link>
                    </span>
                    <span className="cell-sub">
                      {r.program.slug} · {r.kind}
                      {r.share < 100 ? `, ${r.share}% share` : ''}
                    </span>
                  </td>
                  <td className="num">{formatMinor(r.amount, r.currency)}</td>
                  <td>
                    <Chip tone={STATE_TONE[r.state]}>{r.state}</Chip>
                    {r.reference && <span className="cell-sub">{r.reference}</span>}
                  </td>
                  <td className="col-opt nowrap">
                    <Time value={r.createdAt} compact />
                  </td>
                  <td className="actions">
                    {r.state === 'awarded' && (
                      <>
                        <button type="button" className="button small" onClick={() => setSettling({ item: r, to: 'paid' })}>
                          Mark paid<span className="visually-hidden"> to {r.recipient.email}</span>
                        </button>
                        <button type="button" className="button small danger-outline" onClick={() => setSettling({ item: r, to: 'cancelled' })}>
                          Cancel<span className="visually-hidden"> reward to {r.recipient.email}</span>
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FormAlert error={ledger.moreError} />
      {next && (
        <p>
          <button type="button" className="button" onClick={() => void ledger.loadMore()} disabled={ledger.loadingMore}>
            {ledger.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
      <Dialog open={settling !== null} onClose={() => setSettling(null)} title={settling?.to === 'paid' ? 'Mark as paid' : 'Cancel this reward'}>
        {settling && (
          <SettleForm
            item={settling.item}
            to={settling.to}
            onDone={(updated) => {
              replace({ ...settling.item, ...updated });
              setNotice(`${formatMinor(updated.amount, updated.currency)} to ${settling.item.recipient.email} marked ${updated.state}.`);
              setSettling(null);
            }}
            onCancel={() => setSettling(null)}
          />
        )}
      </Dialog>
    </section>
  );
}

function SettleForm({
  item,
  to,
  onDone,
  onCancel,
}: {
  item: LedgerItem;
  to: 'paid' | 'cancelled';
  onDone: (updated: LedgerItem) => void;
  onCancel: () => void;
}) {
  const [reference, setReference] = useState('');
  const form = useSubmit();
  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(() => rewardsApi.setState(item.id, to, reference.trim() || undefined), (reward) => onDone({ ...item, ...reward }));
  }
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      <p>
        {formatMinor(item.amount, item.currency)} to <strong>{item.recipient.name || item.recipient.email}</strong> for “{item.report.title}”. This cannot be
        undone.
      </p>
      <FormAlert error={form.error} fields={['reference']} />
      <TextField
        label={to === 'paid' ? 'Payment reference' : 'Why it is cancelled'}
        name="reference"
        optional
        maxLength={200}
        value={reference}
        onChange={(e) => setReference(e.target.value)}
        error={form.fieldError('reference')}
      />
      <FormActions submit={to === 'paid' ? 'Mark paid' : 'Cancel reward'} busy={form.busy} onCancel={onCancel} cancelLabel="Back" danger={to !== 'paid'} />
    </form>
  );
}
