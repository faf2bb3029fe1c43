import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '../../db/columns';

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
