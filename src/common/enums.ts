/**
 * Closed vocabularies of the domain, each with its Chinese label and the aliases people write in
 * the annex spreadsheets. Tiers and management levels are data (tables), not enums.
 *
 * Each enum becomes a GraphQL enum, with `中文 / English` value descriptions, when the schema is built
 * ({@link graphqlEnums}): this module does not load type-graphql itself, so the import's parse worker, which
 * reads the vocabularies, does without GraphQL (some 14 MB a thread).
 */
import { say } from './messages';
import { DomainError, ErrorCode } from './errors';
import { nameKey } from './text';

export interface EnumValueInfo {
  /** The label users see and write (Chinese). */
  label: string;
  /** English gloss for descriptions. */
  en: string;
  /** Other spellings accepted on input. */
  aliases?: readonly string[];
}

export interface EnumVocabulary<T extends string> {
  readonly name: string;
  readonly values: readonly T[];
  readonly info: Readonly<Record<T, EnumValueInfo>>;
  label(code: T): string;
  /** Code for a code, label or alias (case/width/space-insensitive); undefined when unknown. */
  lookup(input: string): T | undefined;
  /** Like {@link lookup} but throws INVALID_ENUM naming the field and the accepted labels. */
  parse(input: string, field?: string): T;
}

const registry = new Map<string, EnumVocabulary<string>>();

/** A vocabulary as a GraphQL enum: what type-graphql's `registerEnumType` takes. */
export interface GraphqlEnum {
  enumObject: object;
  name: string;
  description: string;
  valuesConfig: Record<string, { description: string }>;
}

const graphqlEnumList: GraphqlEnum[] = [];

/** Every vocabulary defined so far, as the GraphQL enum the schema registers (src/http/schema.ts). */
export function graphqlEnums(): readonly GraphqlEnum[] {
  return graphqlEnumList;
}

/** Registers a TypeScript string enum as a vocabulary, and as a GraphQL enum for the schema. */
export function defineVocabulary<E extends Record<string, string>>(
  enumObject: E,
  name: string,
  description: string,
  info: Record<E[keyof E], EnumValueInfo>,
): EnumVocabulary<E[keyof E]> {
  type T = E[keyof E];
  const values = Object.values(enumObject) as T[];
  const index = new Map<string, T>();
  for (const code of values) {
    const i = info[code];
    for (const spelling of [code, i.label, i.en, ...(i.aliases ?? [])]) {
      const key = nameKey(spelling);
      const prior = index.get(key);
      if (prior !== undefined && prior !== code) throw new Error(`${name}: "${spelling}" is ambiguous (${prior}, ${code})`);
      index.set(key, code);
    }
  }
  graphqlEnumList.push({
    enumObject,
    name,
    description,
    valuesConfig: Object.fromEntries(
      Object.keys(enumObject).map((k) => {
        const i = info[enumObject[k] as T];
        return [k, { description: `${i.label} / ${i.en}` }];
      }),
    ),
  });
  const vocab: EnumVocabulary<T> = {
    name,
    values,
    info,
    label: (code) => info[code].label,
    lookup: (input) => index.get(nameKey(input)),
    parse(input, field = name) {
      const code = vocab.lookup(input);
      if (code === undefined) {
        throw new DomainError(
          ErrorCode.INVALID_ENUM,
          `${field}: ${say(`「${input}」不是 ${values.map((v) => info[v].label).join('、')} 之一`, `"${input}" is not one of ${values.map((v) => info[v].label).join('、')}`)}`,
          { field, value: input, allowed: values },
        );
      }
      return code;
    },
  };
  registry.set(name, vocab as unknown as EnumVocabulary<string>);
  return vocab;
}

export function vocabularies(): ReadonlyMap<string, EnumVocabulary<string>> {
  return registry;
}

export enum Role {
  ADMIN = 'ADMIN',
  COMMITTEE = 'COMMITTEE',
  MANAGER = 'MANAGER',
  FINANCE = 'FINANCE',
  ANALYST = 'ANALYST',
}
export const Roles = defineVocabulary(Role, 'Role', '角色 / role', {
  ADMIN: { label: '系统管理员', en: 'administrator', aliases: ['管理员'] },
  COMMITTEE: { label: '大客户管理委员会', en: 'key-account committee', aliases: ['委员会', '管委会'] },
  MANAGER: { label: '客户经理', en: 'account manager', aliases: ['大客户经理'] },
  FINANCE: { label: '财务', en: 'finance', aliases: ['财务部'] },
  ANALYST: { label: '分析', en: 'analyst (read-only)', aliases: ['只读', 'BI'] },
});

