/** Vocabularies of complaints, quality problems and service requests (rules read them: strict). */
import { defineVocabulary } from '../../common/enums';

export enum ComplaintKind {
  COMPLAINT = 'COMPLAINT',
  QUALITY = 'QUALITY',
  SERVICE_REQUEST = 'SERVICE_REQUEST',
}
export const ComplaintKinds = defineVocabulary(ComplaintKind, 'ComplaintKind', '事项类别 / kind of item', {
  COMPLAINT: { label: '投诉', en: 'complaint', aliases: ['客户投诉'] },
  QUALITY: { label: '质量问题', en: 'quality problem', aliases: ['质量', '质量投诉', '质量缺陷'] },
  SERVICE_REQUEST: { label: '服务请求', en: 'service request', aliases: ['服务', '报修', '服务需求'] },
});

export enum ComplaintSeverity {
  CRITICAL = 'CRITICAL',
  MAJOR = 'MAJOR',
  NORMAL = 'NORMAL',
  MINOR = 'MINOR',
}
export const ComplaintSeverities = defineVocabulary(ComplaintSeverity, 'ComplaintSeverity', '严重程度 / severity', {
  CRITICAL: { label: '重大', en: 'critical', aliases: ['特急', '紧急'] },
  MAJOR: { label: '严重', en: 'major', aliases: ['较重', '重要'] },
  NORMAL: { label: '一般', en: 'normal', aliases: ['普通'] },
  MINOR: { label: '轻微', en: 'minor', aliases: ['较轻'] },
});

export enum ComplaintStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
  VERIFIED = 'VERIFIED',
  CLOSED = 'CLOSED',
}
export const ComplaintStatuses = defineVocabulary(ComplaintStatus, 'ComplaintStatus', '处理状态 / status', {
  OPEN: { label: '处理中', en: 'open', aliases: ['待处理', '未解决'] },
  RESOLVED: { label: '已解决待验证', en: 'resolved, awaiting verification', aliases: ['已解决'] },
  VERIFIED: { label: '已验证待答复', en: 'verified, awaiting the reply to the customer', aliases: ['已验证'] },
  CLOSED: { label: '已答复关闭', en: 'answered and closed', aliases: ['已关闭', '已答复'] },
});
