import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { NOTIFICATION_KINDS } from '../../domain/notifications/notification.js';
import {
  getNotificationPreferences,
  listNotifications,
  markNotificationsRead,
  setNotificationPreferences,
} from '../../domain/notifications/notification.service.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, Nullable } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Kind = Type.Enum(NOTIFICATION_KINDS);

const Notification = Type.Object({
  id: Id,
  kind: Type.String(),
  reportId: Nullable(Type.String()),
  title: Type.String(),
  body: Type.String(),
  url: Nullable(Type.String()),
  read: Type.Boolean(),
  readAt: Nullable(Type.String()),
  createdAt: Type.String(),
});

const Preference = Type.Object({ kind: Kind, description: Type.String(), inApp: Type.Boolean(), email: Type.Boolean() });
const Preferences = Type.Object({ items: Type.Array(Preference) });

/** The signed-in person's own notifications and their choice of channels per kind. */
export async function notificationsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your notifications, newest first, keyset pages; unread=true for unread only',
        querystring: Type.Object(
          {
            unread: Type.Optional(Type.Boolean()),
            after: Type.Optional(Type.String({ maxLength: 200, description: '`next` of the previous page' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Notification), next: Nullable(Type.String()), unread: Type.Integer() }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return listNotifications(context, context.db, actor, { unread: request.query.unread, after: request.query.after, limit: request.query.limit ?? 50 });
    },
  );

  app.post(
    '/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark your notifications read: {ids} or {all: true}',
        body: Type.Object({ ids: Type.Optional(Type.Array(Id, { maxItems: 500 })), all: Type.Optional(Type.Literal(true)) }, { additionalProperties: false, minProperties: 1, maxProperties: 1 }),
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return { updated: await inTransaction(context, (trx) => markNotificationsRead(context, trx, actor, request.body)) };
    },
  );

  app.get(
    '/me/notification-preferences',
    { schema: { tags: ['notifications'], summary: 'How you are notified of each kind of event (in-app, mail)', response: { 200: Preferences, ...errors(401, 403) } } },
    async (request) => {
      const actor = requireUser(request);
      return { items: await getNotificationPreferences(context.db, actor) };
    },
  );

  app.put(
    '/me/notification-preferences',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Choose in-app and mail per kind; kinds not listed keep their setting',
        body: Type.Object(
          { items: Type.Array(Type.Object({ kind: Kind, inApp: Type.Boolean(), email: Type.Boolean() }, { additionalProperties: false }), { maxItems: NOTIFICATION_KINDS.length }) },
          { additionalProperties: false },
        ),
        response: { 200: Preferences, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return { items: await inTransaction(context, (trx) => setNotificationPreferences(context, trx, actor, request.body.items)) };
    },
  );
}
