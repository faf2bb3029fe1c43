/**
 * What the loaders share during one import run: the transaction (while writing), reference data
 * loaded once (tiers, units, managers), the account directory for rows that name an account, and
 * the sinks for warnings. Units and managers a file names but the database lacks are created (or, in
 * a dry run, only listed), each with a warning.
 */
import { say } from '../../src/common/messages';
import { createHash } from 'node:crypto';
import { In, IsNull, type EntityManager } from 'typeorm';
import type { RequestContext } from '../../src/common/context';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { Role } from '../../src/common/enums';
import { nameKey } from '../../src/common/text';
import { managerFor } from '../../src/db/transaction';
export { changedKeys, sameValue } from '../../src/db/versioned';
import { Account } from '../../src/modules/accounts/account.entity';
import { normalizeAccountCode } from '../../src/modules/accounts/account.service';
import { OrgUnit } from '../../src/modules/org/org-unit.entity';
import { User } from '../../src/modules/org/user.entity';
import { Assignment } from '../../src/modules/ownership/assignment.entity';
import { assertMayWriteAccountData, managesAccount } from '../../src/modules/auth/access.rules';
import type { Tier } from '../../src/modules/tiers/tier.entity';
import type { ManagementLevel } from '../../src/modules/tiers/management-level.entity';
import type { Services } from '../../src/services';
import { ImportCode, type IssueData } from '../read/issues';
import { cellIssue, type ParsedRow } from '../read/parser';

export type RowOutcome = 'created' | 'updated' | 'unchanged';

/**
 * A batch's writes run while the next batch is read and planned. They go through the one
 * transaction connection, which executes statements in the order they were issued, so the next
 * batch's lookups still see this batch's rows. `drain()` waits for them and rethrows a failure.
 */
export class WriteQueue {
  private chain: Promise<void> = Promise.resolve();
  private error: unknown = null;
  private readonly inFlight: Promise<void>[] = [];

  /** Queues a batch's writes; waits while two are already queued, so memory stays flat when the database is slower than the parser. */
  async push(write: () => Promise<void>): Promise<void> {
    const next = this.chain.then(() => (this.error ? undefined : write())).catch((e: unknown) => {
      this.error ??= e;
    });
    this.chain = next;
    this.inFlight.push(next);
    while (this.inFlight.length > 2) await this.inFlight.shift();
  }

  async drain(): Promise<void> {
    await this.chain;
    this.inFlight.length = 0;
    if (this.error) throw this.error;
  }
}

/** What the importer drives: one call per batch, in order, then `finish`. */
export interface AnnexLoader {
  process(rows: import('../read/parser').ParsedRow[]): Promise<(RowOutcome | null)[]>;
  /** The batch that will be processed next, announced while the current one still is (a loader may start its reads). */
  lookahead?(rows: import('../read/parser').ParsedRow[]): void;
  /** The file holds about `rows` rows, as estimated from the share of it read so far (a loader may size what it keeps per row). */
  expect?(rows: number): void;
  /** Waits for the writes still running. */
  drain(): Promise<void>;
  finish(): Promise<void>;
  /** Lets go of what the loader holds outside the heap (its in-file index's temporary file); called once the run has ended, however it ended. */
  close(): void;
}

/**
 * What an import needs of the application — and nothing more: the services whose rules and
 * validation every row goes through, the job and audit records, and the database it writes.
 */
export type ImportServices = Pick<
  Services,
  'ds' | 'config' | 'keyRing' | 'org' | 'tiers' | 'accounts' | 'contacts' | 'credit' | 'projects' | 'activities' | 'audit' | 'imports' | 'ownershipStore' | 'importMappings'
>;

/** One cell of a previewed row: the entity field, its value before (null for a new record) and after. */
export interface CellChange {
  entity: string;
  field: string;
  before: unknown;
  after: unknown;
}

/** What a row would do, as a loader describes it for the preview (review before commit). */
export interface RowDescription {
  /** The account the row writes or hangs off (null: a new account). */
  accountId: number | null;
  /** The record's key as users know it (客户编号…), never personal data. */
  label: string | null;
  changes: CellChange[];
}

