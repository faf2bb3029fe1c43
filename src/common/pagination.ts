/**
 * Relay-style connections with keyset cursors: stable under inserts and as fast at page 1000 as at
 * page 1. A cursor encodes the sort value and the id of the last row (the tiebreaker).
 */
import { SelectQueryBuilder, type ObjectLiteral } from 'typeorm';
import { ArgsType, ClassType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DomainError, ErrorCode } from './errors';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface SortSpec {
  /** Name of the sort (e.g. `NAME:ASC`); a cursor made under one sort is refused under another. */
  key?: string;
  /** Property path on the query alias, e.g. `name`, or `id`. */
  column: string;
  direction: 'ASC' | 'DESC';
  /** Entity property that holds the sort value on a loaded row. */
  property: string;
  /** A DATETIME column: cursor values travel as ISO strings and compare as dates. */
  datetime?: boolean;
}

type CursorValue = string | number | null;

export function encodeCursor(value: CursorValue, id: number, key?: string): string {
  return Buffer.from(JSON.stringify(key ? [value, id, key] : [value, id])).toString('base64url');
}

/** Decodes a cursor; with `key`, refuses one made under a different sort (its position would mean nothing). */
export function decodeCursor(cursor: string, key?: string): [CursorValue, number] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && (parsed.length === 2 || parsed.length === 3) && Number.isInteger(parsed[1]) && (parsed[0] === null || ['string', 'number'].includes(typeof parsed[0]))) {
    if (key !== undefined && (parsed[2] ?? undefined) !== key) {
      throw new DomainError(ErrorCode.INVALID_CURSOR, `after: the cursor was made under another sort order than ${key}; start again without "after"`, { field: 'after' });
    }
    return [parsed[0] as CursorValue, parsed[1] as number];
  }
  throw new DomainError(ErrorCode.INVALID_CURSOR, `after: "${cursor}" is not a cursor returned by this API`, { field: 'after' });
}

@ObjectType({ simpleResolvers: true, description: '分页信息 / page info' })
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
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `${name} 列表（游标分页）/ ${name} list with keyset cursors` })
  class ConnectionClass {
    @Field(() => [node], { description: '本页记录 / rows of this page' })
    nodes!: T[];

    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    // A promise (the COUNT runs only when asked for): the field keeps a resolver, which awaits it.
    @Field(() => Int, { simple: false, description: '符合条件的总数 / rows matching the filter, all pages' })
    totalCount!: number;
  }
  return ConnectionClass;
}

/** Page size when a client gives no `first`. */
export const DEFAULT_PAGE_SIZE = 100;

export function checkPageSize(first: number | null | undefined, max: number, fallback = Math.min(DEFAULT_PAGE_SIZE, max)): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, `first: must be a non-negative integer`, { field: 'first' });
  if (n > max) throw new DomainError(ErrorCode.PAGE_SIZE_TOO_LARGE, `first: at most ${max} rows per page, got ${n}; page with "after"`, { field: 'first', max });
  return n;
}

/**
 * What keyset paging needs of a query: the lean {@link ListQuery} of the entity lists fits, and so does a
 * TypeORM query builder (through {@link QueryBuilderPage}) for queries that need joins.
 */
export interface PageQuery<T> {
  readonly alias: string;
  clone(): PageQuery<T>;
  andWhere(condition: string, parameters?: Record<string, unknown>): unknown;
  /** Appends an order term. */
  orderBy(expression: string, direction: 'ASC' | 'DESC'): unknown;
  limit(rows: number): unknown;
  getMany(properties?: readonly string[]): Promise<T[]>;
  count(): Promise<number>;
}

/** A TypeORM query builder as a {@link PageQuery}. */
export class QueryBuilderPage<T extends ObjectLiteral> implements PageQuery<T> {
  constructor(private readonly qb: SelectQueryBuilder<T>) {}

  get alias(): string {
    return this.qb.alias;
  }

  clone(): QueryBuilderPage<T> {
    return new QueryBuilderPage(this.qb.clone());
  }

  andWhere(condition: string, parameters?: Record<string, unknown>): this {
    this.qb.andWhere(`(${condition})`, parameters);
    return this;
  }

  orderBy(expression: string, direction: 'ASC' | 'DESC'): this {
    this.qb.addOrderBy(expression, direction);
    return this;
  }

  limit(rows: number): this {
    this.qb.limit(rows);
    return this;
  }

  getMany(): Promise<T[]> {
    return this.qb.getMany();
  }

