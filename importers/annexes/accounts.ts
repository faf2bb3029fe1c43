/** 附件1 大客户档案汇总表 and 附件2 大客户信息管理档案: one row is an account. */
import {
  AccountStatuses, CompanyScales, CreditRatings, ImportAnnex, OwnershipTypes, Reputations, YearEndDecisions,
} from '../../src/common/enums';
import { SEQ } from './common-columns';
import type { AnnexSpec, ColumnSpec } from './spec';

const CODE: ColumnSpec = { key: 'code', header: '客户编号', aliases: ['大客户编号', '客户代码', '客户编码', '档案编号'], type: 'text', target: 'Account.code (natural key)', example: 'KA0001', width: 12 };
const NAME: ColumnSpec = { key: 'name', header: '客户名称', aliases: ['单位名称', '大客户名称', '客户单位', '企业名称', '公司名称', '客户全称'], type: 'text', required: true, notBlank: true, target: 'Account.name', example: '北京宏达建设集团有限公司', width: 30 };
const CREDIT_CODE: ColumnSpec = { key: 'creditCode', header: '统一社会信用代码', aliases: ['信用代码', '社会信用代码', '组织机构代码', '统一信用代码'], type: 'creditCode', target: 'Account.creditCode (natural key)', example: '91110105MA01ABCD1X', width: 22 };
const TIER: ColumnSpec = { key: 'tierCode', header: '客户级别', aliases: ['级别', '客户等级', '大客户级别', '客户类别', '客户分级'], type: 'tier', target: 'Account.tierId', example: '重点', width: 10 };
const LEVEL: ColumnSpec = { key: 'managementLevel', header: '管理层级', aliases: ['管理级别', '管理层次', '管理类别'], type: 'managementLevel', target: 'Account.managementLevelId', example: '公司级', width: 10 };
const OWNERSHIP: ColumnSpec = { key: 'ownership', header: '单位性质', aliases: ['企业性质', '所有制', '性质'], type: 'enum', vocabulary: OwnershipTypes, open: true, target: 'Account.ownership', example: '国有企业', width: 12 };
const INDUSTRY: ColumnSpec = { key: 'industry', header: '行业类别', aliases: ['所属行业', '行业', '行业分类'], type: 'text', target: 'Account.industry', example: '建筑施工', width: 12 };
const ADDRESS: ColumnSpec = { key: 'address', header: '地址', aliases: ['单位地址', '通讯地址', '注册地址', '详细地址', '所在地'], type: 'text', target: 'Account.address', example: '北京市朝阳区建设路1号', width: 30 };
const UNIT: ColumnSpec = { key: 'ownerUnit', header: '推荐单位', aliases: ['归属单位', '开发单位', '所属单位', '责任单位', '主管单位'], type: 'text', target: 'Account.ownerUnitId (unit matched by name; created when new)', example: '华北分公司', width: 14 };
const MANAGER: ColumnSpec = { key: 'manager', header: '客户经理', aliases: ['大客户经理', '客户经理姓名', '责任客户经理'], type: 'text', target: 'Account.managerId (manager matched by name within the unit; created when new)', example: '王伟', width: 10 };
const EXPECTED: ColumnSpec = { key: 'expectedContractValue', header: '后续合同成交额', aliases: ['预计合同额', '后续合同额', '预计成交额', '后续合同金额'], type: 'amount', unit: '万元', target: 'Account.expectedContractValueFen', example: 25000, width: 14 };
const ANNUAL: ColumnSpec = { key: 'annualSales', header: '年合作销售额', aliases: ['年销售额', '年度销售额', '年合作金额', '年度合作销售额'], type: 'amount', unit: '万元', target: 'Account.annualSalesFen', example: 2600, width: 14 };
const REGISTERED: ColumnSpec = { key: 'registeredOn', header: '建档日期', aliases: ['建档时间', '登记日期', '入库日期'], type: 'date', target: 'Account.registeredOn', example: '2024-03-05', width: 12 };
const STATUS: ColumnSpec = { key: 'status', header: '状态', aliases: ['客户状态', '合作状态'], type: 'enum', vocabulary: AccountStatuses, target: 'Account.status', example: '合作中', width: 10 };
const PHONE: ColumnSpec = { key: 'phone', header: '电话', group: '联系方式', aliases: ['联系电话', '单位电话', '办公电话', '座机'], type: 'phone', target: 'Account.phone', example: '010-62345678', width: 14 };
const NOTES: ColumnSpec = { key: 'notes', header: '备注', aliases: ['说明'], type: 'text', target: 'Account.notes', width: 16 };

/** 附件1 大客户档案汇总表 */
export const SUMMARY: AnnexSpec = {
  annex: ImportAnnex.SUMMARY,
  title: '附件1 大客户档案汇总表',
  rowIs: 'an account (short)',
  columns: [SEQ, CODE, NAME, CREDIT_CODE, TIER, LEVEL, OWNERSHIP, INDUSTRY, ADDRESS, { ...PHONE, group: undefined }, UNIT, MANAGER, EXPECTED, ANNUAL, REGISTERED, STATUS, NOTES],
};

const CREDIT = '信用评价';

