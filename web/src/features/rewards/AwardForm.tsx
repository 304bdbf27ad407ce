import { useState, type FormEvent } from 'react';
import { FormAlert, SelectField, TextField, localInvalid, useSubmit } from '../../components/forms';
import { FormActions } from '../../components/FormActions';
import { TextAreaField } from '../../components/TextAreaField';
import { rewardsApi } from '../reports/api';
import { currencyDigits, formatMinor, formatMoney } from '../reports/labels';
import type { Report, RewardSuggestion } from '../reports/types';
import { parseAmount } from './amount';

/** The award dialog's form: the amount is read strictly (amount.ts) and compared with the suggested range as it is typed. */
export function AwardForm({
  report,
  currency,
  suggestion,
  onDone,
  onCancel,
}: {
  report: Report;
  currency: string;
  suggestion: RewardSuggestion | null;
  onDone: (notice: string) => void;
  onCancel: () => void;
}) {
  const digits = currencyDigits(currency);
  const range = suggestion?.range ?? null;
  const [amount, setAmount] = useState(range ? String(range.min) : '');
  const [kind, setKind] = useState<'bounty' | 'bonus'>('bounty');
  const [note, setNote] = useState('');
  const form = useSubmit();
  const parsed = parseAmount(amount, currency, digits);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!parsed.ok) return form.setError(localInvalid('amount', parsed.problem));
    void form.run(
      () => rewardsApi.award(report.id, { amount: parsed.minor, kind, ...(note.trim() ? { note: note.trim() } : {}) }),
      (award) => onDone(`Awarded ${formatMinor(award.amount, award.currency)}.`),
    );
  }

  const outside = range && parsed.ok && (parsed.minor < range.minAmount || parsed.minor > range.maxAmount);

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      <FormAlert error={form.error} fields={['amount', 'kind', 'note']} />
      <TextField
        label={`Amount (${currency})`}
        name="amount"
        inputMode="decimal"
        className="short"
        autoComplete="off"
        hint={
          range
            ? `The reward table suggests ${formatMoney(range.min, currency)}–${formatMoney(range.max, currency)}. Group thousands with commas or spaces (5,000); decimals with a point.`
            : 'The reward table has no range for this report. Group thousands with commas or spaces (5,000); decimals with a point.'
        }
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        error={form.fieldError('amount')}
      />
      {outside && (
        <p className="alert alert-warning">
          {formatMinor(parsed.minor, currency)} is outside the suggested range; say why in the note.
        </p>
      )}
      <SelectField label="Kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value as 'bounty' | 'bonus')}>
        <option value="bounty">Bounty</option>
        <option value="bonus">Bonus</option>
      </SelectField>
      <TextAreaField label="Note to the reporter" name="note" optional rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} error={form.fieldError('note')} />
      <p className="hint">Split among the submitter and collaborators by their shares; each gets a ledger entry.</p>
      <FormActions submit="Award" busyLabel="Awarding…" busy={form.busy} onCancel={onCancel} />
    </form>
  );
}
