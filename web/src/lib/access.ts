import type { Role } from '../shared/server';
import { STAFF_ROLES } from '../shared/server';

/**
 * What each role may see in the web app. The server enforces the same rules in its policies;
 * this only decides what to show, so a person is not offered links that end in "forbidden".
 */
export type Capability =
  | 'users.manage'
  | 'reports.inbox'
  | 'reports.own'
  | 'programs.manage'
  | 'rewards.manage'
  | 'audit.read'
  | 'audit.verify'
  | 'audit.export'
  | 'outbox.read'
  | 'jobs.manage'
  | 'settings.read'
  | 'settings.manage'
  | 'keys.read'
  | 'keys.manage'
  | 'webhooks.manage';

const GRANTS: Record<Capability, readonly Role[]> = {
  'users.manage': ['lead'],
  'reports.inbox': STAFF_ROLES,
  'reports.own': ['reporter'],
  'programs.manage': ['lead'],
  'rewards.manage': ['lead'],
  'audit.read': STAFF_ROLES,
  'audit.verify': ['lead', 'auditor'],
  'audit.export': ['lead', 'auditor'],
  'outbox.read': ['lead'],
  'jobs.manage': ['lead'],
  'settings.read': STAFF_ROLES,
  'settings.manage': ['lead'],
  'keys.read': STAFF_ROLES,
  'keys.manage': ['lead'],
  'webhooks.manage': ['lead'],
};

export function can(roles: readonly Role[] | undefined, capability: Capability): boolean {
  return !!roles && roles.some((role) => GRANTS[capability].includes(role));
}

export interface Section {
  to: string;
  label: string;
  description: string;
  capability?: Capability;
  group: 'overview' | 'admin' | 'account';
}

export const SECTIONS: readonly Section[] = [
  { to: '/', label: 'Dashboard', description: 'Where you start.', group: 'overview' },
  { to: '/inbox', label: 'Inbox', description: 'Every report sent in: filter, triage, assign.', capability: 'reports.inbox', group: 'overview' },
  { to: '/reports', label: 'My reports', description: 'What you reported and how it is going.', capability: 'reports.own', group: 'overview' },
  { to: '/programs', label: 'Programmes', description: 'Policies and scope; where to submit a report.', group: 'overview' },
  { to: '/disclosed', label: 'Disclosed', description: 'Reports published after the fix.', group: 'overview' },
  { to: '/hall-of-fame', label: 'Hall of fame', description: 'Researchers who chose to be named.', group: 'overview' },
  {
    to: '/admin/programs',
    label: 'Manage programmes',
    description: 'Policy, scope, rewards, response targets and disclosure; response-time dashboards.',
    capability: 'programs.manage',
    group: 'admin',
  },
  {
    to: '/admin/rewards',
    label: 'Rewards ledger',
    description: 'Awarded rewards: mark them paid or cancelled, export CSV.',
    capability: 'rewards.manage',
    group: 'admin',
  },
  { to: '/account/earnings', label: 'Earnings', description: 'Rewards for your reports.', capability: 'reports.own', group: 'account' },
  {
    to: '/admin/users',
    label: 'Users',
    description: 'Invite staff, change roles, disable accounts.',
    capability: 'users.manage',
    group: 'admin',
  },
  {
    to: '/admin/audit',
    label: 'Audit log',
    description: 'Every change, who made it and when, in a hash chain.',
    capability: 'audit.read',
    group: 'admin',
  },
  {
    to: '/admin/outbox',
    label: 'Mail outbox',
    description: 'Mail cvdesk has stored or sent, readable in full.',
    capability: 'outbox.read',
    group: 'admin',
  },
  {
    to: '/admin/jobs',
    label: 'Jobs',
    description: 'Background work: queued, running, done and dead jobs; retry the dead.',
    capability: 'jobs.manage',
    group: 'admin',
  },
  {
    to: '/admin/settings',
    label: 'Settings',
    description: 'Organisation name, security contacts and what security.txt publishes.',
    capability: 'settings.read',
    group: 'admin',
  },
  {
    to: '/admin/keys',
    label: 'OpenPGP keys',
    description: 'The keys reporters encrypt to and security.txt is signed with.',
    capability: 'keys.read',
    group: 'admin',
  },
  {
    to: '/admin/security-txt',
    label: 'security.txt',
    description: 'What /.well-known/security.txt serves now; sign it.',
    capability: 'keys.read',
    group: 'admin',
  },
  {
    to: '/admin/webhooks',
    label: 'Webhooks',
    description: 'Signed report events sent to your other systems, with a delivery log.',
    capability: 'webhooks.manage',
    group: 'admin',
  },
  {
    to: '/notifications',
    label: 'Notifications',
    description: 'What happened on your reports and in triage.',
    group: 'overview',
  },
  { to: '/account', label: 'Profile', description: 'Your name, email, roles and password.', group: 'account' },
  {
    to: '/account/two-factor',
    label: 'Two-factor',
    description: 'Authenticator app and recovery codes.',
    group: 'account',
  },
  {
    to: '/account/tokens',
    label: 'API tokens',
    description: 'Personal tokens for scripts and the command line.',
    group: 'account',
  },
  {
    to: '/account/notifications',
    label: 'Notification settings',
    description: 'Which events reach you in the app and by mail.',
    group: 'account',
  },
];

export function visibleSections(roles: readonly Role[]): Section[] {
  return SECTIONS.filter((s) => !s.capability || can(roles, s.capability));
}

export const ROLE_LABELS: Record<Role, string> = {
  reporter: 'Reporter',
  triager: 'Triager',
  lead: 'Security lead',
  cna: 'CNA publisher',
  auditor: 'Auditor',
};

export const ROLE_SUMMARIES: Record<Role, string> = {
  reporter: 'Submits reports and talks with the security team.',
  triager: 'Works the inbox; may browse the audit log.',
  lead: 'Administers cvdesk: users, mail, jobs and the audit log.',
  cna: 'Handles CVE IDs and records; may browse the audit log.',
  auditor: 'Reads everything, changes nothing; verifies and exports the audit log.',
};
