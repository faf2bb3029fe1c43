import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '../../db/columns';

/** What an import did to one stored record. */
export type ImportChangeAction = 'created' | 'updated' | 'deleted';

/**
 * One record an import wrote, with what undoing it needs: created → removed; updated → its columns
 * before the import put back; deleted (a collection cleared in the ledger) → put back. `versionAfter`
 * is the record's version right after the import: a record whose version moved on since was changed
 * again, and an undo keeps it (and lists it).
 */
@Entity('import_job_changes')
@Index(['jobId', 'seq'], { unique: true })
export class ImportJobChange extends BaseRecord {
  /**
   * The import job. No foreign key on purpose: these rows are written inside the import's transaction,
   * and on MySQL a foreign key check would hold a shared lock on the job row, which the run's heartbeat
   * and end (written outside the transaction) then wait for.
   */
  @Column({ type: 'int' })
  jobId!: number;

  /** Order of writing: an undo runs it backwards (children before parents). */
  @Column({ type: 'int' })
  seq!: number;

  /** Entity name (Account, Contact, CreditEvaluation, Activity, Payment, Project, OrgUnit, User). */
  @Column({ type: 'varchar', length: 40 })
  entity!: string;

  @Column({ type: 'int' })
  entityId!: number;

  /**
   * A run of records created one after another (action `created`, same `versionAfter`): every id from
   * `entityId` to `lastEntityId`, kept as one row so a large import's undo log stays small. Null: one record.
   */
  @Column({ type: 'int', nullable: true })
  lastEntityId!: number | null;

  @Column({ type: 'varchar', length: 8 })
  action!: ImportChangeAction;

  /** The stored row before the import (updated, deleted), as JSON of its columns; personal fields stay sealed as stored. */
  @Column({ type: 'text', nullable: true })
  before!: string | null;

  @Column({ type: 'int', nullable: true })
  versionAfter!: number | null;
}
