/** Vocabularies of handovers (工作交接). */
import { defineVocabulary } from '../../common/enums';

export enum HandoverReason {
  RESIGNED = 'RESIGNED',
  TRANSFERRED = 'TRANSFERRED',
  RETIRED = 'RETIRED',
  DISMISSED = 'DISMISSED',
  LONG_LEAVE = 'LONG_LEAVE',
  OTHER = 'OTHER',
}
export const HandoverReasons = defineVocabulary(HandoverReason, 'HandoverReason', '交接原因 / why someone hands over', {
  RESIGNED: { label: '离职', en: 'resigned', aliases: ['辞职', '主动离职'] },
  TRANSFERRED: { label: '调岗', en: 'transferred to another post', aliases: ['调动', '岗位调整', '调离'] },
  RETIRED: { label: '退休', en: 'retired' },
  DISMISSED: { label: '解除劳动关系', en: 'dismissed', aliases: ['辞退', '解聘'] },
  LONG_LEAVE: { label: '长期休假', en: 'long leave', aliases: ['病假', '产假', '休假'] },
  OTHER: { label: '其他', en: 'other', aliases: ['其它'] },
});

export enum HandoverItemKind {
  ACCOUNT = 'ACCOUNT',
  CROSS_REGION = 'CROSS_REGION',
  TEAM_SEAT = 'TEAM_SEAT',
  FOLLOW_UP = 'FOLLOW_UP',
  COMPLAINT = 'COMPLAINT',
  PLAN = 'PLAN',
}
export const HandoverItemKinds = defineVocabulary(HandoverItemKind, 'HandoverItemKind', '交接事项类别 / what is handed over', {
  ACCOUNT: { label: '所管客户', en: 'an account managed (ownership moves: the committee approves)' },
  CROSS_REGION: { label: '跨区域协同客户', en: 'a cross-region account worked on (ownership moves)' },
  TEAM_SEAT: { label: '服务团队席位', en: 'a seat on an account\'s service team' },
  FOLLOW_UP: { label: '跟进事项', en: 'an open follow-up action' },
  COMPLAINT: { label: '投诉事项', en: 'an open complaint or service request' },
  PLAN: { label: '沟通计划', en: 'a planned communication organised' },
});
