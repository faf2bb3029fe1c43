/**
 * Loads 附件1 / 附件2 rows: an account each (natural key 客户编号, else 统一社会信用代码, else 客户名称),
 * with its owning unit and manager, and (附件2) the year's credit evaluation.
 *
 * Every row gets the answer the API gives the same caller for the same change — the rules are the
 * services' own pure decisions, applied here per row over what one batch loaded at once:
 * - an existing account: decideAccountUpdate (who may change which field in which state: governance
 *   fields are the committee's, a decided tier or level changes only through a review, owner and
 *   manager only by reassignment);
 * - a new account: decideAccountCreate (a MANAGER's new company is a recommendation — a CANDIDATE of
 *   its unit — and opens one) and refuseDuplicate (never a second account for a company another
 *   account already is, by credit code or normalised name: 谁开发、谁优先);
 * - its evaluation: decideEvaluationWrite (the committee's decision is final).
 * A row the caller may not write is refused before its values are compared. A blank cell never
 * erases what the database knows; the API clears fields.
 */
import { say } from '../../src/common/messages';
import { createHash } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { AccountStatus, RecordSource, Role } from '../../src/common/enums';
import type { Id } from '../../src/common/ids';
import { assertMayLinkParent, changedAccountFields, decideAccountCreate, decideAccountUpdate } from '../../src/modules/accounts/account.rules';
import { decideEvaluationWrite } from '../../src/modules/credit/credit.rules';
import { pickDuplicate, refuseDuplicate } from '../../src/modules/ownership/ownership.rules';
import type { NewAccountOwner } from '../../src/modules/ownership/ownership.store';
import { nameKey } from '../../src/common/text';
import { bulkWrite } from '../../src/db/bulk';
import { Account } from '../../src/modules/accounts/account.entity';
import { emptyAccount, normalizeAccountCode, normalizeAccountInput, type AccountInput, type AccountNormalizeRefs, type AccountValues } from '../../src/modules/accounts/account.service';
import { CreditEvaluation } from '../../src/modules/credit/credit-evaluation.entity';
import type { CreditEvaluationInput } from '../../src/modules/credit/credit.service';
import { CREDIT_KEYS } from '../annexes/accounts';
import { ImportCode } from '../read/issues';
import { cellIssue, type ParsedRow } from '../read/parser';
import { KeyIndex } from './key-index';
import {
  accountKeyColumn, cellChanges, changedKeys, chunks, em, fullRow, storedColumns, type CellChange, type WrittenRecord, lengthIssue, ManagedAccounts, readCtx, serviceIssue, updatableColumns, writing,
  WriteQueue, type LoadState, type OrgDirectory, type RowOutcome,
} from './context';

/**
 * The fields a row fills, as the service's input (a blank cell is undefined, which never erases): one
 * object literal, read field by field by name. A loop copying the filled fields key by key met two dozen
 * keys at one read and one write, each then a generic lookup — a fifth of the rules' time.
 */
function accountInput(v: Record<string, unknown>, source: RecordSource | undefined): AccountInput {
  const f = <T>(x: unknown) => (x === null ? undefined : (x as T));
  return {
    source, code: f(v.code), name: f(v.name), creditCode: f(v.creditCode), registeredOn: f(v.registeredOn), ownership: f(v.ownership), industry: f(v.industry),
    scale: f(v.scale), mainProducts: f(v.mainProducts), reputation: f(v.reputation), totalAssets: f(v.totalAssets), shareholders: f(v.shareholders),
    address: f(v.address), postalCode: f(v.postalCode), phone: f(v.phone), fax: f(v.fax), email: f(v.email), tierCode: f(v.tierCode),
    managementLevel: f(v.managementLevel), status: f(v.status), expectedContractValue: f(v.expectedContractValue), annualSales: f(v.annualSales), notes: f(v.notes),
    ownerUnitId: undefined, managerId: undefined,
  };
}

const FIELD_TO_KEY: Record<string, string> = { ownerUnitId: 'ownerUnit', managerId: 'manager', parentId: 'parent', totalAssetsFen: 'totalAssets', expectedContractValueFen: 'expectedContractValue', annualSalesFen: 'annualSales', tierId: 'tierCode', managementLevelId: 'managementLevel', year: 'creditYear' };

const NOTHING_CHANGED: readonly string[] = Object.freeze([]);

/** Existing accounts a batch names or duplicates, by key; units across regions; the 上级集团 its rows name. */
interface Found {
  byCode: Map<string, Account>;
  byCredit: Map<string, Account>;
  byName: Map<string, Account[]>;
  cross: Map<number, number[]>;
  parents: Map<string, Account>;
}

/** A row's keys as stored, and the existing account it names (whether the caller manages it). */
interface Head {
  code: string | null;
  credit: string | null;
  name: string | null;
  existing: Account | null;
  manages: boolean;
}

/** The owning unit and manager a row names, as ids (negative: a dry run's to-be-created). */
interface Org {
  unitId: number | null;
  managerId: number | null;
}

interface CreditWrite {
  plan: Planned;
  existing: CreditEvaluation | null;
  values: Partial<CreditEvaluation>;
}

interface Planned {
  row: ParsedRow;
  existing: Account | null;
  values: AccountValues;
  /** The fields an existing account's row changes (none for a new account: it is created). */
  changed: readonly string[];
  credit: { input: CreditEvaluationInput } | null;
  parent: string | null;
}

