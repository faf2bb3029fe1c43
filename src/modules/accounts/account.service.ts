import { In, IsNull, type DataSource } from 'typeorm';
import { say } from '../../common/messages';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import {
  AccountStatus, AccountStatuses, CompanyScale, CompanyScales, OwnershipType, OwnershipTypes, RecordSource, Reputation, Reputations,
} from '../../common/enums';
import { assertLocalDate } from '../../common/dates';
import { yuanToFen } from '../../common/money';
import { paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { toIdOrNull, toIds, type Id } from '../../common/ids';
import { cleanText, nameKey } from '../../common/text';
import { openInput, openValue } from '../../common/open-vocabulary';
import type { EnumVocabulary } from '../../common/enums';
import { normalizeCreditCode, normalizeEmail, normalizePhone, normalizePostalCode } from '../../common/validation';
import { inTransaction, managerFor } from '../../db/transaction';
import { Where } from '../../db/filters';
import { assertVersion, deleteVersioned, updateVersioned } from '../../db/versioned';
import { ListQuery, type Filterable } from '../../db/list-query';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../auth/access.service';
import { assertActiveLevel, assertActiveTier, TierService } from '../tiers/tier.service';
import type { Tier } from '../tiers/tier.entity';
import type { ManagementLevel } from '../tiers/management-level.entity';
import type { OwnershipStore } from '../ownership/ownership.store';
import { Assignment } from '../ownership/assignment.entity';
import { LIVE_STATUSES, refuseDuplicate } from '../ownership/ownership.rules';
import { assertAuthenticated } from '../auth/access.rules';
import { acquirePolicyLock } from '../../db/policy-lock';
import { pick } from '../../common/objects';
import { today } from '../../common/dates';
import { Role } from '../../common/enums';
import { assertMayLinkParent, changedAccountFields, decideAccountCreate, decideAccountUpdate } from './account.rules';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Project } from '../projects/project.entity';
import { Receivable } from '../projects/receivable.entity';
import { Payment } from '../projects/payment.entity';
import { Activity } from '../activities/activity.entity';
import { Account } from './account.entity';

/** Account fields as users give them: labels or codes for enums, 元 for money, `YYYY-MM-DD` dates. */
export interface AccountInput {
  code?: string | null;
  name?: string | null;
  parentId?: Id | null;
  registeredOn?: string | null;
  creditCode?: string | null;
  /** 单位性质: a code or any word (open vocabulary); `ownershipLabel` (free text) wins when given. */
  ownership?: OwnershipType | string | null;
  ownershipLabel?: string | null;
  industry?: string | null;
  scale?: CompanyScale | string | null;
  scaleLabel?: string | null;
  mainProducts?: string | null;
  reputation?: Reputation | string | null;
  reputationLabel?: string | null;
  totalAssets?: number | null;
  shareholders?: string | null;
  address?: string | null;
  postalCode?: string | null;
  phone?: string | null;
  fax?: string | null;
  email?: string | null;
  /** Tier code, name or alias (战略客户, 重要级, KEY…). */
  tierCode?: string | null;
  /** Management level code, name or alias (公司级, BRANCH…). */
  managementLevel?: string | null;
  status?: AccountStatus | string | null;
  ownerUnitId?: Id | null;
  managerId?: Id | null;
  expectedContractValue?: number | null;
  annualSales?: number | null;
  notes?: string | null;
  source?: RecordSource;
}

