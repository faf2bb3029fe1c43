/**
 * Chinese and English labels of the API's enums (the schema's own descriptions, `中文 / English`).
 * Typed by the generated enums: a value the schema adds without a label here fails the build.
 */
import type {
  AccountStatus, ActivityType, AssignmentReason, CadenceStatus, Closeness, ContactRole, CreditRating, ImportAnnex, ImportMode,
  ImportStatus, IntelTag, ProjectStatus, ReviewStatus, Role, YearEndDecision, Gender, OwnershipType, CompanyScale, Reputation,
} from '../gql/graphql';
import type { Lang } from './lang';

type Labels<E extends string> = Record<E, [zh: string, en: string]>;

export const ROLE: Labels<Role> = {
  ADMIN: ['系统管理员', 'Administrator'],
  COMMITTEE: ['大客户管理委员会', 'Committee'],
  MANAGER: ['客户经理', 'Account manager'],
  FINANCE: ['财务', 'Finance'],
  ANALYST: ['分析（只读）', 'Analyst (read-only)'],
};

export const ACCOUNT_STATUS: Labels<AccountStatus> = {
  ACTIVE: ['合作中', 'Active'],
  CANDIDATE: ['待审批', 'Candidate'],
  REJECTED: ['未获批准', 'Rejected'],
  SUSPENDED: ['暂停', 'Suspended'],
  TERMINATED: ['终止合作', 'Terminated'],
};

export const ACTIVITY_TYPE: Labels<ActivityType> = {
  EXECUTIVE_VISIT: ['高层拜访', 'Executive visit'],
  MANAGER_VISIT: ['客户经理拜访', 'Manager visit'],
  TECHNICAL_EXCHANGE: ['技术交流', 'Technical exchange'],
  QUALITY_EXCHANGE: ['质量交流', 'Quality exchange'],
  MEETING: ['会议', 'Meeting'],
  PHONE_CALL: ['电话沟通', 'Phone call'],
  HOSTING: ['接待', 'Hosting'],
  BIDDING: ['投标', 'Bidding'],
  SIGNING: ['签约', 'Signing'],
  COLLECTION: ['回款', 'Collection'],
  COMPLAINT: ['投诉处理', 'Complaint'],
  OTHER: ['其他', 'Other'],
};

export const INTEL_TAG: Labels<IntelTag> = {
  PERSONNEL_CHANGE: ['人事变动', 'Personnel change'],
  COMPETITOR: ['竞争对手', 'Competitor'],
  PRODUCT_NEED: ['产品需求', 'Product need'],
  ISSUE: ['问题', 'Issue'],
  COMPLAINT: ['投诉', 'Complaint'],
};

export const CADENCE_STATUS: Labels<CadenceStatus> = {
  OK: ['正常', 'OK'],
  DUE_SOON: ['即将到期', 'Due soon'],
  OVERDUE: ['已逾期', 'Overdue'],
  NEVER: ['从未', 'Never'],
};

export const REVIEW_STATUS: Labels<ReviewStatus> = {
  PENDING: ['待审批', 'Pending'],
  APPROVED: ['已批准', 'Approved'],
  REJECTED: ['已驳回', 'Rejected'],
  WITHDRAWN: ['已撤回', 'Withdrawn'],
};

export const YEAR_END_DECISION: Labels<YearEndDecision> = {
  STRENGTHEN: ['加强攻关', 'Strengthen'],
  MAINTAIN: ['维持现状', 'Maintain'],
  TERMINATE: ['终止合作', 'Terminate'],
};

export const ASSIGNMENT_REASON: Labels<AssignmentReason> = {
  INITIAL: ['开发归属', 'Initial ownership'],
  MANAGER_UNFIT: ['客户经理不胜任', 'Manager unfit'],
  CUSTOMER_REQUEST: ['客户要求', 'Customer request'],
  CONFLICT_OF_INTEREST: ['利益冲突', 'Conflict of interest'],
  CROSS_REGION: ['跨区域协同', 'Cross-region unit'],
  TERMINATED: ['终止合作', 'Terminated'],
  MANAGER_LEFT: ['客户经理离职交接', 'Manager left (handover)'],
};

