/**
 * Loads 附件1 / 附件2 rows: an account each (natural key 客户编号, else 统一社会信用代码, else 客户名称),
 * with its owning unit and manager, and (附件2) the year's credit evaluation.
 *
 * Rules an import must respect:
 * - 谁开发、谁优先: a row whose 推荐单位 differs from the unit that already owns the account is rejected
 *   (OWNERSHIP_CONFLICT, naming the owner), and so is a row naming another manager for a managed
 *   account — only the committee reassigns.
 * - A blank cell never erases what the database knows; the API clears fields.
 */
import { createHash } from 'node:crypto';
import { In } from 'typeorm';
import { ErrorCode } from '../../src/common/errors';
import { AccountStatuses, RecordSource } from '../../src/common/enums';
import { nameKey } from '../../src/common/text';
import { bulkWrite } from '../../src/db/bulk';
import { Account } from '../../src/modules/accounts/account.entity';
import { emptyAccount, normalizeAccountCode, type AccountInput, type AccountValues } from '../../src/modules/accounts/account.service';
import { CreditEvaluation } from '../../src/modules/credit/credit-evaluation.entity';
import type { CreditEvaluationInput } from '../../src/modules/credit/credit.service';
import { CREDIT_KEYS } from '../annexes/accounts';
import { ImportCode } from '../read/issues';
import { cellIssue, type ParsedRow } from '../read/parser';
import { KeyIndex } from './key-index';
import {
  changedKeys, chunks, em, fullRow, isManagerActor, lengthIssue, readCtx, serviceIssue, updatableColumns, writing,
  WriteQueue, type LoadState, type OrgDirectory, type RowOutcome,
} from './context';

const ACCOUNT_FIELDS = [
  'code', 'name', 'creditCode', 'registeredOn', 'ownership', 'industry', 'scale', 'mainProducts', 'reputation', 'totalAssets', 'shareholders',
  'address', 'postalCode', 'phone', 'fax', 'email', 'tierCode', 'managementLevel', 'status', 'expectedContractValue', 'annualSales', 'notes',
] as const;

const FIELD_TO_KEY: Record<string, string> = { ownerUnitId: 'ownerUnit', managerId: 'manager', parentId: 'parent', totalAssetsFen: 'totalAssets', expectedContractValueFen: 'expectedContractValue', annualSalesFen: 'annualSales', tierId: 'tierCode', managementLevelId: 'managementLevel', year: 'creditYear' };

interface Planned {
  row: ParsedRow;
  existing: Account | null;
  values: AccountValues;
  changed: string[];
  credit: { input: CreditEvaluationInput } | null;
  parent: string | null;
}

export class AccountsLoader {
  private readonly keys = new KeyIndex();
  private readonly writes = new WriteQueue();

  drain(): Promise<void> {
    return this.writes.drain();
  }
  private generatedCodes = 0;
  private assumedYear = false;
  private pendingParents: { code: string; parent: string; row: ParsedRow }[] = [];

  constructor(
    private readonly s: LoadState,
    private readonly org: OrgDirectory,
    private readonly withCredit: boolean,
  ) {}