/** Which accounts a list or an aggregate covers; every given criterion must hold. */
export interface AccountFilter {
  ids?: Id[] | null;
  /** 客户编号 (compared as normalised: `ｋａ001` = `KA001`). */
  codes?: string[] | null;
  /** Tier codes, names or aliases (`STRATEGIC`, `战略客户`, `重要级`…). */
  tierCodes?: string[] | null;
  /** Management levels: codes, names or aliases (`公司级`, `BRANCH`…). */
  managementLevels?: string[] | null;
  statuses?: (AccountStatus | string)[] | null;
  /** Owning (recommending) units. */
  unitIds?: Id[] | null;
  /** With `unitIds`: also the units below them (a company and its branches). */
  includeSubUnits?: boolean | null;
  managerIds?: Id[] | null;
  industries?: string[] | null;
  /** Substring of the name, ignoring case, width and punctuation. */
  nameContains?: string | null;
  /** Substring of the name (as nameContains) or of the 客户编号: what a search box means. */
  search?: string | null;
  creditCode?: string | null;
  /** Accounts in these groups (their direct parent). */
  parentIds?: Id[] | null;
  /** true: only group members; false: only top-level accounts. */
  hasParent?: boolean | null;
  /** Changed at or after this time (for incremental BI refreshes). */
  updatedSince?: Date | null;
}

/** An {@link AccountFilter} with tier labels and unit trees resolved to ids, ready for SQL. */
export interface ResolvedAccountFilter {
  ids?: number[];
  codes?: string[];
  tierIds?: number[];
  managementLevelIds?: number[];
  statuses?: AccountStatus[];
  unitIds?: number[];
  managerIds?: number[];
  industries?: string[];
  nameContains?: string;
  search?: string;
  creditCode?: string;
  parentIds?: number[];
  hasParent?: boolean;
  updatedSince?: Date;
}

/**
 * What bulk callers (the annex importer) resolved once for a whole file, so that normalising a row
 * needs no query: the tier and management-level rows, and the promise that unit, manager and parent
 * ids were looked up by the caller.
 */
export interface AccountNormalizeRefs {
  tiers: readonly Tier[];
  managementLevels: readonly ManagementLevel[];
  idsVerified: boolean;
}

export type AccountValues = Partial<Omit<Account, 'id' | 'createdAt' | 'updatedAt' | 'version'>>;

export enum AccountSortField {
  ID = 'ID',
  CODE = 'CODE',
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  REGISTERED_ON = 'REGISTERED_ON',
  ANNUAL_SALES = 'ANNUAL_SALES',
  EXPECTED_CONTRACT_VALUE = 'EXPECTED_CONTRACT_VALUE',
}

const ACCOUNT_SORTS: SortColumns<AccountSortField> = {
  ID: { column: 'id', property: 'id' },
  CODE: { column: 'code', property: 'code' },
  NAME: { column: 'name', property: 'name' },
  CREATED_AT: { column: 'createdAt', property: 'createdAt', datetime: true },
  UPDATED_AT: { column: 'updatedAt', property: 'updatedAt', datetime: true },
  REGISTERED_ON: { column: 'registeredOn', property: 'registeredOn' },
  ANNUAL_SALES: { column: 'annualSalesFen', property: 'annualSalesFen' },
  EXPECTED_CONTRACT_VALUE: { column: 'expectedContractValueFen', property: 'expectedContractValueFen' },
};

const has = <K extends keyof AccountInput>(input: AccountInput, key: K) => Object.prototype.hasOwnProperty.call(input, key) && input[key] !== undefined;

/** 大客户档案: creating, changing and finding key accounts. */
export class AccountService {
  constructor(
    private readonly ds: DataSource,
    private readonly tiers: TierService,
    private readonly audit: AuditService,
    private readonly maxPageSize: () => number,
    private readonly access: AccessService,
    /** 谁开发、谁优先: duplicates, manager and unit, the recommendation or first assignment of a new account. */
    private readonly ownership: OwnershipStore,
  ) {}

  async get(ctx: RequestContext, id: number): Promise<Account> {
    const account = await managerFor(this.ds, ctx).findOneBy(Account, { id });
    if (!account) throw notFound('Account', id);
    return account;
  }

  async getByCode(ctx: RequestContext, code: string): Promise<Account> {
    const account = await this.findByCode(ctx, code);
    if (!account) throw notFound('Account', code);
    return account;
  }

  findByCode(ctx: RequestContext, code: string): Promise<Account | null> {
    return managerFor(this.ds, ctx).findOneBy(Account, { code: normalizeAccountCode(code) });
  }

