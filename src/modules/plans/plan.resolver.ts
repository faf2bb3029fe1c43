import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nullIfNotFound } from '../../common/graphql-types';
import { Role } from '../../common/enums';
import { toId, toIdOrNull } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';
import { PageArgsType } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import { User } from '../org/user.entity';
import { CommunicationPlan } from './communication-plan.entity';
import { FollowUpAction } from './follow-up.entity';
import { CreateFollowUpInput, CreatePlanInput, FollowUpConnection, FollowUpFilterInput, PlanComplianceRowType, PlanConnection, PlanFilterInput, UpdateFollowUpInput, UpdatePlanInput } from './plan.inputs';
import { followUpOverdue, planMissed } from './plans.rules';

/** 沟通计划 (policy 002): planned communications, how they were kept. */
@Resolver(() => CommunicationPlan)
export class PlanResolver {
  @Authorized()
  @Query(() => PlanConnection, { description: '沟通计划 / planned communications' })
  communicationPlans(@Ctx() { ctx, services }: GraphQLContext, @Args() page: PageArgsType, @Arg('filter', () => PlanFilterInput, { nullable: true }) filter?: PlanFilterInput | null) {
    return services.plans.list(ctx, filter ?? {}, page);
  }

  @Authorized()
  @Query(() => CommunicationPlan, { nullable: true, description: '按 id 取一条沟通计划 / one planned communication by id' })
  communicationPlan(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.plans.get(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized()
  @Query(() => [PlanComplianceRowType], { description: '沟通计划执行情况：每个客户的计划、完成、过期 / how each account\'s plans in a period were kept' })
  planCompliance(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Arg('accountIds', () => [ID], { nullable: true }) accountIds?: string[] | null,
    @Arg('ownerUnitId', () => ID, { nullable: true }) ownerUnitId?: string | null,
    @Arg('managerId', () => ID, { nullable: true }) managerId?: string | null,
  ) {
    return services.plans.compliance(ctx, from, to, {
      accountIds: accountIds?.map((id) => toId(id, 'accountIds')) ?? null, ownerUnitId: toIdOrNull(ownerUnitId, 'ownerUnitId'), managerId: toIdOrNull(managerId, 'managerId'),
    });
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => CommunicationPlan, { description: '新增沟通计划（ADMIN 或该客户的 MANAGER）/ plan a communication (ADMIN or the account\'s MANAGER)' })
  createCommunicationPlan(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreatePlanInput) input: CreatePlanInput) {
    return services.plans.create(ctx, input);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => CommunicationPlan, { description: '修改沟通计划 / change a planned communication' })
  updateCommunicationPlan(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePlanInput) input: UpdatePlanInput,
    @Arg('version', () => Int, { nullable: true }) version?: number | null,
  ) {
    return services.plans.update(ctx, toId(id, 'id'), input, version);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => CommunicationPlan, { description: '取消沟通计划（须说明原因）/ cancel a planned communication (with a reason)' })
  cancelCommunicationPlan(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('reason') reason: string) {
    return services.plans.cancel(ctx, toId(id, 'id'), reason);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => CommunicationPlan, { description: '指定完成该计划的经营档案记录 / link the activity that fulfilled a plan' })
  fulfilCommunicationPlan(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('activityId', () => ID) activityId: string) {
    return services.plans.fulfil(ctx, toId(id, 'id'), toId(activityId, 'activityId'));
  }

  @FieldResolver({ description: '已过期未执行 / its day passed while still planned' })
  missed(@Root() p: CommunicationPlan, @Ctx() { services }: GraphQLContext): boolean {
    return planMissed(p, services.clock.today());
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() p: CommunicationPlan, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, p.accountId);
  }

  @FieldResolver(() => User, { nullable: true, description: '负责人 / organiser' })
  owner(@Root() p: CommunicationPlan, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, p.ownerId);
  }

  @FieldResolver(() => [User], { description: '我方参加人员 / our participants' })
  async ourParticipants(@Root() p: CommunicationPlan, @Ctx() { loaders }: GraphQLContext) {
    return (await Promise.all((p.ourParticipantIds ?? []).filter(Boolean).map((id) => loaders.byId(User).load(Number(id))))).filter((u): u is User => u !== null);
  }

  @FieldResolver(() => Activity, { nullable: true, description: '完成该计划的经营档案记录 / the activity that fulfilled it' })
  activity(@Root() p: CommunicationPlan, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Activity, p.activityId);
  }
}