/** One stored record an import wrote (for undo): ids, and the stored columns before. */
export interface WrittenRecord {
  entity: string;
  id: number;
  action: 'created' | 'updated' | 'deleted';
  /** The stored columns before the import (updated, deleted). */
  before?: Record<string, unknown> | null;
  /** The record's version right after the write. */
  versionAfter?: number | null;
}

/**
 * Where loaders report what they plan and what they wrote: the preview of a reviewed import, and the
 * before-values an undo needs. Absent on runs that need neither.
 */
export interface ChangeRecorder {
  /** Preview: what `row` would do (called while planning, in a dry run). */
  describe?(row: ParsedRow, description: RowDescription): void;
  /** Written records, inside the import's transaction, in the order written. */
  written?(records: WrittenRecord[]): Promise<void>;
}

export interface LoadState {
  /** The preview and undo log of this run, when it keeps them. */
  record?: ChangeRecorder;
  services: ImportServices;
  /** The caller's context; `tx` is set while this run writes inside its transaction. */
  base: RequestContext;
  tx: RequestContext | null;
  dryRun: boolean;
  today: string;
  tiers: Tier[];
  managementLevels: ManagementLevel[];
  warn(issue: IssueData): void;
  /** The file and its job: what a consent read from the file names as its source. */
  origin?: { fileName: string; jobId: number };
}

/** The context to read and write through: the transaction while there is one. */
export function readCtx(s: LoadState): RequestContext {
  return s.tx ?? s.base;
}

export function em(s: LoadState): EntityManager {
  return managerFor(s.services.ds, readCtx(s));
}

/** Whether rows are being written now (not a dry run, and an atomic run has not been rejected). */
export function writing(s: LoadState): boolean {
  return s.tx !== null;
}

export const isManagerActor = (s: LoadState) => s.base.actor.role === Role.MANAGER;

/**
 * Which of a batch's accounts the caller manages — its manager, or the manager of an open
 * (cross-region) assignment — answered from one query per batch, for the access rules the services
 * apply one record at a time (access.rules, account.rules, credit.rules).
 */
export class ManagedAccounts {
  private readonly viaAssignment = new Set<number>();

  constructor(private readonly s: LoadState) {}

  async prefetch(accountIds: Iterable<number>): Promise<void> {
    const { actor } = this.s.base;
    if (actor.role !== Role.MANAGER || actor.userId === null) return;
    const ids = [...new Set(accountIds)].filter((id) => id > 0 && !this.viaAssignment.has(id));
    for (const chunk of chunks(ids, 1000)) {
      const rows = await em(this.s).find(Assignment, { select: { id: true, accountId: true }, where: { accountId: In(chunk), managerId: actor.userId, toDate: IsNull() } });
      for (const r of rows) this.viaAssignment.add(r.accountId);
    }
  }

  manages(account: Pick<Account, 'id' | 'managerId'>): boolean {
    const { actor } = this.s.base;
    return actor.role === Role.MANAGER && (managesAccount(actor, account) || this.viaAssignment.has(account.id));
  }
}

/** The column a row names its account by (for errors about the account as a whole). */
export function accountKeyColumn(row: ParsedRow, keys: readonly [string, string, string]): string {
  const v = row.values;
  return v[keys[0]] != null ? keys[0] : v[keys[1]] != null ? keys[1] : keys[2];
}

/** A DomainError from a service → a cell error of the row (its `field` names the column). */
export function serviceIssue(row: ParsedRow, e: unknown, fieldToKey: Record<string, string> = {}): IssueData {
  if (!(e instanceof DomainError)) throw e;
  const field = typeof e.details.field === 'string' ? e.details.field : null;
  const key = field ? (fieldToKey[field] ?? field) : null;
  const known = key && row.layout.byKey.has(key) ? key : null;
  return cellIssue(row, known, e.code, e.message.replace(/^[A-Za-z.]+: /, ''));
}

interface UnitEntry {
  id: number;
  name: string;
}

