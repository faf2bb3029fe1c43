import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { ImportAnnexes, ImportStatuses, type ImportAnnex, type ImportStatus } from '../../common/enums';
import { toIds, type Id } from '../../common/ids';
import { paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { findByIdOrFail, managerFor } from '../../db/transaction';
import { Where } from '../../db/filters';
import { ListQuery } from '../../db/list-query';
import { ImportJob } from './import-job.entity';

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

/** 导入记录, read side: the history of annex imports for BI and admins (the import workflow writes them). */
export class ImportJobReadService {
  constructor(
    private readonly ds: DataSource,
    private readonly maxPageSize: () => number,
  ) {}

  async get(ctx: RequestContext, id: Id): Promise<ImportJob> {
    return findByIdOrFail(this.ds, ctx, ImportJob, id);
  }

  list(ctx: RequestContext, filter: ImportJobFilter | null | undefined, page: PageArgs, order?: SortOrder<ImportJobSortField> | null, columns?: readonly string[]): Promise<Connection<ImportJob>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), ImportJob, 'ij');
    new Where(qb)
      .in('annex', f.annexes?.map((a) => ImportAnnexes.parse(String(a), 'filter.annexes')))
      .in('status', f.statuses?.map((s) => ImportStatuses.parse(String(s), 'filter.statuses')))
      .in('unitId', toIds(f.unitIds, 'filter.unitIds'))
      .range('createdAt', f.from, f.to);
    return paginate(qb, page, sortSpec(IMPORT_JOB_SORTS, order, ImportJobSortField.ID), this.maxPageSize(), columns);
  }
}
