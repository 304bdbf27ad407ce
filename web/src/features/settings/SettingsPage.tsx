import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { SECURITY_TXT_URL, keysApi, settingsApi } from '../../api/endpoints';
import type { SettingDetail, SettingsView } from '../../api/types';
import { useSignedIn } from '../../app/session';
import { FormAlert, StatusMessage, localInvalid, useSubmit } from '../../components/forms';
import { Chip, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { GROUPS, describeValue, fromDraft, sameValue, specFor, toDraft, type FieldSpec } from './fields';
import './settings.css';

function sentence(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

function draftsOf(view: SettingsView): Record<string, string> {
  return Object.fromEntries(view.details.map((d) => [d.key, toDraft(specFor(d), d.value)]));
}

/**
 * The organisation settings security.txt (and mail) are built from. Staff read them; leads change
 * them, one field per key, with the server's message beside the field it names. "Reset to default"
 * sends `null` for one key.
 */
export function SettingsPage() {
  useTitle('Settings');
  const { user } = useSignedIn();
  const canEdit = can(user.roles, 'settings.manage');
  const settings = useResource((signal) => settingsApi.get(signal), []);

  return (
    <section className="page narrow settings-page">
      <PageHeader
        title="Settings"
        description={
          <>
            Organisation-wide settings. <a href={SECURITY_TXT_URL}>/.well-known/security.txt</a> is built from them at every
            request; see <Link to="/admin/security-txt">security.txt</Link> for what it serves and to sign it.
          </>
        }
      />
      {settings.loading && !settings.data && <Loading />}
      {settings.error && <LoadError error={settings.error} onRetry={settings.reload} />}
      {settings.data &&
        (canEdit ? (
          <SettingsForm view={settings.data} onSaved={(view) => settings.setData(view)} />
        ) : (
          <SettingsReadOnly view={settings.data} />
        ))}
    </section>
  );
}

function grouped(details: readonly SettingDetail[]) {
  return GROUPS.map((group) => ({ ...group, details: details.filter((d) => specFor(d).group === group.id) })).filter(
    (g) => g.details.length > 0,
  );
}

function SettingsReadOnly({ view }: { view: SettingsView }) {
  return (
    <>
      <p className="alert alert-info">Only security leads can change these settings.</p>
      {grouped(view.details).map((group) => (
        <section className="panel" key={group.id} aria-labelledby={`settings-${group.id}`}>
          <h2 id={`settings-${group.id}`}>{group.title}</h2>
          <dl className="properties settings-values">
            {group.details.map((detail) => {
              const spec = specFor(detail);
              return (
                <div key={detail.key}>
                  <dt>{spec.label}</dt>
                  <dd>
                    <span className={detail.value === null ? 'muted' : 'setting-value'}>{describeValue(spec, detail.value)}</span>{' '}
                    {detail.isDefault ? <Chip>default</Chip> : null}
                    <span className="setting-meta">
                      {detail.description}
                      {!detail.isDefault && detail.updatedBy && (
                        <>
                          {' '}
                          · changed by {detail.updatedBy}, <Time value={detail.updatedAt} relative />
                        </>
                      )}
                    </span>
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
    </>
  );
}

function SettingsForm({ view, onSaved }: { view: SettingsView; onSaved: (view: SettingsView) => void }) {
  const [drafts, setDrafts] = useState<Record<string, string>>(() => draftsOf(view));
  const [sent, setSent] = useState<Record<string, unknown>>({});
  const [notice, setNotice] = useState<ReactNode>(null);
  const [warning, setWarning] = useState<ReactNode>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const form = useSubmit();
  const keys = view.details.map((d) => d.key);

  const changed = view.details.filter((detail) => {
    const parsed = fromDraft(specFor(detail), drafts[detail.key] ?? '');
    return !parsed.ok || !sameValue(parsed.value, detail.value);
  });

  /** The server's message for a key; for a list, naming the entry it is about. */
  function errorFor(key: string): string | undefined {
    const detail = form.error?.details.find((d) => d.field === `/${key}` || d.field?.startsWith(`/${key}/`));
    if (!detail) return undefined;
    const index = /^\/[^/]+\/(\d+)$/.exec(detail.field ?? '')?.[1];
    if (index === undefined) return sentence(detail.message);
    const list = sent[key];
    const entry = Array.isArray(list) ? list[Number(index)] : undefined;
    return `Entry ${Number(index) + 1}${entry !== undefined ? ` (“${String(entry)}”)` : ''}: ${detail.message}`;
  }

  /** After a change, say whether a signed security.txt stopped being served. */
  async function checkSignature() {
    try {
      const status = await keysApi.securityTxt();
      if (status.signature && !status.signature.inUse && status.signature.problem === 'settings_changed') {
        setWarning(
          <>
            security.txt is now served <strong>unsigned</strong>: the signed copy no longer matches the settings.{' '}
            <Link to="/admin/security-txt">Sign it again</Link>.
          </>,
        );
      } else setWarning(null);
    } catch {
      setWarning(null);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    const patch: Record<string, unknown> = {};
    for (const detail of changed) {
      const parsed = fromDraft(specFor(detail), drafts[detail.key] ?? '');
      if (!parsed.ok) {
        form.setError(localInvalid(detail.key, parsed.message));
        return;
      }
      patch[detail.key] = parsed.value;
    }
    if (Object.keys(patch).length === 0) {
      form.setError(undefined);
      setNotice('Nothing to save: no setting was changed.');
      return;
    }
    setSent(patch);
    const labels = Object.keys(patch).map((key) => specFor(view.details.find((d) => d.key === key)!).label);
    void form.run(
      () => settingsApi.update(patch),
      (next) => {
        onSaved(next);
        setDrafts(draftsOf(next));
        setNotice(
          <>
            Saved: {labels.join(', ')}. <a href={SECURITY_TXT_URL}>See security.txt</a>
          </>,
        );
        void checkSignature();
      },
    );
  }

  function reset(detail: SettingDetail) {
    const spec = specFor(detail);
    setNotice(null);
    setResetting(detail.key);
    setSent({});
    void form
      .run(
        () => settingsApi.update({ [detail.key]: null }),
        (next) => {
          onSaved(next);
          const fresh = next.details.find((d) => d.key === detail.key);
          // Only this field takes the new value; edits in other fields stay.
          setDrafts((prev) => ({ ...prev, [detail.key]: toDraft(spec, fresh?.value ?? null) }));
          setNotice(
            <>
              {spec.label} reset to its default ({describeValue(spec, fresh?.value)}). It was “{describeValue(spec, detail.value)}”.
            </>,
          );
          void checkSignature();
        },
      )
      .finally(() => setResetting(null));
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
      <FormAlert error={form.error} fields={keys} />
      {grouped(view.details).map((group) => (
        <fieldset className="panel settings-group" key={group.id}>
          <legend className="settings-legend">{group.title}</legend>
          {group.description && <p className="hint">{group.description}</p>}
          {group.details.map((detail) => (
            <SettingField
              key={detail.key}
              detail={detail}
              spec={specFor(detail)}
              draft={drafts[detail.key] ?? ''}
              onChange={(value) => setDrafts((prev) => ({ ...prev, [detail.key]: value }))}
              error={errorFor(detail.key)}
              onReset={() => reset(detail)}
              resetting={resetting === detail.key}
              dirty={changed.includes(detail)}
            />
          ))}
        </fieldset>
      ))}
      <div className="settings-actions">
        <StatusMessage>{notice}</StatusMessage>
        {warning && <p className="alert alert-warning">{warning}</p>}
        <div className="button-row">
          <button type="submit" className="button primary" disabled={form.busy}>
            {form.busy && resetting === null ? 'Saving…' : 'Save changes'}
          </button>
          {changed.length > 0 && (
            <>
              <button
                type="button"
                className="button ghost"
                onClick={() => {
                  setDrafts(draftsOf(view));
                  form.setError(undefined);
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
      </div>
    </form>
  );
}

function SettingField({
  detail,
  spec,
  draft,
  onChange,
  error,
  onReset,
  resetting,
  dirty,
}: {
  detail: SettingDetail;
  spec: FieldSpec;
  draft: string;
  onChange: (value: string) => void;
  error: string | undefined;
  onReset: () => void;
  resetting: boolean;
  dirty: boolean;
}) {
  const auto = useId();
  const id = `setting-${detail.key}-${auto}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const metaId = `${id}-meta`;
  const common = {
    id,
    name: detail.key,
    value: draft,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': [hintId, error ? errorId : '', metaId].filter(Boolean).join(' '),
    spellCheck: false,
  } as const;
  const input =
    spec.kind === 'lines' ? (
      <textarea {...common} rows={Math.max(3, draft.split('\n').length + 1)} onChange={(e) => onChange(e.target.value)} />
    ) : (
      <input
        {...common}
        type={spec.kind === 'email' ? 'email' : spec.kind === 'url' ? 'url' : 'text'}
        inputMode={spec.kind === 'number' ? 'numeric' : spec.kind === 'email' ? 'email' : spec.kind === 'url' ? 'url' : undefined}
        autoComplete="off"
        className={spec.kind === 'number' ? 'setting-number' : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    );

  return (
    <div className={['field', 'setting-field', error ? 'has-error' : '', dirty ? 'dirty' : ''].join(' ').trim()}>
      <div className="setting-label-row">
        <label htmlFor={id}>
          {spec.label}
          {spec.nullable && <span className="optional"> (optional)</span>}
        </label>
        {spec.field && (
          <span className="setting-target">
            security.txt <code>{spec.field}</code>
          </span>
        )}
      </div>
      <p id={hintId} className="hint">
        {sentence(detail.description)}.{spec.hint ? ` ${spec.hint}` : ''}
      </p>
      {input}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      <p id={metaId} className="setting-meta">
        {detail.isDefault ? (
          <span>Default value.</span>
        ) : (
          <span>
            Changed{detail.updatedBy ? ` by ${detail.updatedBy}` : ''} <Time value={detail.updatedAt} relative />. Default:{' '}
            <span className="setting-default">{describeValue(spec, detail.default)}</span>.
          </span>
        )}
        {dirty && <span className="setting-dirty"> Not saved yet.</span>}
        {!detail.isDefault && (
          <button type="button" className="link-button setting-reset" onClick={onReset} disabled={resetting}>
            <span aria-hidden="true">{resetting ? 'Resetting…' : 'Reset to default'}</span>
            <span className="visually-hidden">Reset {spec.label} to its default</span>
          </button>
        )}
      </p>
    </div>
  );
}
