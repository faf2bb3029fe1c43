/**
 * The default policy the seeds prescribe (DESIGN.md "Policy rules"): the four-tier scheme with every
 * policy's labels as aliases, management levels, and visit cadence. All of it is data an ADMIN can
 * change; this is only what a new database starts with.
 */
import { ActivityType, CreditRating, YearEndDecision } from '../common/enums';

const 万 = 10_000;
const 亿 = 100_000_000;
/** 元 → 分 */
const fen = (yuan: number) => yuan * 100;

export interface DefaultTier {
  code: string;
  name: string;
  rank: number;
  aliases: string[];
  minAnnualSalesFen: number | null;
  inMonthlyReport: boolean;
  description: string;
  cadence: Partial<Record<ActivityType, number>>;
}

export const DEFAULT_TIERS: DefaultTier[] = [
  {
    code: 'STRATEGIC',
    name: '战略',
    rank: 1,
    aliases: ['战略客户', '战略大客户', '战略级', '核心级', '核心', '核心客户', '核心大客户'],
    minAnnualSalesFen: null,
    inMonthlyReport: true,
    description: '由大客户管理委员会认定，不按销售额自动建议 / designated by the committee',
    cadence: {
      [ActivityType.EXECUTIVE_VISIT]: 6,
      [ActivityType.MANAGER_VISIT]: 1,
      [ActivityType.TECHNICAL_EXCHANGE]: 6,
      [ActivityType.QUALITY_EXCHANGE]: 3,
    },
  },
  {
    code: 'KEY',
    name: '重点',
    rank: 2,
    aliases: ['重点客户', '重点大客户', '重点级', '重要级', '重要', '重要客户', '重要大客户'],
    minAnnualSalesFen: fen(2000 * 万),
    inMonthlyReport: true,
    description: '年合作销售额 ≥ 2000万元 / annual sales ≥ 20 million yuan',
    cadence: {
      [ActivityType.EXECUTIVE_VISIT]: 12,
      [ActivityType.MANAGER_VISIT]: 2,
      [ActivityType.TECHNICAL_EXCHANGE]: 12,
      [ActivityType.QUALITY_EXCHANGE]: 6,
    },
  },
  {
    code: 'MAJOR',
    name: '主要',
    rank: 3,
    aliases: ['主要客户', '主要大客户', '主要级', '潜力级', '潜力', '潜力客户'],
    minAnnualSalesFen: fen(500 * 万),
    inMonthlyReport: false,
    description: '年合作销售额 ≥ 500万元 / annual sales ≥ 5 million yuan',
    cadence: {
      [ActivityType.MANAGER_VISIT]: 3,
      [ActivityType.TECHNICAL_EXCHANGE]: 12,
    },
  },
  {
    code: 'GENERAL',
    name: '一般',
    rank: 4,
    aliases: ['一般客户', '一般大客户', '一般级', '普通客户'],
    minAnnualSalesFen: 0,
    inMonthlyReport: false,
    description: '年合作销售额 < 500万元 / annual sales below 5 million yuan',
    cadence: {
      [ActivityType.MANAGER_VISIT]: 6,
    },
  },
];

export const DEFAULT_MANAGEMENT_LEVELS = [
  { code: 'COMPANY', name: '公司级', rank: 1, aliases: ['公司级客户', '集团级', '总部级', '公司级管理'], minExpectedContractFen: fen(2 * 亿), leadUnitKind: 'COMPANY' },
  { code: 'BRANCH', name: '分公司级', rank: 2, aliases: ['分公司级客户', '分公司级管理', '分公司'], minExpectedContractFen: fen(1 * 亿), leadUnitKind: 'BRANCH' },
];

export interface DefaultYearEndRule {
  position: number;
  name: string;
  decision: YearEndDecision;
  ratings?: CreditRating[];
  scoreAtLeast?: number;
  scoreBelow?: number;
  signedAtLeastFen?: number;
  signedBelowFen?: number;
  receivedAtLeastFen?: number;
  receivedBelowFen?: number;
  complianceAtLeast?: number;
  complianceBelow?: number;
  description: string;
}

/**
 * Year-end decision rules (年度评价), tried in order, first match wins. The last one has no condition,
 * so every evaluated account gets a proposal; the committee confirms or overrides each.
 */
