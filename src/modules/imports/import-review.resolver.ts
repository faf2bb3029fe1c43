import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { say } from '../../common/messages';
import { ImportMode, Role } from '../../common/enums';
import { createLogger } from '../../common/logger';
import { nullIfNotFound } from '../../common/graphql-types';
import { DomainError, ErrorCode } from '../../common/errors';
import type { GraphQLContext } from '../../http/graphql-context';
import { runInBackground } from '../../../importers/load/job-runner';
import { ImportJob } from './import-job.entity';
import { ImportIssue } from './import-issue.entity';
import { jobProgress } from './import-review.service';

export enum ImportRowOutcome {
  CREATED = 'created',
  UPDATED = 'updated',
  UNCHANGED = 'unchanged',
  ERROR = 'error',
}
registerEnumType(ImportRowOutcome, {
  name: 'ImportRowOutcome',
  description: '预览行结果 / what a previewed row would do',
  valuesConfig: { CREATED: { description: '新增 / created' }, UPDATED: { description: '更新 / updated' }, UNCHANGED: { description: '未变化 / unchanged' }, ERROR: { description: '错误 / rejected' } },
});

@ObjectType({ description: '预览中的单元格变化（前 → 后）/ a previewed cell, before → after' })
export class ImportCellChange {
  @Field({ description: '实体 / entity (Account, Contact, CreditEvaluation, Activity, Payment)' })
  entity!: string;

  @Field({ description: '字段 / field' })
  field!: string;

  @Field(() => String, { nullable: true, description: '导入前 / before (null: new or masked)' })
  before!: string | null;

  @Field(() => String, { nullable: true, description: '导入后 / after (null: cleared or masked)' })
  after!: string | null;

  @Field({ description: '无权查看（按需知密）/ withheld from this caller (need-to-know)' })
  masked!: boolean;
}

@ObjectType({ description: '预览行 / one previewed row' })
export class ImportPreviewRow {
  @Field({ description: '工作表 / sheet' })
  sheet!: string;

  @Field(() => Int, { description: '原行号 / row number in the file' })
  row!: number;

  @Field(() => ImportRowOutcome, { description: '结果 / outcome' })
  outcome!: ImportRowOutcome;

  @Field(() => ID, { nullable: true, description: '客户 / account (null: a new one)' })
  accountId!: number | null;

  @Field(() => String, { nullable: true, description: '记录标识（客户编号等）/ the record as users know it' })
  label!: string | null;

  @Field(() => [ImportCellChange], { description: '单元格变化 / cells before → after' })
  changes!: ImportCellChange[];

  @Field(() => [ImportIssue], { description: '该行的错误 / the row errors' })
  errors!: ImportIssue[];
}

@ObjectType({ description: '导入预览（一页）/ a page of an import preview' })
export class ImportPreviewPage {
  @Field(() => Int, { description: '符合条件的行数 / rows matching' })
  total!: number;

  @Field({ description: '预览只保留前 100,000 行 / the preview keeps the first 100,000 rows' })
  truncated!: boolean;

  @Field(() => [ImportPreviewRow])
  rows!: ImportPreviewRow[];
}

@ObjectType({ description: '撤销时保留的记录 / a record an undo kept' })
export class ImportUndoKept {
  @Field()
  entity!: string;

  @Field(() => ID)
  id!: number;

  @Field({ description: 'CHANGED_SINCE 之后被修改 / IN_USE 被引用 / GONE 已删除' })
  reason!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: '撤销导入的结果 / what undoing an import did' })
export class ImportUndoResult {
  @Field(() => ImportJob)
  job!: ImportJob;

  @Field(() => Int, { description: '删除的新增记录 / created records removed' })
  removed!: number;

  @Field(() => Int, { description: '恢复的记录 / records restored to their values before' })
  restored!: number;

  @Field(() => [ImportUndoKept], { description: '之后被修改或引用而保留的记录 / records kept: changed or referred to since' })
  kept!: ImportUndoKept[];
}

const toId = (id: string): number => {
  if (!/^\d{1,10}$/.test(id)) throw new DomainError(ErrorCode.NOT_FOUND, say(`没有导入任务 "${id}"`, `no import job "${id}"`));
  return Number(id);
};

/** Review before commit and undo (issue 12): the preview of an upload, its confirmation, undoing an import. */
@Authorized(Role.ADMIN, Role.MANAGER)
@Resolver(() => ImportJob)
export class ImportReviewResolver {
  @Query(() => ImportPreviewPage, { nullable: true, description: '导入预览：每行新增/更新/未变化/错误，更新逐格显示前后值（按需知密）/ an import preview, each value as the caller may read it' })
  importPreview(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('job', () => ID) job: string,
    @Arg('outcomes', () => [ImportRowOutcome], { nullable: true }) outcomes?: ImportRowOutcome[] | null,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset?: number,
    @Arg('first', () => Int, { defaultValue: 100, description: '至多 1000 / at most 1,000' }) first?: number,
  ) {
    return services.importReview.preview(ctx, toId(job), { outcomes, offset, first }).catch(nullIfNotFound);
  }

  @Mutation(() => ImportJob, { description: '确认导入（预览后）；在后台运行，进度见 importJob / confirm a previewed import; it runs in the background' })
  async confirmImport(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('job', () => ID) job: string,
    @Arg('mode', () => ImportMode, { nullable: true, description: '可改为 SKIP_INVALID 以写入有效行 / SKIP_INVALID writes the valid rows' }) mode?: ImportMode | null,
  ) {
    const confirmed = await services.importReview.confirm(ctx, toId(job), mode);
    void runInBackground(services, ctx, confirmed.id, false, createLogger(services.config.logLevel));
    return confirmed;
  }

  @Mutation(() => ImportJob, { description: '重新预览（保存映射后）/ preview the upload again (after mappings were saved)' })
  async previewImportAgain(@Ctx() { ctx, services }: GraphQLContext, @Arg('job', () => ID) job: string) {
    const restarted = await services.importReview.restartPreview(ctx, toId(job));
    void runInBackground(services, ctx, restarted.id, true, createLogger(services.config.logLevel));
    return restarted;
  }

  @Mutation(() => ImportUndoResult, { description: '撤销整次导入：删除新增、恢复更新前的值；之后被修改的记录保留并列出（ADMIN，或导入人在期限内）/ undo a whole import' })
  undoImport(@Ctx() { ctx, services }: GraphQLContext, @Arg('job', () => ID) job: string) {
    return services.importReview.undo(ctx, toId(job));
  }

  @FieldResolver(() => Float, { nullable: true, description: '进度 0…1（行数未知时为空）/ share done, null until the rows are known' })
  progress(@Root() job: ImportJob) {
    return jobProgress(job).progress;
  }

  @FieldResolver(() => Int, { nullable: true, description: '预计剩余秒数 / seconds left (estimate)' })
  etaSeconds(@Root() job: ImportJob) {
    return jobProgress(job).etaSeconds;
  }
}