  /** A page of accounts matching `filter`, in `order` (default by id), with keyset cursors. */
  async list(ctx: RequestContext, filter: AccountFilter, page: PageArgs, order?: SortOrder<AccountSortField> | null, columns?: readonly string[]): Promise<Connection<Account>> {
    const qb = new ListQuery(managerFor(this.ds, ctx), Account, 'a');
    applyAccountFilter(qb, await this.resolveFilter(ctx, filter));
    return paginate(qb, page, sortSpec(ACCOUNT_SORTS, order, AccountSortField.ID), this.maxPageSize(), columns);
  }

  /**
   * Resolves tier labels to tier ids and units to their subtrees (BAD_USER_INPUT naming the filter
   * field for an unknown tier or a malformed id), so the filter can become SQL.
   */
  async resolveFilter(ctx: RequestContext, filter: AccountFilter | null | undefined): Promise<ResolvedAccountFilter> {
    const f = filter ?? {};
    const out: ResolvedAccountFilter = {
      ids: toIds(f.ids, 'filter.ids'),
      codes: f.codes?.map(normalizeAccountCode),
      statuses: f.statuses?.map((s) => AccountStatuses.parse(String(s), 'filter.statuses')),
      managerIds: toIds(f.managerIds, 'filter.managerIds'),
      industries: f.industries?.map((i) => cleanText(i) ?? ''),
      nameContains: cleanText(f.nameContains) ?? undefined,
      search: cleanText(f.search) ?? undefined,
      creditCode: cleanText(f.creditCode) ? normalizeCreditCode(f.creditCode as string, 'filter.creditCode') : undefined,
      parentIds: toIds(f.parentIds, 'filter.parentIds'),
      hasParent: f.hasParent ?? undefined,
      updatedSince: f.updatedSince ?? undefined,
    };
    if (f.managementLevels) out.managementLevelIds = await Promise.all(f.managementLevels.map(async (c) => (await this.tiers.resolveManagementLevel(c, 'filter.managementLevels')).id));
    if (f.tierCodes) out.tierIds = await Promise.all(f.tierCodes.map(async (c) => (await this.tiers.resolve(c, 'filter.tierCodes')).id));
    const unitIds = toIds(f.unitIds, 'filter.unitIds');
    if (unitIds) out.unitIds = f.includeSubUnits ? await this.unitSubtrees(ctx, unitIds) : unitIds;
    return out;
  }

