import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { Role } from '../../common/enums';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { managerFor } from '../../db/transaction';
import { requireRole } from '../policy/policy-support';
import { AuditEvent } from './audit-event.entity';

export interface AuditFilter {
  entity?: string | null;
  entityId?: string | null;
  /** Exact action (`account.reassign`), or a prefix ending in `*` (`tierReview.*`). */
  action?: string | null;
  actor?: string | null;
  /** From this moment on (inclusive). */
  from?: Date | null;
  /** Before this moment (exclusive). */
  to?: Date | null;
}

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | number | null;
  recordIds?: (string | number)[];
  fields?: string[];
  before?: unknown;
  after?: unknown;
}

/** Append-only audit trail. Written in the caller's transaction, so an action and its record commit together. */
export class AuditService {
  constructor(private readonly ds: DataSource) {}

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
          requestId: ctx.requestId,
        })),
      )
      .updateEntity(false)
      .execute();
  }

  /** The trail, newest first, keyset-paged: for ADMIN and the committee only. */
  async list(ctx: RequestContext, filter: AuditFilter, page: PageArgs, maxPageSize: number): Promise<Connection<AuditEvent>> {
    requireRole(ctx, [Role.COMMITTEE], 'auditEvents');
    const qb = managerFor(this.ds, ctx).createQueryBuilder(AuditEvent, 'e');
    if (filter.entity) qb.andWhere('e.entity = :entity', { entity: filter.entity });
    if (filter.entityId) qb.andWhere('e.entityId = :entityId', { entityId: filter.entityId });
    if (filter.actor) qb.andWhere('e.actor = :actor', { actor: filter.actor });
    // SUBSTR rather than LIKE: the two databases disagree on how to write the LIKE escape character.
    if (filter.action?.endsWith('*')) qb.andWhere('SUBSTR(e.action, 1, :len) = :prefix', { len: filter.action.length - 1, prefix: filter.action.slice(0, -1) });
    else if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.at < :to', { to: filter.to });
    return paginate(qb, page, { column: 'at', property: 'at', direction: 'DESC', datetime: true }, maxPageSize);
  }
}