/** Units and managers by normalised name; what a file names and the database lacks is created once. */
export class OrgDirectory {
  private units = new Map<string, UnitEntry>();
  /** `${unitId}|${nameKey}` → user id; `*|${nameKey}` → ids across units. */
  private managers = new Map<string, number>();
  private managersByName = new Map<string, number[]>();
  private unitNames = new Map<number, string>();
  /** id → how a preview names the user: name, and login when there is one. */
  private userLabels = new Map<number, string>();
  private virtualId = -1;

  constructor(private readonly s: LoadState) {}

  async load(): Promise<void> {
    this.units.clear();
    this.managers.clear();
    this.managersByName.clear();
    const m = em(this.s);
    for (const u of await m.find(OrgUnit, { select: { id: true, name: true, nameKey: true } })) {
      this.units.set(u.nameKey, { id: u.id, name: u.name });
      this.unitNames.set(u.id, u.name);
    }
    for (const u of await m.find(User, { select: { id: true, name: true, login: true, nameKey: true, unitId: true, active: true } })) {
      this.userLabels.set(u.id, u.login ? `${u.name}（${u.login}）` : u.name);
      this.managers.set(`${u.unitId ?? ''}|${u.nameKey}`, u.id);
      const list = this.managersByName.get(u.nameKey) ?? [];
      list.push(u.id);
      this.managersByName.set(u.nameKey, list);
    }
  }

  /** A user as the preview shows a manager: name (login); null for an id this run has not seen. */
  userLabel(id: number | null | undefined): string | null {
    return id == null ? null : (this.userLabels.get(id) ?? null);
  }

  unitName(id: number | null | undefined): string {
    return id == null ? '' : (this.unitNames.get(id) ?? `#${id}`);
  }

  /** The unit's id when the directory knows it (no creating, no error): the common case, row after row. */
  knownUnit(name: string): number | undefined {
    // A name as the directory keys it needs no normalising (nameKey(k) is k).
    return (this.units.get(name) ?? this.units.get(nameKey(name)))?.id;
  }

  /** The unit named `name`, created when unknown (warning); a MANAGER may not create units. */
  async unit(row: ParsedRow, name: string): Promise<number | IssueData> {
    const known = this.knownUnit(name);
    if (known !== undefined) return known;
    const key = nameKey(name);
    if (isManagerActor(this.s)) return cellIssue(row, 'ownerUnit', ImportCode.UNKNOWN_UNIT, say(`单位「${name}」不存在：请管理员先创建`, `unit "${name}" does not exist; ask an administrator to create it`));
    let id: number;
    let how: string;
    if (writing(this.s)) {
      const code = await this.freeUnitCode(key);
      const unit = await this.s.services.org.createUnit(this.s.tx!, { code, name });
      id = unit.id;
      how = say(`已创建（单位编码 ${code}）`, `created (unit code ${code})`);
      await this.s.record?.written?.([{ entity: 'OrgUnit', id: unit.id, action: 'created', versionAfter: unit.version }]);
    } else {
      id = this.virtualId--;
      how = say('将创建', 'would be created');
    }
    this.units.set(key, { id, name });
    this.unitNames.set(id, name);
    this.s.warn({ ...cellIssue(row, 'ownerUnit', ImportCode.UNIT_CREATED, ''), message: say(`推荐单位「${name}」为新单位：${how}`, `推荐单位 "${name}" is new: ${how}`) });
    return id;
  }

  private async freeUnitCode(key: string): Promise<string> {
    const base = `U${createHash('sha1').update(key).digest('hex').slice(0, 6).toUpperCase()}`;
    for (let i = 0; ; i++) {
      const code = i === 0 ? base : `${base}-${i}`;
      if (!(await em(this.s).existsBy(OrgUnit, { code }))) return code;
    }
  }

  /** The manager's id when the directory knows it unambiguously (no creating, no error); undefined otherwise. */
  knownManager(unitId: number | null, name: string): number | undefined {
    if (unitId !== null) return this.managers.get(`${unitId}|${name}`) ?? this.managers.get(`${unitId}|${nameKey(name)}`);
    const ids = this.managersByName.get(nameKey(name));
    return ids?.length === 1 ? ids[0] : undefined;
  }

