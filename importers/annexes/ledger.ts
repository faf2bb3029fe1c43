/** 附件4 大客户经理经营档案: one row is an activity (visit, exchange, meeting…), maybe a signing or a collection. */
import { ActivityTypes, ImportAnnex, IntelTags } from '../../src/common/enums';
import { Channels } from '../../src/modules/activities/channel';
import { ACCOUNT_REF, ACCOUNT_REF_KEYS, SEQ } from './common-columns';
import type { AnnexSpec } from './spec';

export const LEDGER: AnnexSpec = {
  annex: ImportAnnex.LEDGER,
  title: '附件4 大客户经理经营档案',
  rowIs: 'an activity with an account',
  requireOneOf: [ACCOUNT_REF_KEYS, ['subject', 'summary']],
  columns: [
    SEQ,
    { key: 'occurredOn', header: '日期', aliases: ['活动日期', '拜访日期', '发生日期', '时间', '日期时间', '工作日期'], type: 'date', required: true, notBlank: true, target: 'Activity.occurredOn (natural key)', example: '2025-03-05', width: 12 },
    ...ACCOUNT_REF,
    { key: 'type', header: '活动类型', aliases: ['类型', '工作类型', '经营活动类型', '事项类型', '活动形式', '方式'], type: 'enum', vocabulary: ActivityTypes, target: 'Activity.type (natural key; default 其他)', example: '客户经理拜访', width: 12 },
    { key: 'channel', header: '沟通方式', aliases: ['沟通渠道', '沟通形式', '联系渠道'], type: 'enum', vocabulary: Channels, target: 'Activity.channel (面谈/电话/邮件/视频…; default from 活动类型: a visit is 面谈, a phone call 电话)', example: '面谈', width: 10 },
    { key: 'participants', header: '我方人员', aliases: ['我方参加人员', '参加人员', '我方参与人员', '我方人员及职务'], type: 'text', target: 'Activity.participants; Activity.managerId when it names a manager; Activity.participantIds (every user it names)', example: '王伟', width: 14 },
    { key: 'counterparts', header: '客户方人员', aliases: ['对方人员', '客户参加人员', '接洽人', '对方参加人员', '客户方参加人员'], type: 'text', target: 'Activity.counterparts', example: '张建国（总经理）', width: 16 },
    { key: 'subject', header: '主题', aliases: ['事项', '工作主题', '议题', '事由'], type: 'text', target: 'Activity.subject (natural key)', example: '例行拜访', width: 16 },
    { key: 'summary', header: '内容摘要', aliases: ['内容', '工作内容', '活动内容', '主要内容', '经营活动内容', '沟通内容', '摘要'], type: 'text', target: 'Activity.summary (natural key)', example: '了解对方年度采购计划。', width: 30 },
    { key: 'outcome', header: '结果', aliases: ['成果', '效果', '活动结果'], type: 'text', target: 'Activity.outcome', width: 16 },
    { key: 'nextAction', header: '下一步工作', aliases: ['下一步计划', '后续工作', '下步工作', '下一步'], type: 'text', target: 'Activity.nextAction', width: 16 },
    { key: 'nextActionDue', header: '完成期限', aliases: ['下一步期限', '计划完成时间', '期限'], type: 'date', target: 'Activity.nextActionDue', width: 12 },
    { key: 'projectName', header: '项目名称', aliases: ['项目', '合作项目', '相关项目'], type: 'text', target: 'Activity.projectId (project of the account by name or code; created when new)', width: 20 },
    { key: 'contractAmount', header: '合同金额', aliases: ['签约金额', '合同额', '签约额'], type: 'amount', unit: '万元', target: 'Activity.contractAmountFen (a signing)', width: 12 },
    { key: 'paymentAmount', header: '回款金额', aliases: ['回款', '收款金额', '回款额'], type: 'amount', unit: '万元', target: 'Activity.paymentAmountFen — a collection (the Payment linked to the activity)', width: 12 },
    { key: 'intelTags', header: '情报类别', aliases: ['情报', '情报标签', '重要信息', '信息类别', '重要情报'], type: 'tags', vocabulary: IntelTags, open: true, target: 'Activity.intelTags; a word outside the vocabulary → Activity.intelTagsOther (kept as written)', width: 14 },
    { key: 'manager', header: '客户经理', aliases: ['大客户经理', '填报人', '记录人'], type: 'text', target: 'Activity.managerId', width: 10 },
  ],
};
