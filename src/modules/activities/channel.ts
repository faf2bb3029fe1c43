/** 沟通方式: how a contact took place — a vocabulary the communication rules read (面谈 monthly, 电话或邮件 every two weeks). */
import { defineVocabulary } from '../../common/enums';

export enum Channel {
  FACE_TO_FACE = 'FACE_TO_FACE',
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  VIDEO = 'VIDEO',
  MESSAGE = 'MESSAGE',
  OTHER = 'OTHER',
}
export const Channels = defineVocabulary(Channel, 'Channel', '沟通方式 / communication channel', {
  FACE_TO_FACE: { label: '面谈', en: 'face to face', aliases: ['当面', '面对面', '现场', '见面', '上门'] },
  PHONE: { label: '电话', en: 'phone', aliases: ['电话沟通', '通话', '电话联系'] },
  EMAIL: { label: '邮件', en: 'email', aliases: ['电子邮件', 'e-mail', '邮箱', '函件'] },
  VIDEO: { label: '视频', en: 'video call', aliases: ['视频会议', '线上会议', '远程会议', '网络会议'] },
  MESSAGE: { label: '即时消息', en: 'instant message', aliases: ['微信', '短信', '钉钉', '企业微信', 'QQ'] },
  OTHER: { label: '其他', en: 'other', aliases: ['其它'] },
});