export class AccountsLoader {
  private readonly keys = new KeyIndex();
  private readonly writes = new WriteQueue();
  private readonly managed: ManagedAccounts;
  private generatedCodes = 0;
  private assumedYear = false;
  /** 上级集团 to link once every row is in; `created`: the account is one this run creates. */
  private pendingParents: { code: string; parent: string; row: ParsedRow; created: boolean }[] = [];
  private unitName: ((id: number) => string) | null = null;
  /**
   * Keys (`c:` 客户编号, `r:` 统一社会信用代码, `nk:` name) an earlier row of the file changed an existing
   * account away from, with that row and account. Until that row's batch is written, the database still
   * answers the old value with the old account, and whether a later row's lookup runs before or after that
   * write is timing: a later row using the value is refused whatever the timing (see {@link releasedIssue}).
   */
  private readonly released = new Map<string, { sheet: string; row: number; account: string }>();
  /** The service's normalising with the run's tier and level lists; units, managers and parents are checked here. */
  private get refs(): AccountNormalizeRefs {
    const r = this.normalizeRefs;
    if (r?.tiers === this.s.tiers && r.managementLevels === this.s.managementLevels) return r;
    return (this.normalizeRefs = { tiers: this.s.tiers, managementLevels: this.s.managementLevels, idsVerified: true });
  }

  private normalizeRefs: AccountNormalizeRefs | null = null;

  constructor(
    private readonly s: LoadState,
    private readonly org: OrgDirectory,
    private readonly withCredit: boolean,
  ) {
    this.managed = new ManagedAccounts(s);
  }

  drain(): Promise<void> {
    return this.writes.drain();
  }

  /** Sizes the in-file index for a file of about `rows` rows: at most three keys a row (客户编号, 统一社会信用代码, the name). */
  expect(rows: number): void {
    this.keys.reserve(rows * 3);
  }

  /**
   * Looks up the accounts of the batch after the one being processed, before that one's writes are queued:
   * the lookup runs on the transaction's connection ahead of them, so the next batch is planned while the
   * database writes this one, rather than after. What the earlier batches of the file wrote is not what a
   * lookup answers for (the in-file index is), so reading before those writes decides nothing differently.
   */
  lookahead(rows: ParsedRow[]): void {
    const m = em(this.s);
    const found = this.existingAccounts(m, rows);
    found.catch(() => undefined); // awaited by process(); a failure surfaces there
    this.ahead = { rows, m, found };
  }

  private ahead: { rows: ParsedRow[]; m: EntityManager; found: Promise<Existing> } | null = null;

  /** The existing accounts a batch names or duplicates (none to ask for while the snapshot's table is empty). */
  private async existingAccounts(m: EntityManager, rows: ParsedRow[]): Promise<Existing> {
    if (await this.emptySnapshot(m)) return { keys: NO_KEYS, accounts: [] };
    const keys = batchKeys(rows);
    return { keys, accounts: await findAccountsByKeys(m, keys.codes, keys.credits, keys.names) };
  }

  /** Whether this transaction reads an accounts table that had no account when it began (see emptySnapshot). */
  private empty: { m: EntityManager; value: Promise<boolean> } | null = null;

  /**
   * A first import into an empty system asks MySQL for no existing accounts, batch after batch: inside a
   * transaction that reads one snapshot (REPEATABLE READ or SERIALIZABLE), an accounts table empty at the
   * start holds, at every later lookup, only what this import wrote — and the file's own accounts are the
   * in-file index's to answer for, never the database's. Anywhere else every batch is looked up: a dry run
   * (it reads outside a transaction), READ COMMITTED, and SQLite, whose one shared connection lets a
   * request of the same process write inside the import's transaction.
   */
  private emptySnapshot(m: EntityManager): Promise<boolean> {
    if (this.empty?.m !== m) {
      // Asked before the run's first write of an account (at the first batch's lookup), once per transaction.
      const ask = async () => {
        const mysql = m.connection.driver.options.type === 'mysql' || m.connection.driver.options.type === 'mariadb';
        if (!writing(this.s) || !mysql || !/^(REPEATABLE-READ|SERIALIZABLE)$/.test(await sessionIsolation(m))) return false;
        return (await m.find(Account, { select: { id: true }, take: 1 })).length === 0;
      };
      this.empty = { m, value: ask() };
    }
    return this.empty.value;
  }