export enum OrgUnitKind {
  COMPANY = 'COMPANY',
  BRANCH = 'BRANCH',
  DEPARTMENT = 'DEPARTMENT',
}
export const OrgUnitKinds = defineVocabulary(OrgUnitKind, 'OrgUnitKind', '单位类型 / unit kind', {
  COMPANY: { label: '公司', en: 'company', aliases: ['总公司', '集团'] },
  BRANCH: { label: '分公司', en: 'branch', aliases: ['子公司', '分支机构'] },
  DEPARTMENT: { label: '部门', en: 'department', aliases: ['事业部', '项目部'] },
});

export enum AccountStatus {
  CANDIDATE = 'CANDIDATE',
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  TERMINATED = 'TERMINATED',
  REJECTED = 'REJECTED',
}
export const AccountStatuses = defineVocabulary(AccountStatus, 'AccountStatus', '客户状态 / account status', {
  CANDIDATE: { label: '待审批', en: 'candidate (recommended, awaiting approval)', aliases: ['候选', '推荐', '申报'] },
  ACTIVE: { label: '合作中', en: 'active', aliases: ['正常', '有效', '已审批'] },
  SUSPENDED: { label: '暂停', en: 'suspended', aliases: ['暂停合作', '冻结'] },
  TERMINATED: { label: '终止合作', en: 'terminated', aliases: ['终止', '已终止'] },
  REJECTED: { label: '未获批准', en: 'recommendation rejected by the committee', aliases: ['未通过', '不予认定'] },
});

export enum OwnershipType {
  STATE_OWNED = 'STATE_OWNED',
  COLLECTIVE = 'COLLECTIVE',
  PRIVATE = 'PRIVATE',
  JOINT_VENTURE = 'JOINT_VENTURE',
  FOREIGN = 'FOREIGN',
  LISTED = 'LISTED',
  GOVERNMENT = 'GOVERNMENT',
  OTHER = 'OTHER',
}
export const OwnershipTypes = defineVocabulary(OwnershipType, 'OwnershipType', '单位性质 / ownership', {
  STATE_OWNED: { label: '国有企业', en: 'state-owned', aliases: ['国有', '国企', '央企', '中央企业', '地方国企', '国有控股'] },
  COLLECTIVE: { label: '集体企业', en: 'collective', aliases: ['集体'] },
  PRIVATE: { label: '民营企业', en: 'private', aliases: ['民营', '私营', '私企', '民企', '私营企业'] },
  JOINT_VENTURE: { label: '合资企业', en: 'joint venture', aliases: ['合资', '中外合资'] },
  FOREIGN: { label: '外资企业', en: 'foreign-owned', aliases: ['外资', '外商独资', '独资'] },
  LISTED: { label: '上市公司', en: 'listed company', aliases: ['上市', '股份制', '股份有限公司'] },
  GOVERNMENT: { label: '政府机关及事业单位', en: 'government or public institution', aliases: ['事业单位', '政府', '机关', '政府机关'] },
  OTHER: { label: '其他', en: 'other', aliases: ['其它'] },
});

export enum CompanyScale {
  LARGE = 'LARGE',
  MEDIUM = 'MEDIUM',
  SMALL = 'SMALL',
  MICRO = 'MICRO',
}
export const CompanyScales = defineVocabulary(CompanyScale, 'CompanyScale', '规模 / company scale', {
  LARGE: { label: '大型', en: 'large', aliases: ['大', '大型企业'] },
  MEDIUM: { label: '中型', en: 'medium', aliases: ['中', '中型企业'] },
  SMALL: { label: '小型', en: 'small', aliases: ['小', '小型企业'] },
  MICRO: { label: '微型', en: 'micro', aliases: ['微', '微型企业'] },
});

export enum Reputation {
  EXCELLENT = 'EXCELLENT',
  GOOD = 'GOOD',
  FAIR = 'FAIR',
  POOR = 'POOR',
}
export const Reputations = defineVocabulary(Reputation, 'Reputation', '信誉 / reputation', {
  EXCELLENT: { label: '优', en: 'excellent', aliases: ['优秀', '很好', '好'] },
  GOOD: { label: '良', en: 'good', aliases: ['良好', '较好'] },
  FAIR: { label: '中', en: 'fair', aliases: ['一般', '中等'] },
  POOR: { label: '差', en: 'poor', aliases: ['较差', '不良'] },
});

