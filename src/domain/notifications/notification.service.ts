import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../db/keyset-cursor.js';
import { invalid } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { sendMail } from '../mail/mail.service.js';
import type { ReportRow } from '../reports/report.js';
import { userRoles, type UserRow } from '../users/user.js';
import {
  NOTIFICATION_KIND_INFO,
  defaultPreference,
  isNotificationKind,
  kindsFor,
  presentNotification,
  reportUrl,
  type NotificationKind,
  type NotificationPreference,
  type NotificationView,
  type StaffNotificationKind,
} from './notification.js';
import { assertHasInbox } from './notification.policy.js';

/**
 * Notifications: a row in the recipient's in-app list and/or a mail through the outbox, as the
 * recipient chose for that kind. Written in the caller's transaction, so they exist exactly when
 * the change that caused them commits. Callers pass only text the recipient may read: reporter
 * notifications never carry internal notes, and mail carries a headline, that public text and a
 * link to the report, nothing else.
 */

const TITLE_MAX = 300;
const BODY_MAX = 2000;

export interface NotificationMessage {
  kind: NotificationKind;
  report: Pick<ReportRow, 'id' | 'title'>;
  /** One line: "Your report is now triaged". The report's title is added after it. */
  headline: string;
  /** Text the recipients may read (a public reply, a close reason); may be empty. */
  text: string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Each recipient's setting for `kind` (stored choice, else the default for their roles). */
async function preferencesFor(db: Executor, users: readonly UserRow[], kind: NotificationKind): Promise<Map<string, { inApp: boolean; email: boolean }>> {
  const found = new Map<string, { inApp: boolean; email: boolean }>();
  const userIds = users.map((user) => user.id);
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db.selectFrom('notification_preferences').select(['user_id', 'in_app', 'email']).where('kind', '=', kind).where('user_id', 'in', userIds.slice(i, i + 500)).execute();
    for (const row of rows) found.set(row.user_id, { inApp: row.in_app === 1, email: row.email === 1 });
  }
  return new Map(
    users.map((user) => {
      const fallback = defaultPreference(kind, userRoles(user));
      return [user.id, found.get(user.id) ?? { inApp: fallback.inApp, email: fallback.email }];
    }),
  );
}

/** Many messages mailed as one per recipient (the hourly missed-target pass), instead of one each. */
export interface DigestMail {
  subject: (count: number) => string;
  intro: string;
}

/**
 * Sends each message to each recipient by the channels they chose (one lookup of their choices
 * per kind, however many messages). Disabled accounts get nothing. With `digest`, a recipient who
 * chose mail gets one mail listing their messages.
 */
export async function notifyUsers(
  context: AppContext,
  trx: Executor,
  recipients: readonly UserRow[],
  messages: NotificationMessage | readonly NotificationMessage[],
  options: { digest?: DigestMail | undefined } = {},
): Promise<void> {
  const active = [...new Map(recipients.filter((user) => user.disabled_at === null).map((user) => [user.id, user])).values()];
  const list = Array.isArray(messages) ? (messages as readonly NotificationMessage[]) : [messages as NotificationMessage];
  if (active.length === 0 || list.length === 0) return;
  const preferencesByKind = new Map<NotificationKind, Map<string, { inApp: boolean; email: boolean }>>();
  for (const kind of new Set(list.map((message) => message.kind))) preferencesByKind.set(kind, await preferencesFor(trx, active, kind));
  const now = iso(context.clock.now());
  const rows = [];
  const mails = [];
  const digests = new Map<UserRow, string[]>();
  for (const message of list) {
    const preferences = preferencesByKind.get(message.kind)!;
    const title = clip(`${message.headline}: ${message.report.title}`, TITLE_MAX);
    const body = clip(message.text, BODY_MAX);
    const link = reportUrl(context.config.publicUrl, message.report.id);
    for (const user of active) {
      const chosen = preferences.get(user.id)!;
      if (chosen.inApp) rows.push({ id: newId(), recipient_id: user.id, kind: message.kind, report_id: message.report.id, title, body, read_at: null, created_at: now });
      if (chosen.email && options.digest) {
        digests.set(user, [...(digests.get(user) ?? []), `- ${title.replace(/[\r\n]+/g, ' ')}\n  ${body ? `${body.replace(/[\r\n]+/g, ' ')}\n  ` : ''}${link}`]);
      } else if (chosen.email) {
        mails.push({
          to: user.email,
          subject: `[cvdesk] ${message.headline}: ${message.report.title.replace(/[\r\n]+/g, ' ').slice(0, 120)}`,
          text: `${message.headline}.\n\n${body ? `${body}\n\n` : ''}Read the report: ${link}\n\nYou can choose which notifications you get by mail in your account settings.\n`,
        });
      }
    }
  }
  for (let i = 0; i < rows.length; i += 200) await trx.insertInto('notifications').values(rows.slice(i, i + 200)).execute();
  for (const [user, lines] of digests) {
    mails.push({ to: user.email, subject: `[cvdesk] ${options.digest!.subject(lines.length)}`, text: `${options.digest!.intro}\n\n${lines.join('\n')}\n\nYou can choose which notifications you get by mail in your account settings.\n` });
  }
  for (const mail of mails) await sendMail(context, trx, mail);
}

