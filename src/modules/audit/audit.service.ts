import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { toIds, type Id } from '../../common/ids';
import { SortDirection, paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { Where } from '../../db/filters';
import { ListQuery } from '../../db/list-query';
import type { AccessService } from '../auth/access.service';
import { AuditEvent } from './audit-event.entity';

export interface AuditEventFilter {
  /** Entity type, e.g. `Account`. */
  entity?: string | null;
  entityIds?: Id[] | null;
  /** One entity id (the common case: the trail of one record). */
  entityId?: string | null;
  /** Actions, e.g. `account.update`, `auth.login.failed`. */
  actions?: string[] | null;
  /** One action, or a prefix ending in `*` (`tierReview.*`). */
  action?: string | null;
  /** Actor as recorded (a login, `apikey:<name>`, `system:<what>`). */
  actor?: string | null;
  from?: Date | null;
  to?: Date | null;
  requestId?: string | null;
}

export enum AuditEventSortField {
  ID = 'ID',
}

const AUDIT_SORTS: SortColumns<AuditEventSortField> = { ID: { column: 'id', property: 'id' } };

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | number | null;
  recordIds?: (string | number)[];
  fields?: string[];
  before?: unknown;
  after?: unknown;
}

/** SQL true when the comma-separated `record_ids` of `alias` holds the needle `,<id>,` (a bound parameter). */
export function recordIdsContain(ds: DataSource, alias: string, needle: string): string {
  // INSTR/LOCATE rather than LIKE: no escaping differences between the two databases.
  return ds.options.type === 'better-sqlite3' ? `instr(',' || ${alias}.record_ids || ',', ${needle}) > 0` : `LOCATE(${needle}, CONCAT(',', ${alias}.record_ids, ',')) > 0`;
}

/** Append-only audit trail. Written in the caller's transaction, so an action and its record commit together. */
export class AuditService {
  constructor(
    private readonly ds: DataSource,
    private readonly access?: AccessService,
    private readonly maxPageSize: () => number = () => 500,
  ) {}

