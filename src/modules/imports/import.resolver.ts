import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { ImportAnnex, ImportStatus, Role } from '../../common/enums';
import { DomainError, ErrorCode } from '../../common/errors';
import { ConnectionType } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { PageArgsType } from '../accounts/account.resolver';
import { ImportJob } from './import-job.entity';
import { ImportIssue } from './import-issue.entity';
import { isInterrupted } from './import.service';

export const ImportJobConnection = ConnectionType(ImportJob, 'ImportJob');

/** 导入记录: import jobs with their progress, errors and warnings. ADMIN sees all; a MANAGER their unit's. */
@Authorized(Role.ADMIN, Role.MANAGER)
@Resolver(() => ImportJob)
export class ImportJobResolver {
  @Query(() => ImportJobConnection, { description: '导入记录（最新在前）/ import jobs, newest first' })
  importJobs(
    @Ctx() { ctx, services }: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('annex', () => ImportAnnex, { nullable: true, description: '附件 / annex' }) annex?: ImportAnnex | null,
    @Arg('status', () => ImportStatus, { nullable: true, description: '状态 / status' }) status?: ImportStatus | null,
  ) {
    return services.imports.list(ctx, { annex, status }, page);
  }

  @Query(() => ImportJob, { nullable: true, description: '一条导入记录及进度 / one import job with its progress' })
  importJob(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.imports.get(ctx, Number(id)).catch((e: unknown) => {
      if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) return null;
      throw e;
    });
  }

  @FieldResolver(() => [ImportIssue], { description: '被拒绝的单元格与行 / rejected cells and rows' })
  errors(@Root() job: ImportJob, @Ctx() { services }: GraphQLContext, @Arg('first', () => Int, { defaultValue: 100 }) first: number) {
    return services.imports.issues(job.id, 'error', Math.min(Math.max(first, 0), 10_000));
  }

  @FieldResolver(() => [ImportIssue], { description: '警告（未知列、新建单位等）/ warnings' })
  warnings(@Root() job: ImportJob, @Ctx() { services }: GraphQLContext, @Arg('first', () => Int, { defaultValue: 100 }) first: number) {
    return services.imports.issues(job.id, 'warning', Math.min(Math.max(first, 0), 10_000));
  }

  @FieldResolver(() => Boolean, { description: '运行中但已无心跳（进程中断）/ RUNNING without a heartbeat for two minutes: its process stopped' })
  interrupted(@Root() job: ImportJob) {
    return isInterrupted(job);
  }
}
