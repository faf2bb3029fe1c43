/** BI aggregates over GraphQL: the money and activity figures dashboards chart. Definitions: analytics.service.ts. */
import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Query, Resolver, Root, registerEnumType, type ClassType } from 'type-graphql';
import { ActivityType, ProjectStatus } from '../../common/enums';
import { fenToYuan } from '../../common/money';
import { LocalDateScalar } from '../../common/scalars';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { AccountFilterInput } from '../accounts/account.inputs';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Tier } from '../tiers/tier.entity';
import {
  AccountStatsDimension, ActivityStatsDimension, ProjectStatsDimension,
  type AccountStatsRow, type ActivityStatsRow, type ProjectStatsRow, type StatsKey,
} from './analytics.service';

registerEnumType(AccountStatsDimension, {
  name: 'AccountStatsDimension',
  description: '大客户统计分组维度 / what account statistics are grouped by',
  valuesConfig: {
    TIER: { description: '客户级别（当前）/ tier (current)' },
    UNIT: { description: '推荐单位（当前）/ owning unit (current)' },
    MANAGER: { description: '客户经理（当前）/ account manager (current)' },
    INDUSTRY: { description: '行业类别 / industry' },
    MONTH: { description: '月份（YYYY-MM）：期间内每月一行 / month: one row per month of the period' },
    ACCOUNT: { description: '单个客户 / each account' },
  },
});
registerEnumType(ActivityStatsDimension, {
  name: 'ActivityStatsDimension',
  description: '经营档案统计分组维度 / what activity statistics are grouped by',
  valuesConfig: {
    TYPE: { description: '类型 / activity type' },
    MONTH: { description: '月份（YYYY-MM）/ month' },
    MANAGER: { description: '记录的客户经理 / the activity\'s manager' },
    ACCOUNT: { description: '客户 / account' },
    TIER: { description: '客户级别（当前）/ the account\'s tier (current)' },
    UNIT: { description: '推荐单位（当前）/ the account\'s owning unit (current)' },
  },
});
registerEnumType(ProjectStatsDimension, {
  name: 'ProjectStatsDimension',
  description: '项目统计分组维度 / what project statistics are grouped by',
  valuesConfig: {
    STATUS: { description: '项目状态 / status' },
    MONTH: { description: '签约月份（YYYY-MM；未签约为空）/ month signed (null when unsigned)' },
    UNIT: { description: '承接单位 / our unit' },
    MANAGER: { description: '项目负责人 / project manager' },
    ACCOUNT: { description: '客户 / account' },
    TIER: { description: '客户级别（当前）/ the account\'s tier (current)' },
  },
});

/** The group a row stands for; only the dimensions grouped by are set. */
@ObjectType()
abstract class StatsKeyType implements StatsKey {
  @Field(() => ID, { nullable: true, description: '客户级别 id（按 TIER 分组时）/ tier id (grouping by TIER)' })
  tierId?: number | null;

  @Field(() => ID, { nullable: true, description: '单位 id（按 UNIT 分组时）/ unit id (grouping by UNIT)' })
  unitId?: number | null;

  @Field(() => ID, { nullable: true, description: '客户经理 id（按 MANAGER 分组时）/ manager id (grouping by MANAGER)' })
  managerId?: number | null;

  @Field(() => ID, { nullable: true, description: '客户 id（按 ACCOUNT 分组时）/ account id (grouping by ACCOUNT)' })
  accountId?: number;

  @Field(() => String, { nullable: true, description: '月份 YYYY-MM（按 MONTH 分组时）/ month (grouping by MONTH)' })
  month?: string;
}

@ObjectType('AccountStatsRow', { simpleResolvers: true, description: '大客户统计行（金额单位：元）/ account statistics for one group (amounts in yuan)' })
export class AccountStatsRowType extends StatsKeyType {
  @Field(() => String, { nullable: true, description: '行业类别（按 INDUSTRY 分组时）/ industry (grouping by INDUSTRY)' })
  industry?: string | null;

  @Field(() => Int, { description: '客户数：本组中符合筛选的客户 / accounts in the group matching the filter' })
  accounts!: number;

  @Field(() => Float, { nullable: true,
    description:
      '签约额：期间内签约项目的合同金额之和，加上期间内经营档案的合同金额——关联到已有合同金额与签约日期之项目的除外（该签约只按项目计一次）/ signed: contract amounts of projects signed in the period, plus ledger activities in the period with a contract amount, except those linked to a project that has its own contract amount and signing date (such a signing counts once, through the project)',
  })
  signed!: number;

  @Field(() => Float, { nullable: true, description: '回款额：期间内回款之和（经营档案中的回款即关联的回款记录，只计一次）/ received: payments received in the period (ledger collections are those payments, counted once)' })
  received!: number;

