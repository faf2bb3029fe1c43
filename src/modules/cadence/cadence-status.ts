/** Vocabularies that belong to the policy rules (registered as GraphQL enums like the domain's own). */
import { defineVocabulary } from '../../common/enums';

/** Where an account stands against one visit-cadence rule on a given day. */
export enum CadenceStatus {
  OK = 'OK',
  DUE_SOON = 'DUE_SOON',
  OVERDUE = 'OVERDUE',
  NEVER = 'NEVER',
}
export const CadenceStatuses = defineVocabulary(CadenceStatus, 'CadenceStatus', '拜访达标状态 / visit cadence status', {
  OK: { label: '正常', en: 'within the interval', aliases: ['达标'] },
  DUE_SOON: { label: '即将到期', en: 'due within the reminder window', aliases: ['临期'] },
  OVERDUE: { label: '已逾期', en: 'the interval has passed since the last one', aliases: ['逾期', '未达标'] },
  NEVER: { label: '从未', en: 'none since the account became active', aliases: ['无记录'] },
});


/** The unit of a cadence rule's interval: 每 N 天 / 周 / 月. */
export enum IntervalUnit {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
export const IntervalUnits = defineVocabulary(IntervalUnit, 'IntervalUnit', '间隔单位 / interval unit', {
  DAY: { label: '天', en: 'days', aliases: ['日'] },
  WEEK: { label: '周', en: 'weeks', aliases: ['星期', '礼拜'] },
  MONTH: { label: '月', en: 'calendar months', aliases: ['个月'] },
});
