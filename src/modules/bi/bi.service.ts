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
import { ListQuery } from '../../db/list-query';
import { noteSensitiveRead } from '../audit/read-log';
import type { AuditService } from '../audit/audit.service';
import type { NeedToKnowService } from '../privacy/need-to-know.service';
import { DataClass } from '../privacy/data-classes';
import { maskName, mayRead, type AccountFacts } from '../privacy/need-to-know.rules';
import { BI_ENTITY_NAMES, DERIVED_FEED_NAMES, biValue, buildBiCatalog, buildDerivedFeeds, type BiColumn, type BiEntity, type BiEntityName, type DerivedFeed, type DerivedFeedName } from './bi-catalog';
import { Account } from '../accounts/account.entity';
import type { CadenceService } from '../cadence/cadence.service';
import { AccountStatsDimension, type AnalyticsService } from '../analytics/analytics.service';
import { assertLocalDate, today } from '../../common/dates';
import { Tombstone } from './tombstone.entity';

const DAY_MS = 86_400_000;
/** Rows read per query while streaming a feed: memory stays flat whatever the table's size. */
export const FEED_PAGE = 1000;

export type FlatRow = Record<string, unknown>;

/** Accounts per batch of a derived feed (each batch is one compliance or statistics query). */
const DERIVED_BATCH = 500;

export interface DerivedRequest {
  feed: DerivedFeed;
  asOf: string | null;
  from: string | null;
  to: string | null;
  after: number;
}