  async process(rows: ParsedRow[]): Promise<(RowOutcome | null)[]> {
    const m = em(this.s);
    // Existing accounts the batch names or duplicates: their ids in one statement, then those accounts
    // (looked up already when the batch was announced, unless an atomic run's rollback changed the connection since).
    const ahead = this.ahead && this.ahead.rows === rows && this.ahead.m === m ? this.ahead : null;
    this.ahead = null;
    const byCode = new Map<string, Account>();
    const byCredit = new Map<string, Account>();
    const byName = new Map<string, Account[]>();
    const { keys: { codes, credits, names }, accounts } = await (ahead?.found ?? this.existingAccounts(m, rows));
    for (const a of accounts) {
      if (codes.has(a.code)) byCode.set(a.code, a);
      if (a.creditCode !== null && credits.has(a.creditCode)) byCredit.set(a.creditCode, a);
      if (names.has(a.nameKey)) byName.set(a.nameKey, [...(byName.get(a.nameKey) ?? []), a]);
    }
    // 上级集团 a MANAGER's rows name must be accounts it manages too (assertMayLinkParent): look them up now.
    const parents = this.s.base.actor.role === Role.MANAGER ? await this.findParents(rows) : new Map<string, Account>();
    const known = [...byCode.values(), ...byCredit.values(), ...[...byName.values()].flat(), ...parents.values()].map((a) => a.id);
    await this.managed.prefetch(known);
    const cross = await this.s.services.ownershipStore.crossRegionUnits(readCtx(this.s), known);
    this.unitName ??= await this.s.services.ownershipStore.unitNames(readCtx(this.s));

    const plans: (Planned | null)[] = [];
    const found: Found = { byCode, byCredit, byName, cross, parents };
    // Row after row synchronously; a unit or manager the directory does not know yet (to create, or an error) is the one wait.
    for (const row of rows) {
      const head = this.planHead(row, found);
      const org = head && (this.knownOrg(row, head) ?? (await this.resolveOrg(row, head)));
      plans.push(head && org ? this.planTail(row, head, org, found) : null);
    }

    // Credit evaluations of existing accounts for the years in the batch.
    const evals = new Map<string, CreditEvaluation>();
    const withEval = plans.filter((p): p is Planned => !!p?.credit && !!p.existing);
    if (withEval.length) {
      const ids = [...new Set(withEval.map((p) => p.existing!.id))];
      const years = [...new Set(withEval.map((p) => p.credit!.input.year))];
      for (const chunk of chunks(ids, 1000)) {
        for (const e of await m.findBy(CreditEvaluation, { accountId: In(chunk), year: In(years) })) evals.set(`${e.accountId}:${e.year}`, e);
      }
    }
    const outcomes: (RowOutcome | null)[] = [];
    const newAccounts: Planned[] = [];
    const updates: Planned[] = [];
    const creditWrites: CreditWrite[] = [];
    for (const p of plans) {
      if (!p || p.row.errors.length) {
        outcomes.push(null);
        continue;
      }
      let outcome: RowOutcome = p.existing ? (p.changed.length ? 'updated' : 'unchanged') : 'created';
      const cells: CellChange[] = this.s.record?.describe ? this.readableCells(p, cellChanges('Account', p.existing, p.values, p.existing ? p.changed : undefined)) : [];
      if (p.credit) {
        const write = this.planCredit(p, p.existing ? (evals.get(`${p.existing.id}:${p.credit.input.year}`) ?? null) : null);
        if (write === 'error') {
          outcomes.push(null);
          continue;
        }
        if (write) {
          creditWrites.push(write);
          if (outcome === 'unchanged') outcome = 'updated';
          if (this.s.record?.describe) cells.push(...cellChanges('CreditEvaluation', write.existing, write.values, write.existing ? changedKeys(write.existing, write.values) : undefined));
        }
      }
      this.s.record?.describe?.(p.row, { accountId: p.existing?.id ?? null, label: (p.existing?.code ?? p.values.code ?? null) as string | null, changes: cells });
      if (!p.existing) newAccounts.push(p);
      else if (p.changed.length) updates.push(p);
      outcomes.push(outcome);
    }
    if (writing(this.s)) await this.writes.push(() => this.write(newAccounts, updates, creditWrites));
    return outcomes;
  }

  /** Owner unit and manager by name, as the file writes them (a dry run's new ones have no id yet). */
  private readableCells(p: Planned, cells: CellChange[]): CellChange[] {
    return cells.map((c) => {
      if (c.field === 'ownerUnitId') return { ...c, field: 'ownerUnit', before: p.existing?.ownerUnitId ? this.org.unitName(p.existing.ownerUnitId) : null, after: this.org.unitName(c.after as number | null) || null };
      if (c.field === 'managerId') return { ...c, field: 'manager', before: c.before === null ? null : (this.org.userLabel(c.before as number) ?? `#${String(c.before)}`), after: this.org.userLabel(c.after as number | null) ?? (typeof p.row.values.manager === 'string' ? p.row.values.manager : c.after === null ? null : `#${String(c.after)}`) };
      return c;
    });
  }

  /** The row's evaluation: null when nothing changes, 'error' when the rules or validation refuse it. */
  private planCredit(p: Planned, existing: CreditEvaluation | null): CreditWrite | null | 'error' {
    const input = p.credit!.input;
    try {
      const merged = existing ? { ...pickDefined(existing), ...input } : input;
      const values = this.s.services.credit.normalize({ ...(merged as CreditEvaluationInput), accountId: p.existing?.id });
      const changed = existing ? changedKeys(existing, values) : Object.keys(input).filter((k) => k !== 'year');
      const account = p.existing ?? ({ ...p.values, id: 0 } as Account);
      decideEvaluationWrite(this.s.base.actor, account, p.existing ? this.managed.manages(p.existing) : true, existing, changed);
      return existing && changed.length === 0 ? null : { plan: p, existing, values };
    } catch (e) {
      p.row.errors.push(serviceIssue(p.row, e, FIELD_TO_KEY));
      return 'error';
    }
  }

