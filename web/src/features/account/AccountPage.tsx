import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { meApi } from '../../api/endpoints';
import { FormAlert, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { Chip, LoadError, Loading, PageHeader, RoleChips, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { HallOfFameOptIn } from '../halloffame/HallOfFamePages';
import { PASSWORD_MIN } from '../../shared/server';

export function AccountPage() {
  useTitle('Profile');
  const me = useResource((signal) => meApi.get(signal), []);

  return (
    <section className="page narrow">
      <PageHeader title="Profile" />
      <section className="panel" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Your account</h2>
        {me.loading && !me.data && <Loading />}
        {me.error && <LoadError error={me.error} onRetry={me.reload} />}
        {me.data && (
          <dl className="properties">
            <div>
              <dt>Name</dt>
              <dd>{me.data.name}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>
                {me.data.email}{' '}
                {me.data.emailVerified ? <Chip tone="success">verified</Chip> : <Chip tone="warning">not verified</Chip>}
              </dd>
            </div>
            <div>
              <dt>Roles</dt>
              <dd>
                <RoleChips roles={me.data.roles} />
              </dd>
            </div>
            <div>
              <dt>Two-factor</dt>
              <dd>
                {me.data.mfaEnabled ? <Chip tone="success">on</Chip> : <Chip tone="warning">off</Chip>}{' '}
                <Link to="/account/two-factor">Manage</Link>
              </dd>
            </div>
            <div>
              <dt>Member since</dt>
              <dd>
                <Time value={me.data.createdAt} />
              </dd>
            </div>
          </dl>
        )}
        <p className="hint">To change your name, email or roles, ask a security lead.</p>
      </section>
      <ChangePassword />
      <HallOfFameOptIn />
    </section>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [saved, setSaved] = useState(false);
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    if (next.length < PASSWORD_MIN) {
      form.setError(localInvalid('newPassword', `must be at least ${PASSWORD_MIN} characters`));
      return;
    }
    if (next !== confirm) {
      form.setError(localInvalid('confirm', 'does not match the new password'));
      return;
    }
    void form.run(
      () => meApi.changePassword(current, next),
      () => {
        setSaved(true);
        setCurrent('');
        setNext('');
        setConfirm('');
      },
    );
  }

  return (
    <section className="panel" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['currentPassword', 'newPassword', 'confirm']} />
        <StatusMessage>{saved ? 'Your password has been changed.' : null}</StatusMessage>
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          error={form.fieldError('currentPassword')}
        />
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN} characters.`}
          minLength={PASSWORD_MIN}
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={form.fieldError('newPassword')}
        />
        <TextField
          label="Repeat the new password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={form.fieldError('confirm')}
        />
        <div>
          <button type="submit" className="button primary" disabled={form.busy}>
            {form.busy ? 'Saving…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}
