import { Column, Entity, Index, type EntityManager } from 'typeorm';
import { BaseRecord } from './columns';

/**
 * Named locks that live in the database, so that every API instance (and every process on a SQLite
 * file) takes the same one: a policy action that must not race — two units recommending the same
 * company, two proposals for one account — first updates its lock row, which holds the row lock
 * (MySQL) or the write lock (SQLite) until the transaction ends.
 */
@Entity('policy_locks')
export class PolicyLock extends BaseRecord {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** How often the lock was taken (the UPDATE that takes it has to change something). */
  @Column({ type: 'bigint', default: 0 })
  counter!: number;
}

/** The named locks every database has a row for (created by the PolicyRuleDefaults migration). */
export const POLICY_LOCKS = ['ownership', 'tier-review', 'level-review', 'year-end'] as const;
export type PolicyLockName = (typeof POLICY_LOCKS)[number];

/**
 * Takes a named lock held until the transaction ends: an UPDATE of the lock's row takes the row lock
 * on MySQL/MariaDB/TiDB (so every API instance waits for it) and the database write lock on SQLite.
 * Call it FIRST in the transaction: on MySQL the reads that follow then see everything committed
 * before the lock was granted (REPEATABLE READ fixes its snapshot at the first plain read).
 */
export async function acquirePolicyLock(em: EntityManager, name: PolicyLockName): Promise<void> {
  if (!em.queryRunner?.isTransactionActive) throw new Error(`policy lock ${name} taken outside a transaction`);
  const take = () =>
    em.createQueryBuilder().update(PolicyLock).set({ counter: () => 'counter + 1' }).where('name = :name', { name }).execute();
  if (((await take()).affected ?? 0) > 0) return;
  // The data migration creates every lock row; a database restored without them gets it back here.
  await em.createQueryBuilder().insert().into(PolicyLock).values({ name, counter: 0 }).orIgnore().execute();
  await take();
}
