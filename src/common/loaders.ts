/**
 * Per-request DataLoaders: every relation on a page is fetched with one query per relation, whatever
 * the page size. Built fresh for each request, so nothing leaks between callers.
 *
 * Loaders may read only the columns a selection needs ({@link Loaders.columnsFor}): such rows are
 * partial and serve only loaders asked for the same columns (the loader's cache key includes them).
 */
import DataLoader from 'dataloader';
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { columnProperties, readWhereIn } from '../db/hydrate';

/** Order of the rows `manyBy` returns per key: property → direction (the id always breaks ties). */
export type LoaderOrder = Record<string, 'ASC' | 'DESC'>;

/** Loader keys are built on every relation field of every row: their parts are computed once. */
const entityNames = new Map<EntityTarget<ObjectLiteral>, string>();
const columnKeys = new WeakMap<readonly string[], string>();
function columnsKey(columns: readonly string[] | undefined): string {
  if (!columns) return '*';
  let key = columnKeys.get(columns);
  if (key === undefined) columnKeys.set(columns, (key = columns.join(',')));
  return key;
}

function orderKey(order: LoaderOrder): string {
  let key = '';
  for (const k in order) key += `${k} ${order[k]},`;
  return key;
}

/** Columns needed per (field node, entity): the same node resolves once per parent row and per request. */
const projections = new WeakMap<FieldNode, Map<string, string[]>>();

export class Loaders {
  private readonly cache = new Map<string, DataLoader<unknown, unknown>>();
  /** Rows known by id without a query (primed), per loader key: read synchronously by {@link peek}. */
  private readonly known = new Map<string, Map<number, unknown>>();
  /** The same maps per entity with the columns their rows hold (null: every column), for {@link peek}. */
  private readonly knownByEntity = new Map<string, { columns: ReadonlySet<string> | null; rows: Map<number, unknown> }[]>();

  constructor(private readonly ds: DataSource) {}

  private idKey(entity: EntityTarget<ObjectLiteral>, columns?: readonly string[]): string {
    return `id:${this.nameOf(entity)}:${columnsKey(columns)}`;
  }

  private nameOf(entity: EntityTarget<ObjectLiteral>): string {
    let name = entityNames.get(entity);
    if (name === undefined) entityNames.set(entity, (name = this.ds.getMetadata(entity).name));
    return name;
  }

