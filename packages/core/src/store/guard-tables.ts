import type { Kysely, Selectable } from 'kysely';
import { type BreakglassWindow, BreakglassWindowSchema } from '../domain/breakglass.js';
import {
  DeliveryStatusSchema,
  type Notification,
  type NotificationDelivery,
  NotificationDeliverySchema,
  NotificationSchema,
} from '../domain/guard.js';
import { parseInput } from '../domain/parse-input.js';
import { assertNoSecrets } from './no-secrets.js';
import type { BreakglassWindowsTable, NotificationDeliveriesTable, StoreDatabase } from './schema.js';
import type {
  DeliveryClaim,
  DeliveryCount,
  DeliveryQuery,
  DeliveryUpdate,
  GuardStore,
  NewDelivery,
} from './store.js';

function deliveryFromRow(row: Selectable<NotificationDeliveriesTable>): NotificationDelivery {
  return NotificationDeliverySchema.parse({
    notificationId: row.notification_id,
    channel: row.channel,
    channelType: row.channel_type,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  });
}

function windowFromRow(row: Selectable<BreakglassWindowsTable>): BreakglassWindow {
  return BreakglassWindowSchema.parse({
    id: row.id,
    accountId: row.account_id,
    organizationId: row.organization_id,
    ticket: row.ticket,
    openedAt: row.opened_at,
    until: row.until,
    openedBy: row.opened_by,
    openedByUser: row.opened_by_user,
    planId: row.plan_id,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    cleanupPlanId: row.cleanup_plan_id,
    cleanupError: row.cleanup_error,
  });
}

/**
 * The guard's tables (notifications, their delivery log, break-glass windows) in portable Kysely (plain
 * inserts, `on conflict do nothing`, conditional updates): the same code serves SQLite and PostgreSQL.
 * `guard` maps the database's errors to CoreErrors.
 */
