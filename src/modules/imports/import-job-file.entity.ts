import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { BaseRecord } from '../../db/columns';
import { ImportJob } from './import-job.entity';

/** What a stored file of a job is: the upload awaiting confirmation, or the rejected rows workbook. */
export type ImportFileKind = 'source' | 'errors';

/**
 * A piece of a file kept with its import job — in the database, not on one instance's disk, so any
 * instance behind the load balancer can run the confirmed import or serve `errors.xlsx`. Pieces stay
 * under the 64 KiB of a MySQL BLOB and of one comfortable packet.
 */
@Entity('import_job_files')
@Index(['jobId', 'kind', 'seq'], { unique: true })
export class ImportJobFile extends BaseRecord {
  @Column({ type: 'int' })
  jobId!: number;

  @ManyToOne(() => ImportJob, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<ImportJob>;

  @Column({ type: 'varchar', length: 8 })
  kind!: ImportFileKind;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'blob' })
  data!: Buffer;
}

/** Bytes per stored piece (a MySQL BLOB holds 65,535). */
export const FILE_PIECE_BYTES = 60_000;