  async process(rows: ParsedRow[]): Promise<(RowOutcome | null)[]> {
    const m = em(this.s);
    // Existing accounts named by the batch, in at most three queries.
    const codes = new Set<string>();
    const credits = new Set<string>();
    const names = new Set<string>();
    for (const r of rows) {
      const v = r.values;
      if (typeof v.code === 'string') codes.add(normalizeAccountCode(v.code));
      if (typeof v.creditCode === 'string') credits.add(v.creditCode);
      if (typeof v.name === 'string' && v.code == null && v.creditCode == null) names.add(nameKey(v.name));
    }
    const byCode = new Map<string, Account>();
    const byCredit = new Map<string, Account>();
    const byName = new Map<string, Account[]>();
    for (const chunk of chunks([...codes], 1000)) for (const a of await m.findBy(Account, { code: In(chunk) })) byCode.set(a.code, a);
    for (const chunk of chunks([...credits], 1000)) for (const a of await m.findBy(Account, { creditCode: In(chunk) })) byCredit.set(a.creditCode as string, a);
    for (const chunk of chunks([...names], 1000)) {
      for (const a of await m.findBy(Account, { nameKey: In(chunk) })) byName.set(a.nameKey, [...(byName.get(a.nameKey) ?? []), a]);
    }

    const plans: (Planned | null)[] = [];
    for (const row of rows) plans.push(await this.plan(row, byCode, byCredit, byName));

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
    const creditWrites: { plan: Planned; existing: CreditEvaluation | null; values: Partial<CreditEvaluation> }[] = [];
    for (const p of plans) {
      if (!p || p.row.errors.length) {
        outcomes.push(null);
        continue;
      }
      let outcome: RowOutcome = p.existing ? (p.changed.length ? 'updated' : 'unchanged') : 'created';
      if (p.credit) {
        const existing = p.existing ? (evals.get(`${p.existing.id}:${p.credit.input.year}`) ?? null) : null;
        let values: Partial<CreditEvaluation>;
        try {
          const merged = existing ? { ...pickDefined(existing), ...p.credit.input } : p.credit.input;
          values = this.s.services.credit.normalize({ ...(merged as CreditEvaluationInput), accountId: p.existing?.id });
        } catch (e) {
          p.row.errors.push(serviceIssue(p.row, e, FIELD_TO_KEY));
          outcomes.push(null);
          continue;
        }
        const diff = existing ? changedKeys(existing, values) : ['new'];
        if (diff.length) {
          creditWrites.push({ plan: p, existing, values });
          if (outcome === 'unchanged') outcome = 'updated';
        }
      }
      if (!p.existing) newAccounts.push(p);
      else if (p.changed.length) updates.push(p);
      outcomes.push(outcome);
    }
    if (writing(this.s)) {
      const w = () => this.write(newAccounts, updates, creditWrites);;
      await this.writes.push(w);
    }
    return outcomes;
  }

