/** Vocabularies the tier rules read. */
import { defineVocabulary } from '../../common/enums';

/** What an identification criterion measures (policy 000: order amount, years, credit, influence, potential). */
export enum IdentificationMetric {
  RECORDED_SALES = 'RECORDED_SALES',
  COOPERATION_YEARS = 'COOPERATION_YEARS',
  CREDIT_SCORE = 'CREDIT_SCORE',
  CREDIT_RATING = 'CREDIT_RATING',
  SCALE = 'SCALE',
  REPUTATION = 'REPUTATION',
  EXPECTED_CONTRACT_VALUE = 'EXPECTED_CONTRACT_VALUE',
}
export const IdentificationMetrics = defineVocabulary(IdentificationMetric, 'IdentificationMetric', '认定指标 / identification metric', {
  RECORDED_SALES: { label: '年合作销售额（记录）', en: 'recorded annual sales (yuan): signings in projects and the ledger, last 12 months', aliases: ['订单金额', '合作销售额'] },
  COOPERATION_YEARS: { label: '合作年限', en: 'years since the account was filed (建档日期)', aliases: ['年限'] },
  CREDIT_SCORE: { label: '信用评分', en: 'latest credit evaluation score (0–100)', aliases: ['付款信用', '信用'] },
  CREDIT_RATING: { label: '信用等级', en: 'latest credit rating (AAA = 5 … C = 1)' },
  SCALE: { label: '企业规模', en: 'company scale (大型 = 4 … 微型 = 1): its influence', aliases: ['影响力', '规模'] },
  REPUTATION: { label: '信誉', en: 'reputation (优 = 4 … 差 = 1)' },
  EXPECTED_CONTRACT_VALUE: { label: '后续合同成交额', en: 'expected follow-up contract value (yuan): its potential', aliases: ['发展潜力', '潜力'] },
});

/** Where an account count stands against a tier's target (3–5 strategic partners). */
export enum TargetStatus {
  BELOW = 'BELOW',
  WITHIN = 'WITHIN',
  ABOVE = 'ABOVE',
  NONE = 'NONE',
}
export const TargetStatuses = defineVocabulary(TargetStatus, 'TargetStatus', '目标户数达成 / count against the target', {
  BELOW: { label: '低于目标', en: 'below the target' },
  WITHIN: { label: '在目标范围内', en: 'within the target', aliases: ['达标'] },
  ABOVE: { label: '超出目标', en: 'above the target' },
  NONE: { label: '未设目标', en: 'no target set' },
});
