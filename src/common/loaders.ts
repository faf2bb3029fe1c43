/**
 * Per-request DataLoaders: every relation on a page is fetched with one query per relation, whatever
 * the page size. Built fresh for each request, so nothing leaks between callers.
 */
import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';

/** Order of the rows `manyBy` returns per key: property → direction (the id always breaks ties). */
export type LoaderOrder = Record<string, 'ASC' | 'DESC'>;

export class Loaders {
  private readonly cache = new Map<string, DataLoader<unknown, unknown>>();

  constructor(private readonly ds: DataSource) {}

  /** Rows by primary key (null for a missing id). */
  byId<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>): DataLoader<number, T | null> {
    const name = this.ds.getMetadata(entity).name;
    return this.memo(`id:${name}`, async (ids: readonly number[]) => {
      const rows = await this.ds.getRepository(entity).findBy({ id: In([...ids]) } as never);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    });
  }

  /** Seeds the by-id loader with rows already loaded (a page), so relations back to them cost no query. */
  prime<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, rows: readonly T[]): void {
    const loader = this.byId(entity);
    for (const r of rows) loader.prime(r.id, r);
  }

  /** Children by a foreign-key property, ordered by `order` then id (e.g. contacts by accountId). */
  manyBy<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, foreignKey: keyof T & string, order: LoaderOrder = {}): DataLoader<number, T[]> {
    const name = this.ds.getMetadata(entity).name;
    const orderKey = Object.entries(order).map(([k, d]) => `${k} ${d}`).join(',');
    return this.memo(`many:${name}.${foreignKey}:${orderKey}`, async (keys: readonly number[]) => {
      const rows = await this.ds.getRepository(entity).find({
        where: { [foreignKey]: In([...keys]) } as never,
        order: { ...order, id: order.id ?? 'ASC' } as never,
      });
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