  /** Existing accounts the rows' 上级集团 name (by code, credit code or name), keyed by the cell's text. */
  private async findParents(rows: ParsedRow[]): Promise<Map<string, Account>> {
    const refs = [...new Set(rows.map((r) => r.values.parent).filter((p): p is string => typeof p === 'string'))];
    const out = new Map<string, Account>();
    for (const chunk of chunks(refs, 500)) {
      const found = await em(this.s).find(Account, { where: [{ code: In(chunk.map(normalizeAccountCode)) }, { creditCode: In(chunk.map((r) => r.toUpperCase())) }, { nameKey: In(chunk.map(nameKey)) }] });
      for (const ref of chunk) {
        const match = found.find((a) => a.code === normalizeAccountCode(ref)) ?? found.find((a) => a.creditCode === ref.toUpperCase()) ?? found.find((a) => a.nameKey === nameKey(ref));
        if (match) out.set(ref, match);
      }
    }
    return out;
  }

  /** A service's refusal of the row, on the cell it names (an account id → the row's key column). */
  private refuse(row: ParsedRow, e: unknown, extra: Record<string, string> = {}): null {
    row.errors.push(serviceIssue(row, e, { ...FIELD_TO_KEY, accountId: accountKeyColumn(row, ['code', 'creditCode', 'name']), ...extra }));
    return null;
  }

  /** The row's account: duplicates within the file, the existing account it names, whether the caller may touch it. */
  private planHead(row: ParsedRow, found: Found): Head | null {
    const v = row.values;
    const code = typeof v.code === 'string' ? normalizeAccountCode(v.code) : null;
    const credit = typeof v.creditCode === 'string' ? v.creditCode : null;
    const name = typeof v.name === 'string' ? v.name : null;
    // Duplicates within the file, by whichever key the row has.
    const dupKeys: [string, string][] = [];
    if (code) dupKeys.push([`c:${code}`, 'code']);
    if (credit) dupKeys.push([`r:${credit}`, 'creditCode']);
    if (!code && !credit && name) dupKeys.push([`n:${nameKey(name)}`, 'name']);
    for (const [k, key] of dupKeys) {
      const first = this.keys.seen(k, row.sheet, row.row);
      if (first) {
        row.errors.push(duplicateRow(row, key, first));
        return null;
      }
    }
    if (row.errors.length) return null;
    if (!code && !credit && name) {
      // Named only by its name, an account a row earlier in the file created or renamed: that row's account (each account appears once).
      const first = this.keys.find(`nk:${nameKey(name)}`);
      if (first) {
        row.errors.push(duplicateRow(row, 'name', first));
        return null;
      }
    }
    const released = this.released.size ? this.releasedIssue(row, code && ['code', `c:${code}`, code], credit && ['creditCode', `r:${credit}`, credit], !code && !credit && name && ['name', `nk:${nameKey(name)}`, name]) : null;
    if (released) {
      row.errors.push(released);
      return null;
    }
    let existing: Account | null = null;
    if (code) existing = found.byCode.get(code) ?? null;
    if (credit) {
      const other = found.byCredit.get(credit) ?? null;
      if (other && existing && other.id !== existing.id) {
        row.errors.push(cellIssue(row, 'creditCode', ErrorCode.ALREADY_EXISTS, say(`统一社会信用代码 ${credit} 已属于客户 ${other.code} ${other.name}`, `统一社会信用代码 ${credit} is already account ${other.code} ${other.name}`)));
        return null;
      }
      if (other && !existing && code) {
        row.errors.push(cellIssue(row, 'creditCode', ErrorCode.ALREADY_EXISTS, say(`统一社会信用代码 ${credit} 已属于客户 ${other.code} ${other.name}，而非 ${code}`, `统一社会信用代码 ${credit} is already account ${other.code} ${other.name}, not ${code}`)));
        return null;
      }
      existing ??= other;
    }
    if (!existing && !code && !credit && name) {
      const list = found.byName.get(nameKey(name)) ?? [];
      if (list.length > 1) {
        row.errors.push(cellIssue(row, 'name', ImportCode.AMBIGUOUS_ACCOUNT, say(`有 ${list.length} 个客户名为「${name}」（${list.map((a) => a.code).join('、')}）：请填写客户编号`, `${list.length} accounts are named "${name}" (${list.map((a) => a.code).join(', ')}); add 客户编号`)));
        return null;
      }
      existing = list[0] ?? null;
    }
    const manages = existing ? this.managed.manages(existing) : false;
    if (existing) {
      // Whether the caller may touch the account at all, before anything about its values.
      try {
        decideAccountUpdate(this.s.base.actor, existing, manages, [], {});
      } catch (e) {
        return this.refuse(row, e);
      }
    }
    return { code, credit, name, existing, manages };
  }

  /** The unit a manager named in the row belongs to: the row's unit, else the account's, else (a manager's new account) the caller's. */
  private managerUnit(head: Head, unitId: number | null): number | null {
    const { actor } = this.s.base;
    return unitId ?? head.existing?.ownerUnitId ?? (head.existing ? null : actor.role === Role.MANAGER ? actor.unitId : null);
  }

