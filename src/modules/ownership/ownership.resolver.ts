import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import type { GraphQLContext } from '../../http/graphql-context';
import { PageArgsType } from '../../common/pagination';
import { Account } from '../accounts/account.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Assignment } from './assignment.entity';
import { AccountRecommendation } from './account-recommendation.entity';
import { AccountRecommendationConnection, ApproveRecommendationInput, AssignmentConnection, AssignmentFilterInput, CrossRegionUnitInput, ReassignAccountInput, RecommendAccountInput, RecommendationFilterInput } from './ownership.inputs';
import { toId, toIdOrNull } from '../../common/ids';
import { nullIfNotFound } from '../../common/graphql-types';

/** 谁开发、谁优先: recommendations, the committee's approvals and reassignments, and the ownership history. */
@Authorized()
@Resolver(() => Assignment)
export class OwnershipResolver {
  @Query(() => AssignmentConnection, { description: '归属记录 / ownership assignments (history included)' })
  assignments(
    @Ctx() { ctx, services }: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => AssignmentFilterInput, { nullable: true }) filter?: AssignmentFilterInput | null,
  ) {
    const f = filter ?? {};
    return services.ownership.listAssignments(
      ctx,
      { accountId: toIdOrNull(f.accountId, 'filter.accountId'), unitId: toIdOrNull(f.unitId, 'filter.unitId'), managerId: toIdOrNull(f.managerId, 'filter.managerId'), current: f.current, reasons: f.reasons },
      page,
      services.config.maxPageSize,
    );
  }

  @Query(() => Assignment, { nullable: true, description: '按 id 取一条归属记录 / one ownership assignment by id' })
  assignment(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.ownership.getAssignment(ctx, id).catch(nullIfNotFound);
  }

  @Query(() => AccountRecommendation, { nullable: true, description: '按 id 取一条大客户推荐 / one recommendation by id' })
  accountRecommendation(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.ownership.getRecommendation(ctx, id).catch(nullIfNotFound);
  }

  @Query(() => AccountRecommendationConnection, { description: '大客户推荐记录 / recommendations (PENDING ones are the committee\'s queue)' })
  accountRecommendations(
    @Ctx() { ctx, services }: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => RecommendationFilterInput, { nullable: true }) filter?: RecommendationFilterInput | null,
  ) {
    const f = filter ?? {};
    return services.ownership.listRecommendations(
      ctx,
      { accountId: toIdOrNull(f.accountId, 'filter.accountId'), unitId: toIdOrNull(f.unitId, 'filter.unitId'), statuses: f.statuses },
      page,
      services.config.maxPageSize,
    );
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => AccountRecommendation, { description: '推荐大客户（成为本单位的候选客户，待委员会批准）/ recommend an account: it becomes a candidate of the unit' })
  recommendAccount(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => RecommendAccountInput) input: RecommendAccountInput) {
    const { parentId, ...account } = input.account;
    return services.ownership.recommend(ctx, {
      account: { ...account, parentId: toIdOrNull(parentId, 'account.parentId') },
      unitId: toIdOrNull(input.unitId, 'unitId'),
      managerId: toIdOrNull(input.managerId, 'managerId'),
      reason: input.reason,
    });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => AccountRecommendation, { description: '批准推荐（委员会）/ approve a recommendation (committee)' })
  approveRecommendation(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ApproveRecommendationInput, { nullable: true }) input?: ApproveRecommendationInput | null,
  ) {
    const { managerId, ...rest } = input ?? {};
    return services.ownership.approveRecommendation(ctx, toId(id, 'id'), { ...rest, managerId: toIdOrNull(managerId, 'input.managerId') });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => AccountRecommendation, { description: '驳回推荐（委员会，须说明理由）/ reject a recommendation (committee, with a note)' })
  rejectRecommendation(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String) note: string) {
    return services.ownership.rejectRecommendation(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Assignment, { description: '调整归属（委员会，限列举原因）/ reassign an account (committee, enumerated reasons only)' })
  reassignAccount(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => ReassignAccountInput) input: ReassignAccountInput) {
    return services.ownership.reassign(ctx, {
      accountId: toId(input.accountId, 'accountId'),
      unitId: toIdOrNull(input.unitId, 'unitId'),
      managerId: toId(input.managerId, 'managerId'),
      reason: input.reason,
      note: input.note,
      effectiveOn: input.effectiveOn,
    });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Assignment, { description: '增加跨区域协同单位（委员会）/ add a second unit to a cross-region account (committee)' })
  addCrossRegionUnit(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CrossRegionUnitInput) input: CrossRegionUnitInput) {
    return services.ownership.addCrossRegionUnit(ctx, {
      accountId: toId(input.accountId, 'accountId'),
      unitId: toId(input.unitId, 'unitId'),
      managerId: toIdOrNull(input.managerId, 'managerId'),
      note: input.note,
      effectiveOn: input.effectiveOn,
    });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Assignment, { description: '结束跨区域协同（委员会）/ end a cross-region assignment (committee)' })
  endCrossRegionUnit(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('assignmentId', () => ID) assignmentId: string,
    @Arg('note', () => String) note: string,
    @Arg('effectiveOn', () => LocalDateScalar, { nullable: true }) effectiveOn?: string | null,
  ) {
    return services.ownership.endCrossRegionUnit(ctx, toId(assignmentId, 'assignmentId'), { note, effectiveOn });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Account, { description: '终止合作（委员会）：自生效日起不再为合作中客户 / end the cooperation (committee) from the effective date' })
  terminateAccount(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('accountId', () => ID) accountId: string,
    @Arg('note', () => String) note: string,
    @Arg('effectiveOn', () => LocalDateScalar, { nullable: true }) effectiveOn?: string | null,
  ) {
    return services.ownership.terminate(ctx, toId(accountId, 'accountId'), { note, effectiveOn });
  }

  @FieldResolver(() => Account, { nullable: true, description: '大客户 / account' })
  account(@Root() a: Assignment, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, a.accountId);
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '归属单位 / unit' })
  unit(@Root() a: Assignment, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(OrgUnit, a.unitId);
  }

  @FieldResolver(() => User, { nullable: true, description: '客户经理 / manager' })
  manager(@Root() a: Assignment, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, a.managerId);
  }

  @FieldResolver(() => User, { nullable: true, description: '决定人 / decided by' })
  decidedBy(@Root() a: Assignment, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, a.decidedById);
  }
}

@Authorized()
@Resolver(() => AccountRecommendation)
export class RecommendationResolver {
  @FieldResolver(() => Account, { nullable: true, description: '大客户 / account' })
  account(@Root() r: AccountRecommendation, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, r.accountId);
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '推荐单位 / recommending unit' })
  unit(@Root() r: AccountRecommendation, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(OrgUnit, r.unitId);
  }

  @FieldResolver(() => User, { nullable: true, description: '客户经理 / proposed manager' })
  manager(@Root() r: AccountRecommendation, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, r.managerId);
  }

  @FieldResolver(() => User, { nullable: true, description: '决定人 / decided by' })
  decidedBy(@Root() r: AccountRecommendation, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, r.decidedById);
  }
}
