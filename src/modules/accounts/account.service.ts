import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import {
  AccountStatus, AccountStatuses, CompanyScale, CompanyScales, OwnershipType, OwnershipTypes, RecordSource, Reputation, Reputations,
} from '../../common/enums';
import { assertLocalDate } from '../../common/dates';
import { yuanToFen } from '../../common/money';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { cleanText, nameKey } from '../../common/text';
import { normalizeCreditCode, normalizeEmail, normalizePhone, normalizePostalCode } from '../../common/validation';
import { inTransaction, managerFor } from '../../db/transaction';
import { AuditService } from '../audit/audit.service';
import { TierService } from '../policy/tier.service';
import type { Tier } from '../policy/tier.entity';
import type { ManagementLevel } from '../policy/management-level.entity';
import type { OwnershipService } from '../policy/ownership.service';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Account } from './account.entity';

/** Account fields as users give them: labels or codes for enums, 元 for money, `YYYY-MM-DD` dates. */
export interface AccountInput {
  code?: string | null;
  name?: string | null;
  parentId?: number | null;
  registeredOn?: string | null;
  creditCode?: string | null;
  ownership?: OwnershipType | string | null;
  industry?: string | null;
  scale?: CompanyScale | string | null;
  mainProducts?: string | null;
  reputation?: Reputation | string | null;
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
  ownerUnitId?: number | null;
  managerId?: number | null;
  expectedContractValue?: number | null;
  annualSales?: number | null;
  notes?: string | null;
  source?: RecordSource;
}

export interface AccountFilter {
  ids?: number[];
  codes?: string[];
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

const has = <K extends keyof AccountInput>(input: AccountInput, key: K) => Object.prototype.hasOwnProperty.call(input, key) && input[key] !== undefined;

/** 大客户档案: creating, changing and finding key accounts. */
export class AccountService {
  constructor(
    private readonly ds: DataSource,
    private readonly tiers: TierService,
    private readonly audit: AuditService,
    private readonly maxPageSize: () => number,
    /** 谁开发、谁优先: ownership, status and tier rules every create and update goes through. */
    private readonly ownership: OwnershipService,
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

  async list(ctx: RequestContext, filter: AccountFilter, page: PageArgs): Promise<Connection<Account>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(Account, 'a');
    applyAccountFilter(qb, filter);
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
  }

