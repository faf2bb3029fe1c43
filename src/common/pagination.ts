/**
 * Relay-style connections with keyset cursors: stable under inserts and as fast at page 1000 as at
 * page 1. A cursor encodes the sort value and the id of the last row (the tiebreaker).
 */
import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { DomainError, ErrorCode } from './errors';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface SortSpec {
  /** Property path on the query alias, e.g. `name`, or `id`. */
  column: string;
  direction: 'ASC' | 'DESC';
  /** Entity property that holds the sort value on a loaded row. */
  property: string;
  /** A DATETIME column: cursor values travel as ISO strings and compare as dates. */
  datetime?: boolean;
}

type CursorValue = string | number | null;

export function encodeCursor(value: CursorValue, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [CursorValue, number] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isInteger(parsed[1]) && ['string', 'number'].includes(typeof parsed[0]) || (Array.isArray(parsed) && parsed[0] === null && Number.isInteger(parsed[1]))) {
      return parsed as [CursorValue, number];
    }
  } catch {
    // fall through
  }
  throw new DomainError(ErrorCode.INVALID_CURSOR, `after: "${cursor}" is not a cursor returned by this API`, { field: 'after' });
}

@ObjectType({ description: '分页信息 / page info' })
export class PageInfo {
  @Field({ description: '是否还有下一页 / whether another page follows' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: '本页最后一条的游标 / cursor of the last row' })
  endCursor!: string | null;
}

export interface Connection<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
}

/** `XConnection` / `XEdge` GraphQL types for an entity type. */
export function ConnectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `${name} 列表（游标分页）/ ${name} list with keyset cursors` })
  class ConnectionClass {
    @Field(() => [node], { description: '本页记录 / rows of this page' })
    nodes!: T[];

    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: '符合条件的总数 / rows matching the filter, all pages' })
    totalCount!: number;
  }
  return ConnectionClass;
}

export function checkPageSize(first: number | null | undefined, max: number, fallback = Math.min(100, max)): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, `first: must be a non-negative integer`, { field: 'first' });
  if (n > max) throw new DomainError(ErrorCode.PAGE_SIZE_TOO_LARGE, `first: at most ${max} rows per page, got ${n}; page with "after"`, { field: 'first', max });
  return n;
}

/**
 * Applies keyset paging to a query (whose filters are already applied) and runs it.
 * `totalCount` runs a COUNT only when a client asks for it.
 */
export async function paginate<T extends ObjectLiteral & { id: number }>(
  qb: SelectQueryBuilder<T>,
  page: PageArgs,
  sort: SortSpec,
  maxPageSize: number,
): Promise<Connection<T>> {
  const first = checkPageSize(page.first, maxPageSize);
  const alias = qb.alias;
  const countQb = qb.clone();
  const col = `${alias}.${sort.column}`;
  const idCol = `${alias}.id`;
  const cmp = sort.direction === 'ASC' ? '>' : '<';
  if (page.after) {
    const [raw, id] = decodeCursor(page.after);
    const value = sort.datetime && typeof raw === 'string' ? new Date(raw) : raw;
    if (sort.column === 'id') {
      qb.andWhere(`${idCol} ${cmp} :afterId`, { afterId: id });
    } else if (value === null) {
      // NULLs sort first ascending (both databases): after a NULL come the other NULLs by id, then all non-NULLs.
      qb.andWhere(
        new Brackets((w) => {
          if (sort.direction === 'ASC') {
            w.where(`(${col} IS NULL AND ${idCol} > :afterId)`, { afterId: id }).orWhere(`${col} IS NOT NULL`);
          } else {
            w.where(`${col} IS NULL AND ${idCol} < :afterId`, { afterId: id });
          }
        }),
      );
    } else {
      qb.andWhere(
        new Brackets((w) => {
          w.where(`${col} ${cmp} :afterValue`, { afterValue: value }).orWhere(`(${col} = :afterValue AND ${idCol} ${cmp} :afterId)`, { afterValue: value, afterId: id });
          if (sort.direction === 'DESC') w.orWhere(`${col} IS NULL`);
        }),
      );
    }
  }
  if (sort.column !== 'id') qb.orderBy(col, sort.direction).addOrderBy(idCol, sort.direction);
  else qb.orderBy(idCol, sort.direction);
  const rows = first === 0 ? [] : await qb.take(undefined).limit(first + 1).getMany();
  return toConnection(rows, first, (node) => encodeCursor(cursorValue(node, sort.property), node.id), () => countQb.orderBy().getCount());
}

/**
 * A connection from a page fetched with one row more than `first` (that extra row only says another
 * page follows). `count` runs only when a client asks for totalCount, and at most once.
 */
export function toConnection<T>(rows: T[], first: number, cursorOf: (node: T) => string, count: () => Promise<number>): Connection<T> {
  const hasNextPage = rows.length > first;
  const nodes = hasNextPage ? rows.slice(0, first) : rows;
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  let counted: Promise<number> | undefined;
  return {
    nodes,
    edges,
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    get totalCount() {
      counted ??= count();
      return counted;
    },
  };
}

function cursorValue(row: object, property: string): CursorValue {
  const v = (row as Record<string, unknown>)[property];
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}
