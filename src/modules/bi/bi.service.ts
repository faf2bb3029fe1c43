/**
 * BI beyond GraphQL: incremental change sets (created, updated, deleted ids since a moment), flat
 * rows for the feeds, and tombstone retention. The rows carry what the catalog (bi-catalog.ts) lists
 * and pass the need-to-know rule the GraphQL schema applies: a confidential value the caller may not
 * read is null (a person's name as 孙*), and what they read in full is noted on the read audit.
 */
import { LessThan, MoreThan, MoreThanOrEqual, type DataSource, type EntityManager, type ObjectLiteral } from 'typeorm';
import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { managerFor } from '../../db/transaction';
import { readWhereIn } from '../../db/hydrate';
import { noteSensitiveRead } from '../audit/read-log';
import type { AuditService } from '../audit/audit.service';
import type { NeedToKnowService } from '../privacy/need-to-know.service';
import { DataClass } from '../privacy/data-classes';
import { maskName, mayRead, type AccountFacts } from '../privacy/need-to-know.rules';
import { BI_ENTITY_NAMES, biValue, buildBiCatalog, type BiEntity, type BiEntityName } from './bi-catalog';
import { Tombstone } from './tombstone.entity';

const DAY_MS = 86_400_000;
/** Rows read per query while streaming a feed: memory stays flat whatever the table's size. */
export const FEED_PAGE = 1000;

export type FlatRow = Record<string, unknown>;

export interface FeedQuery {
  /** Only rows changed at or after this moment (`updatedAt >= updatedSince`). */
  updatedSince?: Date | null;
  /** Keyset: rows with an id above this one. */
  after?: number | null;
  /** At most this many rows (all when absent). */
  limit?: number | null;
}

export interface ChangeSet {
  entity: BiEntityName;
  since: Date;
  /** The moment the change set was read: pass it as the next `since`. */
  until: Date;
  created: number[];
  updated: number[];
  deleted: Tombstone[];
}

/** Parses a feed or `changes` moment (ISO 8601); INVALID_DATE names the parameter. */
export function parseMoment(raw: string, field: string): Date {
  const d = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(d.getTime())) throw new DomainError(ErrorCode.INVALID_DATE, `${field}: "${raw}" is not an ISO 8601 date-time (e.g. 2026-01-31T00:00:00Z)`, { field });
  return d;
}

