/** The entities a BI tool refreshes incrementally, as a GraphQL enum (`changes(entity: ACTIVITIES, …)`). */
import { defineVocabulary } from '../../common/enums';
import type { BiEntityName } from './bi-catalog';

export enum BiEntityKind {
  ACCOUNTS = 'ACCOUNTS',
  CONTACTS = 'CONTACTS',
  PROJECTS = 'PROJECTS',
  RECEIVABLES = 'RECEIVABLES',
  PAYMENTS = 'PAYMENTS',
  ACTIVITIES = 'ACTIVITIES',
  CREDIT_EVALUATIONS = 'CREDIT_EVALUATIONS',
  ASSIGNMENTS = 'ASSIGNMENTS',
}
export const BiEntityKinds = defineVocabulary(BiEntityKind, 'BiEntity', 'BI 数据集 / entity a BI tool refreshes (feeds /feeds/{entity}.csv use the lower-case, dashed name)', {
  ACCOUNTS: { label: '大客户', en: 'accounts' },
  CONTACTS: { label: '大客户相关人员', en: 'contacts' },
  PROJECTS: { label: '合作项目', en: 'projects' },
  RECEIVABLES: { label: '应收计划', en: 'receivables' },
  PAYMENTS: { label: '回款', en: 'payments' },
  ACTIVITIES: { label: '经营档案', en: 'activities' },
  CREDIT_EVALUATIONS: { label: '信用评价', en: 'credit evaluations' },
  ASSIGNMENTS: { label: '归属记录', en: 'assignments' },
});

/** `CREDIT_EVALUATIONS` → `credit-evaluations` (the feed's and the view's name). */
export const feedName = (kind: BiEntityKind): BiEntityName => kind.toLowerCase().replace(/_/g, '-') as BiEntityName;
