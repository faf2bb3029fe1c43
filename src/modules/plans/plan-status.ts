/** Vocabularies of communication plans and follow-up actions. */
import { defineVocabulary } from '../../common/enums';

export enum PlanStatus {
  PLANNED = 'PLANNED',
  DONE = 'DONE',
  CANCELLED = 'CANCELLED',
}
export const PlanStatuses = defineVocabulary(PlanStatus, 'PlanStatus', '沟通计划状态 / planned communication status', {
  PLANNED: { label: '计划中', en: 'planned', aliases: ['待执行'] },
  DONE: { label: '已完成', en: 'done (an activity fulfilled it)', aliases: ['完成', '已执行'] },
  CANCELLED: { label: '已取消', en: 'cancelled', aliases: ['取消'] },
});

export enum FollowUpStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
  CANCELLED = 'CANCELLED',
}
export const FollowUpStatuses = defineVocabulary(FollowUpStatus, 'FollowUpStatus', '跟进事项状态 / follow-up action status', {
  OPEN: { label: '待办', en: 'open', aliases: ['未完成', '进行中'] },
  DONE: { label: '已完成', en: 'done', aliases: ['完成'] },
  CANCELLED: { label: '已取消', en: 'cancelled', aliases: ['取消'] },
});

export enum FollowUpSource {
  ACTIVITY = 'ACTIVITY',
  PLAN = 'PLAN',
  MANUAL = 'MANUAL',
}
export const FollowUpSources = defineVocabulary(FollowUpSource, 'FollowUpSource', '跟进事项来源 / where a follow-up action came from', {
  ACTIVITY: { label: '经营档案下一步', en: 'the next action of an activity (附件4 下一步工作)' },
  PLAN: { label: '沟通计划', en: 'a planned communication' },
  MANUAL: { label: '手工登记', en: 'entered by hand' },
});
