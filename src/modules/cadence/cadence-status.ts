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