  @Field(() => Float, { nullable: true,
    description:
      '应收余额（截至日）：逐客户计，截至日已到期或所属项目已签约的应收计划之和，减去截至日前（含）回款之和，不小于 0 / receivable as of the as-of date: per account, receivables due by then or belonging to a project signed by then, minus payments received by then, floored at 0',
  })
  receivable!: number;

  @Field(() => Float, { nullable: true,
    description:
      '逾期应收（截至日）：逐客户计，截至日之前到期的应收之和减去截至日前（含）回款之和，不小于 0 / overdue as of the as-of date: per account, receivables due before it minus payments received by it, floored at 0',
  })
  overdue!: number;
}

@ObjectType({ simpleResolvers: true, description: '大客户统计 / account statistics' })
export class AccountStats {
  @Field(() => LocalDateScalar, { description: '期间起 / period start' })
  from!: string;

  @Field(() => LocalDateScalar, { description: '期间止 / period end' })
  to!: string;

  @Field(() => LocalDateScalar, { description: '余额截至日（按月分组时每行为该月末）/ balances as of (each month\'s end when grouping by MONTH)' })
  asOf!: string;

  @Field(() => [AccountStatsRowType], { description: '各组（按分组维度排序）/ groups, ordered by the dimensions' })
  rows!: AccountStatsRowType[];

  @Field(() => AccountStatsRowType, { description: '合计（不分组，余额截至 asOf）/ all filtered accounts, ungrouped (balances as of asOf)' })
  total!: AccountStatsRowType;
}

@ObjectType('ActivityStatsRow', { simpleResolvers: true, description: '经营档案统计行 / activity statistics for one group' })
export class ActivityStatsRowType extends StatsKeyType {
  @Field(() => ActivityType, { nullable: true, description: '类型（按 TYPE 分组时）/ type (grouping by TYPE)' })
  type?: ActivityType;

  @Field(() => Int, { description: '记录数 / activities' })
  activities!: number;

  @Field(() => Int, { description: '涉及客户数 / distinct accounts' })
  accounts!: number;
}

@ObjectType({ simpleResolvers: true, description: '经营档案统计 / activity statistics' })
export class ActivityStats {
  @Field(() => LocalDateScalar, { description: '期间起 / period start' })
  from!: string;

  @Field(() => LocalDateScalar, { description: '期间止 / period end' })
  to!: string;

  @Field(() => [ActivityStatsRowType])
  rows!: ActivityStatsRowType[];
}

@ObjectType('ProjectStatsRow', { simpleResolvers: true, description: '项目统计行（金额单位：元）/ project statistics for one group (yuan)' })
export class ProjectStatsRowType extends StatsKeyType {
  @Field(() => ProjectStatus, { nullable: true, description: '状态（按 STATUS 分组时）/ status (grouping by STATUS)' })
  status?: ProjectStatus;

  @Field(() => Int, { description: '项目数 / projects' })
  projects!: number;

  @Field(() => Float, { nullable: true, description: '合同金额之和 / sum of contract amounts' })
  contractAmount!: number;
}

function accountRow(r: AccountStatsRow): AccountStatsRowType {
  const { signedFen, receivedFen, receivableFen, overdueFen, ...rest } = r;
  return Object.assign(new AccountStatsRowType(), rest, {
    signed: fenToYuan(signedFen),
    received: fenToYuan(receivedFen),
    receivable: fenToYuan(receivableFen),
    overdue: fenToYuan(overdueFen),
  });
}

@Resolver()
export class AnalyticsResolver {
  @Authorized()
  @Query(() => AccountStats, { description: '大客户统计：客户数、签约、回款、应收、逾期，可按级别/单位/经理/行业/月份/客户分组 / account statistics (accounts, signed, received, receivable, overdue) by tier, unit, manager, industry, month or account' })
  async accountStats(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('groupBy', () => [AccountStatsDimension], { defaultValue: [], description: '分组维度（空为合计）/ dimensions (none = one total row)' }) groupBy: AccountStatsDimension[],
    @Arg('filter', () => AccountFilterInput, { nullable: true }) filter?: AccountFilterInput | null,
    @Arg('from', () => LocalDateScalar, { nullable: true, description: '期间起（含；默认 to 所在年 1 月 1 日）/ period start (inclusive; default Jan 1 of to\'s year)' }) from?: string | null,
    @Arg('to', () => LocalDateScalar, { nullable: true, description: '期间止（含；默认今天）/ period end (inclusive; default today)' }) to?: string | null,
    @Arg('asOf', () => LocalDateScalar, { nullable: true, description: '余额截至日（默认 to）/ balances as of (default to)' }) asOf?: string | null,
  ): Promise<AccountStats> {
    const r = await services.analytics.accountStats(ctx, { groupBy, filter, from, to, asOf });
    return { from: r.from, to: r.to, asOf: r.asOf, rows: r.rows.map(accountRow), total: accountRow(r.total) };
  }

