import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nullIfNotFound } from '../../common/graphql-types';
import { ReviewStatus, Role } from '../../common/enums';
import { toId, toIdOrNull } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { Handover, HandoverItem } from './handover.entity';
import { HandoverItemKind, HandoverReason } from './handover-vocabulary';

@InputType({ description: '发起工作交接 / open a handover' })
export class StartHandoverInput {
  @Field(() => ID, { description: '交出人 / the user handing over' })
  userId!: string;

  @Field(() => HandoverReason, { description: '原因（客户经理离职等）/ reason' })
  reason!: HandoverReason;

  @Field(() => LocalDateScalar, { nullable: true, description: '交接日期（默认今天）/ effective on (default today)' })
  effectiveOn?: string | null;

  @Field(() => Boolean, { nullable: true, description: '交接后停用该用户（默认是）/ deactivate the user afterwards (default true)' })
  deactivate?: boolean | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType({ description: '交接事项的接手人 / a successor for an item' })
export class HandoverSuccessorInput {
  @Field(() => ID, { description: '交接事项 / item id' })
  itemId!: string;

  @Field(() => ID, { description: '接手人 / successor (user id)' })
  successorId!: string;
}

@Resolver(() => Handover)
export class HandoverResolver {
  @Authorized(Role.COMMITTEE)
  @Query(() => [Handover], { description: '工作交接 / handovers, newest first' })
  handovers(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('userId', () => ID, { nullable: true }) userId?: string | null,
    @Arg('statuses', () => [ReviewStatus], { nullable: true }) statuses?: ReviewStatus[] | null,
  ) {
    return services.handovers.list(ctx, { userId: toIdOrNull(userId, 'userId'), statuses });
  }

  @Authorized(Role.COMMITTEE)
  @Query(() => Handover, { nullable: true, description: '按 id 取一条工作交接（委员会）/ one handover by id (the committee)' })
  handover(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.handovers.get(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Handover, { description: '发起（或刷新）工作交接：列出其所管客户、团队席位、待办、投诉与计划（ADMIN、委员会）/ open or refresh a handover listing everything the user holds' })
  startHandover(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => StartHandoverInput) input: StartHandoverInput) {
    return services.handovers.start(ctx, { ...input, userId: toId(input.userId, 'userId') });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => [HandoverItem], { description: '指定接手人：逐项，或其余全部交给一人 / name successors: per item, and one for all the rest' })
  setHandoverSuccessors(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('successors', () => [HandoverSuccessorInput], { nullable: true }) successors?: HandoverSuccessorInput[] | null,
    @Arg('everyoneTo', () => ID, { nullable: true, description: '其余事项的接手人 / successor for every item without one' }) everyoneTo?: string | null,
  ) {
    return services.handovers.setSuccessors(ctx, toId(id, 'id'), (successors ?? []).map((s) => ({ itemId: toId(s.itemId, 'itemId'), successorId: toId(s.successorId, 'successorId') })), toIdOrNull(everyoneTo, 'everyoneTo'));
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Handover, { description: '批准并执行工作交接（归属变动须委员会）/ approve and apply the handover (the committee where ownership moves)' })
  approveHandover(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note?: string | null) {
    return services.handovers.approve(ctx, toId(id, 'id'), note);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Handover, { description: '驳回工作交接（须说明理由）/ turn a handover down (with a note)' })
  rejectHandover(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note') note: string) {
    return services.handovers.reject(ctx, toId(id, 'id'), note);
  }

  @FieldResolver(() => [HandoverItem], { description: '交接事项 / what is handed over' })
  items(@Root() h: Handover, @Ctx() { ctx, services }: GraphQLContext) {
    return services.handovers.items(ctx, h.id);
  }

  @FieldResolver(() => User, { nullable: true, description: '交出人 / the user handing over' })
  user(@Root() h: Handover, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, h.userId);
  }

  @FieldResolver(() => User, { nullable: true, description: '批准人 / decided by' })
  decidedBy(@Root() h: Handover, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, h.decidedById);
  }
}

@Resolver(() => HandoverItem)
export class HandoverItemResolver {
  @FieldResolver(() => User, { nullable: true, description: '接手人 / successor' })
  successor(@Root() i: HandoverItem, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, i.successorId);
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() i: HandoverItem, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, i.accountId);
  }

  @FieldResolver({ description: '涉及归属变更（须委员会批准）/ moves an account\'s ownership (the committee approves)' })
  movesOwnership(@Root() i: HandoverItem): boolean {
    return i.kind === HandoverItemKind.ACCOUNT || i.kind === HandoverItemKind.CROSS_REGION;
  }
}

@Resolver(() => User)
export class UserHoldingsResolver {
  @Authorized(Role.COMMITTEE)
  @FieldResolver(() => [HandoverItem], { nullable: true, description: '待交接事项（离职前须交接；ADMIN、委员会）/ what the user holds and would have to hand over (ADMIN, COMMITTEE)' })
  async holdings(@Root() u: User, @Ctx() { ctx, services }: GraphQLContext) {
    const now = new Date();
    return (await services.handovers.holdings(ctx, u.id)).map((h, i) => Object.assign(new HandoverItem(), { ...h, id: -(i + 1), handoverId: 0, successorId: null, createdAt: now, updatedAt: now }));
  }
}
