import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Info, InputType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { ImportAnnex, ImportStatus } from '../../common/enums';
import { nullIfNotFound } from '../../common/graphql-types';
import { ConnectionType, OrderInputType, PageArgsType, type SortOrder } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { OrgUnit } from '../org/org-unit.entity';
import { ImportJob } from './import-job.entity';
import { ImportJobSortField, type ImportJobFilter } from './import-job-read.service';

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

/** Read side of import jobs for BI and admins; the import workflow itself lives with the importers. */
@Resolver(() => ImportJob)
export class ImportJobQueryResolver {
  @Authorized()
  @Query(() => ImportJobConnection, { description: '导入记录列表 / import jobs, filtered, sorted, paged' })
  importJobs(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => ImportJobFilterInput, { nullable: true }) filter?: ImportJobFilterInput | null,
    @Arg('orderBy', () => ImportJobOrder, { nullable: true }) orderBy?: SortOrder<ImportJobSortField> | null,
  ) {
    return services.importJobs.list(ctx, filter, page, orderBy, loaders.connectionColumns(ImportJob, info));
  }

  @Authorized()
  @Query(() => ImportJob, { nullable: true, description: '按 id 取一条导入记录 / one import job by id' })
  importJob(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.importJobs.get(ctx, id).catch(nullIfNotFound);
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '填报单位 / unit the file comes from' })
  unit(@Root() j: ImportJob, @Ctx() { loaders }: GraphQLContext) {
    return j.unitId == null ? null : loaders.byId(OrgUnit).load(j.unitId);
  }
}