  private async plan(row: ParsedRow, byCode: Map<string, Account>, byCredit: Map<string, Account>, byName: Map<string, Account[]>): Promise<Planned | null> {
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
        row.errors.push(cellIssue(row, key, ImportCode.DUPLICATE_ROW, `the same account is already in ${first.sheet === row.sheet ? '' : `sheet "${first.sheet}" `}row ${first.row}; each account appears once`));
        return null;
      }
    }
    if (row.errors.length) return null;
    let existing: Account | null = null;
    if (code) existing = byCode.get(code) ?? null;
    if (credit) {
      const other = byCredit.get(credit) ?? null;
      if (other && existing && other.id !== existing.id) {
        row.errors.push(cellIssue(row, 'creditCode', ErrorCode.ALREADY_EXISTS, `统一社会信用代码 ${credit} is already account ${other.code} ${other.name}`));
        return null;
      }
      if (other && !existing && code) {
        row.errors.push(cellIssue(row, 'creditCode', ErrorCode.ALREADY_EXISTS, `统一社会信用代码 ${credit} is already account ${other.code} ${other.name}, not ${code}`));
        return null;
      }
      existing ??= other;
    }
    if (!existing && !code && !credit && name) {
      const list = byName.get(nameKey(name)) ?? [];
      if (list.length > 1) {
        row.errors.push(cellIssue(row, 'name', ImportCode.AMBIGUOUS_ACCOUNT, `${list.length} accounts are named "${name}" (${list.map((a) => a.code).join(', ')}); add 客户编号`));
        return null;
      }
      existing = list[0] ?? null;
    }
    const actor = this.s.base.actor;
    if (existing && isManagerActor(this.s) && existing.ownerUnitId !== actor.unitId) {
      row.errors.push(cellIssue(row, code ? 'code' : credit ? 'creditCode' : 'name', ErrorCode.FORBIDDEN, `account ${existing.code} belongs to ${this.org.unitName(existing.ownerUnitId) || 'another unit'}; a manager imports only the accounts of their own unit`));
      return null;
    }

    // Owning unit and manager (谁开发、谁优先).
    let unitId: number | null = null;
    if (typeof v.ownerUnit === 'string') {
      const u = await this.org.unit(row, v.ownerUnit);
      if (typeof u !== 'number') {
        row.errors.push(u);
        return null;
      }
      unitId = u;
    } else if (!existing && isManagerActor(this.s)) unitId = actor.unitId;
    if (existing?.ownerUnitId != null && unitId !== null && unitId !== existing.ownerUnitId) {
      row.errors.push(cellIssue(row, 'ownerUnit', ErrorCode.OWNERSHIP_CONFLICT, `account ${existing.code} is owned by ${this.org.unitName(existing.ownerUnitId)} (谁开发、谁优先); only the committee can reassign it`));
      return null;
    }
    let managerId: number | null = null;
    if (typeof v.manager === 'string') {
      const mgr = await this.org.manager(row, unitId ?? existing?.ownerUnitId ?? null, v.manager);
      if (mgr !== null && typeof mgr !== 'number') {
        row.errors.push(mgr);
        return null;
      }
      managerId = mgr;
      if (existing?.managerId != null && managerId !== existing.managerId) {
        row.errors.push(cellIssue(row, 'manager', ErrorCode.OWNERSHIP_CONFLICT, `account ${existing.code} is managed by another manager of ${this.org.unitName(existing.ownerUnitId)}; only the committee reassigns managers`));
        return null;
      }
    }

    // The service's own validation on the fields the row fills (a blank cell never erases).
    const input: AccountInput = { source: existing ? undefined : RecordSource.IMPORT };
    for (const f of ACCOUNT_FIELDS) if (v[f] !== null && v[f] !== undefined) (input as Record<string, unknown>)[f] = v[f];
    if (!existing && !code) {
      input.code = credit ?? `KH${createHash('sha1').update(nameKey(name ?? '')).digest('hex').slice(0, 10).toUpperCase()}`;
      this.generatedCodes++;
    }
    if (existing && existing.code === input.code) delete input.code;
    if (unitId !== null && unitId > 0) input.ownerUnitId = unitId;
    if (managerId !== null && managerId > 0) input.managerId = managerId;
    let values: AccountValues;
    try {
      values = await this.s.services.accounts.normalize(readCtx(this.s), input, !existing, { tiers: this.s.tiers, managementLevels: this.s.managementLevels, idsVerified: true });
    } catch (e) {
      row.errors.push(serviceIssue(row, e, FIELD_TO_KEY));
      return null;
    }
    if (existing && values.nameKey === existing.nameKey && values.name !== existing.name && nameKey(existing.name) === values.nameKey) {
      // Same name up to width and spacing: keep the stored spelling.
      delete values.name;
      delete values.nameKey;
    }
    if (existing) this.keepPolicyFields(row, existing, values);
    const tooLong = lengthIssue(em(this.s), Account, row, values as Record<string, unknown>, FIELD_TO_KEY);
    if (tooLong) {
      row.errors.push(tooLong);
      return null;
    }
    const changed = existing ? changedKeys(existing, values) : Object.keys(values);
    let creditPart: Planned['credit'] = null;
    if (this.withCredit && CREDIT_KEYS.some((k) => v[k] !== null && v[k] !== undefined)) {
      let year = typeof v.creditYear === 'number' ? v.creditYear : null;
      if (year === null) {
        year = Number(this.s.today.slice(0, 4));
        if (!this.assumedYear) {
          this.assumedYear = true;
          this.s.warn({ sheet: row.sheet, row: row.row, cell: null, column: '评价年度', value: null, code: ImportCode.YEAR_ASSUMED, message: `评价年度 is not given: credit evaluations are recorded for ${year}` });
        }
      }
      const ci: Record<string, unknown> = { year };
      for (const k of CREDIT_KEYS) if (v[k] !== null && v[k] !== undefined) ci[k] = v[k];
      creditPart = { input: ci as unknown as CreditEvaluationInput };
    }
    const parent = typeof v.parent === 'string' ? v.parent : null;
    if (parent) this.pendingParents.push({ code: (values.code ?? existing?.code) as string, parent, row });
    return { row, existing, values, changed, credit: creditPart, parent };
  }

  private async write(newAccounts: Planned[], updates: Planned[], creditWrites: { plan: Planned; existing: CreditEvaluation | null; values: Partial<CreditEvaluation> }[]): Promise<void> {
    const tx = this.s.tx!;
    const m = em(this.s);
    const now = new Date();
    await bulkWrite(m, Account, newAccounts.map((p) => p.values as Partial<Account>), { defaults: { ...emptyAccount(), version: 1, createdAt: now, updatedAt: now } });
    // Ids of the new accounts are needed only for their credit evaluations.
    const ids = new Map<string, number>();
    const needIds = creditWrites.filter((c) => !c.plan.existing).map((c) => c.plan.values.code as string);
    for (const chunk of chunks(needIds, 1000)) {
      for (const a of await m.find(Account, { select: { id: true, code: true }, where: { code: In(chunk) } })) ids.set(a.code, a.id);
    }
    if (updates.length) {
      await bulkWrite(
        m, Account,
        updates.map((p) => fullRow(m, Account, p.existing!, { ...p.values, version: p.existing!.version + 1, updatedAt: now })),
        { upsert: { conflict: ['id'], update: updatableColumns(m, Account) } },
      );
      await this.s.services.audit.recordMany(tx, updates.map((p) => ({
        action: 'account.import', entity: 'Account', entityId: p.existing!.id, fields: p.changed,
        before: Object.fromEntries(p.changed.map((k) => [k, (p.existing as unknown as Record<string, unknown>)[k]])),
        after: Object.fromEntries(p.changed.map((k) => [k, (p.values as Record<string, unknown>)[k]])),
      })));
    }
    // First ownership (谁开发、谁优先) of new accounts, and of existing ones the file gives an owner.
    await this.s.services.ownership.openInitialAssignmentsByCode(tx, newAccounts.filter((p) => p.values.ownerUnitId).map((p) => p.values.code as string), this.s.today);
    const newlyOwned = updates.filter((p) => p.existing!.ownerUnitId == null && p.values.ownerUnitId).map((p) => p.existing!.id);
    if (newlyOwned.length) await this.s.services.ownership.openInitialAssignments(tx, newlyOwned);
    const newEvals = creditWrites.filter((c) => !c.existing).map((c) => ({ ...c.values, accountId: c.plan.existing?.id ?? ids.get(c.plan.values.code as string)!, version: 1, createdAt: now, updatedAt: now }));
    await bulkWrite(m, CreditEvaluation, newEvals as Partial<CreditEvaluation>[]);
    const changedEvals = creditWrites.filter((c) => c.existing);
    if (changedEvals.length) {
      await bulkWrite(m, CreditEvaluation, changedEvals.map((c) => fullRow(m, CreditEvaluation, c.existing!, { ...c.values, accountId: c.existing!.accountId, version: c.existing!.version + 1, updatedAt: now })), {
        upsert: { conflict: ['id'], update: updatableColumns(m, CreditEvaluation) },
      });
    }
  }

  /**
   * An existing account's tier changes only when the committee approves a tier review, and its status
   * only through approval, termination or the year-end decision: a file cannot change either. The row
   * still imports; the differing cell is left as it is and reported as a warning naming the workflow.
   */
  private keepPolicyFields(row: ParsedRow, existing: Account, values: AccountValues): void {
    if (values.tierId !== undefined && values.tierId !== existing.tierId) {
      const name = (id: number | null | undefined) => this.s.tiers.find((t) => t.id === id)?.name ?? '无';
      this.s.warn(cellIssue(row, 'tierCode', ImportCode.TIER_NEEDS_REVIEW,
        `account ${existing.code} is ${name(existing.tierId)}; the file says ${name(values.tierId)}. Tier changes go through a tier review (proposeTierChange, approved by the committee); left unchanged`));
      delete values.tierId;
    }
    if (values.status !== undefined && values.status !== existing.status) {
      this.s.warn(cellIssue(row, 'status', ImportCode.STATUS_NEEDS_DECISION,
        `account ${existing.code} is ${AccountStatuses.label(existing.status)}; the file says ${AccountStatuses.label(values.status)}. Status changes go through the committee (approval, termination, year-end decision); left unchanged`));
      delete values.status;
    }
  }

  /** Links 上级集团 once every row is in: the parent may come later in the file. */
  async finish(): Promise<void> {
    if (!this.pendingParents.length) return;
    const m = em(this.s);
    for (const chunk of chunks(this.pendingParents, 500)) {
      const codes = chunk.map((p) => p.code);
      const children = new Map((await m.find(Account, { select: { id: true, code: true, parentId: true }, where: { code: In(codes) } })).map((a) => [a.code, a]));
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
          this.s.warn({ ...cellIssue(p.row, 'parent', ImportCode.PARENT_NOT_FOUND, ''), message: `上级集团 "${p.parent}" is not an account; the group link was left as it was` });
          continue;
        }
        if (!child || parent.id === child.id || child.parentId === parent.id || !writing(this.s)) continue;
        await m.update(Account, { id: child.id }, { parentId: parent.id, updatedAt: new Date() });
      }
    }
  }

  summaryWarnings(): void {
    if (this.generatedCodes) {
      this.s.warn({ sheet: null, row: null, cell: null, column: '客户编号', value: null, code: ImportCode.CODE_GENERATED, message: `${this.generatedCodes} new account(s) had no 客户编号: their 统一社会信用代码 became the code, or one was derived from the name (KH…)` });
    }
  }
}

function pickDefined(e: CreditEvaluation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}
