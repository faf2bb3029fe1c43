/**
 * The BI catalog: what every flat door (CSV/JSONL feeds, the `kam_bi` SQL views, their data
 * dictionary) shows of each entity. It is generated, not hand-written: the columns are the entity's
 * stored columns that its GraphQL type exposes (so internal columns — ciphertexts, hashes — never
 * appear), each enum with its Chinese label beside the code, each amount in 元 with its 万元 view,
 * each reference with the code and name of what it points to. Personal data (PERSONAL, SENSITIVE in
 * privacy/data-classes.ts) is left out; confidential data (企业机密) is masked per row by the
 * need-to-know rule in the feeds, exactly as GraphQL masks it.
 */
import { getNamedType, isEnumType, isListType, isNonNullType, isObjectType, type GraphQLEnumType, type GraphQLSchema } from 'graphql';
import type { DataSource, EntityMetadata, ObjectLiteral } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { Contact } from '../contacts/contact.entity';
import { Project } from '../projects/project.entity';
import { Receivable } from '../projects/receivable.entity';
import { Payment } from '../projects/payment.entity';
import { Activity } from '../activities/activity.entity';
import { CreditEvaluation } from '../credit/credit-evaluation.entity';
import { Assignment } from '../ownership/assignment.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Tier } from '../tiers/tier.entity';
import { ManagementLevel } from '../tiers/management-level.entity';
import { DataClass, classOf } from '../privacy/data-classes';
import { chineseTitle, enumLabel } from '../../common/enum-labels';

/** The stored entities a BI tool refreshes, by the name in the URL and the view. */
export const BI_ENTITIES = {
  accounts: { entity: Account, title: '大客户' },
  contacts: { entity: Contact, title: '大客户相关人员' },
  projects: { entity: Project, title: '合作项目' },
  receivables: { entity: Receivable, title: '应收计划' },
  payments: { entity: Payment, title: '回款' },
  activities: { entity: Activity, title: '经营档案' },
  'credit-evaluations': { entity: CreditEvaluation, title: '信用评价' },
  assignments: { entity: Assignment, title: '归属记录' },
} as const satisfies Record<string, { entity: new () => ObjectLiteral; title: string }>;

export type BiEntityName = keyof typeof BI_ENTITIES;
export const BI_ENTITY_NAMES = Object.keys(BI_ENTITIES) as BiEntityName[];

/** Fields that hold a person's name (need-to-know masks them as 孙*, not null). */
const PERSON_NAMES = new Set(['Contact.name']);

/** What a reference shows beside its id: the referenced row's code and name. */
const REFERENCE_FIELDS = new Map<unknown, { code: string; name: string }>([
  [Account, { code: 'code', name: 'name' }],
  [Project, { code: 'code', name: 'name' }],
  [OrgUnit, { code: 'code', name: 'name' }],
  [User, { code: 'login', name: 'name' }],
  [Tier, { code: 'code', name: 'name' }],
  [ManagementLevel, { code: 'code', name: 'name' }],
]);

export type BiValueKind = 'id' | 'int' | 'number' | 'text' | 'bool' | 'date' | 'timestamp' | 'code' | 'label' | 'yuan' | 'wan' | 'list';

/** One column of a flat row. */
export interface BiColumn {
  /** Feed name (camelCase, as in GraphQL): `type`, `typeLabel`, `contractAmount`, `contractAmountWan`, `accountCode`. */
  name: string;
  /** View column name (snake_case). */
  sqlName: string;
  /** Short Chinese header (CSV `header=zh`, the data dictionary): 年合作销售额（万元）, 状态（中文）. */
  title: string;
  /** 中文 / English, for the data dictionary and the views' documentation. */
  description: string;
  kind: BiValueKind;
  /** The stored column it derives from (entity property) and its SQL column. */
  property: string;
  dbColumn: string;
  /** Need-to-know class of the source field (INTERNAL unless data-classes.ts lists it). */
  dataClass: DataClass;
  /** Enum columns: the GraphQL enum, for labels. */
  enumType?: GraphQLEnumType;
  /** Reference columns: the related entity, its table and which of its columns (`code` or `name`). */
  reference?: { target: new () => ObjectLiteral; table: string; relation: string; column: string };
  /** Enum columns: the stored value is a list of codes (`A,B`). */
  list?: boolean;
  /** A person's name: shown as 孙* where it is not read in full (the views always mask it). */
  maskAs?: 'name';
}

