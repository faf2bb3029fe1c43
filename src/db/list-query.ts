/**
 * The SELECT behind a list page: one entity, conditions, an order and a limit — nothing a join or
 * TypeORM's query builder would add. Building a `SelectQueryBuilder` (and cloning it for the count)
 * cost more CPU and memory than running the query; this builds the SQL directly from the entity
 * metadata. Conditions use the query builder's conventions — `alias.property` paths and `:named` /
 * `:...list` parameters — and the driver binds the parameters exactly as the query builder would
 * (dates, booleans, arrays), so filters read the same on both. Runs in the caller's transaction.
 */
import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { hydrateRows } from './hydrate';

export type Direction = 'ASC' | 'DESC';

/** What list filters need of a query: the query builder and {@link ListQuery} both fit. */
export interface Filterable {
  readonly alias: string;
  readonly connection: EntityManager['connection'];
  andWhere(condition: string, parameters?: Record<string, unknown>): this;
}

export class ListQuery<T extends ObjectLiteral> implements Filterable {
  readonly connection: EntityManager['connection'];
  private readonly meta: EntityMetadata;
  private readonly conditions: string[] = [];
  private readonly parameters: Record<string, unknown> = {};
  private readonly order: [string, Direction][] = [];
  private limitRows: number | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly entity: EntityTarget<T>,
    readonly alias: string,
  ) {
    this.connection = em.connection;
    this.meta = em.connection.getMetadata(entity);
  }

  /** A copy with the same conditions, order and limit (e.g. to count before paging conditions are added). */
  clone(): ListQuery<T> {
    const copy = new ListQuery(this.em, this.entity, this.alias);
    copy.conditions.push(...this.conditions);
    Object.assign(copy.parameters, this.parameters);
    copy.order.push(...this.order);
    copy.limitRows = this.limitRows;
    return copy;
  }

  andWhere(condition: string, parameters: Record<string, unknown> = {}): this {
    this.conditions.push(`(${condition})`);
    Object.assign(this.parameters, parameters);
    return this;
  }

  /** Adds an order term (`alias.property` or a column expression). */
  orderBy(expression: string, direction: Direction): this {
    this.order.push([expression, direction]);
    return this;
  }

  limit(rows: number): this {
    this.limitRows = rows;
    return this;
  }

  /** The rows, hydrated: whole, or with `properties` only those columns and the primary key. */
  async getMany(properties?: readonly string[]): Promise<T[]> {
    const q = (name: string) => this.connection.driver.escape(name);
    const columns = this.meta.columns.filter((c) => !c.isVirtual && (!properties || c.isPrimary || properties.includes(c.propertyName)));
    const select = columns.map((c) => `${q(this.alias)}.${q(c.databaseName)}`).join(', ');
    const orderBy = this.order.map(([e, d]) => `${this.sql(e)} ${d}`).join(', ');
    const raw = await this.run(`SELECT ${select}${this.from()}${orderBy ? ` ORDER BY ${orderBy}` : ''}${this.limitRows !== undefined ? ` LIMIT ${Math.floor(this.limitRows)}` : ''}`);
    return hydrateRows(this.connection, this.entity, raw, properties);
  }

  /** Rows matching the conditions (order and limit do not apply). */
  async count(): Promise<number> {
    const [row] = await this.run(`SELECT COUNT(*) AS n${this.from()}`);
    return Number(row?.n ?? 0);
  }

  private from(): string {
    const q = (name: string) => this.connection.driver.escape(name);
    return ` FROM ${q(this.meta.tablePath)} ${q(this.alias)}${this.conditions.length ? ` WHERE ${this.sql(this.conditions.join(' AND '))}` : ''}`;
  }

  /** `alias.property` → `alias`.`column`; anything else (column names, functions) is left as written. */
  private sql(text: string): string {
    const q = (name: string) => this.connection.driver.escape(name);
    return text.replace(new RegExp(`\\b${this.alias}\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g'), (whole, property: string) => {
      const column = this.meta.findColumnWithPropertyName(property);
      return column ? `${q(this.alias)}.${q(column.databaseName)}` : whole;
    });
  }

  private run(sqlWithNames: string): Promise<Record<string, unknown>[]> {
    const [sql, parameters] = this.connection.driver.escapeQueryWithParameters(sqlWithNames, this.parameters, {});
    return this.em.query(sql, parameters) as Promise<Record<string, unknown>[]>;
  }
}
