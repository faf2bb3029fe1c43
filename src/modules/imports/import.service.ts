import fs from 'node:fs';
import { say } from '../../common/messages';
import os from 'node:os';
import { In, LessThan, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { notFound, DomainError, ErrorCode } from '../../common/errors';
import { ImportAnnex, ImportAnnexes, ImportMode, ImportStatus, ImportStatuses, Role } from '../../common/enums';
import { toIds, type Id } from '../../common/ids';
import { SortDirection, paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { bulkInsert } from '../../db/bulk';
import { translateConstraintError } from '../../db/constraint-errors';
import { Where } from '../../db/filters';
import { ListQuery, type Filterable } from '../../db/list-query';
import { ImportJob } from './import-job.entity';
import { ImportIssue } from './import-issue.entity';
import { FILE_PIECE_BYTES, ImportJobFile, type ImportFileKind } from './import-job-file.entity';

/** Watches the jobs of this process start and finish. */
export interface ImportJobObserver {
  started(job: ImportJob): void;
  finished(job: ImportJob): void;
}

/** Issues kept per job (the report's counts stay exact; the list stops here). */
export const MAX_STORED_ISSUES = 10_000;

/** A RUNNING job whose heartbeat is older than this was interrupted (its process died). */
export const STALE_AFTER_MS = 2 * 60_000;

/** How often a running import writes its heartbeat, whatever its batches do. */
export const HEARTBEAT_MS = 15_000;

export interface StartJobInput {
  annex: ImportAnnex;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  mode: ImportMode;
  dryRun: boolean;
}

export interface JobCounts {
  rowsTotal: number;
  rowsValid: number;
  rowsInvalid: number;
  rowsCreated: number;
  rowsUpdated: number;
  rowsUnchanged: number;
}

export interface IssueRecord {
  severity: 'error' | 'warning';
  sheet: string | null;
  row: number | null;
  cell: string | null;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

export interface ImportJobFilter {
  annexes?: (ImportAnnex | string)[] | null;
  statuses?: (ImportStatus | string)[] | null;
  unitIds?: Id[] | null;
  /** Started (created) from / to. */
  from?: Date | null;
  to?: Date | null;
}

export enum ImportJobSortField {
  ID = 'ID',
  CREATED_AT = 'CREATED_AT',
}

const IMPORT_JOB_SORTS: SortColumns<ImportJobSortField> = {
  ID: { column: 'id', property: 'id' },
  CREATED_AT: { column: 'createdAt', property: 'createdAt', datetime: true },
};

/**
 * 导入记录: the lifecycle of import jobs. Job rows are written outside the import's own transaction
 * (through the DataSource), so progress is visible to other sessions while a file is loading and the
 * record survives a rolled-back import.
 */
export class ImportService {
  private readonly observers: ImportJobObserver[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly maxPageSize: () => number,
    private readonly previewHours: () => number = () => 24,
    private readonly fileRetentionDays: () => number = () => 30,
  ) {}

  /** Keeps a file with the job, in pieces in the database (any instance can read it back). */
  async storeFile(jobId: number, kind: ImportFileKind, file: string): Promise<void> {
    await this.ds.manager.delete(ImportJobFile, { jobId, kind });
    let seq = 0;
    let batch: Partial<ImportJobFile>[] = [];
    for await (const piece of fs.createReadStream(file, { highWaterMark: FILE_PIECE_BYTES })) {
      batch.push({ jobId, kind, seq: seq++, data: piece as Buffer });
      // A few pieces per statement: packets stay small on MySQL.
      if (batch.length >= 16) {
        await bulkInsert(this.ds.manager, ImportJobFile, batch);
        batch = [];
      }
    }
    await bulkInsert(this.ds.manager, ImportJobFile, batch);
  }

  /** Whether the job keeps a file of this kind. */
  async hasFile(jobId: number, kind: ImportFileKind): Promise<boolean> {
    return this.ds.manager.existsBy(ImportJobFile, { jobId, kind });
  }

  /** Writes a stored file of the job to `dest` (or to `dest` as a stream); false when there is none. */
  async writeFile(jobId: number, kind: ImportFileKind, dest: string | NodeJS.WritableStream): Promise<boolean> {
    const ids = await this.ds.manager.find(ImportJobFile, { select: { id: true, seq: true }, where: { jobId, kind }, order: { seq: 'ASC' } });
    if (!ids.length) return false;
    const out: NodeJS.WritableStream = typeof dest === 'string' ? fs.createWriteStream(dest, { mode: 0o600 }) : dest;
    for (let i = 0; i < ids.length; i += 16) {
      const pieces = await this.ds.manager.find(ImportJobFile, { where: { id: In(ids.slice(i, i + 16).map((p) => p.id)) }, order: { seq: 'ASC' } });
      for (const p of pieces) if (!out.write(Buffer.from(p.data))) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    if (typeof dest === 'string') await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())));
    return true;
  }

  /** Told when a job of this process starts and finishes (the server's metrics). */
  observe(observer: ImportJobObserver): void {
    this.observers.push(observer);
  }

  /**
   * Records a new RUNNING job. A writing run (not a dry run) also takes its annex's lock — the unique
   * `lockKey` — so a second writing import of the same annex, on any instance, is refused with
   * IMPORT_IN_PROGRESS instead of racing it for the same natural keys. Jobs left RUNNING by a dead
   * process are marked FAILED first, which frees their lock.
   */
  async start(ctx: RequestContext, input: StartJobInput): Promise<ImportJob> {
    await this.recoverInterrupted();
    const lockKey = input.dryRun ? null : importLockKey(input.annex);
    // Looked up first (a read): on SQLite the holder's open transaction would make our INSERT wait
    // for the write lock instead of failing on the unique key. The INSERT stays the guard against races.
    const held = lockKey ? await this.ds.manager.findOneBy(ImportJob, { lockKey }) : null;
    if (held) throw inProgress(input.annex, held);
    const now = new Date();
    const job = this.ds.manager.create(ImportJob, {
      ...input,
      status: ImportStatus.RUNNING,
      actor: ctx.actor.name,
      actorUserId: ctx.actor.userId,
      unitId: ctx.actor.unitId,
      startedAt: now,
      heartbeatAt: now,
      finishedAt: null,
      message: null,
      runner: THIS_RUNNER,
      lockKey,
    });
    try {
      await this.ds.manager.save(job);
    } catch (e) {
      // SQLite: a run that took the lock between our read and our INSERT holds the write lock in its
      // transaction longer than busy_timeout; its (committed) job row says who, rather than "database is locked".
      const busy = (e as { code?: string }).code === 'SQLITE_BUSY';
      if (!lockKey || (!busy && translateConstraintError(e, this.ds)?.code !== ErrorCode.ALREADY_EXISTS)) throw e;
      const holder = await this.ds.manager.findOneBy(ImportJob, { lockKey });
      if (busy && !holder) throw e;
      throw inProgress(input.annex, holder);
    }
    for (const o of this.observers) o.started(job);
    return job;
  }

  /** Progress and sign of life. */
  async heartbeat(jobId: number, rowsProcessed?: number, rowsTotal?: number): Promise<void> {
    await this.ds.manager.update(ImportJob, { id: jobId, status: ImportStatus.RUNNING }, { ...(rowsProcessed !== undefined ? { rowsProcessed } : {}), ...(rowsTotal !== undefined ? { rowsTotal } : {}), heartbeatAt: new Date() });
  }

  async finish(jobId: number, status: ImportStatus, counts: JobCounts, issues: IssueRecord[], message: string | null = null, totals?: { errorCount: number; warningCount: number }): Promise<ImportJob> {
    const now = new Date();
    // A preview awaits its confirmation for KAM_IMPORT_PREVIEW_HOURS.
    const expiresAt = status === ImportStatus.PREVIEW ? new Date(now.getTime() + this.previewHours() * 3600_000) : null;
    await this.ds.manager.update(ImportJob, { id: jobId }, {
      ...counts, rowsProcessed: counts.rowsTotal, status, message, finishedAt: now, heartbeatAt: now, lockKey: null, expiresAt,
      errorCount: totals?.errorCount ?? issues.filter((i) => i.severity === 'error').length, warningCount: totals?.warningCount ?? issues.filter((i) => i.severity === 'warning').length,
    });
    // A finished writing run needs its upload no more; a failed preview neither.
    if (status !== ImportStatus.PREVIEW) await this.ds.manager.delete(ImportJobFile, { jobId, kind: 'source' });
    await bulkInsert(this.ds.manager, ImportIssue, issues.slice(0, MAX_STORED_ISSUES).map((i) => ({ ...i, jobId, column: i.column?.slice(0, 200) ?? null, sheet: i.sheet?.slice(0, 100) ?? null })));
    const job = await this.ds.manager.findOneByOrFail(ImportJob, { id: jobId });
    for (const o of this.observers) o.finished(job);
    return job;
  }

  /**
   * Marks FAILED every RUNNING job whose process is gone (see {@link isInterrupted}) and frees its
   * lock. What such a job wrote was never committed (an import commits once, at its end), so the
   * message says to run the file again. Runs when the server starts, before an import starts, and
   * when jobs are listed; returns the jobs it marked.
   */
  async recoverInterrupted(now = Date.now()): Promise<number[]> {
    await this.expirePreviews(now);
    const running = await this.ds.manager.find(ImportJob, { select: { id: true, status: true, heartbeatAt: true, runner: true }, where: { status: ImportStatus.RUNNING } });
    const dead = running.filter((j) => isInterrupted(j, now));
    const marked: number[] = [];
    for (const j of dead) {
      try {
        // Only if nothing changed since it was judged: a live run's heartbeat or end wins the race.
        const qb = this.ds.manager.createQueryBuilder().update(ImportJob)
          .set({ status: ImportStatus.FAILED, lockKey: null, finishedAt: new Date(now), message: say(`已中断：运行导入的进程（${j.runner ?? '未知'}）在完成前停止，本次未提交任何内容——请重新导入文件`, `interrupted: the process running the import (${j.runner ?? 'unknown'}) stopped before it finished; nothing of this run was committed — import the file again`) })
          .where('id = :id AND status = :running', { id: j.id, running: ImportStatus.RUNNING });
        if (j.heartbeatAt) qb.andWhere('heartbeat_at = :beat', { beat: j.heartbeatAt });
        const res = await qb.execute();
        if (res.affected) marked.push(j.id);
      } catch {
        // SQLite: another process holds the write lock, so that runner is alive after all; try again later.
      }
    }
    return marked;
  }

  /**
   * Deletes the files kept with jobs that ended more than KAM_IMPORT_FILE_RETENTION_DAYS ago (their
   * upload, their errors workbook). The job records stay — counts, issues and what they wrote, so the
   * history and undo are unchanged. Run by the daily prune; returns how many jobs lost their files.
   */
  async purgeFiles(now = Date.now()): Promise<{ jobs: number; before: Date }> {
    const before = new Date(now - this.fileRetentionDays() * 86_400_000);
    const rows: { jobId: number | string }[] = await this.ds.manager.createQueryBuilder(ImportJobFile, 'f')
      .select('DISTINCT f.jobId', 'jobId')
      .innerJoin(ImportJob, 'j', 'j.id = f.jobId')
      .where('j.finishedAt < :before', { before })
      .andWhere('j.status NOT IN (:...live)', { live: [ImportStatus.RUNNING, ImportStatus.PREVIEW] })
      .getRawMany();
    const ids = rows.map((r) => Number(r.jobId));
    for (let i = 0; i < ids.length; i += 500) await this.ds.manager.delete(ImportJobFile, { jobId: In(ids.slice(i, i + 500)) });
    return { jobs: ids.length, before };
  }

  /** The retention of job files, for messages (KAM_IMPORT_FILE_RETENTION_DAYS). */
  get fileRetention(): number {
    return this.fileRetentionDays();
  }

  /** Previews past their time become EXPIRED and give up their upload. */
  async expirePreviews(now = Date.now()): Promise<void> {
    const due = await this.ds.manager.find(ImportJob, { select: { id: true }, where: { status: ImportStatus.PREVIEW, expiresAt: LessThan(new Date(now)) } });
    for (const j of due) {
      const res = await this.ds.manager.update(ImportJob, { id: j.id, status: ImportStatus.PREVIEW }, { status: ImportStatus.EXPIRED });
      if (res.affected) await this.ds.manager.delete(ImportJobFile, { jobId: j.id, kind: 'source' });
    }
  }

  /** Jobs the caller may see (all for ADMIN, those of their own unit for a MANAGER), newest first by default. */
  async list(ctx: RequestContext, filter: ImportJobFilter | null | undefined, page: PageArgs, order?: SortOrder<ImportJobSortField> | null, columns?: readonly string[]): Promise<Connection<ImportJob>> {
    await this.recoverInterrupted();
    const f = filter ?? {};
    const qb = new ListQuery(this.ds.manager, ImportJob, 'j');
    new Where(qb)
      .in('annex', f.annexes?.map((a) => ImportAnnexes.parse(String(a), 'filter.annexes')))
      .in('status', f.statuses?.map((x) => ImportStatuses.parse(String(x), 'filter.statuses')))
      .in('unitId', toIds(f.unitIds, 'filter.unitIds'))
      .range('createdAt', f.from, f.to);
    this.scope(ctx, qb);
    return paginate(qb, page, sortSpec(IMPORT_JOB_SORTS, order ?? { field: ImportJobSortField.ID, direction: SortDirection.DESC }, ImportJobSortField.ID), this.maxPageSize(), columns);
  }

  async get(ctx: RequestContext, id: number): Promise<ImportJob> {
    await this.recoverInterrupted();
    const qb = new ListQuery(this.ds.manager, ImportJob, 'j').andWhere('j.id = :id', { id });
    this.scope(ctx, qb);
    const [job] = await qb.limit(1).getMany();
    if (!job) throw notFound('ImportJob', id);
    return job;
  }

  issues(jobId: number, severity: 'error' | 'warning' | null, limit: number): Promise<ImportIssue[]> {
    return this.ds.manager.find(ImportIssue, { where: { jobId, ...(severity ? { severity } : {}) }, order: { id: 'ASC' }, take: limit });
  }

  private scope(ctx: RequestContext, qb: Filterable): void {
    const { role, unitId } = ctx.actor;
    if (role === Role.ADMIN) return;
    if (role === Role.MANAGER && unitId !== null) {
      qb.andWhere('j.unitId = :unitId', { unitId });
      return;
    }
    throw new DomainError(ErrorCode.FORBIDDEN, say(`角色 ${role} 不能查看导入记录`, `role ${role} may not see import jobs`));
  }
}

/** IMPORT_IN_PROGRESS, naming the job that holds the annex's lock when there is one. */
export function inProgress(annex: string, holder: ImportJob | null): DomainError {
  return new DomainError(
    ErrorCode.IMPORT_IN_PROGRESS,
    holder
      ? say(
          `另一个 ${annex} 导入正在运行：任务 #${holder.id}（${holder.fileName}，${holder.actor}，开始于 ${holder.startedAt?.toISOString() ?? '?'}）；请在它完成后再运行`,
          `another ${annex} import is running: job #${holder.id} (${holder.fileName}, by ${holder.actor}, started ${holder.startedAt?.toISOString() ?? '?'}); run this one when it has finished`,
        )
      : say(`另一个 ${annex} 导入正在运行：请在它完成后再运行`, `another ${annex} import is running; run this one when it has finished`),
    { jobId: holder?.id ?? null },
  );
}

/** This process, as recorded on the jobs it runs. */
export const THIS_RUNNER = `${os.hostname()}:${process.pid}`.slice(0, 200);

/** The lock a writing import of `annex` holds: accounts (附件1 and 附件2 write the same rows), persons, ledger. */
export function importLockKey(annex: ImportAnnex | string): string {
  return `import:${annex === 'summary' || annex === 'archive' ? 'accounts' : annex}`;
}

/** Whether the process `host:pid` is alive, when it is on this host; null when another host runs it. */
export function runnerAlive(runner: string | null): boolean | null {
  const m = runner ? /^(.*):(\d+)$/.exec(runner) : null;
  if (!m || m[1] !== os.hostname()) return null;
  try {
    process.kill(Number(m[2]), 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A RUNNING job whose process stopped. A runner on this host is judged by its process id (at once, and
 * regardless of heartbeats: on SQLite a run's heartbeats sit inside its own uncommitted transaction);
 * a runner on another host when it has sent no heartbeat for {@link STALE_AFTER_MS} (it beats every
 * {@link HEARTBEAT_MS}).
 */
export function isInterrupted(job: Pick<ImportJob, 'status' | 'heartbeatAt' | 'runner'>, now = Date.now()): boolean {
  if (job.status !== ImportStatus.RUNNING) return false;
  const alive = runnerAlive(job.runner);
  if (alive !== null) return !alive;
  return !job.heartbeatAt || now - job.heartbeatAt.getTime() > STALE_AFTER_MS;
}
