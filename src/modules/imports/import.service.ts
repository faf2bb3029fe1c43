import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { notFound, DomainError, ErrorCode } from '../../common/errors';
import { ImportAnnex, ImportAnnexes, ImportMode, ImportStatus, ImportStatuses, Role } from '../../common/enums';
import { toIds, type Id } from '../../common/ids';
import { SortDirection, paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { bulkInsert } from '../../db/bulk';
import { Where } from '../../db/filters';
import { ListQuery, type Filterable } from '../../db/list-query';
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

  /** Jobs the caller may see (all for ADMIN, those of their own unit for a MANAGER), newest first by default. */
  list(ctx: RequestContext, filter: ImportJobFilter | null | undefined, page: PageArgs, order?: SortOrder<ImportJobSortField> | null, columns?: readonly string[]): Promise<Connection<ImportJob>> {
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
    throw new DomainError(ErrorCode.FORBIDDEN, `role ${role} may not see import jobs`);
  }
}

/** A RUNNING job without a heartbeat for {@link STALE_AFTER_MS}: its process stopped. */
export function isInterrupted(job: ImportJob, now = Date.now()): boolean {
  return job.status === ImportStatus.RUNNING && (!job.heartbeatAt || now - job.heartbeatAt.getTime() > STALE_AFTER_MS);
}