  /** Owning unit and manager as the file names them, when the directory knows both (the common case); else undefined. */
  private knownOrg(row: ParsedRow, head: Head): Org | undefined {
    const v = row.values;
    let unitId: number | null = null;
    if (typeof v.ownerUnit === 'string') {
      const u = this.org.knownUnit(v.ownerUnit);
      if (u === undefined) return undefined;
      unitId = u;
    }
    let managerId: number | null = null;
    if (typeof v.manager === 'string') {
      const mgr = this.org.knownManager(this.managerUnit(head, unitId), v.manager);
      if (mgr === undefined) return undefined;
      managerId = mgr;
    }
    return { unitId, managerId };
  }

  /** Owning unit and manager the directory does not know yet: created (or, in a dry run, would be), or the row refused. */
  private async resolveOrg(row: ParsedRow, head: Head): Promise<Org | null> {
    const v = row.values;
    const unitId = typeof v.ownerUnit === 'string' ? await this.org.unit(row, v.ownerUnit) : null;
    if (unitId !== null && typeof unitId !== 'number') {
      row.errors.push(unitId);
      return null;
    }
    const managerId = typeof v.manager === 'string' ? await this.org.manager(row, this.managerUnit(head, unitId), v.manager) : null;
    if (managerId !== null && typeof managerId !== 'number') {
      row.errors.push(managerId);
      return null;
    }
    return { unitId, managerId };
  }

  /** The row's values by the service's rules, its duplicates refused, its evaluation and 上级集团 noted. */
  private planTail(row: ParsedRow, head: Head, { unitId, managerId }: Org, found: Found): Planned | null {
    const v = row.values;
    const { code, credit, name, existing, manages } = head;
    const { actor } = this.s.base;
    const refuse = (e: unknown, extra: Record<string, string> = {}) => this.refuse(row, e, extra);

    // The service's own validation on the fields the row fills (a blank cell never erases).
    const input = accountInput(v, existing ? undefined : RecordSource.IMPORT);
    if (!existing && !code) {
      input.code = credit ?? `KH${createHash('sha1').update(nameKey(name ?? '')).digest('hex').slice(0, 10).toUpperCase()}`;
      this.generatedCodes++;
    }
    if (existing && existing.code === input.code) input.code = undefined;
    if (unitId !== null) input.ownerUnitId = unitId;
    if (managerId !== null) input.managerId = managerId;
    let values: AccountValues;
    try {
      // (input is this row's own: set in place — copying a 20-field object per row cost a tenth of the rules' time)
      input.ownerUnitId = positive(input.ownerUnitId);
      input.managerId = positive(input.managerId);
      values = normalizeAccountInput(input, !existing, this.refs);
    } catch (e) {
      return refuse(e);
    }
    // Units and managers a dry run would create have no id yet: the rules see them as given.
    if (unitId !== null) values.ownerUnitId = unitId;
    if (managerId !== null) values.managerId = managerId;
    if (existing && values.nameKey === existing.nameKey && values.name !== existing.name && nameKey(existing.name) === values.nameKey) {
      // Same name up to width and spacing: keep the stored spelling.
      delete values.name;
      delete values.nameKey;
    }
    try {
      // Two accounts of the file for one company under different 客户编号 — a new one, or one renamed to it — by
      // the name (the same credit code is already a duplicate row, found by its `r:` key above: the parser
      // normalises it as the service does). Asked of the in-file index before the database's duplicates, so
      // the answer does not depend on whether the earlier row's batch was written yet: a dry run (which
      // writes nothing) and a real run decide alike.
      const sameCompanyInFile = () => {
        const first = this.keys.seen(`nk:${values.nameKey}`, row.sheet, row.row);
        if (first) throw new DomainError(ErrorCode.ALREADY_EXISTS, `name: ${say(`同一公司已在${first.sheet === row.sheet ? '' : `工作表「${first.sheet}」`}第 ${first.row} 行，客户编号不同`, `the same company is already in ${first.sheet === row.sheet ? '' : `sheet "${first.sheet}" `}row ${first.row} under another 客户编号`)}`, { field: 'name' });
        const released = this.released.size ? this.releasedIssue(row, ['name', `nk:${values.nameKey}`, values.name as string]) : null;
        if (released) throw new DomainError(ErrorCode.ALREADY_EXISTS, `name: ${released.message}`, { field: 'name' });
      };
      if (existing) {
        const changed = changedAccountFields(existing, values);
        decideAccountUpdate(actor, existing, manages, changed, values, this.unitName!);
        if (changed.includes('name')) sameCompanyInFile();
        if (changed.includes('name') || changed.includes('creditCode')) this.refuseDuplicate(found, { ...existing, ...values }, existing.id);
      } else {
        Object.assign(values, decideAccountCreate(this.s.base, values, v.status != null));
        sameCompanyInFile();
        this.refuseDuplicate(found, values, null);
      }
    } catch (e) {
      return refuse(e);
    }
    const tooLong = lengthIssue(em(this.s), Account, row, values as Record<string, unknown>, FIELD_TO_KEY);
    if (tooLong) {
      row.errors.push(tooLong);
      return null;
    }
    let creditPart: Planned['credit'] = null;
    if (this.withCredit && CREDIT_KEYS.some((k) => v[k] !== null && v[k] !== undefined)) {
      let year = typeof v.creditYear === 'number' ? v.creditYear : null;
      if (year === null) {
        year = Number(this.s.today.slice(0, 4));
        if (!this.assumedYear) {
          this.assumedYear = true;
          this.s.warn({ sheet: row.sheet, row: row.row, cell: null, column: '评价年度', value: null, code: ImportCode.YEAR_ASSUMED, message: say(`未填写评价年度：信用评价记为 ${year} 年度`, `评价年度 is not given: credit evaluations are recorded for ${year}`) });
        }
      }
      const ci: Record<string, unknown> = { year };
      for (const k of CREDIT_KEYS) if (v[k] !== null && v[k] !== undefined) ci[k] = v[k];
      creditPart = { input: ci as unknown as CreditEvaluationInput };
    }
    const parent = typeof v.parent === 'string' ? v.parent : null;
    const parentAccount = parent ? found.parents.get(parent) : undefined;
    if (parentAccount && parentAccount.id !== existing?.parentId) {
      try {
        assertMayLinkParent(actor, parentAccount, this.managed.manages(parentAccount));
      } catch (e) {
        return refuse(e, { parentId: 'parent' });
      }
    }
    if (parent) this.pendingParents.push({ code: (values.code ?? existing?.code) as string, parent, row, created: !existing });
    if (existing) this.release(row, existing, values);
    return { row, existing, values, changed: existing ? changedKeys(existing, values) : NOTHING_CHANGED, credit: creditPart, parent };
  }

