import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../common/enums';
import type { GraphQLContext } from '../../http/graphql-context';
import { PageArgsType } from '../../common/pagination';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { Tier } from '../tiers/tier.entity';
import { TierReview } from './tier-review.entity';
import { ProposeTierChangeInput, TierReviewConnection, TierReviewFilterInput, TierReviewRunType } from './tier-review.inputs';
import { toId, toIdOrNull } from '../../common/ids';
import { nullIfNotFound } from '../../common/graphql-types';

/** 级别复核: proposals, the committee's decisions and the half-yearly review. */
@Authorized()
@Resolver(() => TierReview)
export class TierReviewResolver {
  @Query(() => TierReviewConnection, { description: '级别复核记录 / tier reviews' })
  tierReviews(
    @Ctx() { ctx, services }: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => TierReviewFilterInput, { nullable: true }) filter?: TierReviewFilterInput | null,
  ) {
    const f = filter ?? {};
    return services.tierReviews.list(ctx, { accountId: toIdOrNull(f.accountId, 'filter.accountId'), statuses: f.statuses, period: f.period }, page);
  }

  @Query(() => TierReview, { nullable: true, description: '按 id 取一条级别复核 / one tier review by id' })
  tierReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.tierReviews.get(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => TierReview, { description: '提议调整级别（客户经理限本人客户）/ propose a tier change (a manager for its own accounts)' })
  proposeTierChange(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => ProposeTierChangeInput) input: ProposeTierChangeInput) {
    return services.tierReviews.propose(ctx, { accountId: toId(input.accountId, 'accountId'), toTier: input.toTier, reason: input.reason });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TierReview, { description: '批准级别调整（委员会）/ approve a tier review (committee)' })
  approveTierReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note?: string | null) {
    return services.tierReviews.approve(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TierReview, { description: '驳回级别调整（委员会，须说明理由）/ reject a tier review (committee, with a note)' })
  rejectTierReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String) note: string) {
    return services.tierReviews.reject(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => TierReview, { description: '撤回提议（提议人或委员会）/ withdraw a pending proposal (its proposer or the committee)' })
  withdrawTierReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note?: string | null) {
    return services.tierReviews.withdraw(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TierReviewRunType, { description: '开启半年度级别复核，如 2026H1（可重复执行）/ open the half-yearly review (idempotent per period)' })
  startTierReview(@Ctx() { ctx, services }: GraphQLContext, @Arg('period', () => String) period: string) {
    return services.tierReviews.start(ctx, period);
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() r: TierReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, r.accountId);
  }

  @FieldResolver(() => Tier, { nullable: true, description: '原级别 / from tier' })
  fromTier(@Root() r: TierReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Tier, r.fromTierId);
  }

  @FieldResolver(() => Tier, { nullable: true, description: '拟调整为 / proposed tier' })
  toTier(@Root() r: TierReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Tier, r.toTierId);
  }

  @FieldResolver(() => User, { nullable: true, description: '提议人 / proposed by' })
  proposedBy(@Root() r: TierReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, r.proposedById);
  }

  @FieldResolver(() => User, { nullable: true, description: '决定人 / decided by' })
  decidedBy(@Root() r: TierReview, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, r.decidedById);
  }
}
