import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { notificationsApi } from '../../api/endpoints';
import type { NotificationPreference } from '../../api/types';
import { FormAlert, StatusMessage, useSubmit } from '../../components/forms';
import { LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { KIND_LABELS, REPORTER_KINDS } from './kinds';
import './notifications.css';

type Channel = 'inApp' | 'email';
type Choices = Record<string, { inApp: boolean; email: boolean }>;

function choicesOf(items: readonly NotificationPreference[]): Choices {
  return Object.fromEntries(items.map((p) => [p.kind, { inApp: p.inApp, email: p.email }]));
}

/**
 * Per kind of notification, in the app and/or by mail. The server lists only the kinds that
 * concern the person's roles (triage kinds for triagers and leads), so this page shows just those.
 */
export function PreferencesPage() {
  useTitle('Notification settings');
  const prefs = useResource((signal) => notificationsApi.preferences(signal), []);
  const [choices, setChoices] = useState<Choices>({});
  const [notice, setNotice] = useState<string | null>(null);
  const form = useSubmit();
  const items = prefs.data?.items ?? [];

  useEffect(() => {
    if (prefs.data) setChoices(choicesOf(prefs.data.items));
  }, [prefs.data]);

  const saved = prefs.data ? choicesOf(prefs.data.items) : {};
  const changed = items.filter((p) => {
    const c = choices[p.kind];
    return c && (c.inApp !== saved[p.kind]?.inApp || c.email !== saved[p.kind]?.email);
  });

  function toggle(kind: string, channel: Channel, value: boolean) {
    setNotice(null);
    setChoices((prev) => ({ ...prev, [kind]: { ...(prev[kind] ?? { inApp: true, email: false }), [channel]: value } }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (changed.length === 0) {
      setNotice('Nothing changed.');
      return;
    }
    const body = changed.map((p) => ({ kind: p.kind, inApp: choices[p.kind]!.inApp, email: choices[p.kind]!.email }));
    void form.run(
      () => notificationsApi.savePreferences(body),
      (result) => {
        prefs.setData(result);
        setNotice('Notification settings saved.');
      },
    );
  }

  const groups = [
    { id: 'own', title: 'Your reports', items: items.filter((p) => REPORTER_KINDS.has(p.kind)) },
    { id: 'triage', title: 'Triage', items: items.filter((p) => !REPORTER_KINDS.has(p.kind)) },
  ].filter((g) => g.items.length > 0);

  return (
    <section className="page narrow">
      <PageHeader
        title="Notification settings"
        description={
          <>
            Choose, for each kind of event, whether it shows in your <Link to="/notifications">notifications</Link> in
            the app and whether you get a mail. Mail carries the headline, the public text and a link to the report —
            never internal notes.
          </>
        }
      />
      {prefs.loading && !prefs.data && <Loading />}
      {prefs.error && <LoadError error={prefs.error} onRetry={prefs.reload} />}
      {prefs.data && (
        <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
          <FormAlert error={form.error} fields={[]} />
          {groups.map((group) => (
            <section className="panel" key={group.id} aria-labelledby={`prefs-${group.id}`}>
              <h2 id={`prefs-${group.id}`}>{group.title}</h2>
              <div className="table-wrap">
                <table className="table preferences-table">
                  <caption className="visually-hidden">{group.title}: how you are told about each event</caption>
                  <thead>
                    <tr>
                      <th scope="col">Event</th>
                      <th scope="col" className="channel">
                        In the app
                      </th>
                      <th scope="col" className="channel">
                        By mail
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {group.items.map((p) => {
                      const label = KIND_LABELS[p.kind] ?? p.description;
                      const c = choices[p.kind] ?? { inApp: p.inApp, email: p.email };
                      return (
                        <tr key={p.kind}>
                          <th scope="row">
                            <span className="cell-title">{label}</span>
                            {KIND_LABELS[p.kind] && <span className="cell-sub">{p.description}</span>}
                          </th>
                          <td className="channel">
                            <input
                              type="checkbox"
                              id={`pref-${p.kind}-inApp`}
                              checked={c.inApp}
                              onChange={(e) => toggle(p.kind, 'inApp', e.target.checked)}
                              aria-label={`${label}: in the app`}
                            />
                          </td>
                          <td className="channel">
                            <input
                              type="checkbox"
                              id={`pref-${p.kind}-email`}
                              checked={c.email}
                              onChange={(e) => toggle(p.kind, 'email', e.target.checked)}
                              aria-label={`${label}: by mail`}
                            />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
          <StatusMessage>{notice}</StatusMessage>
          <div className="button-row">
            <button type="submit" className="button primary" disabled={form.busy}>
              {form.busy ? 'Saving…' : 'Save settings'}
            </button>
            {changed.length > 0 && (
              <>
                <button
                  type="button"
                  className="button ghost"
                  onClick={() => {
                    setChoices(saved);
                    setNotice('Changes discarded.');
                  }}
                >
                  Discard changes
                </button>
                <span className="muted">
                  {changed.length} unsaved change{changed.length === 1 ? '' : 's'}
                </span>
              </>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