  /** The units and every unit below them (units are few: read once, walked in memory). */
  private async unitSubtrees(ctx: RequestContext, roots: number[]): Promise<number[]> {
    const units = await managerFor(this.ds, ctx).find(OrgUnit, { select: { id: true, parentId: true } });
    const children = new Map<number, number[]>();
    for (const u of units) if (u.parentId !== null) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
    const out = new Set<number>();
    const stack = [...roots];
    while (stack.length) {
      const id = stack.pop() as number;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...(children.get(id) ?? []));
    }
    return [...out];
  }

  /**
   * Validates and normalises input into column values. Only fields present in `input` are returned
   * (a patch); `creating` additionally requires code and name. With `refs` the tier and level lists in
   * hand resolve labels, and with `idsVerified` the caller vouches for unit, manager and parent ids.
   */
  async normalize(ctx: RequestContext, input: AccountInput, creating: boolean, refs?: AccountNormalizeRefs): Promise<AccountValues> {
    if (refs?.idsVerified) return normalizeAccountInput(input, creating, refs);
    // Labels resolved ahead (a failure kept, and thrown where the field is validated: the errors' order stays the fields').
    const settle = <T>(p: Promise<T>) => p.then((x): T | DomainError => x, (e: unknown) => (e instanceof DomainError ? e : Promise.reject(e)));
    const tier = refs ? null : has(input, 'tierCode') && cleanText(input.tierCode) ? await settle(this.tiers.resolve(input.tierCode as string, 'tierCode')) : null;
    const level = refs ? null : has(input, 'managementLevel') && cleanText(input.managementLevel) ? await settle(this.tiers.resolveManagementLevel(input.managementLevel as string)) : null;
    const given = <T>(x: T | DomainError | null): T => {
      if (x instanceof DomainError) throw x;
      return x as T;
    };
    const v = normalizeFields(input, creating, refs ? { tier: (l) => tierOf(l, refs), level: (l) => levelOf(l, refs) } : { tier: () => given(tier), level: () => given(level) });
    const em = managerFor(this.ds, ctx);
    if (has(input, 'ownerUnitId')) {
      const unitId = toIdOrNull(input.ownerUnitId, 'ownerUnitId');
      if (unitId !== null && !(await em.existsBy(OrgUnit, { id: unitId }))) {
        throw new DomainError(ErrorCode.NOT_FOUND, `ownerUnitId: unit ${unitId} not found`, { field: 'ownerUnitId' });
      }
      v.ownerUnitId = unitId;
    }
    if (has(input, 'managerId')) {
      const managerId = toIdOrNull(input.managerId, 'managerId');
      if (managerId !== null && !(await em.existsBy(User, { id: managerId }))) {
        throw new DomainError(ErrorCode.NOT_FOUND, `managerId: user ${managerId} not found`, { field: 'managerId' });
      }
      v.managerId = managerId;
    }
    if (has(input, 'parentId')) {
      const parentId = toIdOrNull(input.parentId, 'parentId');
      if (parentId !== null && !(await em.existsBy(Account, { id: parentId }))) {
        throw new DomainError(ErrorCode.NOT_FOUND, `parentId: account ${parentId} not found`, { field: 'parentId' });
      }
      v.parentId = parentId;
    }
    if (input.source) v.source = input.source;
    return v;
  }

  /**
   * A new account, by the rules of {@link decideAccountCreate}: an ADMIN's as given, a MANAGER's as a
   * recommendation (a CANDIDATE of its unit, itself as manager). Never a duplicate of a company
   * another account already is (same credit code or normalised name).
   */
  async create(ctx: RequestContext, input: AccountInput): Promise<Account> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const values = await this.normalize(tx, input, true);
      Object.assign(values, decideAccountCreate(tx, values, !!cleanText(input.status as string | null | undefined)));
      if (values.parentId != null) await this.assertMayLinkParent(tx, values.parentId);
      return this.insertNew(tx, values);
    });
  }

  /**
   * Inserts an account whose creation the rules allowed (a create, or a unit's recommendation), under
   * the ownership lock: its manager belongs to its unit, it duplicates no company, its codes are free;
   * then a candidate opens its recommendation (with `reason`), an owned live account its first assignment.
   */
  async insertNew(ctx: RequestContext, values: AccountValues, reason: string | null = null): Promise<Account> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      if (values.ownerUnitId != null && values.managerId != null) await this.ownership.assertManagerInUnit(tx, values.managerId, values.ownerUnitId, 'managerId');
      await this.assertNoDuplicate(tx, values, null);
      await this.assertUnique(tx, values, null);
      const account = em.create(Account, { ...emptyAccount(), ...values });
      await em.save(account);
      await this.audit.record(tx, { action: 'account.create', entity: 'Account', entityId: account.id, after: { code: account.code, name: account.name } });
      if (account.status === AccountStatus.CANDIDATE) await this.ownership.openRecommendation(tx, account, null, reason);
      else if (LIVE_STATUSES.includes(account.status) && account.ownerUnitId !== null) {
        await this.ownership.openInitialAssignment(tx, account, account.ownerUnitId, account.managerId, account.registeredOn ?? today());
      }
      return account;
    });
  }

  /**
   * Applies a patch (absent fields stay, null clears); with `expectedVersion`, refuses
   * (VERSION_CONFLICT) when someone else saved first. Who may change which fields in which state:
   * {@link decideAccountUpdate}, judged on what really changes.
   */
  async update(ctx: RequestContext, id: number, input: AccountInput, expectedVersion?: number | null): Promise<Account> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.get(tx, id);
      assertAuthenticated(tx);
      const manages = tx.actor.role === Role.MANAGER && (await this.access.manages(tx, account));
      // Whether the caller may touch the account at all comes before anything about its values.
      decideAccountUpdate(tx.actor, account, manages, [], {});
      assertVersion(account, expectedVersion, `account ${account.code}`);
      const values = await this.normalize(tx, input, false);
      const changed = changedAccountFields(account, values);
      const moving = changed.includes('ownerUnitId') || changed.includes('managerId');
      decideAccountUpdate(tx.actor, account, manages, changed, values, moving ? await this.ownership.unitNames(tx) : undefined);
      const unitId = values.ownerUnitId !== undefined ? values.ownerUnitId : account.ownerUnitId;
      const managerId = values.managerId !== undefined ? values.managerId : account.managerId;
      if ((changed.includes('ownerUnitId') || changed.includes('managerId')) && unitId !== null && managerId !== null) {
        await this.ownership.assertManagerInUnit(tx, managerId, unitId, 'managerId');
      }
      if (values.parentId != null && changed.includes('parentId')) {
        await this.assertMayLinkParent(tx, values.parentId);
        await this.assertNoCycle(tx, id, values.parentId);
      }
      if (changed.includes('name') || changed.includes('creditCode')) await this.assertNoDuplicate(tx, { ...account, ...values }, account.id);
      await this.assertUnique(tx, values, id);
      await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
      await this.audit.record(tx, { action: 'account.update', entity: 'Account', entityId: id, fields: Object.keys(values), before: pick(account, Object.keys(values)), after: values });
      // A first owner gets its INITIAL assignment; a manager filled in joins the open assignment.
      if (changed.includes('ownerUnitId') && account.ownerUnitId === null && values.ownerUnitId != null && LIVE_STATUSES.includes(account.status)) {
        await this.ownership.openInitialAssignment(tx, account, values.ownerUnitId, managerId, today());
      } else if (changed.includes('managerId') && account.managerId === null && values.managerId != null) {
        await em.update(Assignment, { accountId: account.id, isPrimary: true, toDate: IsNull(), managerId: IsNull() }, { managerId: values.managerId });
      }
      return this.get(tx, id);
    });
  }

  /**
   * Deletes an account entered by mistake (ADMIN). Its contacts, credit evaluations, assignments and
   * tier reviews go with it; an account with projects, receivables, payments or activities is refused
   * (IN_USE) — end the relationship with status TERMINATED (终止合作) instead. Group members lose their parent.
   */
  async delete(ctx: RequestContext, id: number, expectedVersion: number): Promise<Account> {
    this.access.assertAdmin(ctx, 'delete accounts (end the relationship with status TERMINATED instead)');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.get(tx, id);
      assertVersion(account, expectedVersion, `account ${account.code}`);
      const dependents: [string, number][] = [
        ['projects', await em.countBy(Project, { accountId: id })],
        ['receivables', await em.countBy(Receivable, { accountId: id })],
        ['payments', await em.countBy(Payment, { accountId: id })],
        ['activities', await em.countBy(Activity, { accountId: id })],
      ];
      const used = dependents.filter(([, n]) => n > 0);
      if (used.length) {
        throw new DomainError(
          ErrorCode.IN_USE,
          `account ${account.code} has ${used.map(([what, n]) => `${n} ${what}`).join(', ')}; it cannot be deleted — set its status to TERMINATED (终止合作) instead`,
          { field: 'id', dependents: Object.fromEntries(used) },
        );
      }
      await em.update(Account, { parentId: id }, { parentId: null });
      await deleteVersioned(em, Account, account, expectedVersion, `account ${account.code}`);
      await this.audit.record(tx, { action: 'account.delete', entity: 'Account', entityId: id, before: { code: account.code, name: account.name } });
      return account;
    });
  }

  /** Accounts by ids, in one query (for batch lookups). */
  findByIds(ctx: RequestContext, ids: number[]): Promise<Account[]> {
    return ids.length ? managerFor(this.ds, ctx).findBy(Account, { id: In(ids) }) : Promise.resolve([]);
  }

  private async assertUnique(ctx: RequestContext, values: AccountValues, selfId: number | null): Promise<void> {
    const em = managerFor(this.ds, ctx);
    if (values.code) {
      const other = await em.findOneBy(Account, { code: values.code });
      if (other && other.id !== selfId) throw new DomainError(ErrorCode.ALREADY_EXISTS, `code: ${say(`客户编号 ${values.code} 已被 ${other.name} 使用`, `客户编号 ${values.code} is already used by ${other.name}`)}`, { field: 'code' });
    }
    if (values.creditCode) {
      const other = await em.findOneBy(Account, { creditCode: values.creditCode });
      if (other && other.id !== selfId) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `creditCode: ${say(`统一社会信用代码 ${values.creditCode} 已属于客户 ${other.code} ${other.name}`, `统一社会信用代码 ${values.creditCode} is already account ${other.code} ${other.name}`)}`, { field: 'creditCode' });
      }
    }
  }

  /** The company must not already be another account (same credit code or normalised name): see {@link refuseDuplicate}. */
  private async assertNoDuplicate(ctx: RequestContext, values: AccountValues, selfId: number | null): Promise<void> {
    const match = await this.ownership.findDuplicate(ctx, values.creditCode ?? null, values.nameKey as string, selfId);
    if (!match) return;
    const cross = (await this.ownership.crossRegionUnits(ctx, [match.account.id])).get(match.account.id) ?? [];
    refuseDuplicate(match, values.ownerUnitId ?? null, cross, await this.ownership.unitNames(ctx));
  }

  private async assertMayLinkParent(ctx: RequestContext, parentId: number): Promise<void> {
    const parent = await this.get(ctx, parentId);
    assertMayLinkParent(ctx.actor, parent, ctx.actor.role === Role.MANAGER && (await this.access.manages(ctx, parent)));
  }

  /** A group hierarchy must stay a tree. */
  private async assertNoCycle(ctx: RequestContext, id: number, parentId: number): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const seen = new Set<number>([id]);
    let cursor: number | null = parentId;
    while (cursor !== null) {
      if (seen.has(cursor)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `parentId: ${say('集团层级将形成循环', 'the group hierarchy would become a cycle')}`, { field: 'parentId' });
      seen.add(cursor);
      const row: Pick<Account, 'parentId'> | null = await em.findOne(Account, { where: { id: cursor }, select: { id: true, parentId: true } });
      cursor = row?.parentId ?? null;
    }
  }
}