/** The BI entity named `raw` (`accounts`, `credit-evaluations`…; `creditEvaluations` and `CreditEvaluation` too), or NOT_FOUND listing them. */
export function biEntityName(raw: string): BiEntityName {
  const key = raw.replace(/([a-z])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
  const found = BI_ENTITY_NAMES.find((n) => n === key || n === `${key}s`);
  if (!found) throw new DomainError(ErrorCode.NOT_FOUND, `unknown entity "${raw}": one of ${BI_ENTITY_NAMES.join(', ')}`, { field: 'entity' });
  return found;
}

export class BiService {
  private catalogs?: Promise<Map<BiEntityName, BiEntity>>;

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly needToKnow: NeedToKnowService,
    private readonly schema: () => Promise<GraphQLSchema>,
    private readonly retentionDays: number,
  ) {}

  /** Every entity's flat columns (built once). */
  catalog(): Promise<Map<BiEntityName, BiEntity>> {
    this.catalogs ??= this.schema().then((s) => buildBiCatalog(this.ds, s));
    return this.catalogs;
  }

  async entity(name: BiEntityName): Promise<BiEntity> {
    return (await this.catalog()).get(name)!;
  }

  private assertSignedIn(ctx: RequestContext): void {
    if (ctx.actor.kind === 'anonymous') throw new DomainError(ErrorCode.UNAUTHENTICATED, 'authentication required: send "Authorization: Bearer <API key or login token>"');
  }

  /** The oldest moment an incremental read may start from: tombstones before it are pruned. */
  horizon(now = new Date()): Date {
    return new Date(now.getTime() - this.retentionDays * DAY_MS);
  }

  /** CHANGES_EXPIRED when deletions since `since` may have been pruned already: the client reloads in full. */
  assertRetained(since: Date, field: string): void {
    const horizon = this.horizon();
    if (since < horizon) {
      throw new DomainError(
        ErrorCode.CHANGES_EXPIRED,
        `${field}: ${since.toISOString()} is before ${horizon.toISOString()}, the oldest deletion kept (KAM_TOMBSTONE_RETENTION_DAYS=${this.retentionDays}); reload in full without it`,
        { field },
      );
    }
  }

  /**
   * What changed in `entity` since `since`: ids created, ids updated (created before), and the
   * tombstones of rows deleted. A row created then deleted in the window appears only as deleted.
   */
  async changes(ctx: RequestContext, name: BiEntityName, since: Date): Promise<ChangeSet> {
    this.assertSignedIn(ctx);
    this.assertRetained(since, 'since');
    const e = await this.entity(name);
    const em = managerFor(this.ds, ctx);
    const until = new Date();
    const changed = await em.find(e.target, { select: { id: true, createdAt: true }, where: { updatedAt: MoreThanOrEqual(since) }, order: { id: 'ASC' } });
    const deleted = await em.find(Tombstone, { where: { entity: e.typeName, deletedAt: MoreThanOrEqual(since) }, order: { deletedAt: 'ASC', id: 'ASC' } });
    const created: number[] = [];
    const updated: number[] = [];
    for (const r of changed) (new Date(r.createdAt as Date) >= since ? created : updated).push(Number(r.id));
    return { entity: name, since, until, created, updated, deleted };
  }

  /** Tombstones of `entity` since `since` (oldest first), for the feeds' deletions. */
  async deletions(ctx: RequestContext, name: BiEntityName, since: Date | null): Promise<Tombstone[]> {
    this.assertSignedIn(ctx);
    if (since) this.assertRetained(since, 'since');
    const e = await this.entity(name);
    return managerFor(this.ds, ctx).find(Tombstone, { where: { entity: e.typeName, ...(since ? { deletedAt: MoreThanOrEqual(since) } : {}) }, order: { deletedAt: 'ASC', id: 'ASC' } });
  }

  /** Validates a feed request before anything is streamed. */
  async prepareFeed(ctx: RequestContext, name: BiEntityName, q: FeedQuery): Promise<BiEntity> {
    this.assertSignedIn(ctx);
    if (q.updatedSince) this.assertRetained(q.updatedSince, 'updatedSince');
    return this.entity(name);
  }

  /**
   * The flat rows of a feed, page by page (keyset on id), masked for the caller. The read audit
   * gets the confidential fields read in full (flushed per page) and one `feed.read` event at the end.
   */
  async *feed(ctx: RequestContext, e: BiEntity, q: FeedQuery): AsyncGenerator<FlatRow[]> {
    const em = managerFor(this.ds, ctx);
    const facts = await this.needToKnow.facts(ctx);
    const guarded = e.columns.filter((c) => c.dataClass !== DataClass.INTERNAL);
    const readsAll = guarded.every((c) => mayRead(ctx.actor, c.dataClass, null, facts));
    let after = q.after ?? 0;
    let left = q.limit ?? Number.POSITIVE_INFINITY;
    let rows = 0;
    let completed = false;
    try {
      while (left > 0) {
        const take = Math.min(FEED_PAGE, left);
        const page = await em.find(e.target, {
          where: { id: MoreThan(after), ...(q.updatedSince ? { updatedAt: MoreThanOrEqual(q.updatedSince) } : {}) },
          order: { id: 'ASC' },
          take,
        });
        if (!page.length) break;
        const refs = await this.references(em, e, page);
        const accounts = readsAll || !guarded.length || !e.accountProperty ? new Map<number, AccountFacts>() : await this.needToKnow.accountFacts(ctx, page.map((r) => Number(r[e.accountProperty!])).filter(Number.isFinite));
        const out: FlatRow[] = [];
        for (const r of page) {
          const row: FlatRow = {};
          const accountId = e.accountProperty ? Number(r[e.accountProperty]) : NaN;
          const subject = Number.isFinite(accountId) ? (accounts.get(accountId) ?? null) : null;
          for (const c of e.columns) {
            let v = biValue(c, r, refs);
            if (c.dataClass !== DataClass.INTERNAL && v !== null) {
              if (readsAll || mayRead(ctx.actor, c.dataClass, subject, facts)) noteSensitiveRead(ctx, e.typeName, Number(r.id), c.property);
              else v = c.maskAs === 'name' && typeof v === 'string' ? maskName(v) : null;
            }
            row[c.name] = v;
          }
          out.push(row);
        }
        rows += out.length;
        left -= out.length;
        after = Number(page[page.length - 1].id);
        await this.audit.flushReads(ctx);
        yield out;
        if (page.length < take) break;
      }
      completed = true;
    } finally {
      await this.audit.record(ctx, {
        action: 'feed.read',
        entity: e.typeName,
        entityId: null,
        after: { feed: e.name, rows, completed, updatedSince: q.updatedSince?.toISOString() ?? null, after: q.after ?? null, limit: q.limit ?? null },
      });
    }
  }

  /** The rows the page's references point to, by relation and id. */
  private async references(em: EntityManager, e: BiEntity, page: ObjectLiteral[]): Promise<Map<string, Map<number, ObjectLiteral>>> {
    const out = new Map<string, Map<number, ObjectLiteral>>();
    const seen = new Set<string>();
    for (const c of e.columns) {
      if (!c.reference || seen.has(c.reference.relation)) continue;
      seen.add(c.reference.relation);
      const ids = [...new Set(page.map((r) => r[c.property]).filter((x): x is number => x !== null && x !== undefined).map(Number))];
      const columns = e.columns.filter((x) => x.reference?.relation === c.reference!.relation).map((x) => x.reference!.column);
      const rows = ids.length ? await readWhereIn(em.connection, c.reference.target, 'id', ids, {}, ['id', ...columns]) : [];
      out.set(c.reference.relation, new Map(rows.map((r) => [Number(r.id), r])));
    }
    return out;
  }

  /** Deletes tombstones older than the retention (KAM_TOMBSTONE_RETENTION_DAYS); returns how many. */
  async pruneTombstones(ctx: RequestContext): Promise<{ deleted: number; before: Date }> {
    const before = this.horizon();
    const res = await managerFor(this.ds, ctx).delete(Tombstone, { deletedAt: LessThan(before) });
    return { deleted: res.affected ?? 0, before };
  }
}
