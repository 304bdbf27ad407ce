import type { FormEvent } from 'react';
import { FormAlert, useSubmit } from '../../components/forms';
import { LoadError, Loading } from '../../components/ui';
import { useSignedIn } from '../../app/session';
import { useResource } from '../../lib/useResource';
import { casesApi } from './api';
import type { Policy } from './types';

const VALUES: { key: string; label: string }[] = [
  { key: 'followUpDays', label: 'Follow up after (days)' },
  { key: 'attempts', label: 'N: attempts before unreachable / escalation' },
  { key: 'unreachableDays', label: 'M: days before unreachable' },
  { key: 'deadlineDays', label: 'Deadline (days from first notice)' },
  { key: 'postFixDays', label: 'After a fix (days)' },
  { key: 'exploitedDays', label: 'When exploited (days)' },
  { key: 'warnDays', label: 'Warn before a deadline (days)' },
];

/** The disclosure policies and the organisation's numbers for them; leads change the numbers. */
export function PoliciesPanel() {
  const list = useResource((signal) => casesApi.policies(signal), []);
  const isLead = useSignedIn().user.roles.includes('lead');
  if (list.loading && !list.data) return <Loading />;
  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  return (
    <section className="card" aria-labelledby="policies-title">
      <h2 id="policies-title">Disclosure policies</h2>
      {list.data!.items.map((policy) => (
        <PolicyForm key={policy.key} policy={policy} editable={isLead} onChange={list.reload} />
      ))}
    </section>
  );
}

function PolicyForm({ policy, editable, onChange }: { policy: Policy; editable: boolean; onChange: () => void }) {
  const form = useSubmit();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const body: Record<string, number | null> = {};
    for (const { key } of VALUES) {
      if (policy.values[key] === null) continue;
      const text = String(data.get(key) ?? '').trim();
      body[key] = text === '' ? null : Number(text);
    }
    void form.run(() => casesApi.setPolicyValues(policy.key, body), onChange);
  }
  return (
    <form ref={form.formRef} className="form policy-form" onSubmit={submit} noValidate aria-label={policy.name}>
      <h3>{policy.name}</h3>
      <p className="muted">{policy.description}</p>
      <FormAlert error={form.error} fields={VALUES.map((v) => `/${v.key}`)} />
      <div className="policy-values">
        {VALUES.filter(({ key }) => policy.values[key] !== null).map(({ key, label }) => (
          <label key={key}>
            {label}{' '}
            <input name={key} type="number" min={0} defaultValue={policy.values[key] ?? ''} disabled={!editable} aria-invalid={form.fieldError(key) ? true : undefined} />
          </label>
        ))}
      </div>
      {editable && (
        <button type="submit" className="button small secondary" disabled={form.busy}>
          Save {policy.name}
        </button>
      )}
    </form>
  );
}