export class GuardTables implements GuardStore {
  readonly #db: Kysely<StoreDatabase>;
  readonly #guard: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(db: Kysely<StoreDatabase>, guard: <T>(work: () => Promise<T>) => Promise<T>) {
    this.#db = db;
    this.#guard = guard;
  }

  async recordNotification(
    input: Notification,
    channels: readonly NewDelivery[],
    at: string,
  ): Promise<NotificationDelivery[]> {
    const notification = parseInput(NotificationSchema, input);
    assertNoSecrets(notification, 'a notification');
    return this.#guard(() =>
      this.#db.transaction().execute(async (trx) => {
        // The id is derived from what caused the notification: recording it twice (a restart, two
        // processes) keeps the first one and its delivery log, so nothing is sent twice.
        await trx
          .insertInto('notifications')
          .values({
            id: notification.id,
            organization_id: notification.organizationId,
            audit_id: notification.auditId,
            created_at: notification.createdAt,
            body: JSON.stringify(notification),
          })
          .onConflict((conflict) => conflict.column('id').doNothing())
          .execute();
        if (channels.length > 0)
          await trx
            .insertInto('notification_deliveries')
            .values(
              channels.map((channel) => ({
                notification_id: notification.id,
                channel: channel.channel,
                channel_type: channel.channelType,
                status: 'pending',
                attempts: 0,
                last_error: null,
                created_at: at,
                updated_at: at,
                delivered_at: null,
                claim_owner: null,
                claim_until: null,
              })),
            )
            .onConflict((conflict) => conflict.columns(['notification_id', 'channel']).doNothing())
            .execute();
        const rows = await trx
          .selectFrom('notification_deliveries')
          .selectAll()
          .where('notification_id', '=', notification.id)
          .orderBy('channel')
          .execute();
        return rows.map(deliveryFromRow);
      }),
    );
  }

  async getNotification(id: string): Promise<Notification | undefined> {
    const row = await this.#guard(() =>
      this.#db.selectFrom('notifications').select('body').where('id', '=', id).executeTakeFirst(),
    );
    return row ? NotificationSchema.parse(JSON.parse(row.body)) : undefined;
  }

  async claimDelivery(notificationId: string, channel: string, claim: DeliveryClaim): Promise<boolean> {
    const result = await this.#guard(() =>
      this.#db
        .updateTable('notification_deliveries')
        .set({ claim_owner: claim.owner, claim_until: claim.until })
        .where('notification_id', '=', notificationId)
        .where('channel', '=', channel)
        .where('status', '!=', 'delivered')
        .where((where) =>
          where.or([
            where('claim_until', 'is', null),
            where('claim_until', '<', claim.now),
            where('claim_owner', '=', claim.owner),
          ]),
        )
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  async updateDelivery(notificationId: string, channel: string, update: DeliveryUpdate): Promise<void> {
    await this.#guard(() =>
      this.#db
        .updateTable('notification_deliveries')
        .set({
          status: update.status,
          attempts: update.attempts,
          last_error: update.lastError,
          updated_at: update.updatedAt,
          ...(update.status === 'delivered' ? { delivered_at: update.updatedAt } : {}),
          ...(update.release ? { claim_owner: null, claim_until: null } : {}),
        })
        .where('notification_id', '=', notificationId)
        .where('channel', '=', channel)
        .execute(),
    );
  }

  async listDeliveries(query: DeliveryQuery = {}): Promise<NotificationDelivery[]> {
    const rows = await this.#guard(() => {
      let select = this.#db.selectFrom('notification_deliveries').selectAll();
      if (query.status) select = select.where('status', '=', query.status);
      if (query.notificationId) select = select.where('notification_id', '=', query.notificationId);
      return select
        .orderBy('created_at')
        .orderBy('notification_id')
        .orderBy('channel')
        .limit(query.limit ?? 1000)
        .execute();
    });
    return rows.map(deliveryFromRow);
  }

  async countDeliveries(): Promise<DeliveryCount[]> {
    const rows = await this.#guard(() =>
      this.#db
        .selectFrom('notification_deliveries')
        .select(['channel', 'status', (eb) => eb.fn.countAll().as('count')])
        .groupBy(['channel', 'status'])
        .orderBy('channel')
        .orderBy('status')
        .execute(),
    );
    // COUNT(*) is a number from better-sqlite3 and a bigint from PostgreSQL, which `pg` returns as a
    // string (int8, https://node-postgres.com/features/types).
    return rows.map((row) => ({
      channel: row.channel,
      status: DeliveryStatusSchema.parse(row.status),
      count: Number(row.count),
    }));
  }

  async openBreakglassWindow(input: BreakglassWindow): Promise<void> {
    const window = parseInput(BreakglassWindowSchema, input);
    await this.#guard(() =>
      this.#db
        .insertInto('breakglass_windows')
        .values({
          id: window.id,
          account_id: window.accountId,
          organization_id: window.organizationId,
          ticket: window.ticket,
          opened_at: window.openedAt,
          until: window.until,
          opened_by: window.openedBy,
          opened_by_user: window.openedByUser,
          plan_id: window.planId,
          closed_at: null,
          closed_by: null,
          cleanup_plan_id: null,
          cleanup_error: null,
        })
        .execute(),
    );
  }

  async closeBreakglassWindow(id: string, closing: { at: string; by: string }): Promise<boolean> {
    // Conditional on still being open: of two closers (a scheduler tick and a person), one wins.
    const result = await this.#guard(() =>
      this.#db
        .updateTable('breakglass_windows')
        .set({ closed_at: closing.at, closed_by: closing.by })
        .where('id', '=', id)
        .where('closed_at', 'is', null)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  async setBreakglassCleanup(
    id: string,
    cleanup: { planId: string | null; error: string | null },
  ): Promise<BreakglassWindow | undefined> {
    return this.#guard(async () => {
      await this.#db
        .updateTable('breakglass_windows')
        .set({ cleanup_plan_id: cleanup.planId, cleanup_error: cleanup.error })
        .where('id', '=', id)
        .execute();
      const row = await this.#db
        .selectFrom('breakglass_windows')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? windowFromRow(row) : undefined;
    });
  }

  async listBreakglassWindows(
    query: { open?: boolean; accountId?: string } = {},
  ): Promise<BreakglassWindow[]> {
    const rows = await this.#guard(() => {
      let select = this.#db.selectFrom('breakglass_windows').selectAll();
      if (query.open === true) select = select.where('closed_at', 'is', null);
      if (query.open === false) select = select.where('closed_at', 'is not', null);
      if (query.accountId) select = select.where('account_id', '=', query.accountId);
      return select.orderBy('opened_at').orderBy('id').execute();
    });
    return rows.map(windowFromRow);
  }
}