  /** Notes the keys a planned row changes an existing account away from (see {@link released}). */
  private release(row: ParsedRow, existing: Account, values: AccountValues): void {
    const code = values.code !== undefined && values.code !== existing.code;
    const credit = values.creditCode != null && existing.creditCode !== null && values.creditCode !== existing.creditCode;
    const name = values.nameKey !== undefined && values.nameKey !== existing.nameKey;
    if (!code && !credit && !name) return; // (a re-import restates its keys: nothing to note)
    const at = { sheet: row.sheet, row: row.row, account: `${existing.code} ${existing.name}` };
    if (code) this.released.set(`c:${existing.code}`, at);
    if (credit) this.released.set(`r:${existing.creditCode}`, at);
    if (name) this.released.set(`nk:${existing.nameKey}`, at);
  }

  /**
   * The issue of a row that uses a value an earlier row of the file changed an account away from (by its
   * cell, key and value as written), or null. It names that account or gives the value to another one —
   * which only a later import can decide the same way every time.
   */
  private releasedIssue(row: ParsedRow, ...uses: (readonly [field: string, key: string, value: string] | null | false | '')[]) {
    for (const use of uses) {
      if (!use) continue;
      const [field, key, value] = use;
      const at = this.released.get(key);
      if (!at) continue;
      const where = at.sheet === row.sheet ? '' : `工作表「${at.sheet}」`;
      const whereEn = at.sheet === row.sheet ? '' : `sheet "${at.sheet}" `;
      return cellIssue(row, field, ErrorCode.ALREADY_EXISTS, say(
        `「${value}」是客户 ${at.account} 在本文件${where}第 ${at.row} 行改动前的值：同一文件中不能再用它指称或给予客户；请在本次导入后再导入此行`,
        `"${value}" is what ${whereEn}row ${at.row} of this file changes account ${at.account} from: in the same file it can neither name an account nor go to one; import this row after this import`,
      ));
    }
    return null;
  }

  /** The company must not already be another account: the rule AccountService applies to one write. */
  private refuseDuplicate(found: { byCredit: Map<string, Account>; byName: Map<string, Account[]>; cross: Map<number, number[]> }, values: AccountValues, selfId: number | null): void {
    const others = (a: Account | undefined | null) => (a && a.id !== selfId ? a : null);
    const match = pickDuplicate(others(values.creditCode ? found.byCredit.get(values.creditCode) : null), (found.byName.get(values.nameKey as string) ?? []).filter((a) => a.id !== selfId));
    if (match) refuseDuplicate(match, values.ownerUnitId ?? null, found.cross.get(match.account.id) ?? [], this.unitName!);
  }

