import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../common/enums';
import type { GraphQLContext } from '../../http/graphql-context';
import { PageArgsType } from '../../common/pagination';
import { toId, toIdOrNull } from '../../common/ids';
import { nullIfNotFound } from '../../common/graphql-types';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { ManagementLevel } from '../tiers/management-level.entity';
import { ManagementLevelReview } from './management-level-review.entity';
import { ManagementLevelReviewConnection, ManagementLevelReviewFilterInput, ManagementLevelReviewRunType, ProposeManagementLevelChangeInput } from './tier-review.inputs';

/** 管理层级复核 (公司级 / 分公司级): proposals, the committee's decisions and the half-yearly review. */
@Authorized()
@Resolver(() => ManagementLevelReview)
export class ManagementLevelReviewResolver {
  @Query(() => ManagementLevelReviewConnection, { description: '管理层级复核记录 / management-level reviews' })
  managementLevelReviews(
    @Ctx() { ctx, services }: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => ManagementLevelReviewFilterInput, { nullable: true }) filter?: ManagementLevelReviewFilterInput | null,
  ) {
    const f = filter ?? {};
    return services.levelReviews.list(ctx, { accountId: toIdOrNull(f.accountId, 'filter.accountId'), statuses: f.statuses, period: f.period }, page);
  }

  @Query(() => ManagementLevelReview, { nullable: true, description: '按 id 取一条管理层级复核 / one management-level review by id' })
  managementLevelReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.levelReviews.get(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => ManagementLevelReview, { description: '提议调整管理层级（客户经理限本人客户）/ propose a management-level change (a manager for its own accounts)' })
  proposeManagementLevelChange(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => ProposeManagementLevelChangeInput) input: ProposeManagementLevelChangeInput) {
    return services.levelReviews.propose(ctx, { accountId: toId(input.accountId, 'accountId'), toLevel: input.toLevel, reason: input.reason });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => ManagementLevelReview, { description: '批准管理层级调整（委员会）/ approve a management-level review (committee)' })
  approveManagementLevelReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note?: string | null) {
    return services.levelReviews.approve(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => ManagementLevelReview, { description: '驳回管理层级调整（委员会，须说明理由）/ reject a management-level review (committee, with a note)' })
  rejectManagementLevelReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String) note: string) {
    return services.levelReviews.reject(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => ManagementLevelReview, { description: '撤回提议（提议人或委员会）/ withdraw a pending proposal (its proposer or the committee)' })
  withdrawManagementLevelReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note?: string | null) {
    return services.levelReviews.withdraw(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => ManagementLevelReviewRunType, { description: '开启半年度管理层级复核，如 2026H2（可重复执行）/ open the half-yearly level review (idempotent per period)' })
  startManagementLevelReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('period', () => String) period: string) {
    return services.levelReviews.start(ctx, period);
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() r: ManagementLevelReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, r.accountId);
  }

  @FieldResolver(() => ManagementLevel, { nullable: true, description: '原管理层级 / from level' })
  fromLevel(@Root() r: ManagementLevelReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(ManagementLevel, r.fromLevelId);
  }

  @FieldResolver(() => ManagementLevel, { nullable: true, description: '拟调整为 / proposed level' })
  toLevel(@Root() r: ManagementLevelReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(ManagementLevel, r.toLevelId);
  }

  @FieldResolver(() => User, { nullable: true, description: '提议人 / proposed by' })
  proposedBy(@Root() r: ManagementLevelReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, r.proposedById);
  }

  @FieldResolver(() => User, { nullable: true, description: '决定人 / decided by' })
  decidedBy(@Root() r: ManagementLevelReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, r.decidedById);
  }
}