export interface BiEntity {
  name: BiEntityName;
  title: string;
  target: new () => ObjectLiteral;
  /** GraphQL type name = entity class name. */
  typeName: string;
  table: string;
  /** The property holding the account a row belongs to (need-to-know), null for none. */
  accountProperty: 'id' | 'accountId' | null;
  columns: BiColumn[];
}

const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const chinese = (d: string | null | undefined, fallback: string): string => (d ?? fallback).trim() || fallback;


function entityColumns(ds: DataSource, schema: GraphQLSchema, meta: EntityMetadata): BiColumn[] {
  const type = schema.getType(meta.name);
  if (!isObjectType(type)) throw new Error(`bi catalog: ${meta.name} has no GraphQL type`);
  const fields = type.getFields();
  const out: BiColumn[] = [];
  for (const col of meta.columns) {
    const property = col.propertyName;
    const money = /Fen$/.test(property) && col.type === 'bigint';
    const base = money ? property.replace(/Fen$/, '') : property;
    const field = fields[base];
    if (!field) continue;
    const dataClass = classOf(meta.name, base);
    if (dataClass === DataClass.PERSONAL || dataClass === DataClass.SENSITIVE) continue;
    const description = chinese(field.description, base);
    const zh = chineseTitle(description) || base;
    const common = { property, dbColumn: col.databaseName, dataClass };
    if (money) {
      out.push({ ...common, name: base, sqlName: `${snake(base)}_yuan`, title: `${zh}（元）`, description: `${zh}（元）/ ${base} in yuan — ${description}`, kind: 'yuan' });
      out.push({ ...common, name: `${base}Wan`, sqlName: `${snake(base)}_wan`, title: `${zh}（万元）`, description: `${zh}（万元）/ ${base} in 10,000 yuan`, kind: 'wan' });
      continue;
    }
    const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
    const named = getNamedType(field.type);
    if (isEnumType(named)) {
      const list = isListType(inner);
      out.push({ ...common, name: base, sqlName: snake(base), title: `${zh}（代码）`, description: `${zh}（代码）/ ${base} (code) — ${description}`, kind: list ? 'list' : 'code', enumType: named, list });
      // An open-vocabulary field keeps its label as a column of its own (the word as written when it is not in the vocabulary): that column is the label.
      if (!meta.columns.some((c) => c.propertyName === `${base}Label`)) {
        out.push({ ...common, name: `${base}Label`, sqlName: `${snake(base)}_label`, title: `${zh}（中文）`, description: `${zh}（中文）/ ${base}, Chinese label`, kind: 'label', enumType: named, list });
      }
      continue;
    }
    const relation = meta.manyToOneRelations.find((r) => r.joinColumns.length === 1 && r.joinColumns[0].propertyName === property);
    const ref = relation && REFERENCE_FIELDS.get(relation.inverseEntityMetadata.target);
    const kind: BiValueKind =
      property === 'id' || relation ? 'id'
      : isListType(inner) ? 'list'
      : col.type === 'date' ? 'date'
      : col.type === 'datetime' || col.type === Date ? 'timestamp'
      : col.type === 'boolean' || col.type === Boolean ? 'bool'
      : col.type === 'int' || col.type === Number || col.type === 'integer' ? 'int'
      : /decimal|float|double/.test(String(col.type)) ? 'number'
      : 'text';
    out.push({ ...common, name: base, sqlName: snake(base), title: relation ? `${zh}ID` : zh, description, kind, ...(PERSON_NAMES.has(`${meta.name}.${base}`) ? { maskAs: 'name' as const } : {}) });
    if (relation && ref) {
      const rel = relation.propertyName;
      const target = relation.inverseEntityMetadata.target as new () => ObjectLiteral;
      const table = relation.inverseEntityMetadata.tableName;
      out.push({ ...common, name: `${rel}Code`, sqlName: `${snake(rel)}_code`, title: `${zh}编号`, description: `${zh}编号 / ${rel} ${ref.code}`, kind: 'text', reference: { target, table, relation: rel, column: ref.code } });
      out.push({ ...common, name: `${rel}Name`, sqlName: `${snake(rel)}_name`, title: `${zh}名称`, description: `${zh}名称 / ${rel} name`, kind: 'text', reference: { target, table, relation: rel, column: ref.name } });
    }
  }
  return out;
}