  /**
   * Validates and normalises input into column values. Only fields present in `input` are returned
   * (a patch); `creating` additionally requires code and name.
   */
  async normalize(ctx: RequestContext, input: AccountInput, creating: boolean, refs?: AccountNormalizeRefs): Promise<AccountValues> {
    const v: AccountValues = {};
    const text = (key: keyof AccountInput & keyof AccountValues) => {
      if (has(input, key)) (v as Record<string, unknown>)[key] = cleanText(input[key] as string | null);
    };
    if (has(input, 'code') || creating) {
      const code = cleanText(input.code);
      if (!code) throw new DomainError(ErrorCode.REQUIRED, 'code: 客户编号 is required', { field: 'code' });
      v.code = normalizeAccountCode(code);
      if (v.code.length > 64) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'code: at most 64 characters', { field: 'code' });
    }
    if (has(input, 'name') || creating) {
      const name = cleanText(input.name);
      if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 单位名称 is required', { field: 'name' });
      if (name.length > 200) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'name: at most 200 characters', { field: 'name' });
      v.name = name;
      v.nameKey = nameKey(name);
    }
    if (has(input, 'creditCode')) {
      const c = cleanText(input.creditCode);
      v.creditCode = c ? normalizeCreditCode(c, 'creditCode') : null;
    }
    if (has(input, 'registeredOn')) v.registeredOn = input.registeredOn ? assertLocalDate(input.registeredOn, 'registeredOn') : null;
    if (has(input, 'ownership')) v.ownership = input.ownership ? OwnershipTypes.parse(String(input.ownership), 'ownership') : null;
    if (has(input, 'scale')) v.scale = input.scale ? CompanyScales.parse(String(input.scale), 'scale') : null;
    if (has(input, 'reputation')) v.reputation = input.reputation ? Reputations.parse(String(input.reputation), 'reputation') : null;
    if (has(input, 'status') || creating) v.status = input.status ? AccountStatuses.parse(String(input.status), 'status') : AccountStatus.ACTIVE;
    for (const key of ['industry', 'mainProducts', 'shareholders', 'address', 'notes'] as const) text(key);
    if (has(input, 'postalCode')) v.postalCode = input.postalCode ? normalizePostalCode(input.postalCode, 'postalCode') : null;
    if (has(input, 'phone')) v.phone = cleanText(input.phone) ? normalizePhone(input.phone as string, 'phone') : null;
    if (has(input, 'fax')) v.fax = cleanText(input.fax) ? normalizePhone(input.fax as string, 'fax') : null;
    if (has(input, 'email')) v.email = cleanText(input.email) ? normalizeEmail(input.email as string, 'email') : null;
    for (const [key, col] of [['totalAssets', 'totalAssetsFen'], ['expectedContractValue', 'expectedContractValueFen'], ['annualSales', 'annualSalesFen']] as const) {
      if (!has(input, key)) continue;
      const yuan = input[key];
      if (yuan === null || yuan === undefined) {
        v[col] = null;
      } else {
        if (yuan < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${key}: must not be negative`, { field: key });
        v[col] = yuanToFen(yuan, key);
      }
    }
    if (has(input, 'tierCode')) v.tierId = cleanText(input.tierCode) ? (await this.resolveTier(input.tierCode as string, refs)).id : null;
    if (has(input, 'managementLevel')) {
      v.managementLevelId = cleanText(input.managementLevel) ? (await this.resolveLevel(input.managementLevel as string, refs)).id : null;
    }
    if (refs?.idsVerified) {
      for (const key of ['ownerUnitId', 'managerId', 'parentId'] as const) if (has(input, key)) v[key] = input[key] ?? null;
      if (input.source) v.source = input.source;
      return v;
    }
    const em = managerFor(this.ds, ctx);
    if (has(input, 'ownerUnitId')) {
      if (input.ownerUnitId != null && !(await em.existsBy(OrgUnit, { id: input.ownerUnitId }))) {
        throw new DomainError(ErrorCode.NOT_FOUND, `ownerUnitId: unit ${input.ownerUnitId} not found`, { field: 'ownerUnitId' });
      }
      v.ownerUnitId = input.ownerUnitId ?? null;
    }
    if (has(input, 'managerId')) {
      if (input.managerId != null && !(await em.existsBy(User, { id: input.managerId }))) {
        throw new DomainError(ErrorCode.NOT_FOUND, `managerId: user ${input.managerId} not found`, { field: 'managerId' });
      }
      v.managerId = input.managerId ?? null;
    }
    if (has(input, 'parentId')) {
      if (input.parentId != null && !(await em.existsBy(Account, { id: input.parentId }))) {
        throw new DomainError(ErrorCode.NOT_FOUND, `parentId: account ${input.parentId} not found`, { field: 'parentId' });
      }
      v.parentId = input.parentId ?? null;
    }
    if (input.source) v.source = input.source;
    return v;
  }

  private async resolveTier(input: string, refs: AccountNormalizeRefs | undefined): Promise<Tier> {
    if (!refs) return this.tiers.resolve(input, 'tierCode');
    const tier = labelIndex(refs.tiers).get(nameKey(input));
    if (!tier) throw new DomainError(ErrorCode.UNKNOWN_TIER, `tierCode: "${input}" is not a tier (${refs.tiers.map((t) => `${t.name} ${t.code}`).join('、')})`, { field: 'tierCode', value: input });
    return tier;
  }

  private async resolveLevel(input: string, refs: AccountNormalizeRefs | undefined): Promise<ManagementLevel> {
    if (!refs) return this.tiers.resolveManagementLevel(input);
    const level = labelIndex(refs.managementLevels).get(nameKey(input));
    if (!level) throw new DomainError(ErrorCode.INVALID_ENUM, `managementLevel: "${input}" is not a management level (${refs.managementLevels.map((t) => t.name).join('、')})`, { field: 'managementLevel', value: input });
    return level;
  }

  async create(ctx: RequestContext, input: AccountInput): Promise<Account> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const values = await this.normalize(tx, input, true);
      await this.ownership.beforeCreate(tx, input, values);
      await this.assertUnique(tx, values, null);
      const account = em.create(Account, { ...emptyAccount(), ...values });
      await em.save(account);
      await this.audit.record(tx, { action: 'account.create', entity: 'Account', entityId: account.id, after: { code: account.code, name: account.name } });
      await this.ownership.afterCreate(tx, account);
      return account;
    });
  }

  /** Applies a patch; with `expectedVersion`, refuses (VERSION_CONFLICT) when someone else saved first. */
  async update(ctx: RequestContext, id: number, input: AccountInput, expectedVersion?: number | null): Promise<Account> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.get(tx, id);
      await this.ownership.assertMayWrite(tx, account);
      if (expectedVersion != null && account.version !== expectedVersion) {
        throw new DomainError(ErrorCode.VERSION_CONFLICT, `account ${account.code} was changed by someone else (version ${account.version}, you had ${expectedVersion}); reload and retry`, { field: 'version' });
      }
      const values = await this.normalize(tx, input, false);
      if (values.parentId != null) await this.assertNoCycle(tx, id, values.parentId);
      await this.ownership.beforeUpdate(tx, account, values);
      await this.assertUnique(tx, values, id);
      const before = pick(account, Object.keys(values));
      const res = await em
        .createQueryBuilder()
        .update(Account)
        .set({ ...values, updatedAt: new Date() })
        .where('id = :id AND version = :version', { id, version: account.version })
        .execute();
      if (res.affected === 0) throw new DomainError(ErrorCode.VERSION_CONFLICT, `account ${account.code} was changed concurrently; reload and retry`, { field: 'version' });
      await this.audit.record(tx, { action: 'account.update', entity: 'Account', entityId: id, fields: Object.keys(values), before, after: values });
      await this.ownership.afterUpdate(tx, account, values);
      return this.get(tx, id);
    });
  }

  private async assertUnique(ctx: RequestContext, values: AccountValues, selfId: number | null): Promise<void> {
    const em = managerFor(this.ds, ctx);
    if (values.code) {
      const other = await em.findOneBy(Account, { code: values.code });
      if (other && other.id !== selfId) throw new DomainError(ErrorCode.ALREADY_EXISTS, `code: 客户编号 ${values.code} is already used by ${other.name}`, { field: 'code' });
    }
    if (values.creditCode) {
      const other = await em.findOneBy(Account, { creditCode: values.creditCode });
      if (other && other.id !== selfId) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `creditCode: 统一社会信用代码 ${values.creditCode} is already account ${other.code} ${other.name}`, { field: 'creditCode' });
      }
    }
  }

  /** A group hierarchy must stay a tree. */
  private async assertNoCycle(ctx: RequestContext, id: number, parentId: number): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const seen = new Set<number>([id]);
    let cursor: number | null = parentId;
    while (cursor !== null) {
      if (seen.has(cursor)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'parentId: the group hierarchy would become a cycle', { field: 'parentId' });
      seen.add(cursor);
      const row: Pick<Account, 'parentId'> | null = await em.findOne(Account, { where: { id: cursor }, select: { id: true, parentId: true } });
      cursor = row?.parentId ?? null;
    }
  }
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

export function applyAccountFilter(qb: SelectQueryBuilder<Account>, filter: AccountFilter): void {
  if (filter.ids?.length) qb.andWhere(`${qb.alias}.id IN (:...ids)`, { ids: filter.ids });
  if (filter.codes?.length) qb.andWhere(`${qb.alias}.code IN (:...codes)`, { codes: filter.codes.map(normalizeAccountCode) });
}

/** Column values of an account nobody has filled in yet (what `create` starts from). */
export function emptyAccount(): AccountValues {
  return {
    parentId: null, registeredOn: null, creditCode: null, ownership: null, industry: null, scale: null, mainProducts: null, reputation: null,
    totalAssetsFen: null, shareholders: null, address: null, postalCode: null, phone: null, fax: null, email: null, tierId: null,
    managementLevelId: null, status: AccountStatus.ACTIVE, ownerUnitId: null, managerId: null, expectedContractValueFen: null,
    annualSalesFen: null, terminatedOn: null, source: RecordSource.MANUAL, notes: null,
  };
}

function pick(row: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (row as Record<string, unknown>)[k]]));
}
