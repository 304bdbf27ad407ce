import { Link } from 'react-router';
import { useSignedIn } from '../../app/session';
import { PageHeader, RoleChips } from '../../components/ui';
import { ROLE_LABELS, ROLE_SUMMARIES, visibleSections } from '../../lib/access';
import { useTitle } from '../../lib/useTitle';
import { isStaff } from '../../shared/server';

/** Greets the person and lists what their roles let them use. No invented numbers. */
export function DashboardPage() {
  const { user } = useSignedIn();
  useTitle('Dashboard');
  const sections = visibleSections(user.roles).filter((s) => s.to !== '/');
  const admin = sections.filter((s) => s.group === 'admin');
  const account = sections.filter((s) => s.group === 'account');
  const firstName = (user.name || user.email).split(/\s+/)[0];

  return (
    <section className="page">
      <PageHeader title={`Welcome, ${firstName}`} description={<RoleChips roles={user.roles} />} />

      {(!user.emailVerified || (!user.mfaEnabled && !isStaff(user.roles))) && (
        <div className="callouts">
          {!user.emailVerified && (
            <div className="alert alert-warning">
              <p>
                <strong>Your email address is not verified yet.</strong> Open the link we sent to {user.email}.
              </p>
            </div>
          )}
          {!user.mfaEnabled && !isStaff(user.roles) && (
            <div className="alert alert-info">
              <p>
                Protect your account and your reports with two-factor authentication.{' '}
                <Link to="/account/two-factor">Set it up</Link>
              </p>
            </div>
          )}
        </div>
      )}

      <div className="dashboard-grid">
        <section className="panel" aria-labelledby="roles-heading">
          <h2 id="roles-heading">Your roles</h2>
          <dl className="role-list">
            {user.roles.map((role) => (
              <div key={role}>
                <dt>{ROLE_LABELS[role] ?? role}</dt>
                <dd>{ROLE_SUMMARIES[role] ?? ''}</dd>
              </div>
            ))}
          </dl>
        </section>

        {admin.length > 0 && (
          <section className="panel" aria-labelledby="admin-heading">
            <h2 id="admin-heading">Administration</h2>
            <ul className="section-links">
              {admin.map((s) => (
                <li key={s.to}>
                  <Link to={s.to}>{s.label}</Link>
                  <span className="muted">{s.description}</span>
                </li>
              ))}
            </ul>
          </section>
        )}

        <section className="panel" aria-labelledby="account-heading">
          <h2 id="account-heading">Your account</h2>
          <ul className="section-links">
            {account.map((s) => (
              <li key={s.to}>
                <Link to={s.to}>{s.label}</Link>
                <span className="muted">{s.description}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </section>
  );
}