export enum ManagementLevelCode {
  COMPANY = 'COMPANY',
  BRANCH = 'BRANCH',
}

export enum AssignmentReason {
  INITIAL = 'INITIAL',
  MANAGER_UNFIT = 'MANAGER_UNFIT',
  CUSTOMER_REQUEST = 'CUSTOMER_REQUEST',
  CONFLICT_OF_INTEREST = 'CONFLICT_OF_INTEREST',
  CROSS_REGION = 'CROSS_REGION',
  TERMINATED = 'TERMINATED',
  MANAGER_LEFT = 'MANAGER_LEFT',
}
export const AssignmentReasons = defineVocabulary(AssignmentReason, 'AssignmentReason', '归属变更原因 / reason for an ownership change', {
  INITIAL: { label: '开发归属', en: 'initial ownership (whoever develops it)', aliases: ['谁开发谁优先', '首次归属'] },
  MANAGER_UNFIT: { label: '客户经理不胜任', en: 'manager unfit', aliases: ['不胜任', '经理不胜任'] },
  CUSTOMER_REQUEST: { label: '客户要求', en: 'customer request', aliases: ['客户要求更换'] },
  CONFLICT_OF_INTEREST: { label: '利益冲突', en: 'proven conflict of interest', aliases: ['存在利益冲突'] },
  CROSS_REGION: { label: '跨区域协同', en: 'second unit for a large cross-region account', aliases: ['跨区域', '增加协同单位'] },
  TERMINATED: { label: '终止合作', en: 'ended with the account', aliases: [] },
  MANAGER_LEFT: { label: '客户经理离职交接', en: 'the manager left: handed over (工作交接)', aliases: ['离职交接', '工作交接', '调岗交接'] },
});

export enum ReviewStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
}
export const ReviewStatuses = defineVocabulary(ReviewStatus, 'ReviewStatus', '审批状态 / review status', {
  PENDING: { label: '待审批', en: 'pending', aliases: ['审批中'] },
  APPROVED: { label: '已批准', en: 'approved', aliases: ['批准', '通过'] },
  REJECTED: { label: '已驳回', en: 'rejected', aliases: ['驳回', '不通过'] },
  WITHDRAWN: { label: '已撤回', en: 'withdrawn', aliases: ['撤回'] },
});

export enum Gender {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}
export const Genders = defineVocabulary(Gender, 'Gender', '性别 / gender', {
  MALE: { label: '男', en: 'male', aliases: ['M', '男性'] },
  FEMALE: { label: '女', en: 'female', aliases: ['F', '女性'] },
});

export enum ContactRole {
  DECISION_MAKER = 'DECISION_MAKER',
  INFLUENCER = 'INFLUENCER',
  TECHNICAL = 'TECHNICAL',
  PROCUREMENT = 'PROCUREMENT',
  FINANCE = 'FINANCE',
  USER = 'USER',
  /** 企业负责人: policy 004 keeps the details of the enterprise's head. */
  HEAD = 'HEAD',
  /** 经办人: policy 004's person who handles the business day to day. */
  HANDLER = 'HANDLER',
  OTHER = 'OTHER',
}
export const ContactRoles = defineVocabulary(ContactRole, 'ContactRole', '角色 / role in the buying process', {
  DECISION_MAKER: { label: '决策者', en: 'decision maker', aliases: ['决策人', '决策层', '拍板人'] },
  INFLUENCER: { label: '影响者', en: 'influencer', aliases: ['影响人', '关键影响人'] },
  TECHNICAL: { label: '技术把关', en: 'technical gatekeeper', aliases: ['技术', '技术负责人', '把关者'] },
  PROCUREMENT: { label: '采购', en: 'procurement', aliases: ['采购负责人', '招采'] },
  FINANCE: { label: '财务', en: 'finance / payment', aliases: ['付款', '财务负责人'] },
  USER: { label: '使用者', en: 'user', aliases: ['使用人', '用户'] },
  HEAD: { label: '企业负责人', en: 'head of the enterprise', aliases: ['单位负责人', '主要负责人', '负责人', '法定代表人', '法人代表', '法人'] },
  HANDLER: { label: '经办人', en: 'person handling the business', aliases: ['经办', '具体经办人', '业务经办人', '业务联系人'] },
  OTHER: { label: '其他', en: 'other', aliases: ['其它'] },
});

