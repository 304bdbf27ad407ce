import { Type, type Static } from 'typebox';
import { ERROR_STATUS } from '../shared/errors.js';
import { ROLES, TOKEN_SCOPES } from '../shared/roles.js';

/** Response and request pieces shared by several routes. Every route's schema is built from these. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(Object.keys(ERROR_STATUS) as (keyof typeof ERROR_STATUS)[]),
      message: Type.String(),
      details: Type.Array(Type.Object({ field: Type.Optional(Type.String()), message: Type.String() })),
    }),
  },
  { $id: 'ErrorResponse', description: 'The shape of every error; codes are listed in docs/errors.md' },
);

/** `schema` or null. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** Markdown as written, and the same rendered safely on the server (see domain/markdown). */
export const Rendered = Type.Object({ markdown: Type.String(), html: Type.String() });

export const Role = Type.Enum(ROLES);
export const TokenScope = Type.Enum(TOKEN_SCOPES);
export const Email = Type.String({ minLength: 3, maxLength: 254, description: 'An email address' });
export const Password = Type.String({ minLength: 1, maxLength: 256 });
export const Id = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });

export const User = Type.Object({
  id: Id,
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Role),
  emailVerified: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Timestamp,
});

export const SessionState = Type.Object({
  stage: Type.Union([Type.Literal('full'), Type.Literal('mfa_pending'), Type.Literal('mfa_enrollment')]),
  csrfToken: Type.String({ description: 'Send as X-CSRF-Token on every non-GET request made with the session cookie' }),
  user: User,
});

export const ApiToken = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(TokenScope),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});

export const Ok = Type.Object({ ok: Type.Literal(true) });

export const IdParams = Type.Object({ id: Id });

/** Error responses a route may give, for the OpenAPI document. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponse]));
}

export type UserResponse = Static<typeof User>;
