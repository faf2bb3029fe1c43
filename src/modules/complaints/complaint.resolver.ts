import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nullIfNotFound } from '../../common/graphql-types';
import { Role } from '../../common/enums';
import { toId } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';
import { PageArgsType } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import { User } from '../org/user.entity';
import { Tier } from '../tiers/tier.entity';
import { Complaint, ComplaintDeadline } from './complaint.entity';
import { ComplaintConnection, ComplaintFilterInput, CreateComplaintInput, UpdateComplaintInput } from './complaint.inputs';
import { ComplaintKind, ComplaintSeverity } from './complaint-vocabulary';
import { answeredOnTime, complaintOverdue } from './complaint.rules';

/** 投诉、质量问题与服务请求: recorded, owned, due by severity and tier, resolved, verified, answered. */
@Resolver(() => Complaint)
export class ComplaintResolver {
  @Authorized()
  @Query(() => ComplaintConnection, { description: '投诉、质量问题与服务请求 / complaints, quality problems and service requests' })
  complaints(@Ctx() { ctx, services }: GraphQLContext, @Args() page: PageArgsType, @Arg('filter', () => ComplaintFilterInput, { nullable: true }) filter?: ComplaintFilterInput | null) {
    return services.complaints.list(ctx, filter ?? {}, page);
  }

  @Authorized()
  @Query(() => Complaint, { nullable: true, description: '按 id 取一条投诉或服务请求 / one complaint or service request by id' })
  complaint(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.complaints.get(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized()
  @Query(() => [Complaint], { description: '待办队列：战略客户优先，再按严重程度与期限 / the open queue: strategic accounts first, then severity, then due date' })
  complaintQueue(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('kinds', () => [ComplaintKind], { nullable: true }) kinds?: ComplaintKind[] | null,
    @Arg('ownerIds', () => [ID], { nullable: true }) ownerIds?: string[] | null,
    @Arg('overdue', () => Boolean, { nullable: true }) overdue?: boolean | null,
  ) {
    return services.complaints.queue(ctx, first, { kinds, ownerIds, overdue });
  }

  @Authorized()
  @Query(() => [ComplaintDeadline], { description: '答复时限（严重程度 × 客户级别）/ days to answer, by severity and tier' })
  complaintDeadlines(@Ctx() { ctx, services }: GraphQLContext) {
    return services.complaints.listDeadlines(ctx);
  }

  @Authorized()
  @Query(() => ComplaintDeadline, { nullable: true, description: '按 id 取一条答复时限 / one answer deadline by id' })
  complaintDeadline(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.complaints.getDeadline(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => Complaint, { description: '登记投诉、质量问题或服务请求（ADMIN 或该客户的 MANAGER）/ record an item (ADMIN or the account\'s MANAGER)' })
  createComplaint(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateComplaintInput) input: CreateComplaintInput) {
    return services.complaints.create(ctx, input);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => Complaint, { description: '修改投诉事项 / change an item' })
  updateComplaint(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateComplaintInput) input: UpdateComplaintInput,
    @Arg('version', () => Int, { nullable: true }) version?: number | null,
  ) {
    return services.complaints.update(ctx, toId(id, 'id'), input, version);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => Complaint, { description: '登记处理结果（责任人、该客户的 MANAGER 或 ADMIN）/ resolve (the owner, the account\'s MANAGER or an ADMIN)' })
  resolveComplaint(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('resolution') resolution: string, @Arg('resolvedOn', () => LocalDateScalar, { nullable: true }) resolvedOn?: string | null) {
    return services.complaints.resolve(ctx, toId(id, 'id'), resolution, resolvedOn);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => Complaint, { description: '验证处理结果（非解决人；不通过则退回处理中）/ verify the fix (not by its resolver; failing sends it back)' })
  verifyComplaint(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('passed') passed: boolean,
    @Arg('note') note: string,
    @Arg('verifiedOn', () => LocalDateScalar, { nullable: true }) verifiedOn?: string | null,
  ) {
    return services.complaints.verify(ctx, toId(id, 'id'), passed, note, verifiedOn);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => Complaint, { description: '答复客户并关闭 / answer the customer and close' })
  replyComplaint(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('reply') reply: string, @Arg('repliedOn', () => LocalDateScalar, { nullable: true }) repliedOn?: string | null) {
    return services.complaints.reply(ctx, toId(id, 'id'), reply, repliedOn);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => ComplaintDeadline, { description: '设置答复时限（委员会）/ set the days to answer (the committee)' })
  setComplaintDeadline(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('severity', () => ComplaintSeverity) severity: ComplaintSeverity,
    @Arg('days', () => Int) days: number,
    @Arg('tier', () => String, { nullable: true, description: '客户级别（空为其余级别）/ tier (null: every other tier)' }) tier?: string | null,
  ) {
    return services.complaints.setDeadline(ctx, severity, tier, days);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Int, { description: '批量关闭某日前受理的未结事项（导入历史经营档案后，管理员）/ close every open item reported before a day (after importing ledger history; ADMIN)' })
  closeComplaintsReportedBefore(@Ctx() { ctx, services }: GraphQLContext, @Arg('reportedBefore', () => LocalDateScalar) reportedBefore: string, @Arg('note') note: string) {
    return services.complaints.closeReportedBefore(ctx, reportedBefore, note);
  }

  @FieldResolver({ description: '逾期未答复 / past its due date and not answered' })
  overdue(@Root() c: Complaint, @Ctx() { services }: GraphQLContext): boolean {
    return complaintOverdue(c, services.clock.today());
  }

  @FieldResolver(() => Boolean, { nullable: true, description: '按期答复（未答复为空）/ answered by the due date (null until answered)' })
  answeredOnTime(@Root() c: Complaint): boolean | null {
    return answeredOnTime(c);
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() c: Complaint, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, c.accountId);
  }

  @FieldResolver(() => User, { nullable: true, description: '责任人 / owner' })
  owner(@Root() c: Complaint, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, c.ownerId);
  }

  @FieldResolver(() => Activity, { nullable: true, description: '来源经营档案记录 / the ledger activity' })
  activity(@Root() c: Complaint, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Activity, c.activityId);
  }
}

@Resolver(() => ComplaintDeadline)
export class ComplaintDeadlineResolver {
  @FieldResolver(() => Tier, { nullable: true })
  tier(@Root() d: ComplaintDeadline, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Tier, d.tierId);
  }
}

@Resolver(() => Account)
export class AccountComplaintsResolver {
  @FieldResolver(() => [Complaint], { description: '投诉、质量问题与服务请求 / complaints, quality problems and service requests' })
  complaints(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return loaders.manyBy(Complaint, 'accountId').load(a.id);
  }
}
