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
  | 'incidents.read'
  | 'findings.read'
  | 'vendors.read'
  | 'vendors.manage'
  | 'cases.read'
  | 'cases.write'
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
  | 'webhooks.manage'
  | 'advisories.read'
  | 'advisories.write'
  | 'advisories.publish'
  | 'cna.read'
  | 'cna.manage'
  | 'cna.settings'
  | 'cveIds.read'
  | 'cveIds.manage'
  | 'cveServices.manage';

const GRANTS: Record<Capability, readonly Role[]> = {
  'users.manage': ['lead'],
  'reports.inbox': STAFF_ROLES,
  'reports.own': ['reporter'],
  'incidents.read': ['triager', 'lead', 'auditor'],
  'findings.read': ['triager', 'lead', 'auditor'],
  'vendors.read': STAFF_ROLES,
  'vendors.manage': ['triager', 'lead'],
  'cases.read': ['triager', 'lead', 'auditor'],
  'cases.write': ['triager', 'lead'],
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
  'advisories.read': STAFF_ROLES,
  'advisories.write': ['triager', 'lead', 'cna'],
  'advisories.publish': ['lead'],
  'cna.read': ['triager', 'lead', 'cna', 'auditor'],
  'cna.manage': ['lead', 'cna'],
  'cna.settings': ['lead'],
  'cveIds.read': ['cna', 'lead', 'auditor'],
  'cveIds.manage': ['cna', 'lead'],
  'cveServices.manage': ['lead'],
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
  {
    to: '/incidents',
    label: 'Sealed incidents',
    description: 'Encrypted incident reports: unlock the key in your browser to read them; acknowledge, reply, unseal.',
    capability: 'incidents.read',
    group: 'overview',
  },
  {
    to: '/findings',
    label: 'Findings',
    description: 'Outbound: candidate vulnerabilities from scanners, AI agents and people; review, draft case groups, dashboard.',
    capability: 'findings.read',
    group: 'overview',
  },
  {
    to: '/vendors',
    label: 'Vendors',
    description: 'Outbound: whom to tell and how. Vendors, coordinators, contacts and keys; discover channels with evidence.',
    capability: 'vendors.read',
    group: 'overview',
  },
  {
    to: '/cases',
    label: 'Cases',
    description: 'Outbound: coordinated disclosure cases with vendors and coordinators; notices, statuses, next actions, decisions.',
    capability: 'cases.read',
    group: 'overview',
  },
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
    to: '/manage/advisories',
    label: 'Advisories',
    description: 'Write advisories (drafts stay private), publish them as CSAF and OSV, sign the CSAF documents.',
    capability: 'advisories.read',
    group: 'admin',
  },
  {
    to: '/manage/security-page',
    label: 'Security policy page',
    description: 'The sections of the public /security page, each versioned.',
    capability: 'advisories.publish',
    group: 'admin',
  },
  {
    to: '/cve-ids',
    label: 'CVE ID pool',
    description: 'IDs reserved ahead at CVE Services: reserve, assign to a report or case, sync, reject unused ones.',
    capability: 'cveIds.read',
    group: 'admin',
  },
  {
    to: '/admin/cve-services',
    label: 'CVE Services',
    description: 'The connection to CVE Services: environment, organisation, user and API key; test it and see the ID quota.',
    capability: 'cveIds.read',
    group: 'admin',
  },
  {
    to: '/cve-records',
    label: 'CVE records',
    description: 'Records as a CNA: eligibility, the form and the JSON, preview, publish through CVE Services, the publication clock.',
    capability: 'cna.read',
    group: 'admin',
  },
  { to: '/cve-requests', label: 'CVE requests', description: 'Requests from the public form: accept or decline with a reason.', capability: 'cna.read', group: 'admin' },
  { to: '/admin/cna', label: 'CNA settings', description: 'Scope, exclusions and the organisation UUID; what /cna publishes.', capability: 'settings.read', group: 'admin' },
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
    description: 'The keys reporters encrypt to and security.txt is signed with; the key case notices are signed with.',
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
