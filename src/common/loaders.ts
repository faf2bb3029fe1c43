/**
 * Per-request DataLoaders: every relation on a page is fetched with one query per relation, whatever
 * the page size. Built fresh for each request, so nothing leaks between callers.
 */
import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';

export class Loaders {
  private readonly cache = new Map<string, DataLoader<number, unknown>>();

  constructor(private readonly ds: DataSource) {}

  /** Rows by primary key (null for a missing id). */
  byId<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>): DataLoader<number, T | null> {
    const name = this.ds.getMetadata(entity).name;
    return this.memo(`id:${name}`, async (ids) => {
      const rows = await this.ds.getRepository(entity).findBy({ id: In([...ids]) } as never);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    });
  }

  /** Children by a foreign-key property, ordered by id (e.g. contacts by accountId). */
  manyBy<T extends ObjectLiteral & { id: number }>(entity: EntityTarget<T>, foreignKey: keyof T & string): DataLoader<number, T[]> {
    const name = this.ds.getMetadata(entity).name;
    return this.memo(`many:${name}.${foreignKey}`, async (keys) => {
      const rows = await this.ds.getRepository(entity).find({ where: { [foreignKey]: In([...keys]) } as never, order: { id: 'ASC' } as never });
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

  private memo<V>(key: string, batch: (keys: readonly number[]) => Promise<V[]>): DataLoader<number, V> {
    let loader = this.cache.get(key) as DataLoader<number, V> | undefined;
    if (!loader) {
      loader = new DataLoader<number, V>(batch, { maxBatchSize: 1000 });
      this.cache.set(key, loader as DataLoader<number, unknown>);
    }
    return loader;
  }
}