  private async write(newAccounts: Planned[], updates: Planned[], creditWrites: CreditWrite[]): Promise<void> {
    const tx = this.s.tx!;
    const m = em(this.s);
    const now = new Date();
    const inserted = await bulkWrite(m, Account, newAccounts.map((p) => p.values as Partial<Account>), { defaults: { ...emptyAccount(), version: 1, createdAt: now, updatedAt: now }, returning: ['id', 'code'] });
    // Ids of the new accounts (for their credit evaluations and the undo log): as the INSERT returned them,
    // or found again by code where the database returns none (MySQL).
    const ids = new Map<string, number>();
    if (inserted) for (const r of inserted) ids.set(r.code as string, r.id as number);
    else {
      // Every new account's id: its first assignment is written from it.
      const needIds = newAccounts.map((p) => p.values.code as string);
      for (const chunk of chunks(needIds, 1000)) {
        for (const a of await m.find(Account, { select: { id: true, code: true }, where: { code: In(chunk) } })) ids.set(a.code, a.id);
      }
    }
    if (updates.length) {
      await bulkWrite(
        m, Account,
        updates.map((p) => fullRow(m, Account, p.existing!, { ...p.values, version: p.existing!.version + 1, updatedAt: now })),
        { upsert: { conflict: ['id'], update: updatableColumns(m, Account) } },
      );
      await this.s.services.audit.recordMany(tx, updates.map((p) => ({
        action: 'account.import', entity: 'Account', entityId: p.existing!.id, fields: [...p.changed],
        before: Object.fromEntries(p.changed.map((k) => [k, (p.existing as unknown as Record<string, unknown>)[k]])),
        after: Object.fromEntries(p.changed.map((k) => [k, (p.values as Record<string, unknown>)[k]])),
      })));
    }
    // First ownership (谁开发、谁优先) of new accounts, and of existing ones the file gives an owner;
    // a new candidate (a manager's new company) is a recommendation awaiting the committee.
    const store = this.s.services.ownershipStore;
    const owners: NewAccountOwner[] = newAccounts.map(({ values: v }) => ({
      id: ids.get(v.code as string)!, status: v.status ?? AccountStatus.ACTIVE, ownerUnitId: v.ownerUnitId, managerId: v.managerId, registeredOn: v.registeredOn,
    }));
    await store.openInitialAssignmentsOfNew(tx, owners, this.s.today);
    await store.openRecommendationsByCode(tx, newAccounts.filter((p) => p.values.status === AccountStatus.CANDIDATE).map((p) => p.values.code as string));
    const newlyOwned = updates.filter((p) => p.existing!.ownerUnitId == null && p.values.ownerUnitId).map((p) => p.existing!.id);
    if (newlyOwned.length) await store.openInitialAssignments(tx, newlyOwned);
    const newEvals = creditWrites.filter((c) => !c.existing).map((c) => ({ ...c.values, accountId: c.plan.existing?.id ?? ids.get(c.plan.values.code as string)!, version: 1, createdAt: now, updatedAt: now }));
    await bulkWrite(m, CreditEvaluation, newEvals as Partial<CreditEvaluation>[]);
    const changedEvals = creditWrites.filter((c) => c.existing);
    if (changedEvals.length) {
      await bulkWrite(m, CreditEvaluation, changedEvals.map((c) => fullRow(m, CreditEvaluation, c.existing!, { ...c.values, accountId: c.existing!.accountId, version: c.existing!.version + 1, updatedAt: now })), {
        upsert: { conflict: ['id'], update: updatableColumns(m, CreditEvaluation) },
      });
    }
    if (this.s.record?.written) await this.recordWritten(newAccounts, ids, updates, newEvals as Partial<CreditEvaluation>[], changedEvals);
  }

  /** The undo log of one batch: new accounts (version 1, as written) and evaluations (ids found again), updated ones with their columns before. */
  private async recordWritten(newAccounts: Planned[], ids: Map<string, number>, updates: Planned[], newEvals: Partial<CreditEvaluation>[], changedEvals: CreditWrite[]): Promise<void> {
    const m = em(this.s);
    const out: WrittenRecord[] = [];
    const created = newAccounts.map((p) => ids.get(p.values.code as string)).filter((id): id is number => id !== undefined).sort((a, b) => a - b);
    for (const id of created) out.push({ entity: 'Account', id, action: 'created', versionAfter: 1 });
    for (const p of updates) out.push({ entity: 'Account', id: p.existing!.id, action: 'updated', before: storedColumns(m, Account, p.existing!), versionAfter: p.existing!.version + 1 });
    const accountIds = [...new Set(newEvals.map((e) => e.accountId as number))];
    for (const chunk of chunks(accountIds, 1000)) {
      const years = [...new Set(newEvals.map((e) => e.year as number))];
      const wanted = new Set(newEvals.map((e) => `${e.accountId}:${e.year}`));
      for (const e of await m.find(CreditEvaluation, { select: { id: true, accountId: true, year: true, version: true }, where: { accountId: In(chunk), year: In(years) } })) {
        if (wanted.has(`${e.accountId}:${e.year}`)) out.push({ entity: 'CreditEvaluation', id: e.id, action: 'created', versionAfter: e.version });
      }
    }
    for (const c of changedEvals) out.push({ entity: 'CreditEvaluation', id: c.existing!.id, action: 'updated', before: storedColumns(m, CreditEvaluation, c.existing!), versionAfter: c.existing!.version + 1 });
    await this.s.record!.written!(out);
  }

  close(): void {
    this.keys.close();
  }