export const DEFAULT_YEAR_END_RULES: DefaultYearEndRule[] = [
  {
    position: 10,
    name: '信用等级 C',
    decision: YearEndDecision.TERMINATE,
    ratings: [CreditRating.C],
    description: '信用等级为 C（差）：建议终止合作 / poor credit: propose ending the cooperation',
  },
  {
    position: 20,
    name: '评分低于 60 且全年无签约',
    decision: YearEndDecision.TERMINATE,
    scoreBelow: 60,
    signedBelowFen: 1,
    description: '信用评分 < 60 且本年度无任何签约：建议终止合作 / low score and nothing signed all year',
  },
  {
    position: 30,
    name: '信用优良且年度签约 ≥ 1000万',
    decision: YearEndDecision.STRENGTHEN,
    ratings: [CreditRating.AAA, CreditRating.AA],
    scoreAtLeast: 80,
    signedAtLeastFen: fen(1000 * 万),
    description: '信用 AAA/AA、评分 ≥ 80、年度签约 ≥ 1000万元：建议加强攻关 / strong credit and large signings',
  },
  {
    position: 40,
    name: '信用良好但拜访不达标',
    decision: YearEndDecision.STRENGTHEN,
    scoreAtLeast: 80,
    complianceBelow: 60,
    description: '评分 ≥ 80 但年末拜访达标率 < 60%：建议加强攻关 / a good account that is under-served',
  },
  {
    position: 100,
    name: '其余',
    decision: YearEndDecision.MAINTAIN,
    description: '其余客户：维持现状 / everyone else: maintain',
  },
];


// ---------------------------------------------------------------- the policies, complete (issue 19)

/** Target number of accounts per tier (policy 003: 3–5 strategic partners). */
export const DEFAULT_TIER_TARGETS: Record<string, { targetMin: number | null; targetMax: number | null }> = {
  STRATEGIC: { targetMin: 3, targetMax: 5 },
};

/** 服务团队角色 (policy 003). ACCOUNT_MANAGER is the ownership's seat. */
export const DEFAULT_TEAM_ROLES = [
  { code: 'ACCOUNT_MANAGER', name: '客户经理', rank: 1, aliases: ['大客户经理'], fromOwnership: true, description: '归属单位的客户经理，由委员会改派 / the owning unit\'s manager, reassigned only by the committee' },
  { code: 'RESIDENT_REP', name: '驻厂业务代表', rank: 2, aliases: ['驻厂代表', '驻场代表', '驻厂业务员'], fromOwnership: false, description: '年合作销售额 5000万以上的战略客户派驻 / stationed at strategic accounts above 50 million yuan' },
  { code: 'TECHNICAL', name: '技术负责人', rank: 3, aliases: ['技术', '技术对接人'], fromOwnership: false, description: '技术交流与方案 / technical exchange' },
  { code: 'QUALITY', name: '质量负责人', rank: 4, aliases: ['质量', '质量对接人'], fromOwnership: false, description: '质量交流、质量问题的解决与验证 / quality exchange, quality problems' },
  { code: 'AFTER_SALES', name: '售后负责人', rank: 5, aliases: ['售后', '售后服务'], fromOwnership: false, description: '售后服务与服务请求 / after-sales service' },
  { code: 'DESIGN', name: '设计负责人', rank: 6, aliases: ['设计'], fromOwnership: false, description: '设计配合 / design support' },
  { code: 'LEGAL', name: '法务负责人', rank: 7, aliases: ['法务'], fromOwnership: false, description: '合同与法律事务 / contracts and legal matters' },
];

/** 团队配置要求 (policy 003): what every strategic account's team must have. */
export const DEFAULT_TEAM_REQUIREMENTS = [
  { tier: 'STRATEGIC', role: 'RESIDENT_REP', minAnnualSalesFen: fen(5000 * 万), description: '年合作销售额 5000万以上的战略客户须派驻厂业务代表 / a resident representative above 50 million yuan' },
  { tier: 'STRATEGIC', role: 'TECHNICAL', minAnnualSalesFen: null, description: '战略客户须指定技术负责人 / a named technical owner' },
  { tier: 'STRATEGIC', role: 'QUALITY', minAnnualSalesFen: null, description: '战略客户须指定质量负责人 / a named quality owner' },
  { tier: 'STRATEGIC', role: 'AFTER_SALES', minAnnualSalesFen: null, description: '战略客户须指定售后负责人 / a named after-sales owner' },
];

export interface DefaultCadenceRule {
  tier: string;
  name: string;
  activityTypes: ActivityType[];
  channels: string[];
  teamRole: string | null;
  interval: number;
  unit: 'DAY' | 'WEEK' | 'MONTH';
  dueSoonDays: number;
}

/** Team roles whose holder must take part in policy 003's strategic contacts. */
export const STRATEGIC_RULE_ROLES: Partial<Record<ActivityType, string>> = {
  [ActivityType.MANAGER_VISIT]: 'ACCOUNT_MANAGER',
  [ActivityType.TECHNICAL_EXCHANGE]: 'TECHNICAL',
  [ActivityType.QUALITY_EXCHANGE]: 'QUALITY',
};

export const TYPE_LABEL: Partial<Record<ActivityType, string>> = {
  [ActivityType.EXECUTIVE_VISIT]: '高层拜访',
  [ActivityType.MANAGER_VISIT]: '客户经理拜访',
  [ActivityType.TECHNICAL_EXCHANGE]: '技术交流',
  [ActivityType.QUALITY_EXCHANGE]: '质量交流',
};

