import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Info, InputType, Int, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { ImportAnnex, ImportStatus, Role } from '../../common/enums';
import { nullIfNotFound } from '../../common/graphql-types';
import { ConnectionType, OrderInputType, PageArgsType, type SortOrder } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { OrgUnit } from '../org/org-unit.entity';
import { ImportJob } from './import-job.entity';
import { ImportIssue } from './import-issue.entity';
import { ImportJobSortField, isInterrupted, type ImportJobFilter } from './import.service';

registerEnumType(ImportJobSortField, {
  name: 'ImportJobOrderField',
  description: '导入记录排序字段 / import job sort fields',
  valuesConfig: { ID: { description: 'id' }, CREATED_AT: { description: '开始时间 / created at' } },
});

export const ImportJobOrder = OrderInputType<ImportJobSortField>(ImportJobSortField, 'ImportJob');
export const ImportJobConnection = ConnectionType(ImportJob, 'ImportJob');

@InputType('ImportJobFilter', { description: '导入记录筛选 / import job filter' })
export class ImportJobFilterInput implements ImportJobFilter {
  @Field(() => [ImportAnnex], { nullable: true, description: '附件 / annexes' })
  annexes?: ImportAnnex[] | null;

  @Field(() => [ImportStatus], { nullable: true, description: '状态 / statuses' })
  statuses?: ImportStatus[] | null;

  @Field(() => [ID], { nullable: true, description: '填报单位 / units' })
  unitIds?: string[] | null;

  @Field(() => Date, { nullable: true, description: '开始时间起 / created at or after' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: '开始时间止 / created at or before' })
  to?: Date | null;
}

/** 导入记录: import jobs with their progress, errors and warnings. ADMIN sees all; a MANAGER their unit's. */
@Authorized(Role.ADMIN, Role.MANAGER)
@Resolver(() => ImportJob)
export class ImportJobResolver {
  @Query(() => ImportJobConnection, { description: '导入记录（默认最新在前）/ import jobs, newest first by default' })
  importJobs(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => ImportJobFilterInput, { nullable: true }) filter?: ImportJobFilterInput | null,
    @Arg('orderBy', () => ImportJobOrder, { nullable: true }) orderBy?: SortOrder<ImportJobSortField> | null,
  ) {
    return services.imports.list(ctx, filter, page, orderBy, loaders.connectionColumns(ImportJob, info));
  }

  @Query(() => ImportJob, { nullable: true, description: '一条导入记录及进度 / one import job with its progress' })
  importJob(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return /^\d+$/.test(id) ? services.imports.get(ctx, Number(id)).catch(nullIfNotFound) : null;
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '填报单位 / unit the file comes from' })
  unit(@Root() j: ImportJob, @Ctx() { loaders }: GraphQLContext) {
    return j.unitId == null ? null : loaders.byId(OrgUnit).load(j.unitId);
  }

  @FieldResolver(() => [ImportIssue], { description: '被拒绝的单元格与行 / rejected cells and rows' })
  errors(@Root() job: ImportJob, @Ctx() { services }: GraphQLContext, @Arg('first', () => Int, { defaultValue: 100 }) first: number) {
    return services.imports.issues(job.id, 'error', Math.min(Math.max(first, 0), 10_000));
  }

  @FieldResolver(() => [ImportIssue], { description: '警告（未知列、新建单位等）/ warnings' })
  warnings(@Root() job: ImportJob, @Ctx() { services }: GraphQLContext, @Arg('first', () => Int, { defaultValue: 100 }) first: number) {
    return services.imports.issues(job.id, 'warning', Math.min(Math.max(first, 0), 10_000));
  }

  @FieldResolver(() => Boolean, { description: '运行中但进程已停止（将标记为失败）/ RUNNING but its process stopped (gone from its host, or no heartbeat for two minutes); such jobs are marked FAILED when jobs are listed' })
  interrupted(@Root() job: ImportJob) {
    return isInterrupted(job);
  }
}