  /**
   * The manager named `name` within `unitId` (or, with no unit, the only user of that name), created
   * in that unit when unknown (warning). `column` is the row's column naming the manager.
   */
  async manager(row: ParsedRow, unitId: number | null, name: string, column = 'manager', create = true): Promise<number | IssueData | null> {
    const known = this.knownManager(unitId, name);
    if (known !== undefined) return known;
    const key = nameKey(name);
    if (unitId === null && (this.managersByName.get(key)?.length ?? 0) > 1) {
      return cellIssue(row, column, ImportCode.AMBIGUOUS_MANAGER, say(`有多名用户叫「${name}」：请填写推荐单位，以便在单位内找到该客户经理`, `several users are named "${name}"; fill 推荐单位 so the manager can be found within the unit`));
    }
    if (!create) return null;
    if (isManagerActor(this.s)) return cellIssue(row, column, ImportCode.UNKNOWN_MANAGER, say(`${this.unitName(unitId) || '任何单位'}中没有客户经理「${name}」：请管理员添加该用户`, `manager "${name}" does not exist in ${this.unitName(unitId) || 'any unit'}; ask an administrator to add the user`));
    let id: number;
    let how: string;
    if (writing(this.s) && (unitId === null || unitId > 0)) {
      const user = await this.s.services.org.createUser(this.s.tx!, { name, role: Role.MANAGER, unitId });
      id = user.id;
      how = say('已创建', 'created');
      await this.s.record?.written?.([{ entity: 'User', id: user.id, action: 'created', versionAfter: user.version }]);
    } else {
      id = this.virtualId--;
      how = say('将创建', 'would be created');
    }
    this.managers.set(`${unitId ?? ''}|${key}`, id);
    const list = this.managersByName.get(key) ?? [];
    list.push(id);
    this.managersByName.set(key, list);
    this.s.warn({ ...cellIssue(row, column, ImportCode.MANAGER_CREATED, ''), message: say(`客户经理「${name}」${unitId !== null ? `（${this.unitName(unitId)}）` : ''}为新用户：${how}（无登录账号）`, `客户经理 "${name}"${unitId !== null ? ` of ${this.unitName(unitId)}` : ''} is new: ${how} (a user without login)`) });
    return id;
  }
}

export type AccountRef = Pick<Account, 'id' | 'code' | 'name' | 'nameKey' | 'creditCode' | 'ownerUnitId' | 'managerId'>;

const ACCOUNT_REF_SELECT = { id: true, code: true, name: true, nameKey: true, creditCode: true, ownerUnitId: true, managerId: true } as const;

/** Finds the account a persons or ledger row names: by 客户编号, else 统一社会信用代码, else 客户名称. */
export class AccountDirectory {
  private byCode = new Map<string, AccountRef | null>();
  private byCredit = new Map<string, AccountRef | null>();
  private byName = new Map<string, AccountRef[]>();

  constructor(private readonly s: LoadState) {}

  /** Loads what a batch of rows names, in three queries at most. */
  async prefetch(rows: ParsedRow[]): Promise<void> {
    if (this.byCode.size + this.byCredit.size + this.byName.size > 100_000) this.clear();
    const codes = new Set<string>();
    const credits = new Set<string>();
    const names = new Set<string>();
    for (const r of rows) {
      const v = r.values;
      if (typeof v.accountCode === 'string' && !this.byCode.has(normalizeAccountCode(v.accountCode))) codes.add(normalizeAccountCode(v.accountCode));
      if (typeof v.accountCreditCode === 'string' && !this.byCredit.has(v.accountCreditCode)) credits.add(v.accountCreditCode);
      if (typeof v.accountName === 'string' && !this.byName.has(nameKey(v.accountName))) names.add(nameKey(v.accountName));
    }
    const m = em(this.s);
    for (const [set, column, map] of [[codes, 'code', this.byCode], [credits, 'creditCode', this.byCredit]] as const) {
      for (const chunk of chunks([...set], 1000)) {
        const found = await m.find(Account, { select: ACCOUNT_REF_SELECT, where: { [column]: In(chunk) } });
        for (const k of chunk) map.set(k, null);
        for (const a of found) map.set(column === 'code' ? a.code : (a.creditCode as string), a);
      }
    }
    for (const chunk of chunks([...names], 1000)) {
      const found = await m.find(Account, { select: ACCOUNT_REF_SELECT, where: { nameKey: In(chunk) } });
      for (const k of chunk) this.byName.set(k, []);
      for (const a of found) this.byName.get(a.nameKey)!.push(a);
    }
  }