/** 跟进事项: actions with owners and due dates; overdue ones flagged. */
@Resolver(() => FollowUpAction)
export class FollowUpResolver {
  @Authorized()
  @Query(() => FollowUpConnection, { description: '跟进事项 / follow-up actions' })
  followUpActions(@Ctx() { ctx, services }: GraphQLContext, @Args() page: PageArgsType, @Arg('filter', () => FollowUpFilterInput, { nullable: true }) filter?: FollowUpFilterInput | null) {
    return services.followUps.list(ctx, filter ?? {}, page);
  }

  @Authorized()
  @Query(() => FollowUpAction, { nullable: true, description: '按 id 取一条跟进事项 / one follow-up action by id' })
  followUpAction(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.followUps.get(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => FollowUpAction, { description: '新增跟进事项（ADMIN 或该客户的 MANAGER）/ add a follow-up action' })
  createFollowUpAction(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateFollowUpInput) input: CreateFollowUpInput) {
    return services.followUps.create(ctx, input);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => FollowUpAction, { description: '修改跟进事项（事项、负责人、期限）/ change what, who or when' })
  updateFollowUpAction(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateFollowUpInput) input: UpdateFollowUpInput,
    @Arg('version', () => Int, { nullable: true }) version?: number | null,
  ) {
    return services.followUps.update(ctx, toId(id, 'id'), input, version);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => FollowUpAction, { description: '完成跟进事项（负责人、该客户的 MANAGER 或 ADMIN）/ mark done (the owner, the account\'s MANAGER or an ADMIN)' })
  completeFollowUpAction(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('doneOn', () => LocalDateScalar, { nullable: true }) doneOn?: string | null,
    @Arg('result', () => String, { nullable: true }) result?: string | null,
  ) {
    return services.followUps.complete(ctx, toId(id, 'id'), doneOn, result);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => FollowUpAction, { description: '取消跟进事项（须说明原因）/ drop a follow-up action (with a reason)' })
  cancelFollowUpAction(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('reason') reason: string) {
    return services.followUps.cancel(ctx, toId(id, 'id'), reason);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => FollowUpAction, { description: '重新打开跟进事项 / reopen a follow-up action' })
  reopenFollowUpAction(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.followUps.reopen(ctx, toId(id, 'id'));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Int, { description: '批量关闭期限早于某日的待办（导入历史档案后，管理员）/ close every open action due before a day (after importing history; ADMIN)' })
  closeFollowUpActionsDueBefore(@Ctx() { ctx, services }: GraphQLContext, @Arg('dueBefore', () => LocalDateScalar) dueBefore: string, @Arg('note') note: string) {
    return services.followUps.closeDueBefore(ctx, dueBefore, note);
  }

  @FieldResolver({ description: '已逾期 / open past its due date' })
  overdue(@Root() f: FollowUpAction, @Ctx() { services }: GraphQLContext): boolean {
    return followUpOverdue(f, services.clock.today());
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() f: FollowUpAction, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, f.accountId);
  }

  @FieldResolver(() => User, { nullable: true, description: '负责人 / owner' })
  owner(@Root() f: FollowUpAction, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, f.ownerId);
  }

  @FieldResolver(() => Activity, { nullable: true, description: '来源经营档案记录 / the activity that agreed it' })
  activity(@Root() f: FollowUpAction, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Activity, f.activityId);
  }
}

@Resolver(() => Account)
export class AccountPlansResolver {
  @FieldResolver(() => [CommunicationPlan], { description: '沟通计划 / planned communications, by day' })
  communicationPlans(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return loaders.manyBy(CommunicationPlan, 'accountId', { scheduledOn: 'ASC' }).load(a.id);
  }

  @FieldResolver(() => [FollowUpAction], { description: '跟进事项 / follow-up actions' })
  followUpActions(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return loaders.manyBy(FollowUpAction, 'accountId').load(a.id);
  }
}