/**
 * Figures computed from the records rather than stored (no updatedAt, no deletions): a refresh
 * reloads them for the date or months asked. Rows are produced per batch of accounts.
 */
export const DERIVED_FEEDS = {
  'visit-compliance': { title: '拜访达标', type: 'VisitComplianceItem' },
  'monthly-figures': { title: '月度经营数据', type: 'AccountStatsRow' },
} as const;
export type DerivedFeedName = keyof typeof DERIVED_FEEDS;
export const DERIVED_FEED_NAMES = Object.keys(DERIVED_FEEDS) as DerivedFeedName[];

export interface DerivedFeed {
  name: DerivedFeedName;
  title: string;
  typeName: string;
  columns: BiColumn[];
}

const ACCOUNT_REFERENCE: BiColumn[] = [
  { name: 'accountId', sqlName: 'account_id', title: '大客户ID', description: '大客户 / account id', kind: 'id', property: 'accountId', dbColumn: 'account_id', dataClass: DataClass.INTERNAL },
  { name: 'accountCode', sqlName: 'account_code', title: '大客户编号', description: '客户编号 / account code', kind: 'text', property: 'accountId', dbColumn: 'account_id', dataClass: DataClass.INTERNAL, reference: { target: Account, table: 'accounts', relation: 'account', column: 'code' } },
  { name: 'accountName', sqlName: 'account_name', title: '大客户名称', description: '单位名称 / account name', kind: 'text', property: 'accountId', dbColumn: 'account_id', dataClass: DataClass.INTERNAL, reference: { target: Account, table: 'accounts', relation: 'account', column: 'name' } },
];
const TIER_REFERENCE = (property: string): BiColumn[] => [
  { name: 'tierCode', sqlName: 'tier_code', title: '客户级别编号', description: '客户级别 / tier code', kind: 'text', property, dbColumn: 'tier_id', dataClass: DataClass.INTERNAL, reference: { target: Tier, table: 'tiers', relation: 'tier', column: 'code' } },
  { name: 'tierName', sqlName: 'tier_name', title: '客户级别名称', description: '客户级别 / tier name', kind: 'text', property, dbColumn: 'tier_id', dataClass: DataClass.INTERNAL, reference: { target: Tier, table: 'tiers', relation: 'tier', column: 'name' } },
];

/** The derived feeds' columns: visit compliance from its GraphQL type (every scalar and enum field), monthly figures per account and month. */
export function buildDerivedFeeds(schema: GraphQLSchema): Map<DerivedFeedName, DerivedFeed> {
  const out = new Map<DerivedFeedName, DerivedFeed>();
  const type = schema.getType(DERIVED_FEEDS['visit-compliance'].type);
  if (!isObjectType(type)) throw new Error('bi catalog: VisitComplianceItem is not in the schema');
  const compliance: BiColumn[] = [{ name: 'asOf', sqlName: 'as_of', title: '统计日', description: '统计日 / as of', kind: 'date', property: 'asOf', dbColumn: 'as_of', dataClass: DataClass.INTERNAL }, ...ACCOUNT_REFERENCE];
  for (const [name, field] of Object.entries(type.getFields())) {
    if (name === 'accountId' || name.endsWith('Label')) continue;
    const named = getNamedType(field.type);
    if (isObjectType(named)) continue;
    const description = chinese(field.description, name);
    const zh = chineseTitle(description) || name;
    const common = { property: name, dbColumn: snake(name), dataClass: DataClass.INTERNAL };
    const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
    if (isEnumType(named)) {
      const list = isListType(inner);
      compliance.push({ ...common, name, sqlName: snake(name), title: `${zh}（代码）`, description, kind: list ? 'list' : 'code', enumType: named, list });
      compliance.push({ ...common, name: `${name}Label`, sqlName: `${snake(name)}_label`, title: `${zh}（中文）`, description: `${zh}（中文）/ ${name}, Chinese label`, kind: 'label', enumType: named, list });
      continue;
    }
    const kind: BiValueKind = named.name === 'ID' ? 'id' : named.name === 'Int' ? 'int' : named.name === 'Boolean' ? 'bool' : named.name === 'LocalDate' ? 'date' : named.name === 'Float' ? 'number' : 'text';
    compliance.push({ ...common, name, sqlName: snake(name), title: zh, description, kind });
    if (name === 'tierId') compliance.push(...TIER_REFERENCE('tierId'));
  }
  out.set('visit-compliance', { name: 'visit-compliance', title: DERIVED_FEEDS['visit-compliance'].title, typeName: 'VisitComplianceItem', columns: compliance });
  const money = (key: string, zh: string, en: string): BiColumn[] => [
    { name: key, sqlName: `${snake(key)}_yuan`, title: `${zh}（元）`, description: `${zh}（元）/ ${en} (yuan)`, kind: 'yuan', property: `${key}Fen`, dbColumn: `${snake(key)}_fen`, dataClass: DataClass.CONFIDENTIAL },
    { name: `${key}Wan`, sqlName: `${snake(key)}_wan`, title: `${zh}（万元）`, description: `${zh}（万元）/ ${en} (10,000 yuan)`, kind: 'wan', property: `${key}Fen`, dbColumn: `${snake(key)}_fen`, dataClass: DataClass.CONFIDENTIAL },
  ];
  out.set('monthly-figures', {
    name: 'monthly-figures',
    title: DERIVED_FEEDS['monthly-figures'].title,
    typeName: 'AccountStatsRow',
    columns: [
      { name: 'month', sqlName: 'month', title: '月份', description: '月份（YYYY-MM）/ month', kind: 'text', property: 'month', dbColumn: 'month', dataClass: DataClass.INTERNAL },
      ...ACCOUNT_REFERENCE,
      ...money('signed', '本月签约', 'signed in the month'),
      ...money('received', '本月回款', 'collected in the month'),
      ...money('receivable', '月末应收余额', 'receivable at the month\'s end'),
      ...money('overdue', '月末逾期金额', 'overdue at the month\'s end'),
    ],
  });
  return out;
}