export enum Closeness {
  CLOSE = 'CLOSE',
  GOOD = 'GOOD',
  NORMAL = 'NORMAL',
  DISTANT = 'DISTANT',
}
export const Closenesses = defineVocabulary(Closeness, 'Closeness', '关系亲密度 / closeness', {
  CLOSE: { label: '密切', en: 'close', aliases: ['非常密切', '很密切', '很好', '亲密', '紧密'] },
  GOOD: { label: '良好', en: 'good', aliases: ['较好', '较密切', '好'] },
  NORMAL: { label: '一般', en: 'normal', aliases: ['普通'] },
  DISTANT: { label: '疏远', en: 'distant', aliases: ['生疏', '较差', '陌生', '较疏远', '不密切'] },
});

export enum CreditRating {
  AAA = 'AAA',
  AA = 'AA',
  A = 'A',
  B = 'B',
  C = 'C',
}
export const CreditRatings = defineVocabulary(CreditRating, 'CreditRating', '信用等级 / credit rating', {
  AAA: { label: 'AAA', en: 'excellent credit', aliases: ['优', '3A'] },
  AA: { label: 'AA', en: 'good credit', aliases: ['良', '2A'] },
  A: { label: 'A', en: 'acceptable credit', aliases: ['中', '1A'] },
  B: { label: 'B', en: 'weak credit', aliases: ['较差'] },
  C: { label: 'C', en: 'poor credit', aliases: ['差'] },
});

export enum YearEndDecision {
  STRENGTHEN = 'STRENGTHEN',
  MAINTAIN = 'MAINTAIN',
  TERMINATE = 'TERMINATE',
}
export const YearEndDecisions = defineVocabulary(YearEndDecision, 'YearEndDecision', '年度评价结论 / year-end decision', {
  STRENGTHEN: { label: '加强攻关', en: 'strengthen', aliases: ['加强', '重点攻关'] },
  MAINTAIN: { label: '维持现状', en: 'maintain', aliases: ['维持', '保持'] },
  TERMINATE: { label: '终止合作', en: 'terminate', aliases: ['终止', '停止合作'] },
});

export enum ProjectStatus {
  COMPLETED = 'COMPLETED',
  IN_PROGRESS = 'IN_PROGRESS',
  PLANNED = 'PLANNED',
  BIDDING = 'BIDDING',
  LOST = 'LOST',
}
export const ProjectStatuses = defineVocabulary(ProjectStatus, 'ProjectStatus', '项目状态 / project status', {
  COMPLETED: { label: '已完成', en: 'completed', aliases: ['完成', '竣工', '已竣工'] },
  IN_PROGRESS: { label: '在建', en: 'in progress', aliases: ['在建中', '施工中', '进行中', '执行中'] },
  PLANNED: { label: '拟建', en: 'planned', aliases: ['计划', '筹建'] },
  BIDDING: { label: '投标中', en: 'bidding', aliases: ['投标', '招标中'] },
  LOST: { label: '未中标', en: 'lost', aliases: ['落标', '失标'] },
});

export enum ActivityType {
  EXECUTIVE_VISIT = 'EXECUTIVE_VISIT',
  MANAGER_VISIT = 'MANAGER_VISIT',
  TECHNICAL_EXCHANGE = 'TECHNICAL_EXCHANGE',
  QUALITY_EXCHANGE = 'QUALITY_EXCHANGE',
  MEETING = 'MEETING',
  PHONE_CALL = 'PHONE_CALL',
  HOSTING = 'HOSTING',
  BIDDING = 'BIDDING',
  SIGNING = 'SIGNING',
  COLLECTION = 'COLLECTION',
  COMPLAINT = 'COMPLAINT',
  OTHER = 'OTHER',
}
export const ActivityTypes = defineVocabulary(ActivityType, 'ActivityType', '活动类型 / activity type', {
  EXECUTIVE_VISIT: { label: '高层拜访', en: 'executive visit', aliases: ['高层互访', '领导拜访', '高层走访'] },
  MANAGER_VISIT: { label: '客户经理拜访', en: 'account manager visit', aliases: ['拜访', '日常拜访', '走访', '经理拜访'] },
  TECHNICAL_EXCHANGE: { label: '技术交流', en: 'technical exchange', aliases: ['技术沟通', '技术对接'] },
  QUALITY_EXCHANGE: { label: '质量交流', en: 'quality exchange', aliases: ['质量沟通', '质量回访'] },
  MEETING: { label: '会议', en: 'meeting', aliases: ['座谈', '洽谈', '商务洽谈'] },
  PHONE_CALL: { label: '电话沟通', en: 'phone call', aliases: ['电话', '电话联系'] },
  HOSTING: { label: '接待', en: 'hosting a customer visit', aliases: ['来访接待', '客户来访', '考察'] },
  BIDDING: { label: '投标', en: 'bidding', aliases: ['招投标', '报价'] },
  SIGNING: { label: '签约', en: 'contract signing', aliases: ['合同签订', '签订合同'] },
  COLLECTION: { label: '回款', en: 'collection', aliases: ['收款', '催款'] },
  COMPLAINT: { label: '投诉处理', en: 'complaint handling', aliases: ['投诉'] },
  OTHER: { label: '其他', en: 'other', aliases: ['其它'] },
});