  /** The trail, newest first by default: ADMIN and COMMITTEE only. */
  async list(ctx: RequestContext, filter: AuditEventFilter | null | undefined, page: PageArgs, order?: SortOrder<AuditEventSortField> | null, columns?: readonly string[]): Promise<Connection<AuditEvent>> {
    this.access?.assertCanReadAudit(ctx);
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), AuditEvent, 'ae');
    new Where(qb)
      .eq('entity', f.entity)
      .in('entityId', toIds(f.entityIds, 'filter.entityIds')?.map(String))
      .in('action', f.actions)
      .eq('actor', f.actor)
      .range('at', f.from, f.to)
      .eq('requestId', f.requestId);
    // One record's trail includes the reads of many records that name it in record_ids.
    if (f.entityId) qb.andWhere(`(ae.entity_id = :entityId OR ${recordIdsContain(this.ds, 'ae', ':entityIdNeedle')})`, { entityId: f.entityId, entityIdNeedle: `,${f.entityId},` });
    // SUBSTR rather than LIKE: the two databases disagree on how to write the LIKE escape character.
    if (f.action?.endsWith('*')) qb.andWhere('SUBSTR(ae.action, 1, :actionPrefixLength) = :actionPrefix', { actionPrefixLength: f.action.length - 1, actionPrefix: f.action.slice(0, -1) });
    else if (f.action) qb.andWhere('ae.action = :action', { action: f.action });
    return paginate(qb, page, sortSpec(AUDIT_SORTS, order ?? { field: AuditEventSortField.ID, direction: SortDirection.DESC }, AuditEventSortField.ID), this.maxPageSize(), columns);
  }

  /** One event of the trail: ADMIN and COMMITTEE only. */
  async get(ctx: RequestContext, id: Id): Promise<AuditEvent> {
    this.access?.assertCanReadAudit(ctx);
    return findByIdOrFail(this.ds, ctx, AuditEvent, id);
  }

  /**
   * Writes the sensitive reads noted during this request as one event per entity (`contact.read`:
   * who, when, from where, which record ids and which fields — never the values), and clears them.
   * GraphQL requests flush when they end; other callers (exports, the CLI) call it when they are done.
   */
  async flushReads(ctx: RequestContext): Promise<number> {
    const log = ctx.reads;
    if (!log || log.size === 0) return 0;
    const entries: AuditEntry[] = [...log].map(([entity, r]) => {
      const ids = [...r.ids].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
      return { action: `${entity.charAt(0).toLowerCase()}${entity.slice(1)}.read`, entity, entityId: ids.length === 1 ? ids[0] : null, recordIds: ids, fields: [...r.fields].sort() };
    });
    log.clear();
    // Outside any transaction of the request: the read happened whether or not its writes commit.
    await this.recordMany({ ...ctx, em: undefined }, entries);
    return entries.length;
  }

  /**
   * Deletes the events older than `retentionDays` (KAM_AUDIT_RETENTION_DAYS) and records that it did.
   * The table is append-only: database triggers refuse every UPDATE, and every DELETE except this
   * prune's, which announces its cutoff first (MySQL: a session variable; SQLite: the one-row
   * `audit_control` table) within one transaction.
   */
  async prune(ctx: RequestContext, retentionDays: number, now: Date = new Date()): Promise<{ deleted: number; before: Date }> {
    this.access?.assertAdmin(ctx, 'prune the audit trail');
    const before = new Date(now.getTime() - retentionDays * 86_400_000);
    // (inTransaction: on SQLite in turn with the process's other transactions, which share its one connection)
    return inTransaction(this.ds, { ...ctx, em: undefined }, async (tx) => {
      const em = tx.em!;
      const column = em.connection.getMetadata(AuditEvent).findColumnWithPropertyName('at')!;
      const cutoff = em.connection.driver.preparePersistentValue(before, column);
      let deleted: number;
      if (em.connection.options.type !== 'better-sqlite3') {
        await em.query('SET @kam_audit_prune_before = ?', [cutoff]);
        try {
          const res = await em.query('DELETE FROM audit_events WHERE at < @kam_audit_prune_before');
          deleted = Number((res as { affectedRows?: number }).affectedRows ?? 0);
        } finally {
          await em.query('SET @kam_audit_prune_before = NULL');
        }
      } else {
        await em.query('UPDATE audit_control SET prune_before = ? WHERE id = 1', [cutoff]);
        const [{ n }] = (await em.query('SELECT COUNT(*) AS n FROM audit_events WHERE at < (SELECT prune_before FROM audit_control WHERE id = 1)')) as { n: number }[];
        await em.query('DELETE FROM audit_events WHERE at < (SELECT prune_before FROM audit_control WHERE id = 1)');
        await em.query('UPDATE audit_control SET prune_before = NULL WHERE id = 1');
        deleted = Number(n);
      }
      await this.recordMany({ ...ctx, em }, [{ action: 'audit.prune', entity: 'AuditEvent', fields: [], after: { deleted, before: before.toISOString(), retentionDays } }]);
      return { deleted, before };
    });
  }

  async record(ctx: RequestContext, entry: AuditEntry): Promise<void> {
    await this.recordMany(ctx, [entry]);
  }

  async recordMany(ctx: RequestContext, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const at = new Date();
    await managerFor(this.ds, ctx)
      .createQueryBuilder()
      .insert()
      .into(AuditEvent)
      .values(
        entries.map((e) => ({
          at,
          actor: ctx.actor.name,
          actorRole: ctx.actor.role,
          action: e.action,
          entity: e.entity,
          entityId: e.entityId === undefined || e.entityId === null ? null : String(e.entityId).slice(0, 64),
          recordIds: (e.recordIds ?? []).map(String),
          fields: e.fields ?? [],
          before: e.before === undefined ? null : JSON.stringify(e.before),
          after: e.after === undefined ? null : JSON.stringify(e.after),
          origin: ctx.origin.slice(0, 100),
          userAgent: ctx.userAgent ? ctx.userAgent.slice(0, 200) : null,
          requestId: ctx.requestId,
        })),
      )
      .updateEntity(false)
      .execute();
  }
}
