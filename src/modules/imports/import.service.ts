import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { notFound, DomainError, ErrorCode } from '../../common/errors';
import { ImportAnnex, ImportMode, ImportStatus, Role } from '../../common/enums';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { bulkInsert } from '../../db/bulk';
import { ImportJob } from './import-job.entity';
import { ImportIssue } from './import-issue.entity';

/** Issues kept per job (the report's counts stay exact; the list stops here). */
export const MAX_STORED_ISSUES = 10_000;

/** A RUNNING job whose heartbeat is older than this was interrupted (its process died). */
export const STALE_AFTER_MS = 2 * 60_000;

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
  annex?: ImportAnnex | null;
  status?: ImportStatus | null;
}

/**
 * 导入记录: the lifecycle of import jobs. Job rows are written outside the import's own transaction
 * (through the DataSource), so progress is visible to other sessions while a file is loading and the
 * record survives a rolled-back import.
 */
export class ImportService {
  constructor(
    private readonly ds: DataSource,
    private readonly maxPageSize: () => number,
  ) {}

  async start(ctx: RequestContext, input: StartJobInput): Promise<ImportJob> {
    const now = new Date();
    const job = this.ds.manager.create(ImportJob, {
      ...input,
      status: ImportStatus.RUNNING,
      actor: ctx.actor.name,
      unitId: ctx.actor.unitId,
      startedAt: now,
      heartbeatAt: now,
      finishedAt: null,
      message: null,
    });
    await this.ds.manager.save(job);
    return job;
  }

  /** Progress and sign of life. */
  async heartbeat(jobId: number, rowsProcessed: number): Promise<void> {
    await this.ds.manager.update(ImportJob, { id: jobId }, { rowsProcessed, heartbeatAt: new Date() });
  }

  async finish(jobId: number, status: ImportStatus, counts: JobCounts, issues: IssueRecord[], message: string | null = null): Promise<ImportJob> {
    const now = new Date();
    await this.ds.manager.update(ImportJob, { id: jobId }, { ...counts, rowsProcessed: counts.rowsTotal, status, message, finishedAt: now, heartbeatAt: now });
    await bulkInsert(this.ds.manager, ImportIssue, issues.slice(0, MAX_STORED_ISSUES).map((i) => ({ ...i, jobId, column: i.column?.slice(0, 200) ?? null, sheet: i.sheet?.slice(0, 100) ?? null })));
    return this.ds.manager.findOneByOrFail(ImportJob, { id: jobId });
  }

  /** Jobs the caller may see: all for ADMIN, those of their own unit for a MANAGER. */
  async list(ctx: RequestContext, filter: ImportJobFilter, page: PageArgs): Promise<Connection<ImportJob>> {
    const qb = this.ds.manager.createQueryBuilder(ImportJob, 'j');
    if (filter.annex) qb.andWhere('j.annex = :annex', { annex: filter.annex });
    if (filter.status) qb.andWhere('j.status = :status', { status: filter.status });
    this.scope(ctx, qb);
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'DESC' }, this.maxPageSize());
  }

  async get(ctx: RequestContext, id: number): Promise<ImportJob> {
    const qb = this.ds.manager.createQueryBuilder(ImportJob, 'j').where('j.id = :id', { id });
    this.scope(ctx, qb);
    const job = await qb.getOne();
    if (!job) throw notFound('ImportJob', id);
    return job;
  }

  issues(jobId: number, severity: 'error' | 'warning' | null, limit: number): Promise<ImportIssue[]> {
    return this.ds.manager.find(ImportIssue, { where: { jobId, ...(severity ? { severity } : {}) }, order: { id: 'ASC' }, take: limit });
  }

  private scope(ctx: RequestContext, qb: ReturnType<DataSource['manager']['createQueryBuilder']>): void {
    const { role, unitId } = ctx.actor;
    if (role === Role.ADMIN) return;
    if (role === Role.MANAGER && unitId !== null) {
      qb.andWhere('j.unit_id = :unitId', { unitId });
      return;
    }
    throw new DomainError(ErrorCode.FORBIDDEN, `role ${role} may not see import jobs`);
  }
}

/** A RUNNING job without a heartbeat for {@link STALE_AFTER_MS}: its process stopped. */
export function isInterrupted(job: ImportJob, now = Date.now()): boolean {
  return job.status === ImportStatus.RUNNING && (!job.heartbeatAt || now - job.heartbeatAt.getTime() > STALE_AFTER_MS);
}
