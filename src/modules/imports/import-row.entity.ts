import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { BaseRecord } from '../../db/columns';
import { ImportJob } from './import-job.entity';

/** What the preview says a file row would do. */
export type PreviewOutcome = 'created' | 'updated' | 'unchanged' | 'error';

/** One stored before → after of a previewed row; personal values are sealed (`s: true`). */
export interface StoredCellChange {
  /** Entity field. */
  f: string;
  /** The entity it belongs to (Account, CreditEvaluation, Contact, Activity, Payment). */
  e: string;
  b: string | null;
  a: string | null;
  /** The values are sealed with the data key (personal data never lies in clear in the preview). */
  s?: true;
}

/**
 * One row of an import's preview (review before commit): what the row would do and, for an update,
 * each changed cell before → after. Values are shown to a reader through the need-to-know rules, so
 * the account the row is about is kept beside them.
 */
@Entity('import_job_rows')
@Index(['jobId', 'seq'], { unique: true })
export class ImportJobRow extends BaseRecord {
  @Column({ type: 'int' })
  jobId!: number;

  @ManyToOne(() => ImportJob, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<ImportJob>;

  /** Order in the file (sheet by sheet). */
  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'varchar', length: 100 })
  sheet!: string;

  @Column({ type: 'int' })
  row!: number;

  @Column({ type: 'varchar', length: 12 })
  outcome!: PreviewOutcome;

  /** The account the row writes or hangs off (null: a new account, or none found). */
  @Column({ type: 'int', nullable: true })
  accountId!: number | null;

  /** The record's natural key as users know it (客户编号, or 客户编号 + date for a ledger row): never personal data. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  label!: string | null;

  /** JSON StoredCellChange[]: changed cells of an update, filled cells of a creation. */
  @Column({ type: 'text', nullable: true })
  changes!: string | null;
}