  clear(): void {
    this.byCode.clear();
    this.byCredit.clear();
    this.byName.clear();
  }

  /** The row's account, or the cell error saying why there is none. */
  resolve(row: ParsedRow): AccountRef | IssueData {
    const v = row.values;
    const code = typeof v.accountCode === 'string' ? normalizeAccountCode(v.accountCode) : null;
    const credit = typeof v.accountCreditCode === 'string' ? v.accountCreditCode : null;
    const name = typeof v.accountName === 'string' ? v.accountName : null;
    let found: AccountRef | null = null;
    if (code) {
      found = this.byCode.get(code) ?? null;
      if (!found) return cellIssue(row, 'accountCode', ImportCode.UNKNOWN_ACCOUNT, say(`没有客户编号为 ${code} 的客户：请先用附件1或附件2导入`, `no account has 客户编号 ${code}; import it with annex 1 or 2 first`));
    }
    if (credit) {
      const other = this.byCredit.get(credit) ?? null;
      if (found && other && other.id !== found.id) {
        return cellIssue(row, 'accountCreditCode', ImportCode.AMBIGUOUS_ACCOUNT, say(`统一社会信用代码 ${credit} 属于客户 ${other.code} ${other.name}，而客户编号 ${code} 是 ${found.name}`, `统一社会信用代码 ${credit} is account ${other.code} ${other.name}, but 客户编号 ${code} is ${found.name}`));
      }
      if (!found && !other) return cellIssue(row, 'accountCreditCode', ImportCode.UNKNOWN_ACCOUNT, say(`没有统一社会信用代码为 ${credit} 的客户`, `no account has 统一社会信用代码 ${credit}`));
      found ??= other;
    }
    if (!found && name) {
      const list = this.byName.get(nameKey(name)) ?? [];
      if (list.length === 0) return cellIssue(row, 'accountName', ImportCode.UNKNOWN_ACCOUNT, say(`没有名为「${name}」的客户：请先用附件1或附件2导入`, `no account is named "${name}"; import it with annex 1 or 2 first`));
      if (list.length > 1) return cellIssue(row, 'accountName', ImportCode.AMBIGUOUS_ACCOUNT, say(`有 ${list.length} 个客户名为「${name}」（${list.map((a) => a.code).join('、')}）：请填写客户编号`, `${list.length} accounts are named "${name}" (${list.map((a) => a.code).join(', ')}); add 客户编号`));
      found = list[0];
    }
    if (!found) return cellIssue(row, 'accountName', ErrorCode.REQUIRED, say('本行未指明客户：请填写客户编号、统一社会信用代码或客户名称', 'the row names no account: fill 客户编号, 统一社会信用代码 or 客户名称'));
    return found;
  }
}

/**
 * The account each row names, when the caller may write its data (ADMIN, or a MANAGER of the
 * account — the rule the API applies to every record hanging off an account); otherwise the row gets
 * the API's error (FORBIDDEN, on the column naming the account) before anything about the row is
 * compared, so a dry run tells nothing about accounts the caller may not write.
 */
