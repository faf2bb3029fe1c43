import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';
import { Role } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import type { GraphQLContext } from '../../http/graphql-context';
import { PageArgsType } from '../../common/pagination';
import { Account } from '../accounts/account.entity';
import { Tier } from '../tiers/tier.entity';
import { CadenceRule } from './cadence-rule.entity';
import type { ComplianceFilter } from './cadence.service';
import { CadenceRuleConnection, CadenceRuleFilterInput, CadenceRuleInput, CreateCadenceProfileInput, SaveCadenceRuleInput, VisitComplianceConnection, VisitComplianceCount, VisitComplianceFilterInput, VisitComplianceItem } from './cadence.inputs';
import { CadenceProfile } from './cadence-profile.entity';
import { TeamRole } from '../service-team/team-role.entity';
import { toId, toIdOrNull } from '../../common/ids';

async function complianceFilter({ services }: GraphQLContext, f: VisitComplianceFilterInput | null | undefined): Promise<ComplianceFilter> {
  if (!f) return {};
  return {
    accountIds: f.accountIds ? f.accountIds.map((id) => toId(id, 'filter.accountIds')) : null,
    tierIds: f.tierCodes ? await Promise.all(f.tierCodes.map(async (code) => (await services.tiers.lookupOrFail(code, 'filter.tierCodes')).id)) : null,
    ownerUnitId: toIdOrNull(f.ownerUnitId, 'filter.ownerUnitId'),
    managerId: toIdOrNull(f.managerId, 'filter.managerId'),
    activityTypes: f.activityTypes,
    statuses: f.statuses,
    inMonthlyReport: f.inMonthlyReport,
    overdueOnly: f.overdueOnly,
  };
}

/** 拜访频次: the rules (data) and where each account stands against them. */
@Authorized()
@Resolver(() => CadenceRule)
export class CadenceResolver {
  @Query(() => CadenceRuleConnection, { description: '拜访频次规则 / visit cadence rules' })
  async cadenceRules(
    @Ctx() gctx: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => CadenceRuleFilterInput, { nullable: true }) filter?: CadenceRuleFilterInput | null,
  ) {
    const tierId = filter?.tier ? (await gctx.services.tiers.lookupOrFail(filter.tier, 'filter.tier')).id : null;
    return gctx.services.cadence.listRules(gctx.ctx, { tierId, activityTypes: filter?.activityTypes, profile: filter?.profile }, page);
  }

  @Query(() => CadenceProfile, { nullable: true, description: '按 id 取一个沟通频次方案 / one cadence scheme by id' })
  cadenceProfile(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.cadence.getProfile(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Query(() => [CadenceProfile], { description: '沟通频次方案（制度003、制度002…，一个现行）/ cadence schemes (one in force)' })
  cadenceProfiles(@Ctx() { ctx, services }: GraphQLContext) {
    return services.cadence.profiles(ctx);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => CadenceProfile, { description: '切换现行沟通频次方案（委员会）/ put a cadence scheme in force (committee)' })
  activateCadenceProfile(@Ctx() { ctx, services }: GraphQLContext, @Arg('code') code: string) {
    return services.cadence.activateProfile(ctx, code);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CadenceProfile, { description: '新建沟通频次方案（复制现有规则，管理员）/ create a scheme as a copy of another (ADMIN)' })
  createCadenceProfile(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateCadenceProfileInput) input: CreateCadenceProfileInput) {
    return services.cadence.createProfile(ctx, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CadenceRule, { description: '保存沟通频次规则（完整形式，管理员）/ create or change a cadence rule in full (ADMIN)' })
  saveCadenceRule(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => SaveCadenceRuleInput) input: SaveCadenceRuleInput) {
    return services.cadence.saveRule(ctx, { ...input, id: toIdOrNull(input.id, 'id') });
  }

  @Query(() => CadenceRule, { nullable: true, description: '按 id 取一条拜访频次规则 / one cadence rule by id' })
  cadenceRule(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.cadence.getRule(ctx, id).catch(nullIfNotFound);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CadenceRule, { description: '设置拜访频次（管理员；已有则修改）/ create or change a cadence rule (ADMIN)' })
  setCadenceRule(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CadenceRuleInput) input: CadenceRuleInput) {
    return services.cadence.setRule(ctx, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CadenceRule, { description: '删除拜访频次规则（管理员）/ delete a cadence rule (ADMIN)' })
  deleteCadenceRule(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return services.cadence.deleteRule(ctx, toId(id, 'id'), version);
  }

  @Query(() => VisitComplianceConnection, {
    description: '拜访达标：每个合作中客户、每类活动的最近日期、下次期限与状态 / visit compliance per active account and activity type on a day',
  })
  async visitCompliance(
    @Ctx() gctx: GraphQLContext,
    @Arg('asOf', () => LocalDateScalar, { description: '统计日 / as of' }) asOf: string,
    @Args() page: PageArgsType,
    @Arg('filter', () => VisitComplianceFilterInput, { nullable: true }) filter?: VisitComplianceFilterInput | null,
  ) {
    return gctx.services.cadence.complianceConnection(gctx.ctx, asOf, await complianceFilter(gctx, filter), page);
  }

  @Query(() => [VisitComplianceCount], { description: '拜访达标汇总（按活动类型与状态计数）/ compliance counts per activity type and status' })
  async visitComplianceSummary(
    @Ctx() gctx: GraphQLContext,
    @Arg('asOf', () => LocalDateScalar) asOf: string,
    @Arg('filter', () => VisitComplianceFilterInput, { nullable: true }) filter?: VisitComplianceFilterInput | null,
  ) {
    return gctx.services.cadence.summary(gctx.ctx, asOf, await complianceFilter(gctx, filter));
  }

  @FieldResolver(() => Tier, { nullable: true })
  tier(@Root() r: CadenceRule, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Tier, r.tierId);
  }

  @FieldResolver(() => TeamRole, { nullable: true, description: '须参加的团队角色 / the team role whose holder must take part' })
  teamRole(@Root() r: CadenceRule, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(TeamRole, r.teamRoleId);
  }

  @FieldResolver(() => CadenceProfile, { nullable: true, description: '所属方案 / scheme' })
  profile(@Root() r: CadenceRule, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(CadenceProfile, r.profileId);
  }
}

@Authorized()
@Resolver(() => VisitComplianceItem)
export class VisitComplianceResolver {
  @FieldResolver(() => Account, { nullable: true })
  account(@Root() i: VisitComplianceItem, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, i.accountId);
  }

  @FieldResolver(() => Tier, { nullable: true })
  tier(@Root() i: VisitComplianceItem, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Tier, i.tierId);
  }

  @FieldResolver(() => CadenceRule, { nullable: true, description: '频次规则 / the rule' })
  rule(@Root() i: VisitComplianceItem, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(CadenceRule, i.ruleId);
  }

  @FieldResolver(() => TeamRole, { nullable: true, description: '须参加的团队角色 / the team role whose holder must take part' })
  teamRole(@Root() i: VisitComplianceItem, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(TeamRole, i.teamRoleId);
  }
}