function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** A derived feed's name, or undefined for a stored entity's. */
export function derivedFeedName(raw: string): DerivedFeedName | undefined {
  return DERIVED_FEED_NAMES.find((n) => n === raw.toLowerCase());
}

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
  if (!found) throw new DomainError(ErrorCode.NOT_FOUND, `unknown entity "${raw}": one of ${[...BI_ENTITY_NAMES, ...DERIVED_FEED_NAMES].join(', ')}`, { field: 'entity' });
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
    private readonly cadence: CadenceService,
    private readonly analytics: AnalyticsService,
  ) {}

  private derivedFeeds?: Promise<Map<DerivedFeedName, DerivedFeed>>;

  /** The computed feeds (visit compliance, monthly figures). */
  derived(): Promise<Map<DerivedFeedName, DerivedFeed>> {
    this.derivedFeeds ??= this.schema().then(buildDerivedFeeds);
    return this.derivedFeeds;
  }

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
    let after = q.after ?? 0;
    let left = q.limit ?? Number.POSITIVE_INFINITY;
    yield* this.audited(ctx, e.typeName, e.name, { updatedSince: q.updatedSince?.toISOString() ?? null, after: q.after ?? null, limit: q.limit ?? null }, async function* (this: BiService) {
      const flatten = await this.flattener(ctx, e.typeName, e.columns, e.accountProperty);
      while (left > 0) {
        const take = Math.min(FEED_PAGE, left);
        // The lean reader (hand-built SELECT, metadata-driven hydration): TypeORM's find spent most of a feed's time hydrating.
        const qb = new ListQuery(em, e.target, 'f').andWhere('f.id > :after', { after }).orderBy('f.id', 'ASC').limit(take);
        if (q.updatedSince) qb.andWhere('f.updatedAt >= :since', { since: q.updatedSince });
        const page = await qb.getMany();
        if (!page.length) break;
        left -= page.length;
        after = Number(page[page.length - 1].id);
        yield await flatten(page);
        if (page.length < take) break;
      }
    }.call(this));
  }

  /** Validates a derived feed's parameters (dates, months) before anything is streamed. */
  async prepareDerived(ctx: RequestContext, name: DerivedFeedName, params: { asOf?: string | null; from?: string | null; to?: string | null; updatedSince?: unknown; after?: number | null }): Promise<DerivedRequest> {
    this.assertSignedIn(ctx);
    if (params.updatedSince) throw new DomainError(ErrorCode.VALIDATION_FAILED, `updatedSince: ${name} is computed, not stored — reload it in full (it has no updates or deletions of its own)`, { field: 'updatedSince' });
    const feed = (await this.derived()).get(name)!;
    if (name === 'visit-compliance') return { feed, asOf: params.asOf ? assertLocalDate(params.asOf, 'asOf') : today(), from: null, to: null, after: params.after ?? 0 };
    const month = (raw: string | null | undefined, field: string, fallback: string) => {
      const v = raw ?? fallback;
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new DomainError(ErrorCode.INVALID_DATE, `${field}: "${v}" is not a month (YYYY-MM)`, { field });
      return v;
    };
    const now = today();
    const from = month(params.from, 'from', `${now.slice(0, 4)}-01`);
    const to = month(params.to, 'to', now.slice(0, 7));
    if (from > to) throw new DomainError(ErrorCode.VALIDATION_FAILED, `from: ${from} is after to (${to})`, { field: 'from' });
    return { feed, asOf: null, from, to, after: params.after ?? 0 };
  }

  /** The rows of a derived feed, per batch of accounts (keyset on the account id), masked like the stored feeds. */
  async *derivedFeed(ctx: RequestContext, r: DerivedRequest): AsyncGenerator<FlatRow[]> {
    const em = managerFor(this.ds, ctx);
    const { feed } = r;
    yield* this.audited(ctx, feed.typeName, feed.name, { asOf: r.asOf, from: r.from, to: r.to, after: r.after }, async function* (this: BiService) {
      const flatten = await this.flattener(ctx, feed.typeName, feed.columns, 'accountId');
      let after = r.after;
      for (;;) {
        const ids = (await em.find(Account, { select: { id: true }, where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: DERIVED_BATCH })).map((a) => a.id);
        if (!ids.length) break;
        after = ids[ids.length - 1];
        let rows: ObjectLiteral[];
        if (feed.name === 'visit-compliance') {
          rows = (await this.cadence.compliance(ctx, r.asOf!, { accountIds: ids })).map((item) => ({ ...item, asOf: r.asOf }));
        } else {
          const to = lastDayOfMonth(r.to!);
          const stats = await this.analytics.accountStats(ctx, { groupBy: [AccountStatsDimension.ACCOUNT, AccountStatsDimension.MONTH], filter: { ids }, from: `${r.from}-01`, to });
          rows = stats.rows.sort((a, b) => (a.accountId ?? 0) - (b.accountId ?? 0) || String(a.month).localeCompare(String(b.month)));
        }
        if (rows.length) yield await flatten(rows);
        if (ids.length < DERIVED_BATCH) break;
      }
    }.call(this));
  }

  /** Runs a feed's pages, then records one `feed.read` event (also when the client stopped half-way). */
  private async *audited(ctx: RequestContext, typeName: string, feed: string, params: Record<string, unknown>, pages: AsyncGenerator<FlatRow[]>): AsyncGenerator<FlatRow[]> {
    let rows = 0;
    let completed = false;
    try {
      for await (const page of pages) {
        rows += page.length;
        await this.audit.flushReads(ctx);
        yield page;
      }
      completed = true;
    } finally {
      await this.audit.record(ctx, { action: 'feed.read', entity: typeName, entityId: null, after: { feed, rows, completed, ...params } });
    }
  }

  /**
   * Turns source rows into flat rows for the caller: references looked up, values formatted, and
   * every classified value passed through need-to-know (masked, or noted on the read audit).
   */
  private async flattener(ctx: RequestContext, typeName: string, columns: BiColumn[], accountProperty: string | null): Promise<(page: ObjectLiteral[]) => Promise<FlatRow[]>> {
    const em = managerFor(this.ds, ctx);
    const facts = await this.needToKnow.facts(ctx);
    const guarded = columns.filter((c) => c.dataClass !== DataClass.INTERNAL);
    const readsAll = guarded.every((c) => mayRead(ctx.actor, c.dataClass, null, facts));
    return async (page) => {
      const refs = await this.references(em, columns, page);
      const accountIds = accountProperty ? page.map((r) => Number(r[accountProperty])).filter(Number.isFinite) : [];
      const accounts = readsAll || !guarded.length || !accountIds.length ? new Map<number, AccountFacts>() : await this.needToKnow.accountFacts(ctx, accountIds);
      return page.map((r) => {
        const row: FlatRow = {};
        const accountId = accountProperty ? Number(r[accountProperty]) : NaN;
        const subject = Number.isFinite(accountId) ? (accounts.get(accountId) ?? null) : null;
        for (const c of columns) {
          let v = biValue(c, r, refs);
          if (c.dataClass !== DataClass.INTERNAL && v !== null) {
            if (readsAll || mayRead(ctx.actor, c.dataClass, subject, facts)) noteSensitiveRead(ctx, typeName, Number(r.id ?? accountId), c.property);
            else v = c.maskAs === 'name' && typeof v === 'string' ? maskName(v) : null;
          }
          row[c.name] = v;
        }
        return row;
      });
    };
  }

  /** The rows the page's references point to, by relation and id. */
  private async references(em: EntityManager, columns: BiColumn[], page: ObjectLiteral[]): Promise<Map<string, Map<number, ObjectLiteral>>> {
    const out = new Map<string, Map<number, ObjectLiteral>>();
    const seen = new Set<string>();
    for (const c of columns) {
      if (!c.reference || seen.has(c.reference.relation)) continue;
      seen.add(c.reference.relation);
      const ids = [...new Set(page.map((r) => r[c.property]).filter((x): x is number => x !== null && x !== undefined).map(Number))];
      const wanted = columns.filter((x) => x.reference?.relation === c.reference!.relation).map((x) => x.reference!.column);
      const rows = ids.length ? await readWhereIn(em.connection, c.reference.target, 'id', ids, {}, ['id', ...wanted]) : [];
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