export async function writableAccounts(s: LoadState, accounts: AccountDirectory, managed: ManagedAccounts, rows: ParsedRow[], what: string): Promise<(AccountRef | null)[]> {
  await accounts.prefetch(rows);
  const found = rows.map((row) => {
    if (row.errors.length) return null;
    const a = accounts.resolve(row);
    if ('message' in a) {
      row.errors.push(a);
      return null;
    }
    return a;
  });
  await managed.prefetch(found.filter((a): a is AccountRef => a !== null).map((a) => a.id));
  return found.map((a, i) => {
    if (!a) return null;
    try {
      assertMayWriteAccountData(s.base.actor, a, managed.manages(a), what);
      return a;
    } catch (e) {
      rows[i].errors.push(serviceIssue(rows[i], e, { accountId: accountKeyColumn(rows[i], ['accountCode', 'accountCreditCode', 'accountName']) }));
      return null;
    }
  });
}

/** Fields that are bookkeeping, not cells a user wrote: left out of a preview. */
const NOT_CELLS = new Set(['id', 'uid', 'nameKey', 'mobileHash', 'naturalKey', 'source', 'version', 'createdAt', 'updatedAt', 'erasedAt', 'participantIds']);

/** The preview's cells of a planned write: the changed fields of an update, the filled ones of a creation. */
export function cellChanges(entity: string, before: object | null, after: object, fields?: readonly string[]): CellChange[] {
  const b = before as Record<string, unknown> | null;
  const a = after as Record<string, unknown>;
  const keys = fields ?? Object.keys(a).filter((k) => a[k] !== null && a[k] !== undefined && !(Array.isArray(a[k]) && (a[k] as unknown[]).length === 0));
  return keys.filter((k) => !NOT_CELLS.has(k)).map((field) => ({ entity, field, before: b ? (b[field] ?? null) : null, after: a[field] ?? null }));
}

/** Ids of records just inserted, found again by a unique column (bulk inserts do not return them). */
export async function idsBy<T extends { id: number }>(m: EntityManager, target: new () => T, column: keyof T & string, keys: readonly unknown[]): Promise<Map<unknown, { id: number; version: number }>> {
  const out = new Map<unknown, { id: number; version: number }>();
  for (const chunk of chunks([...new Set(keys)], 1000)) {
    const found = await m.find(target, { select: { id: true, version: true, [column]: true } as never, where: { [column]: In(chunk) } as never });
    for (const r of found as unknown as Record<string, unknown>[]) out.set(r[column], { id: r.id as number, version: r.version as number });
  }
  return out;
}

/** A stored row's columns for the undo log (everything but id and creation time). */
export function storedColumns(m: EntityManager, target: new () => object, entity: object): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const p of updatableColumns(m, target)) row[p] = (entity as Record<string, unknown>)[p];
  return row;
}

export function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The full column row of an entity (for upserts), with overrides. */
export function fullRow<T extends object>(m: EntityManager, target: new () => T, entity: T, overrides: Partial<T>): Partial<T> {
  const meta = m.connection.getMetadata(target);
  const row: Record<string, unknown> = {};
  for (const c of meta.columns) row[c.propertyName] = (entity as Record<string, unknown>)[c.propertyName];
  return Object.assign(row, overrides) as Partial<T>;
}

/** Properties an upsert by id overwrites: everything but the id and creation time. */
export function updatableColumns(m: EntityManager, target: new () => object): string[] {
  return m.connection.getMetadata(target).columns.map((c) => c.propertyName).filter((p) => p !== 'id' && p !== 'createdAt');
}

/** A value too long for its varchar column → the cell error, else null. */
export function lengthIssue(m: EntityManager, target: new () => object, row: ParsedRow, values: Record<string, unknown>, fieldToKey: Record<string, string> = {}): IssueData | null {
  const meta = m.connection.getMetadata(target);
  for (const c of meta.columns) {
    const v = values[c.propertyName];
    if (typeof v !== 'string' || !c.length) continue;
    const max = Number(c.length);
    // Columns count characters; a UTF-16 length within the limit is within it in code points too.
    if (v.length > max && [...v].length > max) {
      const key = fieldToKey[c.propertyName] ?? c.propertyName;
      return cellIssue(row, row.layout.byKey.has(key) ? key : null, ImportCode.TEXT_TOO_LONG, say(`共 ${[...v].length} 个字，最多 ${max} 个`, `${[...v].length} characters; at most ${max} fit`));
    }
  }
  return null;
}
