import type { Role } from '../shared/server';
import { STAFF_ROLES } from '../shared/server';

/**
 * What each role may see in the web app. The server enforces the same rules in its policies;
 * this only decides what to show, so a person is not offered links that end in "forbidden".
 */
export type Capability =
  | 'users.manage'
  | 'audit.read'
  | 'audit.verify'
  | 'audit.export'
  | 'outbox.read'
  | 'jobs.manage';

const GRANTS: Record<Capability, readonly Role[]> = {
  'users.manage': ['lead'],
  'audit.read': STAFF_ROLES,
  'audit.verify': ['lead', 'auditor'],
  'audit.export': ['lead', 'auditor'],
  'outbox.read': ['lead'],
  'jobs.manage': ['lead'],
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