export const PROJECT_STATUS: Labels<ProjectStatus> = {
  COMPLETED: ['已完成', 'Completed'],
  IN_PROGRESS: ['在建', 'In progress'],
  PLANNED: ['拟建', 'Planned'],
  BIDDING: ['投标中', 'Bidding'],
  LOST: ['未中标', 'Lost'],
};

export const CONTACT_ROLE: Labels<ContactRole> = {
  DECISION_MAKER: ['决策者', 'Decision maker'],
  INFLUENCER: ['影响者', 'Influencer'],
  TECHNICAL: ['技术把关', 'Technical'],
  PROCUREMENT: ['采购', 'Procurement'],
  FINANCE: ['财务', 'Finance'],
  USER: ['使用者', 'User'],
  HEAD: ['企业负责人', 'Head of the enterprise'],
  HANDLER: ['经办人', 'Handler'],
  OTHER: ['其他', 'Other'],
};

export const CLOSENESS: Labels<Closeness> = {
  CLOSE: ['密切', 'Close'],
  GOOD: ['良好', 'Good'],
  NORMAL: ['一般', 'Normal'],
  DISTANT: ['疏远', 'Distant'],
};

export const GENDER: Labels<Gender> = { MALE: ['男', 'Male'], FEMALE: ['女', 'Female'] };

export const OWNERSHIP: Labels<OwnershipType> = {
  STATE_OWNED: ['国有企业', 'State-owned'],
  PRIVATE: ['民营企业', 'Private'],
  LISTED: ['上市公司', 'Listed'],
  FOREIGN: ['外资企业', 'Foreign-owned'],
  JOINT_VENTURE: ['合资企业', 'Joint venture'],
  COLLECTIVE: ['集体企业', 'Collective'],
  GOVERNMENT: ['政府机关及事业单位', 'Government'],
  OTHER: ['其他', 'Other'],
};

export const SCALE: Labels<CompanyScale> = { LARGE: ['大型', 'Large'], MEDIUM: ['中型', 'Medium'], SMALL: ['小型', 'Small'], MICRO: ['微型', 'Micro'] };

export const REPUTATION: Labels<Reputation> = { EXCELLENT: ['优', 'Excellent'], GOOD: ['良', 'Good'], FAIR: ['中', 'Fair'], POOR: ['差', 'Poor'] };

export const CREDIT_RATING: Labels<CreditRating> = { AAA: ['AAA', 'AAA'], AA: ['AA', 'AA'], A: ['A', 'A'], B: ['B', 'B'], C: ['C', 'C'] };

export const IMPORT_STATUS: Labels<ImportStatus> = {
  PENDING: ['排队中', 'Pending'],
  RUNNING: ['导入中', 'Running'],
  SUCCEEDED: ['已完成', 'Succeeded'],
  REJECTED: ['有错误行', 'Rejected rows'],
  FAILED: ['失败', 'Failed'],
  PREVIEW: ['待确认', 'Awaiting confirmation'],
  EXPIRED: ['预览已过期', 'Preview expired'],
  UNDONE: ['已撤销', 'Undone'],
};

export const IMPORT_MODE: Labels<ImportMode> = { ATOMIC: ['整体导入（有错误则不写入）', 'Atomic'], SKIP_INVALID: ['跳过错误行', 'Skip invalid rows'] };

export const IMPORT_ANNEX: Labels<ImportAnnex> = {
  SUMMARY: ['附件1 大客户档案汇总表', 'Annex 1 · summary table'],
  ARCHIVE: ['附件2 大客户信息管理档案', 'Annex 2 · account archive'],
  PERSONS: ['附件3 大客户相关人员档案', 'Annex 3 · related persons'],
  LEDGER: ['附件4 大客户经理经营档案', 'Annex 4 · manager ledger'],
};

/** The label of an enum value in the language shown (the raw value when unknown). */
export function label<E extends string>(labels: Labels<E>, value: E | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return '';
  const l = labels[value];
  return l ? l[lang === 'zh' ? 0 : 1] : value;
}

/** Options for a Select over an enum. */
export function options<E extends string>(labels: Labels<E>, lang: Lang): { value: E; label: string }[] {
  return (Object.keys(labels) as E[]).map((value) => ({ value, label: label(labels, value, lang) }));
}