/** Active triagers and leads. */
export function findTriageStaff(db: Executor): Promise<UserRow[]> {
  // roles is a JSON array of known names; a quoted match cannot hit a prefix of another role.
  return db
    .selectFrom('users')
    .selectAll()
    .where('disabled_at', 'is', null)
    .where((eb) => eb.or([eb('roles', 'like', '%"triager"%'), eb('roles', 'like', '%"lead"%')]))
    .execute();
}

const STAFF_HEADLINES: Record<StaffNotificationKind, string> = {
  new_report: 'New report',
  reporter_reply: 'The reporter replied',
  retest_incomplete: 'The fix is incomplete, says the reporter',
  sla_breach: 'Response target missed',
  disclosure_requested: 'The reporter asked to disclose',
};

/**
 * Tells every active triager and lead (each as they chose for `kind`) about `report`: new reports,
 * reporter replies, incomplete retests, disclosure requests by reporters, SLA breaches. `text` is
 * shown in the notification and the mail, so keep internal notes out of it. `except` skips one
 * account (whoever caused it).
 */
export async function notifyStaff(
  context: AppContext,
  trx: Executor,
  kind: StaffNotificationKind,
  report: Pick<ReportRow, 'id' | 'title'>,
  text: string,
  options: { except?: string | null | undefined } = {},
): Promise<void> {
  await notifyStaffOfEach(context, trx, kind, [{ report, text, except: options.except }]);
}

/** `notifyStaff` for many reports at once: the staff and their choices are looked up once. */
export async function notifyStaffOfEach(
  context: AppContext,
  trx: Executor,
  kind: StaffNotificationKind,
  items: readonly { report: Pick<ReportRow, 'id' | 'title'>; text: string; except?: string | null | undefined }[],
  options: { digest?: DigestMail | undefined } = {},
): Promise<void> {
  if (items.length === 0) return;
  const staff = await findTriageStaff(trx);
  const headline = STAFF_HEADLINES[kind];
  // Everyone hears of every item except the ones they caused: grouped by who is left out. An
  // `except` who is not staff (a reporter) leaves nobody out, so their items share one group and
  // the staff's choices are looked up once for them all.
  const staffIds = new Set(staff.map((user) => user.id));
  const byExcept = new Map<string | null, NotificationMessage[]>();
  for (const { report, text, except } of items) {
    const key = except && staffIds.has(except) ? except : null;
    const messages = byExcept.get(key) ?? [];
    messages.push({ kind, report, headline, text });
    byExcept.set(key, messages);
  }
  for (const [except, messages] of byExcept) {
    await notifyUsers(context, trx, except === null ? staff : staff.filter((user) => user.id !== except), messages, options);
  }
}

export interface NotificationPage {
  items: NotificationView[];
  next: string | null;
  /** How many of the person's notifications are unread (all pages). */
  unread: number;
}

