import type { Role } from '../../shared/server';

/**
 * Who may do what with reports and programmes, as the server's policies say
 * (src/domain/reports/report.policy.ts, programs/program.policy.ts, rewards). Only decides what
 * to show; the server refuses the rest.
 */
const has = (roles: readonly Role[] | undefined, ...wanted: Role[]) => !!roles && roles.some((r) => wanted.includes(r));

/** Read every report (the inbox): triagers, leads, CNA publishers, auditors. */
export const readsAllReports = (roles: readonly Role[] | undefined) => has(roles, 'triager', 'lead', 'cna', 'auditor');
/** Change reports (states, severity, notes, rewards): triagers and leads. */
export const triages = (roles: readonly Role[] | undefined) => has(roles, 'triager', 'lead');
/** Configure programmes, settle rewards: leads. */
export const leads = (roles: readonly Role[] | undefined) => has(roles, 'lead');
