import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import type { AppContext } from '../../context.js';
import { changeSettings, getSettings } from '../../domain/settings/settings.service.js';
import { SETTINGS, SETTING_KEYS, orNull } from '../../domain/settings/settings.js';
import { requireUser } from '../plugins/authentication.js';
import { Timestamp, errors } from '../schemas.js';
import { inTransaction } from '../transaction.js';

/** Built from the one registry of settings (src/domain/settings/settings.ts): a new key needs no change here. */
const SettingValues = Type.Object(
  Object.fromEntries(SETTING_KEYS.map((key) => [key, { ...SETTINGS[key].schema, description: SETTINGS[key].description }])) as Record<string, TSchema>,
  { additionalProperties: false },
);

const SettingsPatch = Type.Object(
  Object.fromEntries(
    SETTING_KEYS.map((key) => [key, Type.Optional({ ...orNull(SETTINGS[key].schema), description: `${SETTINGS[key].description}. null: back to the default` })]),
  ) as Record<string, TSchema>,
  { additionalProperties: false, minProperties: 1 },
);

const SettingsResponse = Type.Object({
  settings: SettingValues,
  details: Type.Array(
    Type.Object({
      key: Type.String(),
      description: Type.String(),
      value: Type.Unknown(),
      default: Type.Unknown(),
      isDefault: Type.Boolean(),
      updatedAt: Type.Union([Timestamp, Type.Null()]),
      updatedBy: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

/** Organisation-wide settings: staff read them, leads change them. */
export async function settingsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/settings',
    { schema: { tags: ['settings'], summary: 'Organisation settings, with defaults and who changed what', response: { 200: SettingsResponse, ...errors(401, 403) } } },
    async (request) => getSettings(context, context.db, requireUser(request)),
  );

  app.patch(
    '/settings',
    {
      schema: {
        tags: ['settings'],
        summary: 'Change some settings (leads); null puts a setting back to its default',
        body: SettingsPatch,
        response: { 200: SettingsResponse, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => changeSettings(context, trx, actor, request.body as Record<string, unknown>));
    },
  );
}
