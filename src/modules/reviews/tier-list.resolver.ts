import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { nullIfNotFound } from '../../common/graphql-types';
import { Role } from '../../common/enums';
import { toId, toIdOrNull } from '../../common/ids';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { Tier } from '../tiers/tier.entity';
import { TargetStatus } from '../tiers/tier-vocabulary';
import { TierList, TierListEntry } from './tier-list.entity';
import { TierReview } from './tier-review.entity';

@ObjectType('TierListCount', { description: '名录中各级别客户数与目标 / accounts per tier now and on the list, against the target' })
export class TierListCountType {
  @Field(() => Tier)
  tier!: Tier;

  @Field(() => Int, { description: '现有 / now' })
  current!: number;

  @Field(() => Int, { description: '名录 / on the list' })
  proposed!: number;

  @Field(() => TargetStatus, { description: '名录对目标 / the list against the target' })
  status!: TargetStatus;
}

/** 年度大客户名录: drafted by the committee, approved as one decision by the general manager. */
@Resolver(() => TierList)
export class TierListResolver {
  @Authorized()
  @Query(() => [TierList], { description: '年度大客户名录 / yearly tier lists, newest first' })
  tierLists(@Ctx() { ctx, services }: GraphQLContext, @Arg('year', () => Int, { nullable: true }) year?: number | null) {
    return services.tierLists.lists(ctx, year);
  }

  @Authorized()
  @Query(() => TierList, { nullable: true, description: '按 id 取一份年度名录 / one tier list by id' })
  tierList(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.tierLists.get(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized()
  @Query(() => User, { nullable: true, description: '年度名录审批人（总经理；空为委员会）/ who approves the yearly list (the general manager; null: the committee)' })
  async tierListApprover(@Ctx() { ctx, services, loaders }: GraphQLContext) {
    return loaders.one(User, await services.settings.get(ctx, 'tierList.approverUserId'));
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TierList, { description: '编制年度大客户名录（委员会）：按上年记录的销售额建议级别 / draft the yearly tier list (the committee)' })
  draftTierList(@Ctx() { ctx, services }: GraphQLContext, @Arg('year', () => Int) year: number, @Arg('note', () => String, { nullable: true }) note?: string | null) {
    return services.tierLists.draft(ctx, year, note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TierListEntry, { description: '调整名录中一个客户的级别（委员会，须说明理由）/ set one account\'s tier on a pending list (the committee, with a reason)' })
  setTierListEntry(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('listId', () => ID) listId: string,
    @Arg('accountId', () => ID) accountId: string,
    @Arg('toTier') toTier: string,
    @Arg('reason') reason: string,
  ) {
    return services.tierLists.setEntry(ctx, toId(listId, 'listId'), toId(accountId, 'accountId'), toTier, reason);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TierList, { description: '批准年度名录（总经理；未指定时委员会）：名录中的级别变更一并生效 / approve the list (the general manager): its changes take effect together' })
  approveTierList(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note?: string | null) {
    return services.tierLists.approve(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TierList, { description: '退回年度名录（须说明理由）/ send the list back (with a note)' })
  rejectTierList(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note') note: string) {
    return services.tierLists.reject(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => User, { nullable: true, description: '指定年度名录审批人（总经理，委员会）/ name the general manager who approves the list (the committee)' })
  setTierListApprover(@Ctx() { ctx, services }: GraphQLContext, @Arg('userId', () => ID, { nullable: true }) userId?: string | null) {
    return services.tierLists.setApprover(ctx, toIdOrNull(userId, 'userId'));
  }

  @FieldResolver(() => [TierListEntry], { description: '名录中的客户 / the accounts on the list' })
  entries(@Root() l: TierList, @Ctx() { ctx, services }: GraphQLContext) {
    return services.tierLists.entries(ctx, l.id);
  }

  @FieldResolver(() => [TierListCountType], { description: '各级别客户数（现有、名录）与目标户数 / accounts per tier, now and on the list, against the target' })
  counts(@Root() l: TierList, @Ctx() { ctx, services }: GraphQLContext) {
    return services.tierLists.counts(ctx, l.id);
  }

  @FieldResolver(() => User, { nullable: true, description: '编制人 / drafted by' })
  proposedBy(@Root() l: TierList, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, l.proposedById);
  }

  @FieldResolver(() => User, { nullable: true, description: '审批人 / decided by' })
  decidedBy(@Root() l: TierList, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, l.decidedById);
  }
}

@Resolver(() => TierListEntry)
export class TierListEntryResolver {
  @FieldResolver(() => Account, { nullable: true })
  account(@Root() e: TierListEntry, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, e.accountId);
  }

  @FieldResolver(() => Tier, { nullable: true, description: '现级别 / tier now' })
  fromTier(@Root() e: TierListEntry, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Tier, e.fromTierId);
  }

  @FieldResolver(() => Tier, { nullable: true, description: '名录级别 / tier on the list' })
  toTier(@Root() e: TierListEntry, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Tier, e.toTierId);
  }

  @FieldResolver(() => TierReview, { nullable: true, description: '级别复核 / the tier review of the change' })
  review(@Root() e: TierListEntry, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(TierReview, e.reviewId);
  }
}