/**
 * {@link AccountService.normalize} for a caller holding the tier and level lists and vouching for the ids
 * (an import checks units, managers and parents against its directory): synchronous, row after row.
 */
export function normalizeAccountInput(input: AccountInput, creating: boolean, refs: AccountNormalizeRefs): AccountValues {
  let labels = refLabels.get(refs);
  if (!labels) refLabels.set(refs, (labels = { tier: (l) => tierOf(l, refs), level: (l) => levelOf(l, refs) }));
  const v = normalizeFields(input, creating, labels);
  for (const key of ID_FIELDS) if (has(input, key)) v[key] = toIdOrNull(input[key], key);
  if (input.source) v.source = input.source;
  return v;
}

const ID_FIELDS = ['ownerUnitId', 'managerId', 'parentId'] as const;

type LabelResolvers = { tier(label: string): Tier; level(label: string): ManagementLevel };

/** Tier and level resolvers over one pair of lists, made once for them (an import normalises row after row with the same). */
const refLabels = new WeakMap<AccountNormalizeRefs, LabelResolvers>();

/** A text field the input gives, cleaned into `v`. */
function setText(input: AccountInput, v: AccountValues, key: keyof AccountInput & keyof AccountValues): void {
  if (has(input, key)) (v as Record<string, unknown>)[key] = cleanText(input[key] as string | null);
}