/**
 * 沟通频次方案. POLICY_003 (in force): the tiers' rhythms of DESIGN.md, strategic contacts by role — the
 * account manager monthly, technical every six months, quality quarterly — counted only when that
 * person took part; executive visits every six months. POLICY_002: 重要大客户 (and strategic) face to
 * face monthly and by phone or email every two weeks; the lighter tiers face to face quarterly / half-yearly.
 */
export const DEFAULT_CADENCE_PROFILES: { code: string; name: string; description: string; active: boolean; rules: DefaultCadenceRule[] }[] = [
  {
    code: 'POLICY_003',
    name: '战略客户管理制度（003）',
    description: '战略客户：高层每半年、客户经理每月、技术每半年、质量每季度，按团队角色核对参加人；其余级别按级别频次 / policy 003 rhythms, strategic contacts by team role',
    active: true,
    rules: DEFAULT_TIERS.flatMap((t) =>
      Object.entries(t.cadence).map(([type, months]) => ({
        tier: t.code, name: TYPE_LABEL[type as ActivityType] ?? type, activityTypes: [type as ActivityType], channels: [],
        teamRole: t.code === 'STRATEGIC' ? (STRATEGIC_RULE_ROLES[type as ActivityType] ?? null) : null, interval: months as number, unit: 'MONTH' as const, dueSoonDays: 14,
      })),
    ),
  },
  {
    code: 'POLICY_002',
    name: '大客户沟通管理制度（002）',
    description: '重要大客户（及战略客户）：每月面谈、每两周电话或邮件跟进；主要客户每季度、一般客户每半年面谈 / policy 002 rhythms by channel',
    active: false,
    rules: [
      ...['STRATEGIC', 'KEY'].flatMap((tier) => [
        { tier, name: '面谈', activityTypes: [], channels: ['FACE_TO_FACE'], teamRole: null, interval: 1, unit: 'MONTH' as const, dueSoonDays: 7 },
        { tier, name: '电话或邮件跟进', activityTypes: [], channels: ['EMAIL', 'PHONE'], teamRole: null, interval: 2, unit: 'WEEK' as const, dueSoonDays: 3 },
      ]),
      { tier: 'MAJOR', name: '面谈', activityTypes: [], channels: ['FACE_TO_FACE'], teamRole: null, interval: 3, unit: 'MONTH', dueSoonDays: 14 },
      { tier: 'GENERAL', name: '面谈', activityTypes: [], channels: ['FACE_TO_FACE'], teamRole: null, interval: 6, unit: 'MONTH', dueSoonDays: 14 },
    ],
  },
];

/** 大客户认定标准 (policy 000): order amount, years of cooperation, payment credit, influence, potential. Money bands in 元. */
export const DEFAULT_CRITERIA = [
  { code: 'ORDER_AMOUNT', name: '订单金额', metric: 'RECORDED_SALES', weight: 40, bands: [{ atLeast: 5000 * 万, points: 100 }, { atLeast: 2000 * 万, points: 80 }, { atLeast: 500 * 万, points: 50 }, { atLeast: 100 * 万, points: 20 }], description: '近 12 个月记录的签约额 / recorded signings, last 12 months' },
  { code: 'COOPERATION_YEARS', name: '合作年限', metric: 'COOPERATION_YEARS', weight: 15, bands: [{ atLeast: 5, points: 100 }, { atLeast: 3, points: 70 }, { atLeast: 1, points: 40 }], description: '自建档日期起 / since 建档日期' },
  { code: 'PAYMENT_CREDIT', name: '付款信用', metric: 'CREDIT_SCORE', weight: 20, bands: [{ atLeast: 90, points: 100 }, { atLeast: 80, points: 80 }, { atLeast: 60, points: 50 }], description: '最近一次信用评价得分 / the latest credit evaluation score' },
  { code: 'INFLUENCE', name: '行业影响力', metric: 'SCALE', weight: 10, bands: [{ atLeast: 4, points: 100 }, { atLeast: 3, points: 60 }, { atLeast: 2, points: 30 }], description: '企业规模：大型 4、中型 3、小型 2 / company scale' },
  { code: 'POTENTIAL', name: '发展潜力', metric: 'EXPECTED_CONTRACT_VALUE', weight: 15, bands: [{ atLeast: 2 * 亿, points: 100 }, { atLeast: 1 * 亿, points: 70 }, { atLeast: 3000 * 万, points: 40 }], description: '后续合同成交额 / expected follow-up contracts' },
];

/** 答复时限 (policy 003: strategic accounts' problems first): days by severity, strategic, key and every other tier. */
export const DEFAULT_COMPLAINT_DEADLINES: { severity: string; tier: string | null; days: number }[] = [
  ...([['CRITICAL', 1, 2, 3], ['MAJOR', 3, 5, 7], ['NORMAL', 7, 10, 15], ['MINOR', 15, 20, 30]] as const).flatMap(([severity, strategic, key, other]) => [
    { severity, tier: 'STRATEGIC', days: strategic },
    { severity, tier: 'KEY', days: key },
    { severity, tier: null, days: other },
  ]),
];
