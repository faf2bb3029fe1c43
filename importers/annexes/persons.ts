/** 附件3 大客户相关人员档案: one row is a person at an account. */
import { Closenesses, ContactRoles, Genders, ImportAnnex } from '../../src/common/enums';
import { ACCOUNT_REF, ACCOUNT_REF_KEYS, SEQ } from './common-columns';
import type { AnnexSpec } from './spec';

const PRIVATE = '个人信息（需本人同意）';
const CONSENT = '信息采集同意';

export const PERSONS: AnnexSpec = {
  annex: ImportAnnex.PERSONS,
  title: '附件3 大客户相关人员档案',
  rowIs: 'a person at an account',
  requireOneOf: [ACCOUNT_REF_KEYS],
  columns: [
    SEQ,
    ...ACCOUNT_REF,
    { key: 'name', header: '姓名', aliases: ['人员姓名', '联系人', '联系人姓名'], type: 'text', required: true, notBlank: true, target: 'Contact.name (natural key with account and 手机)', example: '张建国', width: 10 },
    { key: 'gender', header: '性别', type: 'enum', vocabulary: Genders, open: true, target: 'Contact.gender', example: '男', width: 6 },
    { key: 'title', header: '职务', aliases: ['职位', '职称'], type: 'text', target: 'Contact.title', example: '总经理', width: 12 },
    { key: 'department', header: '部门', aliases: ['所在部门', '工作部门'], type: 'text', target: 'Contact.department', example: '总经理办公室', width: 14 },
    { key: 'role', header: '角色', aliases: ['决策角色', '采购角色', '作用', '人员类别', '人员类型', '身份'], type: 'enum', vocabulary: ContactRoles, open: true, target: 'Contact.role', example: '决策者', width: 10 },
    { key: 'officePhone', header: '办公电话', group: '联系方式', aliases: ['电话', '座机', '工作电话'], type: 'phone', target: 'Contact.officePhone', example: '010-62345678', width: 14 },
    { key: 'mobile', sensitive: true, header: '手机', group: '联系方式', aliases: ['手机号', '手机号码', '移动电话'], type: 'mobile', target: 'Contact.mobile (natural key)', example: '13800138000', width: 13 },
    { key: 'email', header: '邮箱', group: '联系方式', aliases: ['电子邮箱', 'Email', 'E-mail'], type: 'email', target: 'Contact.email', width: 20 },
    { key: 'birthday', header: '生日', aliases: ['出生日期', '出生年月日'], type: 'date', target: 'Contact.birthday', example: '1972-06-18', width: 12 },
    { key: 'familyInfo', sensitive: true, header: '家庭成员情况', group: PRIVATE, aliases: ['家庭情况', '家庭成员'], type: 'text', target: 'Contact.familyInfo 🔒 (needs consent)', example: '已婚，育有一子', width: 16 },
    { key: 'homeAddress', sensitive: true, header: '家庭住址', group: PRIVATE, aliases: ['住址', '家庭地址'], type: 'text', target: 'Contact.homeAddress 🔒 (needs consent)', width: 20 },
    { key: 'hobbies', sensitive: true, header: '兴趣爱好', group: PRIVATE, aliases: ['爱好', '个人爱好'], type: 'text', target: 'Contact.hobbies 🔒 (needs consent)', example: '钓鱼、书法', width: 14 },
    { key: 'closeness', header: '关系亲密度', aliases: ['亲密度', '关系程度', '关系'], type: 'enum', vocabulary: Closenesses, open: true, target: 'Contact.closeness', example: '良好', width: 10 },
    { key: 'consent', header: '信息采集同意', aliases: ['是否同意', '是否同意采集', '同意采集', '本人同意', '信息采集同意情况', '个人信息采集同意', '是否同意信息采集'], type: 'consent', target: 'Contact.consentAt / consentSource (the consent record: 是/否, a date, or 书面/口头/邮件; its source names the file and the import job)', example: '书面', width: 12 },
    { key: 'consentAt', header: '信息采集同意时间', group: CONSENT, aliases: ['同意时间', '同意日期', '授权时间', '信息采集同意日期'], type: 'datetime', target: 'Contact.consentAt', example: '2025-01-10', width: 16 },
    { key: 'consentSource', header: '同意方式', group: CONSENT, aliases: ['授权方式', '同意形式'], type: 'text', target: 'Contact.consentSource', example: '书面同意书', width: 12 },
    { key: 'consentScope', header: '同意范围', group: CONSENT, aliases: ['授权范围'], type: 'text', target: 'Contact.consentScope', width: 12 },
    { key: 'active', header: '在职状态', aliases: ['在职', '状态', '是否在职'], type: 'active', target: 'Contact.active', example: '在职', width: 8 },
    { key: 'leftOn', header: '离职日期', aliases: ['离职时间'], type: 'date', target: 'Contact.leftOn', width: 12 },
    { key: 'notes', header: '备注', aliases: ['说明'], type: 'text', target: 'Contact.notes', width: 16 },
  ],
};
