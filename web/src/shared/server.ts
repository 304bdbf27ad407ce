/**
 * The pieces of the server's shared code the SPA uses. Both files are pure TypeScript (no Node
 * imports), so the bundler can take them as they are.
 */
export type { ErrorBody, ErrorCode, ErrorDetail } from '../../../src/shared/errors';
export { ROLES, STAFF_ROLES, TOKEN_SCOPES, isRole, isStaff } from '../../../src/shared/roles';
export type { Role, TokenScope } from '../../../src/shared/roles';
export { armouredMessages, outsideArmour } from '../../../src/shared/openpgp-armour';
export { shortRef } from '../../../src/shared/ids';

/** Mirrors PASSWORD_MIN in src/security/password.ts (which imports argon2, so it cannot be imported here). */
export const PASSWORD_MIN = 12;
