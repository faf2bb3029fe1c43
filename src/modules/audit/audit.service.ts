import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { managerFor } from '../../db/transaction';
import { AuditEvent } from './audit-event.entity';

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
}