  @Authorized()
  @Query(() => ActivityStats, { description: '经营档案统计：按类型/月份/经理/客户/级别/单位计数 / activity counts by type, month, manager, account, tier or unit' })
  async activityStats(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('groupBy', () => [ActivityStatsDimension], { defaultValue: [] }) groupBy: ActivityStatsDimension[],
    @Arg('filter', () => AccountFilterInput, { nullable: true, description: '哪些客户的记录 / whose activities' }) filter?: AccountFilterInput | null,
    @Arg('types', () => [ActivityType], { nullable: true, description: '类型 / types' }) types?: ActivityType[] | null,
    @Arg('managerIds', () => [ID], { nullable: true, description: '记录的客户经理 / the activities\' managers' }) managerIds?: string[] | null,
    @Arg('from', () => LocalDateScalar, { nullable: true, description: '日期起（默认今年 1 月 1 日）/ from (default Jan 1)' }) from?: string | null,
    @Arg('to', () => LocalDateScalar, { nullable: true, description: '日期止（默认今天）/ to (default today)' }) to?: string | null,
  ): Promise<ActivityStats> {
    const r = await services.analytics.activityStats(ctx, { groupBy, filter, types, managerIds, from, to });
    return { from: r.from, to: r.to, rows: r.rows.map((x: ActivityStatsRow) => Object.assign(new ActivityStatsRowType(), x)) };
  }

  @Authorized()
  @Query(() => [ProjectStatsRowType], { description: '项目统计：按状态/签约月份/单位/经理/客户/级别计项目数与合同金额 / projects and contract value by status, month signed, unit, manager, account or tier' })
  async projectStats(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('groupBy', () => [ProjectStatsDimension], { defaultValue: [] }) groupBy: ProjectStatsDimension[],
    @Arg('filter', () => AccountFilterInput, { nullable: true, description: '哪些客户的项目 / whose projects' }) filter?: AccountFilterInput | null,
    @Arg('statuses', () => [ProjectStatus], { nullable: true, description: '状态 / statuses' }) statuses?: ProjectStatus[] | null,
    @Arg('signedFrom', () => LocalDateScalar, { nullable: true, description: '签约日期起（含）/ signed on or after' }) signedFrom?: string | null,
    @Arg('signedTo', () => LocalDateScalar, { nullable: true, description: '签约日期止（含）/ signed on or before' }) signedTo?: string | null,
  ): Promise<ProjectStatsRowType[]> {
    const rows = await services.analytics.projectStats(ctx, { groupBy, filter, statuses, signedFrom, signedTo });
    return rows.map(({ contractFen, ...rest }: ProjectStatsRow) => Object.assign(new ProjectStatsRowType(), rest, { contractAmount: fenToYuan(contractFen) }));
  }
}

/** Relations of a statistics row, resolved through the request's loaders (one query per relation). */
function statsKeyResolver(rowType: ClassType<StatsKey>) {
  @Resolver(() => rowType)
  class KeyResolver {
    @FieldResolver(() => Tier, { nullable: true, description: '客户级别 / tier' })
    tier(@Root() r: StatsKey, @Ctx() { loaders }: GraphQLContext) {
      return r.tierId == null ? null : loaders.byId(Tier).load(r.tierId);
    }

    @FieldResolver(() => OrgUnit, { nullable: true, description: '单位 / unit' })
    unit(@Root() r: StatsKey, @Ctx() { loaders }: GraphQLContext) {
      return r.unitId == null ? null : loaders.byId(OrgUnit).load(r.unitId);
    }

    @FieldResolver(() => User, { nullable: true, description: '客户经理 / manager' })
    manager(@Root() r: StatsKey, @Ctx() { loaders }: GraphQLContext) {
      return r.managerId == null ? null : loaders.byId(User).load(r.managerId);
    }

    @FieldResolver(() => Account, { nullable: true, description: '客户 / account' })
    account(@Root() r: StatsKey, @Ctx() { loaders }: GraphQLContext) {
      return r.accountId == null ? null : loaders.byId(Account).load(r.accountId);
    }
  }
  return KeyResolver;
}

export const AccountStatsRowResolver = statsKeyResolver(AccountStatsRowType);
export const ActivityStatsRowResolver = statsKeyResolver(ActivityStatsRowType);
export const ProjectStatsRowResolver = statsKeyResolver(ProjectStatsRowType);
