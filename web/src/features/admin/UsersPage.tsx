import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { usersApi } from '../../api/endpoints';
import type { User } from '../../api/types';
import { useSession, useSignedIn } from '../../app/session';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { CheckboxGroup, FormAlert, SelectField, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { Chip, Empty, KeyHint, LoadError, Loading, PageHeader, RoleChips, Time } from '../../components/ui';
import { ROLE_LABELS, ROLE_SUMMARIES } from '../../lib/access';
import { useListKeys } from '../../lib/useListKeys';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { ROLES, isRole, type Role } from '../../shared/server';

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role], hint: ROLE_SUMMARIES[role] }));

export function UsersPage() {
  useTitle('Users');
  const me = useSignedIn().user;
  const { refresh } = useSession();
  const [params, setParams] = useSearchParams();
  const roleParam = params.get('role') ?? '';
  const role = isRole(roleParam) ? roleParam : '';
  const q = params.get('q') ?? '';
  const users = useResource((signal) => usersApi.list({ role: role || undefined, q: q || undefined }, signal), [role, q]);
  const items = users.data?.items ?? [];

  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [toggling, setToggling] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const keys = useListKeys(items.length, (index) => setEditing(items[index] ?? null));

  function replaceUser(user: User) {
    users.setData((prev) => prev && { items: prev.items.map((u) => (u.id === user.id ? user : u)) });
  }

  function applyFilter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const r = String(data.get('role') ?? '');
    const text = String(data.get('q') ?? '').trim();
    if (r) next.set('role', r);
    if (text) next.set('q', text);
    setParams(next);
  }

  return (
    <section className="page">
      <PageHeader
        title="Users"
        description="Staff are invited here and set their own password from the invitation mail. Reporters sign up themselves."
        actions={
          <button type="button" className="button primary" onClick={() => setInviting(true)}>
            Invite user
          </button>
        }
      />

      <form className="filters" role="search" aria-label="Filter users" onSubmit={applyFilter} key={`${role}|${q}`}>
        <SelectField label="Role" name="role" defaultValue={role}>
          <option value="">Any role</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </SelectField>
        <TextField label="Email or name" name="q" type="search" defaultValue={q} />
        <div className="filter-actions">
          <button type="submit" className="button">
            Filter
          </button>
          {(role || q) && (
            <button type="button" className="button ghost" onClick={() => setParams(new URLSearchParams())}>
              Clear
            </button>
          )}
        </div>
      </form>

      <StatusMessage>{notice}</StatusMessage>
      {users.loading && !users.data && <Loading />}
      {users.error && <LoadError error={users.error} onRetry={users.reload} />}
      {users.data && items.length === 0 && <Empty>{role || q ? 'No users match these filters.' : 'No users yet.'}</Empty>}
      {items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Users{users.loading ? ' (updating)' : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="col-opt">
                    Two-factor
                  </th>
                  <th scope="col" className="col-opt">
                    Created
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((user, index) => (
                  <tr key={user.id} {...keys.rowProps(index)} className={user.disabled ? 'inactive' : ''}>
                    <th scope="row">
                      <span className="cell-title">{user.name}</span>
                      <span className="cell-sub">{user.email}</span>
                    </th>
                    <td>
                      <RoleChips roles={user.roles} />
                    </td>
                    <td>
                      {user.disabled ? (
                        <Chip tone="danger">disabled</Chip>
                      ) : user.emailVerified ? (
                        <Chip tone="success">active</Chip>
                      ) : (
                        <Chip tone="warning">not verified</Chip>
                      )}
                    </td>
                    <td className="col-opt">{user.mfaEnabled ? 'on' : <span className="muted">off</span>}</td>
                    <td className="col-opt nowrap">
                      <Time value={user.createdAt} compact />
                    </td>
                    <td className="actions">
                      <button type="button" className="button small" onClick={() => setEditing(user)}>
                        Roles<span className="visually-hidden"> of {user.email}</span>
                      </button>
                      {user.id !== me.id && (
                        <button
                          type="button"
                          className={user.disabled ? 'button small' : 'button small danger-outline'}
                          onClick={() => setToggling(user)}
                        >
                          {user.disabled ? 'Enable' : 'Disable'}
                          <span className="visually-hidden"> {user.email}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <KeyHint />
        </>
      )}

      <Dialog open={inviting} onClose={() => setInviting(false)} title="Invite a user">
        <InviteForm
          onInvited={(user) => {
            setInviting(false);
            setNotice(`Invitation sent to ${user.email}.`);
            users.reload();
          }}
          onCancel={() => setInviting(false)}
        />
      </Dialog>

      <Dialog open={editing !== null} onClose={() => setEditing(null)} title={`Roles of ${editing?.name ?? ''}`}>
        {editing && (
          <RolesForm
            user={editing}
            self={editing.id === me.id}
            onSaved={(user) => {
              replaceUser(user);
              setEditing(null);
              setNotice(`Roles of ${user.email} saved.`);
              if (user.id === me.id) void refresh().catch(() => undefined);
            }}
            onCancel={() => setEditing(null)}
          />
        )}
      </Dialog>

      <ConfirmDialog
        open={toggling !== null}
        title={toggling?.disabled ? 'Enable this account?' : 'Disable this account?'}
        confirmLabel={toggling?.disabled ? 'Enable account' : 'Disable account'}
        danger={!toggling?.disabled}
        onConfirm={async () => {
          if (!toggling) return;
          const { user } = await usersApi.update(toggling.id, { disabled: !toggling.disabled });
          replaceUser(user);
          setNotice(`${user.email} ${user.disabled ? 'disabled' : 'enabled'}.`);
        }}
        onClose={() => setToggling(null)}
      >
        {toggling?.disabled ? (
          <p>
            <strong>{toggling.email}</strong> will be able to sign in again.
          </p>
        ) : (
          <p>
            <strong>{toggling?.email}</strong> will be signed out everywhere and cannot sign in or use API tokens until
            enabled again. Their records stay.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

function InviteForm({ onInvited, onCancel }: { onInvited: (user: User) => void; onCancel: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['triager']);
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(() => usersApi.invite(email.trim(), name.trim(), roles), (r) => onInvited(r.user));
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      <FormAlert error={form.error} fields={['email', 'name', 'roles']} />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="off"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={form.fieldError('email')}
      />
      <TextField
        label="Name"
        name="name"
        autoComplete="off"
        optional
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={form.fieldError('name')}
      />
      <CheckboxGroup
        legend="Roles"
        name="roles"
        options={ROLE_OPTIONS}
        value={roles}
        onChange={setRoles}
        hint="Every role but reporter is staff, and staff must set up two-factor at first sign-in."
        error={form.fieldError('roles')}
      />
      <p className="hint">They get an email with a link to set their password.</p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? 'Sending…' : 'Send invitation'}
        </button>
      </div>
    </form>
  );
}

function RolesForm({
  user,
  self,
  onSaved,
  onCancel,
}: {
  user: User;
  self: boolean;
  onSaved: (user: User) => void;
  onCancel: () => void;
}) {
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(() => usersApi.update(user.id, { roles }), (r) => onSaved(r.user));
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      <p className="muted">{user.email}</p>
      <FormAlert error={form.error} fields={['roles']} />
      {self && (
        <p className="alert alert-warning">These are your own roles. Removing “Security lead” takes this page away from you.</p>
      )}
      <CheckboxGroup
        legend="Roles"
        name="roles"
        options={ROLE_OPTIONS}
        value={roles}
        onChange={setRoles}
        error={form.fieldError('roles')}
      />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? 'Saving…' : 'Save roles'}
        </button>
      </div>
    </form>
  );
}
