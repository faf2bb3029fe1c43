import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nullIfNotFound } from '../../common/graphql-types';
import { Role } from '../../common/enums';
import type { GraphQLContext } from '../../http/graphql-context';
import { Tier } from './tier.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { ManagementLevel } from './management-level.entity';
import { CadenceRule } from '../cadence/cadence-rule.entity';
import { IdentificationCriterionInput, ManagementLevelInputType, ManagementLevelListItemType, TierInputType, TierTargetRowType } from './tier.inputs';
import { IdentificationCriterion } from './identification-criterion.entity';
import { toId } from '../../common/ids';
import { VERSION_DESCRIPTION } from '../../common/graphql-types';

@Resolver(() => Tier)
export class TierResolver {
  @Authorized()
  @Query(() => [Tier], { description: '客户级别（按级别排序，含停用）/ tiers, highest first (inactive ones too)' })
  tiers(@Ctx() { services }: GraphQLContext) {
    return services.tiers.list();
  }

  @Authorized()
  @Query(() => Tier, { nullable: true, description: '按 id 或编码、名称、别名取一个客户级别 / one tier by id, or by code, name or alias' })
  async tier(
    @Ctx() { services, loaders }: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('code', () => String, { nullable: true, description: '编码、名称或别名 / code, name or alias' }) code?: string | null,
  ) {
    if (id != null) return /^\d+$/.test(id) ? loaders.byId(Tier).load(Number(id)) : null;
    return code != null ? ((await services.tiers.lookup(code)) ?? null) : null;
  }

  @Authorized()
  @Query(() => [ManagementLevel], { description: '管理层级 / management levels' })
  managementLevels(@Ctx() { services }: GraphQLContext) {
    return services.tiers.listManagementLevels();
  }

  @Authorized()
  @Query(() => [ManagementLevelListItemType], {
    description: '公司级 / 分公司级客户名录（委员会认定的管理层级、牵头单位）/ the published list of accounts by management level, with the unit that leads each',
  })
  async managementLevelList(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('levels', () => [String], { nullable: true, description: '只列这些层级（编码、名称或别名）/ only these levels' }) levels?: string[] | null,
  ) {
    return services.tiers.managementLevelList(ctx, levels);
  }

  @Authorized()
  @Query(() => ManagementLevel, { nullable: true, description: '按 id 取一个管理层级 / one management level by id' })
  managementLevel(@Ctx() { loaders }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return /^\d+$/.test(id) ? loaders.byId(ManagementLevel).load(Number(id)) : null;
  }

  @FieldResolver(() => [CadenceRule], { description: '拜访频次规则（所有方案）/ cadence rules of the tier (every scheme)' })
  cadenceRules(@Root() tier: Tier, @Ctx() { loaders }: GraphQLContext) {
    return loaders.manyBy(CadenceRule, 'tierId').load(tier.id);
  }

  @Authorized()
  @Query(() => [IdentificationCriterion], { description: '大客户认定标准（加权指标）/ the identification standard: weighted criteria' })
  identificationCriteria(@Ctx() { ctx, services }: GraphQLContext) {
    return services.tiers.listCriteria(ctx);
  }

  @Authorized()
  @Query(() => IdentificationCriterion, { nullable: true, description: '按 id 取一条认定标准 / one identification criterion by id' })
  identificationCriterion(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.tiers.getCriterion(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => IdentificationCriterion, { description: '新建或修改认定标准（委员会，审计）/ create or change a criterion (the committee; audited)' })
  saveIdentificationCriterion(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => IdentificationCriterionInput) input: IdentificationCriterionInput) {
    return services.tiers.saveCriterion(ctx, input);
  }

  @Authorized()
  @Query(() => [TierTargetRowType], { description: '各级别客户数与目标户数（如战略伙伴 3–5 家）/ accounts per tier against the target count' })
  tierTargets(@Ctx() { ctx, services }: GraphQLContext) {
    return services.tiers.targets(ctx);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Tier, { description: '新建客户级别（委员会，审计）/ create a tier (the committee; audited)' })
  createTier(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => TierInputType) input: TierInputType) {
    return services.tiers.createTier(ctx, input);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => Tier, { description: '修改或停用客户级别：门槛、评分门槛、目标户数（委员会，审计）/ change a tier: thresholds, score, target count (the committee; audited)' })
  updateTier(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => TierInputType) input: TierInputType,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return services.tiers.updateTier(ctx, toId(id, 'id'), input, version);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => ManagementLevel, { description: '新建管理层级（委员会）/ create a management level (the committee)' })
  createManagementLevel(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => ManagementLevelInputType) input: ManagementLevelInputType) {
    return services.tiers.createManagementLevel(ctx, input);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => ManagementLevel, { description: '修改或停用管理层级（委员会）/ change or deactivate a management level (the committee)' })
  updateManagementLevel(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ManagementLevelInputType) input: ManagementLevelInputType,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return services.tiers.updateManagementLevel(ctx, toId(id, 'id'), input, version);
  }
}

@Resolver(() => ManagementLevelListItemType)
export class ManagementLevelListItemResolver {
  @FieldResolver(() => OrgUnit, { nullable: true, description: '牵头单位 / the unit that leads the account' })
  leadUnit(@Root() item: ManagementLevelListItemType, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(OrgUnit, item.leadUnitId);
  }
}
