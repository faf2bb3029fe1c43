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

