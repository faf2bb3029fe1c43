/**
 * Scheduled jobs that must run exactly once however many instances serve one database (the daily
 * audit prune, and whatever else runs on a calendar): each run first claims its slot — a row unique on
 * (job, slot), e.g. (`audit-prune`, `2026-12-06`) — and only the instance whose INSERT succeeds does
 * the work. A plain unique key, so it works alike on SQLite, MySQL, MariaDB, Galera and TiDB (no
 * advisory locks, no `GET_LOCK`, which Galera does not replicate and TiDB does not implement by default).
 */
import { Column, Entity, Index, type DataSource } from 'typeorm';
import { BaseRecord, TimestampColumn } from './columns';
import { translateConstraintError } from './constraint-errors';
import { ErrorCode } from '../common/errors';

@Entity('scheduled_runs')
@Index('UQ_scheduled_runs_job_slot', ['job', 'slot'], { unique: true })
export class ScheduledRun extends BaseRecord {
  @Column({ type: 'varchar', length: 64 })
  job!: string;

  /** The period the run is for, in the job's own terms (a UTC date for a daily job). */
  @Column({ type: 'varchar', length: 32 })
  slot!: string;

  /** `host:pid` of the instance that claimed it. */
  @Column({ type: 'varchar', length: 200 })
  runner!: string;

  @TimestampColumn()
  finishedAt!: Date | null;
}

/**
 * Claims `slot` of `job` for `runner`: true for the one caller that got it, false for every other
 * (on any instance). The work follows the claim; a run that fails is not retried in the same slot.
 */
export async function claimScheduledRun(ds: DataSource, job: string, slot: string, runner: string): Promise<ScheduledRun | null> {
  try {
    return await ds.manager.save(ds.manager.create(ScheduledRun, { job, slot, runner, finishedAt: null }));
  } catch (e) {
    if (translateConstraintError(e, ds)?.code === ErrorCode.ALREADY_EXISTS) return null;
    throw e;
  }
}

export async function finishScheduledRun(ds: DataSource, run: ScheduledRun): Promise<void> {
  await ds.manager.update(ScheduledRun, { id: run.id }, { finishedAt: new Date() });
}