export enum IntelTag {
  PERSONNEL_CHANGE = 'PERSONNEL_CHANGE',
  COMPETITOR = 'COMPETITOR',
  PRODUCT_NEED = 'PRODUCT_NEED',
  ISSUE = 'ISSUE',
  COMPLAINT = 'COMPLAINT',
}
export const IntelTags = defineVocabulary(IntelTag, 'IntelTag', '情报标签 / intelligence tag', {
  PERSONNEL_CHANGE: { label: '人事变动', en: 'personnel change', aliases: ['人事'] },
  COMPETITOR: { label: '竞争对手', en: 'competitor', aliases: ['竞争对手动态', '竞品'] },
  PRODUCT_NEED: { label: '产品需求', en: 'product need', aliases: ['需求'] },
  ISSUE: { label: '问题', en: 'issue', aliases: ['存在问题'] },
  COMPLAINT: { label: '投诉', en: 'complaint', aliases: ['客户投诉'] },
});

export enum RecordSource {
  MANUAL = 'MANUAL',
  IMPORT = 'IMPORT',
  DEMO = 'DEMO',
}
export const RecordSources = defineVocabulary(RecordSource, 'RecordSource', '来源 / where a record came from', {
  MANUAL: { label: '手工录入', en: 'entered through the API' },
  IMPORT: { label: '导入', en: 'imported from an annex' },
  DEMO: { label: '演示数据', en: 'demo data' },
});

export enum ImportAnnex {
  SUMMARY = 'summary',
  ARCHIVE = 'archive',
  PERSONS = 'persons',
  LEDGER = 'ledger',
}
export const ImportAnnexes = defineVocabulary(ImportAnnex, 'ImportAnnex', '附件 / annex spreadsheet', {
  summary: { label: '附件1 大客户档案汇总表', en: 'annex 1, summary table', aliases: ['1', '附件1', '大客户档案汇总表'] },
  archive: { label: '附件2 大客户信息管理档案', en: 'annex 2, account archive', aliases: ['2', '附件2', '大客户信息管理档案'] },
  persons: { label: '附件3 大客户相关人员档案', en: 'annex 3, related persons', aliases: ['3', '附件3', '大客户相关人员档案'] },
  ledger: { label: '附件4 大客户经理经营档案', en: 'annex 4, manager ledger', aliases: ['4', '附件4', '大客户经理经营档案'] },
});

export enum ImportMode {
  ATOMIC = 'atomic',
  SKIP_INVALID = 'skip-invalid',
}
export const ImportModes = defineVocabulary(ImportMode, 'ImportMode', '导入模式 / import mode', {
  atomic: { label: '整体导入', en: 'atomic: any rejected row writes nothing' },
  'skip-invalid': { label: '跳过错误行', en: 'skip invalid rows, write the valid ones', aliases: ['skip_invalid'] },
});

export enum ImportStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  REJECTED = 'REJECTED',
  FAILED = 'FAILED',
  PREVIEW = 'PREVIEW',
  EXPIRED = 'EXPIRED',
  UNDONE = 'UNDONE',
}
export const ImportStatuses = defineVocabulary(ImportStatus, 'ImportStatus', '导入状态 / import status', {
  PENDING: { label: '排队中', en: 'pending' },
  RUNNING: { label: '导入中', en: 'running' },
  SUCCEEDED: { label: '已完成', en: 'succeeded' },
  REJECTED: { label: '有错误行', en: 'finished with rejected rows' },
  FAILED: { label: '失败', en: 'failed (file unreadable or interrupted)' },
  PREVIEW: { label: '待确认', en: 'previewed, awaiting confirmation' },
  EXPIRED: { label: '已过期', en: 'preview expired without confirmation' },
  UNDONE: { label: '已撤销', en: 'undone' },
});
