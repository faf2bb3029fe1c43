import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../common/enums';
import type { GraphQLContext } from '../../http/graphql-context';
import { PageArgsType } from '../../common/pagination';
import { Account } from '../accounts/account.entity';
import { CreditEvaluation } from '../credit/credit-evaluation.entity';
import { YearEndRule } from './year-end-rule.entity';
import { ConfirmYearEndDecisionInput, YearEndAssessmentConnection, YearEndAssessmentType, YearEndFilterInput, YearEndProposalRunType, YearEndRuleInputType } from './year-end.inputs';
import { toId } from '../../common/ids';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';

/** 年度评价: the rules (data), the committee's queue and its confirmations. */
@Authorized()
@Resolver(() => YearEndAssessmentType)
export class YearEndResolver {
  @Query(() => [YearEndRule], { description: '年度评价规则（按顺序，首个命中者生效）/ year-end rules, in the order they are tried' })
  yearEndRules(@Ctx() { ctx, services }: GraphQLContext) {
    return services.yearEnd.listRules(ctx);
  }

  @Query(() => YearEndRule, { nullable: true, description: '按 id 取一条年度评价规则 / one year-end rule by id' })
  yearEndRule(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.yearEnd.getRule(ctx, id).catch(nullIfNotFound);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => YearEndRule, { description: '新建年度评价规则（管理员）/ create a year-end rule (ADMIN)' })
  createYearEndRule(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => YearEndRuleInputType) input: YearEndRuleInputType) {
    return services.yearEnd.createRule(ctx, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => YearEndRule, { description: '修改年度评价规则（管理员）/ change a year-end rule (ADMIN)' })
  updateYearEndRule(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => YearEndRuleInputType) input: YearEndRuleInputType,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return services.yearEnd.updateRule(ctx, toId(id, 'id'), input, version);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => YearEndRule, { description: '删除年度评价规则（管理员）/ delete a year-end rule (ADMIN)' })
  deleteYearEndRule(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return services.yearEnd.deleteRule(ctx, toId(id, 'id'), version);
  }

  @Query(() => YearEndAssessmentConnection, { description: '年度评价：评价、年度数据、拜访达标与建议结论 / the year\'s evaluations with figures, compliance and proposed decision' })
  async yearEndReview(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('year', () => Int) year: number,
    @Args() page: PageArgsType,
    @Arg('filter', () => YearEndFilterInput, { nullable: true }) filter?: YearEndFilterInput | null,
  ) {
    const conn = await services.yearEnd.review(
      ctx,
      year,
      { accountIds: filter?.accountIds?.map((id) => toId(id, 'filter.accountIds')) ?? null, decisionStatuses: filter?.decisionStatuses, undecided: filter?.undecided },
      page,
    );
    // The getters (signed, received in 元) live on the GraphQL class.
    const edges = conn.edges.map((e) => ({ cursor: e.cursor, node: Object.assign(new YearEndAssessmentType(), e.node) }));
    return { nodes: edges.map((e) => e.node), edges, pageInfo: conn.pageInfo, totalCount: conn.totalCount };
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => YearEndProposalRunType, { description: '按规则为本年度未决评价写入建议结论（委员会）/ write the rules\' proposals into the year\'s undecided evaluations' })
  proposeYearEndDecisions(@Ctx() { ctx, services }: GraphQLContext, @Arg('year', () => Int) year: number) {
    return services.yearEnd.propose(ctx, year);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => CreditEvaluation, { description: '确认年度结论（委员会）；终止合作自生效日起结束合作 / confirm the year-end decision; TERMINATE ends the cooperation' })
  confirmYearEndDecision(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => ConfirmYearEndDecisionInput) input: ConfirmYearEndDecisionInput) {
    return services.yearEnd.confirm(ctx, { ...input, accountId: toId(input.accountId, 'accountId') });
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => CreditEvaluation, {
    description: '变更已确认的年度结论（委员会，须说明理由，留痕）/ change a confirmed year-end decision (committee, with a note; audited before → after)',
  })
  reviseYearEndDecision(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => ConfirmYearEndDecisionInput) input: ConfirmYearEndDecisionInput) {
    return services.yearEnd.revise(ctx, { ...input, accountId: toId(input.accountId, 'accountId') });
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() a: YearEndAssessmentType, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, a.accountId);
  }
}