  /** Rows by primary key (null for a missing id); with `columns`, only those columns and the id. */
  byId<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, columns?: readonly string[]): DataLoader<number, T | null> {
    return this.memo(this.idKey(entity, columns), async (ids: readonly number[]) => {
      const rows = await readWhereIn(this.ds, entity, 'id', ids, {}, columns);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    });
  }

  /**
   * Seeds the by-id loader for `columns` with rows already loaded (a page), so relations back to them
   * cost no query. The rows must hold at least those columns.
   */
  prime<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, rows: readonly T[], columns?: readonly string[]): void {
    const key = this.idKey(entity, columns);
    const loader = this.byId(entity, columns);
    let known = this.known.get(key);
    if (!known) {
      this.known.set(key, (known = new Map()));
      const name = this.nameOf(entity);
      let held = this.knownByEntity.get(name);
      if (!held) this.knownByEntity.set(name, (held = []));
      held.push({ columns: columns ? new Set(columns) : null, rows: known });
    }
    for (const r of rows) {
      loader.prime(r.id, r);
      known.set(r.id, r);
    }
  }

  /** The row a nullable foreign key points at (null for a null id), batched like {@link byId}. */
  one<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, id: number | null): Promise<T | null> | null {
    return id == null ? null : this.byId(entity).load(id);
  }

  /**
   * A primed row, synchronously (undefined when it would take a query: use `byId(…).load`): primed for
   * these `columns`, or for a set of columns that includes them (a page primed with what it read).
   */
  peek<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, id: number, columns?: readonly string[]): T | undefined {
    const exact = this.known.get(this.idKey(entity, columns))?.get(id);
    if (exact !== undefined || !columns) return exact as T | undefined;
    for (const { columns: held, rows } of this.knownByEntity.get(this.nameOf(entity)) ?? []) {
      if (held !== null && !columns.every((c) => held.has(c))) continue;
      const row = rows.get(id);
      if (row !== undefined) return row as T;
    }
    return undefined;
  }

  /**
   * Children by a foreign-key property, ordered by `order` then id (e.g. contacts by accountId). With
   * `columns` (see {@link Loaders.columnsFor}) only those are read; such rows serve that one selection.
   */
  manyBy<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, foreignKey: keyof T & string, order: LoaderOrder = {}, columns?: readonly string[]): DataLoader<number, T[]> {
    return this.memo(`many:${this.nameOf(entity)}.${foreignKey}:${orderKey(order)}:${columnsKey(columns)}`, async (keys: readonly number[]) => {
      const rows = await readWhereIn(this.ds, entity, foreignKey, keys, { ...order, id: order.id ?? 'ASC' }, columns && [...columns, foreignKey]);
      const groups = new Map<number, T[]>();
      for (const r of rows) {
        const k = r[foreignKey] as number;
        let g = groups.get(k);
        if (!g) groups.set(k, (g = []));
        g.push(r);
      }
      return keys.map((k) => groups.get(k) ?? []);
    });
  }

  /**
   * The columns a list of `entity` needs for the fields selected at `info`: columns named like a
   * selected field (or `<field>Fen` behind a money getter), the id and every foreign key (relations
   * resolve through them), and `extra` (what a field resolver reads besides its own column).
   */
  columnsFor(entity: EntityTarget<ObjectLiteral>, info: GraphQLResolveInfo, extra: readonly string[] = []): string[] {
    return this.projection(entity, info, extra, false);
  }

  /** Like {@link columnsFor} for the rows of a connection: what `nodes { … }` and `edges { node { … } }` select. */
  connectionColumns(entity: EntityTarget<ObjectLiteral>, info: GraphQLResolveInfo, extra: readonly string[] = []): string[] {
    return this.projection(entity, info, extra, true);
  }

  private projection(entity: EntityTarget<ObjectLiteral>, info: GraphQLResolveInfo, extra: readonly string[], connection: boolean): string[] {
    const node = info.fieldNodes[0];
    const key = `${this.ds.getMetadata(entity).name}|${connection}|${extra.join(',')}`;
    let perNode = projections.get(node);
    if (!perNode) projections.set(node, (perNode = new Map()));
    const cached = perNode.get(key);
    if (cached) return cached;
    const fields = (set: SelectionSetNode | undefined, out: Map<string, FieldNode[]>, seen = new Set<string>()) => {
      for (const s of set?.selections ?? []) {
        if (s.kind === Kind.FIELD) out.set(s.name.value, [...(out.get(s.name.value) ?? []), s]);
        else if (s.kind === Kind.INLINE_FRAGMENT) fields(s.selectionSet, out, seen);
        else if (!seen.has(s.name.value)) {
          seen.add(s.name.value);
          fields(info.fragments[s.name.value]?.selectionSet, out, seen);
        }
      }
      return out;
    };
    const top = new Map<string, FieldNode[]>();
    for (const n of info.fieldNodes) fields(n.selectionSet, top);
    let selected = top;
    if (connection) {
      selected = new Map();
      for (const n of top.get('nodes') ?? []) fields(n.selectionSet, selected);
      for (const e of top.get('edges') ?? []) for (const n of fields(e.selectionSet, new Map()).get('node') ?? []) fields(n.selectionSet, selected);
    }
    const columns = columnProperties(this.ds, entity)
      .filter((p) => p === 'id' || p.endsWith('Id') || selected.has(p) || (p.endsWith('Fen') && selected.has(p.slice(0, -3))) || extra.includes(p))
      .sort();
    perNode.set(key, columns);
    return columns;
  }

  /**
   * Any other batched lookup (aggregates per account, …): one loader per `key`, built by `batch` once per
   * request. `batch` receives every key asked for in the same tick and answers them in order.
   */
  custom<K, V>(key: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    return this.memo(`custom:${key}`, batch);
  }

  private memo<K, V>(key: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    let loader = this.cache.get(key) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, { maxBatchSize: 1000 });
      this.cache.set(key, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}