  /** Links 上级集团 once every row is in: the parent may come later in the file. */
  async finish(): Promise<void> {
    if (!this.pendingParents.length) return;
    const m = em(this.s);
    for (const chunk of chunks(this.pendingParents, 500)) {
      const codes = chunk.map((p) => p.code);
      const children = new Map((await m.find(Account, { select: { id: true, code: true, parentId: true, version: true }, where: { code: In(codes) } })).map((a) => [a.code, a]));
      const refs = [...new Set(chunk.map((p) => p.parent))];
      const candidates = await m.find(Account, {
        select: { id: true, code: true, creditCode: true, nameKey: true },
        where: [{ code: In(refs.map(normalizeAccountCode)) }, { creditCode: In(refs.map((r) => r.toUpperCase())) }, { nameKey: In(refs.map(nameKey)) }],
      });
      for (const p of chunk) {
        const parent =
          candidates.find((a) => a.code === normalizeAccountCode(p.parent)) ??
          candidates.find((a) => a.creditCode === p.parent.toUpperCase()) ??
          candidates.find((a) => a.nameKey === nameKey(p.parent));
        const child = children.get(p.code);
        if (!parent) {
          this.s.warn({ ...cellIssue(p.row, 'parent', ImportCode.PARENT_NOT_FOUND, ''), message: say(`上级集团「${p.parent}」不是已有客户：集团关系保持不变`, `上级集团 "${p.parent}" is not an account; the group link was left as it was`) });
          continue;
        }
        if (!child || parent.id === child.id || child.parentId === parent.id || !writing(this.s)) continue;
        if (p.created) {
          // The link of an account this run creates is part of its creation: its version stays the one it was
          // created with, and the undo log holds no update of it (undone first, that would read as a change
          // since the import and keep the account).
          await m.update(Account, { id: child.id }, { parentId: parent.id, updatedAt: new Date(), version: child.version });
          continue;
        }
        // (an update through the manager moves the version on, unless it sets it)
        await m.update(Account, { id: child.id }, { parentId: parent.id, updatedAt: new Date() });
        await this.s.record?.written?.([{ entity: 'Account', id: child.id, action: 'updated', before: { parentId: child.parentId }, versionAfter: child.version + 1 }]);
      }
    }
  }

  summaryWarnings(): void {
    if (this.generatedCodes) {
      this.s.warn({ sheet: null, row: null, cell: null, column: '客户编号', value: null, code: ImportCode.CODE_GENERATED, message: say(`${this.generatedCodes} 个新客户未填写客户编号：以统一社会信用代码为编号，或由名称生成（KH…）`, `${this.generatedCodes} new account(s) had no 客户编号: their 统一社会信用代码 became the code, or one was derived from the name (KH…)`) });
    }
  }
}

/** Ids of units and managers a dry run would create are negative: the service validates real ids only. */
function positive(id: Id | null | undefined): number | undefined {
  return typeof id === 'number' && id > 0 ? id : undefined;
}

function pickDefined(e: CreditEvaluation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** A row naming an account an earlier row of the file already names. */
function duplicateRow(row: ParsedRow, key: string, first: { sheet: string; row: number }) {
  return cellIssue(row, key, ImportCode.DUPLICATE_ROW, say(`同一客户已在${first.sheet === row.sheet ? '' : `工作表「${first.sheet}」`}第 ${first.row} 行：每个客户只能出现一次`, `the same account is already in ${first.sheet === row.sheet ? '' : `sheet "${first.sheet}" `}row ${first.row}; each account appears once`));
}

type Keys = ReturnType<typeof batchKeys>;
const NO_KEYS: Keys = { codes: new Set<string>(), credits: new Set<string>(), names: new Set<string>() };

/** A batch's natural keys and the existing accounts they name. */
interface Existing {
  keys: Keys;
  accounts: Account[];
}

/** The session's transaction isolation (MariaDB names it tx_isolation, MySQL 8 transaction_isolation), e.g. REPEATABLE-READ. */
async function sessionIsolation(m: EntityManager): Promise<string> {
  const rows = (await m.query(`SHOW SESSION VARIABLES WHERE Variable_name IN ('transaction_isolation', 'tx_isolation')`)) as { Value?: string; value?: string }[];
  return String(rows[0]?.Value ?? rows[0]?.value ?? '').toUpperCase();
}

/** The natural keys a batch names its accounts by, normalised as stored. */
function batchKeys(rows: ParsedRow[]): { codes: Set<string>; credits: Set<string>; names: Set<string> } {
  const codes = new Set<string>();
  const credits = new Set<string>();
  const names = new Set<string>();
  for (const r of rows) {
    const v = r.values;
    if (typeof v.code === 'string') codes.add(normalizeAccountCode(v.code));
    if (typeof v.creditCode === 'string') credits.add(v.creditCode);
    if (typeof v.name === 'string') names.add(nameKey(v.name));
  }
  return { codes, credits, names };
}

/**
 * Accounts with any of these codes, credit codes or name keys: their ids in one statement (each key
 * through its own index), then the accounts themselves — so a batch of new companies costs one query.
 */
async function findAccountsByKeys(m: EntityManager, codes: Set<string>, credits: Set<string>, names: Set<string>): Promise<Account[]> {
  const meta = m.connection.getMetadata(Account);
  const q = (prop: string) => m.connection.driver.escape(meta.findColumnWithPropertyPath(prop)!.databaseName);
  const table = m.connection.driver.escape(meta.tableName);
  const lists: [string, string[]][] = [[q('code'), [...codes]], [q('creditCode'), [...credits]], [q('nameKey'), [...names]]];
  const ids = new Set<number>();
  for (let i = 0; lists.some(([, values]) => values.length > i); i += 1000) {
    const parts: string[] = [];
    const params: string[] = [];
    for (const [column, values] of lists) {
      const chunk = values.slice(i, i + 1000);
      if (!chunk.length) continue;
      parts.push(`SELECT id FROM ${table} WHERE ${column} IN (${chunk.map(() => '?').join(', ')})`);
      params.push(...chunk);
    }
    for (const r of (await m.query(parts.join(' UNION '), params)) as { id: number | string }[]) ids.add(Number(r.id));
  }
  const out: Account[] = [];
  for (const chunk of chunks([...ids], 1000)) out.push(...(await m.findBy(Account, { id: In(chunk) })));
  return out;
}
