import DataLoader from 'dataloader';
import { Ctx, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import type { Loaders } from '../../common/loaders';
import { fenToYuan } from '../../common/money';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { Tier } from './tier.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { leadUnitOf } from './management-level.rules';
import { ManagementLevel } from './management-level.entity';
import { Assignment } from '../ownership/assignment.entity';
import { TierReview } from '../reviews/tier-review.entity';
import type { AccountSuggestion } from './tier.service';

/** Per request: one suggestions query for every account on the page, however many ask. */
const suggestionLoaders = new WeakMap<Loaders, DataLoader<number, AccountSuggestion | null>>();

function suggestions({ ctx, services, loaders }: GraphQLContext): DataLoader<number, AccountSuggestion | null> {
  let loader = suggestionLoaders.get(loaders);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly number[]) => {
      const found = await services.tiers.suggestions(ctx, ids);
      return ids.map((id) => found.get(id) ?? null);
    }, { maxBatchSize: 500 });
    suggestionLoaders.set(loaders, loader);
  }
  return loader;
}

/** Per request: the unit tree (units are few), for the lead unit of every account on the page. */
const unitTrees = new WeakMap<Loaders, Promise<Map<number, OrgUnit>>>();

function unitTree({ services, ctx, loaders }: GraphQLContext): Promise<Map<number, OrgUnit>> {
  let tree = unitTrees.get(loaders);
  if (!tree) {
    tree = services.org.listUnits(ctx).then((units) => new Map(units.map((u) => [u.id, u])));
    unitTrees.set(loaders, tree);
  }
  return tree;
}

/** The policy's view of an account: the tier and level its figures call for, and its ownership history. */
@Resolver(() => Account)
export class AccountPolicyResolver {
  @FieldResolver(() => Tier, {
    nullable: true,
    description: '建议级别：按记录的年合作销售额（近 12 个月签约，按规则合并集团）与认定评分；委员会认定的级别保持不变 / tier the recorded figures call for (signings of the last 12 months, group totals where the tier says so, and the identification score); a committee-designated tier stays',
  })
  async suggestedTier(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    return (await suggestions(gctx).load(a.id))?.tier ?? null;
  }

  @FieldResolver(() => ManagementLevel, { nullable: true, description: '建议管理层级：按后续合同成交额 / management level the follow-up contract value calls for' })
  async suggestedLevel(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    return (await suggestions(gctx).load(a.id))?.level ?? null;
  }

  @FieldResolver(() => Float, { nullable: true, description: '年合作销售额（记录，元）：近 12 个月项目与经营档案的签约额 / recorded annual sales (yuan): signings in projects and the ledger over the last 12 months' })
  async recordedAnnualSales(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    return fenToYuan((await suggestions(gctx).load(a.id))?.figures.recordedSalesFen ?? null);
  }

  @FieldResolver(() => Float, { nullable: true, description: '集团合计年合作销售额（记录，元）/ recorded annual sales summed over the group (yuan)' })
  async groupRecordedAnnualSales(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    return fenToYuan((await suggestions(gctx).load(a.id))?.figures.groupRecordedSalesFen ?? null);
  }

  @FieldResolver(() => Float, { nullable: true, description: '认定评分（0–100，按加权认定标准）/ identification score (0–100, weighted criteria)' })
  async identificationScore(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    return (await suggestions(gctx).load(a.id))?.score ?? null;
  }

  @FieldResolver(() => Float, { nullable: true, description: '集团合计年合作销售额估计（元）/ the managers\' estimates summed over the whole group (yuan)' })
  async groupAnnualSales(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    return fenToYuan((await suggestions(gctx).load(a.id))?.figures.groupAnnualSalesFen ?? null);
  }

  @FieldResolver(() => Float, { nullable: true, description: '集团合计后续合同成交额（元）/ expected contract value summed over the group (yuan)' })
  async groupExpectedContractValue(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    return fenToYuan((await suggestions(gctx).load(a.id))?.figures.groupExpectedContractValueFen ?? null);
  }

  @FieldResolver(() => OrgUnit, {
    nullable: true,
    description: '牵头单位：公司级由总公司、分公司级由所属分公司牵头 / the unit that leads the account by its management level (head office for 公司级, the branch for 分公司级)',
  })
  async leadUnit(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    if (a.managementLevelId == null) return null;
    const level = await gctx.loaders.byId(ManagementLevel).load(a.managementLevelId);
    if (!level) return null;
    const units = await unitTree(gctx);
    const id = leadUnitOf(a.ownerUnitId, level.leadUnitKind, units);
    return id === null ? null : (units.get(id) ?? null);
  }

  @FieldResolver(() => [Assignment], { description: '归属记录（全部历史）/ every ownership period, oldest first' })
  assignments(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return loaders.manyBy(Assignment, 'accountId').load(a.id);
  }

  @FieldResolver(() => [TierReview], { description: '级别复核记录 / tier reviews, oldest first' })
  tierReviews(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return loaders.manyBy(TierReview, 'accountId').load(a.id);
  }
}