  count(): Promise<number> {
    return this.qb.clone().orderBy().getCount();
  }
}

/**
 * Applies keyset paging to a query (whose filters are already applied) and runs it.
 * `totalCount` runs a COUNT only when a client asks for it. With `columns`, rows hold only those
 * columns (and the id and sort column): they are for display, not for writing back.
 */
export async function paginate<T extends ObjectLiteral & { id: number }>(
  query: PageQuery<T> | SelectQueryBuilder<T>,
  page: PageArgs,
  sort: SortSpec,
  maxPageSize: number,
  columns?: readonly string[],
): Promise<Connection<T>> {
  const qb: PageQuery<T> = query instanceof SelectQueryBuilder ? new QueryBuilderPage(query) : query;
  const first = checkPageSize(page.first, maxPageSize);
  const alias = qb.alias;
  const countQb = qb.clone();
  const col = `${alias}.${sort.column}`;
  const idCol = `${alias}.id`;
  const cmp = sort.direction === 'ASC' ? '>' : '<';
  if (page.after) {
    const [raw, id] = decodeCursor(page.after, sort.key);
    const value = sort.datetime && typeof raw === 'string' ? new Date(raw) : raw;
    if (sort.column === 'id') {
      qb.andWhere(`${idCol} ${cmp} :afterId`, { afterId: id });
    } else if (value === null) {
      // NULLs sort first ascending (both databases): after a NULL come the other NULLs by id, then all non-NULLs.
      if (sort.direction === 'ASC') qb.andWhere(`(${col} IS NULL AND ${idCol} > :afterId) OR ${col} IS NOT NULL`, { afterId: id });
      else qb.andWhere(`${col} IS NULL AND ${idCol} < :afterId`, { afterId: id });
    } else {
      qb.andWhere(`${col} ${cmp} :afterValue OR (${col} = :afterValue AND ${idCol} ${cmp} :afterId)${sort.direction === 'DESC' ? ` OR ${col} IS NULL` : ''}`, { afterValue: value, afterId: id });
    }
  }
  if (sort.column !== 'id') qb.orderBy(col, sort.direction);
  qb.orderBy(idCol, sort.direction);
  qb.limit(first + 1);
  const rows = first === 0 ? [] : await qb.getMany(columns && [...columns, sort.property]);
  return toConnection(rows, first, (node) => encodeCursor(cursorValue(node, sort.property), node.id, sort.key), () => countQb.count());
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

@ArgsType()
export class PageArgsType implements PageArgs {
  @Field(() => Int, { nullable: true, description: '每页条数（默认 100，上限见配置 KAM_MAX_PAGE_SIZE）/ page size (default 100, at most KAM_MAX_PAGE_SIZE)' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "上一页的 endCursor / the previous page's endCursor" })
  after?: string | null;
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: '排序方向 / sort direction',
  valuesConfig: { ASC: { description: '升序 / ascending' }, DESC: { description: '降序 / descending' } },
});

/** A sort order as clients give it: one field of an entity's sort enum and a direction. */
export interface SortOrder<F extends string = string> {
  field: F;
  direction?: SortDirection | null;
}

/** The sortable columns of an entity, by the field names of its GraphQL sort enum. */
export type SortColumns<F extends string> = Record<F, Omit<SortSpec, 'direction' | 'key'>>;

/**
 * The keyset {@link SortSpec} for a client's order (the id breaks ties, so sorting on a non-unique
 * column still visits every row exactly once).
 */
export function sortSpec<F extends string>(columns: SortColumns<F>, order: SortOrder<F> | null | undefined, fallback: F): SortSpec {
  const field = order?.field ?? fallback;
  const column = columns[field];
  if (!column) throw new DomainError(ErrorCode.INVALID_ENUM, `orderBy.field: "${field}" is not one of ${Object.keys(columns).join(', ')}`, { field: 'orderBy.field' });
  const direction = order?.direction ?? SortDirection.ASC;
  return { ...column, direction, key: `${field}:${direction}` };
}

/** `XOrder` GraphQL input: `{ field: XOrderField!, direction: SortDirection = ASC }`. */
export function OrderInputType<F extends string>(fieldEnum: object, name: string) {
  @InputType(`${name}Order`, { description: `${name} 排序（按所选字段，再按 id）/ sort order for ${name} lists (then by id)` })
  class OrderInput implements SortOrder<F> {
    @Field(() => fieldEnum, { description: '排序字段 / field to sort by' })
    field!: F;

    @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: '方向 / direction' })
    direction!: SortDirection;
  }
  return OrderInput;
}