/** An open vocabulary's field the input gives: a word outside the vocabulary is kept as written beside a null code. */
function setOpen(input: AccountInput, v: AccountValues, field: 'ownership' | 'scale' | 'reputation', vocab: EnumVocabulary<string>): void {
  const word = openInput(input as Record<string, unknown>, field);
  if (word === undefined) return;
  const o = openValue(vocab, word, field);
  (v as Record<string, unknown>)[field] = o.code;
  (v as Record<string, unknown>)[OPEN_LABEL[field]] = o.label;
}

const OPEN_LABEL = { ownership: 'ownershipLabel', scale: 'scaleLabel', reputation: 'reputationLabel' } as const;

/** The fields' own rules (all but whether referenced records exist): one account's input → its column values. */
function normalizeFields(input: AccountInput, creating: boolean, labels: LabelResolvers): AccountValues {
  const v: AccountValues = {};
  if (has(input, 'code') || creating) {
    const code = cleanText(input.code);
    if (!code) throw new DomainError(ErrorCode.REQUIRED, `code: ${say('客户编号为必填项', '客户编号 is required')}`, { field: 'code' });
    v.code = normalizeAccountCode(code);
    if (v.code.length > 64) throw new DomainError(ErrorCode.VALIDATION_FAILED, `code: ${say('最多 64 个字', 'at most 64 characters')}`, { field: 'code' });
  }
  if (has(input, 'name') || creating) {
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, `name: ${say('单位名称为必填项', '单位名称 is required')}`, { field: 'name' });
    if (name.length > 200) throw new DomainError(ErrorCode.VALIDATION_FAILED, `name: ${say('最多 200 个字', 'at most 200 characters')}`, { field: 'name' });
    v.name = name;
    v.nameKey = nameKey(name);
  }
  if (has(input, 'creditCode')) {
    const c = cleanText(input.creditCode);
    v.creditCode = c ? normalizeCreditCode(c, 'creditCode') : null;
  }
  if (has(input, 'registeredOn')) v.registeredOn = input.registeredOn ? assertLocalDate(input.registeredOn, 'registeredOn') : null;
  setOpen(input, v, 'ownership', OwnershipTypes);
  setOpen(input, v, 'scale', CompanyScales);
  setOpen(input, v, 'reputation', Reputations);
  if (has(input, 'status') || creating) v.status = input.status ? AccountStatuses.parse(String(input.status), 'status') : AccountStatus.ACTIVE;
  for (const key of PLAIN_TEXT_FIELDS) setText(input, v, key);
  if (has(input, 'postalCode')) v.postalCode = input.postalCode ? normalizePostalCode(input.postalCode, 'postalCode') : null;
  if (has(input, 'phone')) v.phone = cleanText(input.phone) ? normalizePhone(input.phone as string, 'phone') : null;
  if (has(input, 'fax')) v.fax = cleanText(input.fax) ? normalizePhone(input.fax as string, 'fax') : null;
  if (has(input, 'email')) v.email = cleanText(input.email) ? normalizeEmail(input.email as string, 'email') : null;
  for (const [key, col] of AMOUNT_FIELDS) {
    if (!has(input, key)) continue;
    const yuan = input[key];
    if (yuan === null || yuan === undefined) {
      v[col] = null;
    } else {
      if (yuan < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${key}: ${say('不能为负数', 'must not be negative')}`, { field: key });
      v[col] = yuanToFen(yuan, key);
    }
  }
  if (has(input, 'tierCode')) v.tierId = cleanText(input.tierCode) ? labels.tier(input.tierCode as string).id : null;
  if (has(input, 'managementLevel')) v.managementLevelId = cleanText(input.managementLevel) ? labels.level(input.managementLevel as string).id : null;
  return v;
}

const PLAIN_TEXT_FIELDS = ['industry', 'mainProducts', 'shareholders', 'address', 'notes'] as const;
const AMOUNT_FIELDS = [['totalAssets', 'totalAssetsFen'], ['expectedContractValue', 'expectedContractValueFen'], ['annualSales', 'annualSalesFen']] as const;

/** A tier by code, name or alias, from the list in hand. */
function tierOf(input: string, refs: AccountNormalizeRefs): Tier {
  const tiers = labelIndex(refs.tiers);
  // A label as the index keys it (the common 战略, 重点…) needs no normalising: nameKey(k) is k.
  const tier = tiers.get(input) ?? tiers.get(nameKey(input));
  if (!tier) throw new DomainError(ErrorCode.UNKNOWN_TIER, `tierCode: ${say(`「${input}」不是客户层级`, `"${input}" is not a tier`)} (${refs.tiers.filter((t) => t.active).map((t) => `${t.name} ${t.code}`).join('、')})`, { field: 'tierCode', value: input });
  assertActiveTier(tier, 'tierCode', input);
  return tier;
}

/** A management level by code, name or alias, from the list in hand. */
function levelOf(input: string, refs: AccountNormalizeRefs): ManagementLevel {
  const levels = labelIndex(refs.managementLevels);
  const level = levels.get(input) ?? levels.get(nameKey(input));
  if (!level) throw new DomainError(ErrorCode.INVALID_ENUM, `managementLevel: ${say(`「${input}」不是管理层级`, `"${input}" is not a management level`)} (${refs.managementLevels.filter((l) => l.active).map((t) => t.name).join('、')})`, { field: 'managementLevel', value: input });
  assertActiveLevel(level, 'managementLevel', input);
  return level;
}

const labelIndexes = new WeakMap<readonly { code: string; name: string; aliases: string[] }[], Map<string, unknown>>();

/** Code, name or alias → row, indexed once per list (what matchByLabel does per call). */
function labelIndex<T extends { code: string; name: string; aliases: string[] }>(rows: readonly T[]): Map<string, T> {
  let idx = labelIndexes.get(rows) as Map<string, T> | undefined;
  if (!idx) {
    idx = new Map();
    for (const r of rows) for (const l of [r.code, r.name, ...r.aliases]) if (!idx.has(nameKey(l))) idx.set(nameKey(l), r);
    labelIndexes.set(rows, idx);
  }
  return idx;
}

/** 客户编号 are compared in upper case without spaces (Ｋ００１ = K001). */
export function normalizeAccountCode(code: string): string {
  return code.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** Adds a resolved account filter to a query on accounts (any alias); lists and aggregates share it. */
export function applyAccountFilter(qb: Filterable, f: ResolvedAccountFilter): void {
  const key = f.nameContains ? nameKey(f.nameContains) : '';
  const searchKey = f.search ? nameKey(f.search) : '';
  new Where(qb)
    .in('id', f.ids)
    .in('code', f.codes)
    .in('tierId', f.tierIds)
    .in('managementLevelId', f.managementLevelIds)
    .in('status', f.statuses)
    .in('ownerUnitId', f.unitIds)
    .in('managerId', f.managerIds)
    .in('industry', f.industries)
    .contains(f.nameContains, ['name', f.nameContains ?? ''], ['nameKey', key])
    .contains(f.search, ['name', f.search ?? ''], ['nameKey', searchKey], ['code', f.search ? normalizeAccountCode(f.search) : ''])
    .eq('creditCode', f.creditCode)
    .in('parentId', f.parentIds)
    .present('parentId', f.hasParent)
    .range('updatedAt', f.updatedSince, null);
}

/** Column values of an account nobody has filled in yet (what `create` starts from). */
export function emptyAccount(): AccountValues {
  return {
    parentId: null, registeredOn: null, creditCode: null, ownership: null, ownershipLabel: null, industry: null, scale: null, scaleLabel: null, mainProducts: null, reputation: null, reputationLabel: null,
    totalAssetsFen: null, shareholders: null, address: null, postalCode: null, phone: null, fax: null, email: null, tierId: null,
    managementLevelId: null, status: AccountStatus.ACTIVE, ownerUnitId: null, managerId: null, expectedContractValueFen: null,
    annualSalesFen: null, terminatedOn: null, source: RecordSource.MANUAL, notes: null,
  };
}