/** The actor's own notifications, newest first, keyset pages on (created_at, id). */
export async function listNotifications(
  context: AppContext,
  db: Executor,
  actor: Actor,
  filter: { unread?: boolean | undefined; after?: string | undefined; limit: number },
): Promise<NotificationPage> {
  assertHasInbox(actor);
  let query = db
    .selectFrom('notifications')
    .selectAll()
    .where('recipient_id', '=', actor.userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.unread) query = query.where('read_at', 'is', null);
  if (filter.after) {
    const cursor = decodeKeysetCursor(filter.after);
    query = query.where(({ eb, or, and }) => or([eb('created_at', '<', cursor.at), and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  }
  const [rows, unread] = await Promise.all([
    query.execute(),
    db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('recipient_id', '=', actor.userId).where('read_at', 'is', null).executeTakeFirstOrThrow(),
  ]);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => presentNotification(row, context.config.publicUrl)),
    next: rows.length > filter.limit && last ? encodeKeysetCursor(last.created_at, last.id) : null,
    unread: Number(unread.n),
  };
}

/** Marks the actor's own notifications read: the given ids (others' ids match nothing), or all. */
export async function markNotificationsRead(context: AppContext, trx: Executor, actor: Actor, which: { ids?: string[] | undefined; all?: boolean | undefined }): Promise<number> {
  assertHasInbox(actor);
  if (Boolean(which.all) === Boolean(which.ids)) throw invalid('/', 'give either ids or all: true');
  if (which.ids && which.ids.length === 0) return 0;
  let query = trx.updateTable('notifications').set({ read_at: iso(context.clock.now()) }).where('recipient_id', '=', actor.userId).where('read_at', 'is', null);
  if (which.ids) query = query.where('id', 'in', [...new Set(which.ids)]);
  const result = await query.executeTakeFirst();
  const count = Number(result.numUpdatedRows);
  if (count > 0) await recordAudit(context, trx, actor, { action: 'notification.read', objectType: 'user', objectId: actor.userId, data: { count, all: Boolean(which.all) } });
  return count;
}

/** The actor's setting for every kind that concerns them (stored choices over the defaults). */
export async function getNotificationPreferences(db: Executor, actor: Actor): Promise<NotificationPreference[]> {
  assertHasInbox(actor);
  const stored = await db.selectFrom('notification_preferences').select(['kind', 'in_app', 'email']).where('user_id', '=', actor.userId).execute();
  const byKind = new Map(stored.map((row) => [row.kind, row]));
  return kindsFor(actor.roles).map((kind) => {
    const row = byKind.get(kind);
    return row ? { kind, description: NOTIFICATION_KIND_INFO[kind].description, inApp: row.in_app === 1, email: row.email === 1 } : defaultPreference(kind, actor.roles);
  });
}

export interface PreferenceChange {
  kind: string;
  inApp: boolean;
  email: boolean;
}

/** Sets the actor's choice for each kind given; kinds not given keep theirs. Returns the full list. */
export async function setNotificationPreferences(context: AppContext, trx: Executor, actor: Actor, changes: readonly PreferenceChange[]): Promise<NotificationPreference[]> {
  assertHasInbox(actor);
  const allowed = kindsFor(actor.roles);
  const seen = new Set<string>();
  changes.forEach((change, index) => {
    if (!isNotificationKind(change.kind) || !allowed.includes(change.kind)) throw invalid(`/items/${index}/kind`, `is not a notification kind for you (one of ${allowed.join(', ')})`);
    if (seen.has(change.kind)) throw invalid(`/items/${index}/kind`, 'is listed twice');
    seen.add(change.kind);
  });
  const now = iso(context.clock.now());
  for (const change of changes) {
    const values = { in_app: change.inApp ? 1 : 0, email: change.email ? 1 : 0, updated_at: now };
    await trx
      .insertInto('notification_preferences')
      .values({ user_id: actor.userId, kind: change.kind, ...values })
      .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet(values))
      .execute();
  }
  await recordAudit(context, trx, actor, {
    action: 'notification.preferences_changed',
    objectType: 'user',
    objectId: actor.userId,
    data: { preferences: changes.map((c) => ({ kind: c.kind, inApp: c.inApp, email: c.email })) },
  });
  return getNotificationPreferences(trx, actor);
}
