/**
 * Lean reads for lists and DataLoaders: one hand-built SELECT per batch, only the columns the request
 * needs, and a hydrator driven by the entity metadata. TypeORM's `find()`/`getMany()` spend most of
 * their time building queries and transforming raw results (grouping rows for joins these reads never
 * have); on a page with a few hundred related rows that was the largest cost of a request. Values
 * still go through the driver's `prepareHydratedValue` where it matters, so column transformers,
 * dates, booleans and simple-array/json read exactly as TypeORM reads them.
 */
import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { DriverUtils } from 'typeorm/driver/DriverUtils';

interface Shape<T> {
  /** `col1, col2…` escaped. */
  select: string;
  hydrate(raw: Record<string, unknown>): T;
}

interface Plan<T> {
  from: string;
  columns: ColumnMetadata[];
  escaped(property: string): string;
  shape(properties: readonly string[] | undefined, rawPrefix?: string): Shape<T>;
}

const plans = new WeakMap<EntityMetadata, Plan<ObjectLiteral>>();

/** Strings and integers arrive from both drivers as they are stored; the rest goes through the driver. */
const PLAIN_TYPES = new Set(['varchar', 'text', 'int', 'integer']);

function planFor<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>): Plan<T> {
  const meta = ds.getMetadata(entity);
  const existing = plans.get(meta) as Plan<T> | undefined;
  if (existing) return existing;
  const q = (name: string) => ds.driver.escape(name);
  const columns = meta.columns.filter((c) => !c.isVirtual);
  const byProperty = new Map(columns.map((c) => [c.propertyName, c]));
  const proto = (meta.target as { prototype: object }).prototype;
  // null = the value is used as the driver returns it.
  const convert = new Map<ColumnMetadata, ((v: unknown) => unknown) | null>(
    columns.map((c) => [c, !c.transformer && typeof c.type === 'string' && PLAIN_TYPES.has(c.type) ? null : (v: unknown) => ds.driver.prepareHydratedValue(v, c)]),
  );
  const shapes = new Map<string, Shape<T>>();
  const plan: Plan<T> = {
    from: q(meta.tablePath),
    columns,
    escaped(property) {
      const c = byProperty.get(property);
      if (!c) throw new Error(`${meta.name} has no column ${property}`);
      return q(c.databaseName);
    },
    shape(properties, rawPrefix) {
      const key = `${rawPrefix ?? ''}|${properties ? [...properties].sort().join(',') : '*'}`;
      let shape = shapes.get(key);
      if (!shape) {
        const cols = properties ? columns.filter((c) => properties.includes(c.propertyName) || c.isPrimary) : columns;
        const keys = cols.map((c) => (rawPrefix ? DriverUtils.buildAlias(ds.driver, undefined, rawPrefix, c.databaseName) : c.databaseName));
        const conv = cols.map((c) => convert.get(c) ?? null);
        const props = cols.map((c) => c.propertyName);
        shape = {
          select: cols.map((c) => q(c.databaseName)).join(', '),
          hydrate(raw) {
            const row = Object.create(proto) as Record<string, unknown>;
            for (let i = 0; i < props.length; i++) {
              const v = raw[keys[i]];
              const f = conv[i];
              row[props[i]] = f === null ? (v ?? null) : f(v);
            }
            return row as T;
          },
        };
        shapes.set(key, shape);
      }
      return shape;
    },
  };
  plans.set(meta, plan as Plan<ObjectLiteral>);
  return plan;
}

/**
 * Rows of `entity` whose `property` is one of `keys`, ordered by `order` (property → direction).
 * With `properties`, only those columns (and the primary key) are read: the rows are for display only.
 */
export async function readWhereIn<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<T>,
  property: string,
  keys: readonly (number | string)[],
  order: Record<string, 'ASC' | 'DESC'> = {},
  properties?: readonly string[],
): Promise<T[]> {
  if (keys.length === 0) return [];
  const p = planFor(ds, entity);
  const shape = p.shape(properties);
  const orderBy = Object.entries(order).map(([prop, dir]) => `${p.escaped(prop)} ${dir}`);
  const sql = `SELECT ${shape.select} FROM ${p.from} WHERE ${p.escaped(property)} IN (${keys.map(() => '?').join(', ')})${orderBy.length ? ` ORDER BY ${orderBy.join(', ')}` : ''}`;
  const raw = (await ds.query(sql, [...keys])) as Record<string, unknown>[];
  return raw.map((r) => shape.hydrate(r));
}

/** Hydrates raw rows keyed by column name: whole rows, or with `properties` only those columns and the key. */
export function hydrateRows<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>, raw: Record<string, unknown>[], properties?: readonly string[]): T[] {
  const shape = planFor(ds, entity).shape(properties);
  return raw.map((r) => shape.hydrate(r));
}

/** The column properties of `entity`, for projections. */
export function columnProperties(ds: DataSource, entity: EntityTarget<ObjectLiteral>): string[] {
  return planFor(ds, entity).columns.map((c) => c.propertyName);
}