/** 附件2 大客户信息管理档案, with the credit-evaluation fields. */
export const ARCHIVE: AnnexSpec = {
  annex: ImportAnnex.ARCHIVE,
  title: '附件2 大客户信息管理档案',
  rowIs: 'an account (full, with its credit evaluation)',
  columns: [
    SEQ, CODE, NAME,
    { key: 'parent', header: '上级集团', aliases: ['所属集团', '上级单位', '母公司', '集团公司'], type: 'text', target: 'Account.parentId (account by code, credit code or name)', width: 20 },
    REGISTERED, CREDIT_CODE, OWNERSHIP, INDUSTRY,
    { key: 'scale', header: '规模', aliases: ['企业规模', '单位规模'], type: 'enum', vocabulary: CompanyScales, open: true, target: 'Account.scale', example: '大型', width: 8 },
    { key: 'mainProducts', header: '主要产品', aliases: ['主营业务', '主要业务', '经营范围', '主营产品'], type: 'text', target: 'Account.mainProducts', example: '房屋建筑总承包', width: 20 },
    { key: 'reputation', header: '信誉', aliases: ['信誉情况', '信誉状况', '商业信誉'], type: 'enum', vocabulary: Reputations, open: true, target: 'Account.reputation', example: '良', width: 8 },
    { key: 'totalAssets', header: '资产状况', aliases: ['资产总额', '总资产', '资产'], type: 'amount', unit: '万元', target: 'Account.totalAssetsFen', example: 120000, width: 12 },
    { key: 'shareholders', header: '股东结构', aliases: ['股权结构', '主要股东'], type: 'text', target: 'Account.shareholders', example: '国资控股', width: 16 },
    ADDRESS,
    { key: 'postalCode', header: '邮编', aliases: ['邮政编码'], type: 'postalCode', target: 'Account.postalCode', example: '100020', width: 8 },
    PHONE,
    { key: 'fax', header: '传真', group: '联系方式', aliases: ['传真号码'], type: 'phone', target: 'Account.fax', example: '010-62345679', width: 14 },
    { key: 'email', header: '邮箱', group: '联系方式', aliases: ['电子邮箱', '电子邮件', 'Email', 'E-mail'], type: 'email', target: 'Account.email', example: 'office@example.cn', width: 20 },
    TIER, LEVEL, STATUS, UNIT, MANAGER, EXPECTED, ANNUAL,
    { key: 'creditYear', header: '评价年度', group: CREDIT, aliases: ['年度', '评价年份'], type: 'year', target: 'CreditEvaluation.year (default: this year)', example: 2025, width: 8 },
    { key: 'performance', header: '履约情况', group: CREDIT, aliases: ['履约', '合同履约情况'], type: 'text', target: 'CreditEvaluation.performance', example: '合同履约良好', width: 14 },
    { key: 'paymentRecord', header: '付款情况', group: CREDIT, aliases: ['付款记录', '回款情况'], type: 'text', target: 'CreditEvaluation.paymentRecord', example: '按期付款', width: 12 },
    { key: 'contractMode', header: '常用合同方式', group: CREDIT, aliases: ['合同方式'], type: 'text', target: 'CreditEvaluation.contractMode', example: '总价合同', width: 12 },
    { key: 'biddingMethod', header: '竞标办法', group: CREDIT, aliases: ['招标方式', '竞标方式'], type: 'text', target: 'CreditEvaluation.biddingMethod', example: '公开招标', width: 12 },
    { key: 'contractHabits', header: '合约习惯', group: CREDIT, aliases: ['合同习惯', '付款习惯'], type: 'text', target: 'CreditEvaluation.contractHabits', example: '预付30%，进度款按月结算', width: 20 },
    { key: 'priceLevel', header: '价格水平', group: CREDIT, type: 'text', target: 'CreditEvaluation.priceLevel', example: '适中', width: 10 },
    { key: 'paymentCapacity', header: '支付能力', group: CREDIT, type: 'text', target: 'CreditEvaluation.paymentCapacity', example: '强', width: 10 },
    { key: 'managementCapacity', header: '项目开发管理能力', group: CREDIT, aliases: ['项目管理能力', '开发管理能力'], type: 'text', target: 'CreditEvaluation.managementCapacity', example: '较强', width: 14 },
    { key: 'score', header: '评分', group: CREDIT, aliases: ['信用评分', '得分', '综合评分'], type: 'number', target: 'CreditEvaluation.score', example: 86.5, width: 8 },
    { key: 'rating', header: '信用等级', group: CREDIT, aliases: ['等级', '信用评级'], type: 'enum', vocabulary: CreditRatings, target: 'CreditEvaluation.rating', example: 'AA', width: 8 },
    { key: 'decision', header: '年度结论', group: CREDIT, aliases: ['评价结论', '年度评价结论', '处理意见', '结论'], type: 'enum', vocabulary: YearEndDecisions, target: 'CreditEvaluation.decision', example: '加强攻关', width: 10 },
    { key: 'evaluator', header: '评价人', group: CREDIT, aliases: ['评价人员'], type: 'text', target: 'CreditEvaluation.evaluator', example: '王伟', width: 10 },
    NOTES,
  ],
};

/** The archive columns that make a credit evaluation (a row with any of them filled records one). */
export const CREDIT_KEYS = ARCHIVE.columns.filter((c) => c.group === CREDIT && c.key !== 'creditYear').map((c) => c.key);