/** Builds the catalog for a DataSource and the GraphQL schema (the column set is the same on both databases). */
export function buildBiCatalog(ds: DataSource, schema: GraphQLSchema): Map<BiEntityName, BiEntity> {
  const catalog = new Map<BiEntityName, BiEntity>();
  for (const name of BI_ENTITY_NAMES) {
    const { entity, title } = BI_ENTITIES[name];
    const meta = ds.getMetadata(entity);
    const accountProperty = entity === Account ? 'id' : meta.columns.some((c) => c.propertyName === 'accountId') ? 'accountId' : null;
    catalog.set(name, { name, title, target: entity, typeName: meta.name, table: meta.tableName, accountProperty, columns: entityColumns(ds, schema, meta) });
  }
  return catalog;
}

/** The flat value of a column for a row (`refs`: the referenced rows by relation and id). */
export function biValue(c: BiColumn, row: ObjectLiteral, refs: ReadonlyMap<string, ReadonlyMap<number, ObjectLiteral>>): unknown {
  const v = row[c.property];
  if (c.reference) {
    if (v === null || v === undefined) return null;
    return refs.get(c.reference.relation)?.get(Number(v))?.[c.reference.column] ?? null;
  }
  if (v === null || v === undefined) return c.kind === 'list' ? [] : null;
  switch (c.kind) {
    case 'yuan':
      return fenText(Number(v), 2);
    case 'wan':
      return fenText(Number(v), 6);
    case 'label':
      return Array.isArray(v) ? v.filter(Boolean).map((x: string) => enumLabel(c.enumType!, x)) : enumLabel(c.enumType!, String(v));
    case 'list':
      return Array.isArray(v) ? v.filter((x) => x !== '' && x !== null) : String(v).split(',').filter(Boolean);
    case 'id':
    case 'int':
      return Number(v);
    case 'number':
      return Number(v);
    case 'bool':
      return Boolean(v);
    case 'timestamp':
      return (v instanceof Date ? v : new Date(String(v))).toISOString();
    default:
      return typeof v === 'string' ? v : String(v);
  }
}

/**
 * An amount in 分 as exact decimal text: 元 with 2 decimals (`123456` → `1234.56`) or 万元 with 6
 * (`123456` → `0.123456`). Text, not a float, so no drift between the database and the file.
 */
export function fenText(fen: number, decimals: 2 | 6): string {
  const negative = fen < 0;
  const digits = String(Math.abs(Math.trunc(fen))).padStart(decimals + 1, '0');
  const text = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}
