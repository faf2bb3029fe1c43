/**
 * Loads 附件4 rows: an activity each (natural key: account + date + type + content, see
 * activityNaturalKey). 我方人员 links the activity to a manager when it names one (kept as text
 * either way); 项目名称 links it to the account's project (created, with a warning, when new).
 *
 * Money in the ledger (the rule reports rely on — see Activity.contractAmountFen and Payment.activityId):
 * - 回款金额 is a collection: it becomes the Payment whose `activityId` is this activity (unique), on
 *   the project named in the row or else the account. Re-importing updates that one payment (or
 *   removes it when the cell is cleared); it is never added twice.
 * - 合同金额 is a signing: it stays on the activity (`contractAmountFen`, linked to the project when
 *   the row names one). The project's own contract amount is not touched.
 * Unlike annexes 1–3, the columns a ledger sheet has are the whole record of the event: a cleared
 * cell clears the stored value — except the manager link: a blank 客户经理 on an activity already on
 * file keeps its manager (a guess from 我方人员, or the importing MANAGER as default, only fills new
 * activities), so an exported ledger imports as "unchanged" whoever entered its activities.
 * `source` says how a record was first entered (MANUAL, IMPORT, DEMO): an import that finds an activity
 * (or its collection) on file never rewrites it, as an update through the API does not.
 */
import { say } from '../../src/common/messages';
import { deleteIds } from '../../src/db/deletions';
import { In } from 'typeorm';
import { ActivityType, ProjectStatus, RecordSource, Role } from '../../src/common/enums';
import { decideActivityManager, defaultChannel } from '../../src/modules/activities/activity.rules';
import { nameKey } from '../../src/common/text';
import { bulkWrite } from '../../src/db/bulk';
import { Activity } from '../../src/modules/activities/activity.entity';
import type { ActivityInput } from '../../src/modules/activities/activity.service';
import { Payment } from '../../src/modules/projects/payment.entity';
import { Project } from '../../src/modules/projects/project.entity';
import { ImportCode } from '../read/issues';
import { cellIssue, type ParsedRow } from '../read/parser';
import { KeyIndex } from './key-index';
import {
  AccountDirectory, ManagedAccounts, WriteQueue, cellChanges, changedKeys, idsBy, storedColumns, type WrittenRecord, writableAccounts, chunks, em, fullRow, lengthIssue, serviceIssue, updatableColumns, writing,
  type AccountRef, type LoadState, type OrgDirectory, type RowOutcome,
} from './context';

const FIELD_TO_KEY: Record<string, string> = { projectId: 'projectName', managerId: 'manager', amount: 'paymentAmount', receivedOn: 'occurredOn' };

interface Planned {
  row: ParsedRow;
  account: AccountRef;
  values: Partial<Activity>;
  /** The manager was not named in 客户经理 (guessed from 我方人员, the importing MANAGER, or none). */
  managerGuessed: boolean;
  existing: Activity | null;
  changed: string[];
  payment: Partial<Payment> | null;
  existingPayment: Payment | null;
  paymentChanged: boolean;
}

export class LedgerLoader {
  private readonly keys = new KeyIndex();
  private readonly writes = new WriteQueue();

  drain(): Promise<void> {
    return this.writes.drain();
  }
  private readonly projects = new Map<string, number>();
  private virtualProject = -1;

  private readonly managed: ManagedAccounts;

  constructor(
    private readonly s: LoadState,
    private readonly accounts: AccountDirectory,
    private readonly org: OrgDirectory,
  ) {
    this.managed = new ManagedAccounts(s);
  }

  async process(rows: ParsedRow[]): Promise<(RowOutcome | null)[]> {
    const m = em(this.s);
    const resolved = await writableAccounts(this.s, this.accounts, this.managed, rows, 'log activities of this account');
    await this.prefetchProjects(rows, resolved);
    const plans: (Planned | null)[] = [];
    for (let i = 0; i < rows.length; i++) plans.push(resolved[i] ? await this.plan(rows[i], resolved[i]!) : null);

    const keys = plans.filter((p) => p).map((p) => p!.values.naturalKey as string);
    const existing = new Map<string, Activity>();
    for (const chunk of chunks(keys, 1000)) for (const a of await m.findBy(Activity, { naturalKey: In(chunk) })) existing.set(a.naturalKey, a);
    const payments = new Map<number, Payment>();
    const ids = [...existing.values()].map((a) => a.id);
    for (const chunk of chunks(ids, 1000)) for (const p of await m.findBy(Payment, { activityId: In(chunk) })) payments.set(p.activityId as number, p);

    const outcomes: (RowOutcome | null)[] = [];
    for (const p of plans) {
      if (!p || p.row.errors.length) {
        outcomes.push(null);
        continue;
      }
      p.existing = existing.get(p.values.naturalKey as string) ?? null;
      p.existingPayment = p.existing ? (payments.get(p.existing.id) ?? null) : null;
      if (p.existing) {
        if (p.managerGuessed && 'managerId' in p.values) p.values.managerId = p.existing.managerId;
        // 我方人员 as the export wrote it: the people recorded on the activity stay (names are read only when the text changed).
        if ('participantIds' in p.values && (p.values.participants ?? null) === (p.existing.participants ?? null)) p.values.participantIds = p.existing.participantIds;
        delete p.values.source;
        if (p.payment && p.existingPayment) delete p.payment.source;
        else if (p.payment) p.payment.source = p.existing.source;
      }
      p.changed = p.existing ? changedKeys(p.existing, p.values) : [];
      const pay = p.payment;
      p.paymentChanged = pay ? !p.existingPayment || changedKeys(p.existingPayment, { ...pay, activityId: p.existingPayment.activityId }).length > 0 : !!p.existingPayment;
      outcomes.push(!p.existing ? 'created' : p.changed.length || p.paymentChanged ? 'updated' : 'unchanged');
      if (this.s.record?.describe) {
        const cells = cellChanges('Activity', p.existing, p.values, p.existing ? p.changed : undefined);
        if (p.paymentChanged) cells.push(...cellChanges('Payment', p.existingPayment, p.payment ?? { amountFen: null }, ['amountFen']));
        this.s.record.describe(p.row, { accountId: p.account.id, label: `${p.account.code} ${p.values.occurredOn ?? ''}`.trim(), changes: cells });
      }
    }
    if (writing(this.s)) {
      const w = () => this.write(plans.filter((p): p is Planned => !!p && !p.row.errors.length));;
      await this.writes.push(w);
    }
    return outcomes;
  }

  private async prefetchProjects(rows: ParsedRow[], accounts: (AccountRef | null)[]): Promise<void> {
    const ids = new Set<number>();
    rows.forEach((r, i) => {
      if (accounts[i] && typeof r.values.projectName === 'string' && !this.projects.has(`${accounts[i]!.id}|${nameKey(r.values.projectName)}`)) ids.add(accounts[i]!.id);
    });
    if (this.projects.size > 100_000) this.projects.clear();
    for (const chunk of chunks([...ids], 500)) {
      for (const p of await em(this.s).find(Project, { select: { id: true, accountId: true, nameKey: true, code: true }, where: { accountId: In(chunk) } })) {
        this.projects.set(`${p.accountId}|${p.nameKey}`, p.id);
        if (p.code) this.projects.set(`${p.accountId}|${nameKey(p.code)}`, p.id);
      }
    }
  }

  private async project(row: ParsedRow, account: AccountRef, name: string): Promise<number | null> {
    const key = `${account.id}|${nameKey(name)}`;
    const known = this.projects.get(key);
    if (known !== undefined) return known;
    let id: number;
    let how: string;
    const status = row.values.contractAmount != null ? ProjectStatus.IN_PROGRESS : ProjectStatus.PLANNED;
    if (writing(this.s)) {
      const p = await this.s.services.projects.createProject(this.s.tx!, { accountId: account.id, name, status, unitId: account.ownerUnitId, managerId: account.managerId, source: RecordSource.IMPORT });
      id = p.id;
      how = say('已创建', 'created');
      await this.s.record?.written?.([{ entity: 'Project', id: p.id, action: 'created', versionAfter: p.version }]);
    } else {
      id = this.virtualProject--;
      how = say('将创建', 'would be created');
    }
    this.projects.set(key, id);
    this.s.warn({ ...cellIssue(row, 'projectName', ImportCode.PROJECT_CREATED, ''), message: say(`项目「${name}」是 ${account.code} 的新项目：${how}（状态 ${status === ProjectStatus.IN_PROGRESS ? '在建' : '拟建'}）`, `项目 "${name}" is new for ${account.code}: ${how} (status ${status === ProjectStatus.IN_PROGRESS ? '在建' : '拟建'})`) });
    return id;
  }

  /**
   * The activity's manager and whether 客户经理 named it (else guessed from 我方人员, or none). A
   * MANAGER's rows are its own (decideActivityManager, the API's rule): another user in 客户经理 is
   * refused, and a row naming none is the MANAGER's.
   */
  private async managerOf(row: ParsedRow, account: AccountRef): Promise<{ id: number | null; named: boolean }> {
    const v = row.values;
    const { actor } = this.s.base;
    if (actor.role === Role.MANAGER) {
      const named = typeof v.manager === 'string' ? await this.org.manager(row, account.ownerUnitId, v.manager, 'manager', false) : null;
      return { id: decideActivityManager(actor, typeof named === 'number' ? named : undefined) ?? null, named: typeof named === 'number' };
    }
    const names: [string, string][] = [];
    if (typeof v.manager === 'string') names.push([v.manager, 'manager']);
    if (typeof v.participants === 'string') {
      for (const t of v.participants.replace(/[(（][^)）]*[)）]/g, '').split(/[、,，;；/\s和及]+/)) if (t) names.push([t, 'participants']);
    }
    for (const [name, column] of names) {
      for (const unit of [account.ownerUnitId, null]) {
        const id = await this.org.manager(row, unit, name, column, false);
        if (typeof id === 'number') return { id, named: column === 'manager' };
      }
    }
    return { id: null, named: false };
  }

  /** Every user 我方人员 names (the per-role visit rules count them); names that match nobody stay text. */
  private async participantIds(row: ParsedRow, account: AccountRef): Promise<number[]> {
    const v = row.values;
    if (typeof v.participants !== 'string') return [];
    const ids = new Set<number>();
    for (const t of v.participants.replace(/[(（][^)）]*[)）]/g, '').split(/[、,，;；/\s和及]+/)) {
      if (!t) continue;
      for (const unit of [account.ownerUnitId, null]) {
        const id = await this.org.manager(row, unit, t, 'participants', false);
        if (typeof id === 'number' && id > 0) {
          ids.add(id);
          break;
        }
      }
    }
    return [...ids];
  }

  private async plan(row: ParsedRow, account: AccountRef): Promise<Planned | null> {
    const v = row.values;
    const projectId = typeof v.projectName === 'string' ? await this.project(row, account, v.projectName) : null;
    let manager: { id: number | null; named: boolean };
    try {
      manager = await this.managerOf(row, account);
    } catch (e) {
      row.errors.push(serviceIssue(row, e, FIELD_TO_KEY));
      return null;
    }
    const input: ActivityInput = {
      accountId: account.id,
      managerId: manager.id,
      occurredOn: v.occurredOn as string,
      type: (v.type as string | null) ?? ActivityType.OTHER,
      channel: v.channel as string | null,
      participantIds: await this.participantIds(row, account),
      participants: v.participants as string | null,
      counterparts: v.counterparts as string | null,
      subject: v.subject as string | null,
      summary: v.summary as string | null,
      outcome: v.outcome as string | null,
      nextAction: v.nextAction as string | null,
      nextActionDue: v.nextActionDue as string | null,
      projectId: projectId !== null && projectId > 0 ? projectId : null,
      intelTags: (v.intelTags as string[] | null) ?? [],
      contractAmount: v.contractAmount as number | null,
      paymentAmount: v.paymentAmount as number | null,
      source: RecordSource.IMPORT,
    };
    let values: Partial<Activity>;
    let payment: Partial<Payment> | null = null;
    try {
      values = this.s.services.activities.normalize(input);
      if (input.paymentAmount != null) {
        payment = this.s.services.projects.normalizePayment({ accountId: account.id, projectId: input.projectId, receivedOn: values.occurredOn as string, amount: input.paymentAmount, source: RecordSource.IMPORT });
        delete payment.activityId;
      }
    } catch (e) {
      row.errors.push(serviceIssue(row, e, FIELD_TO_KEY));
      return null;
    }
    // Only the columns the sheet has are the record; an absent column keeps the stored value.
    for (const [key, prop] of [['manager', 'managerId'], ['participants', 'participants'], ['participants', 'participantIds'], ['channel', 'channel'], ['counterparts', 'counterparts'], ['outcome', 'outcome'], ['nextAction', 'nextAction'], ['nextActionDue', 'nextActionDue'], ['projectName', 'projectId'], ['intelTags', 'intelTags'], ['intelTags', 'intelTagsOther'], ['contractAmount', 'contractAmountFen'], ['paymentAmount', 'paymentAmountFen']] as const) {
      if (!row.layout.byKey.has(key) && !(key === 'manager' && row.layout.byKey.has('participants'))) delete (values as Record<string, unknown>)[prop];
    }
    const tooLong = lengthIssue(em(this.s), Activity, row, values as Record<string, unknown>, FIELD_TO_KEY);
    if (tooLong) {
      row.errors.push(tooLong);
      return null;
    }
    const first = this.keys.seen(values.naturalKey as string, row.sheet, row.row);
    if (first) {
      row.errors.push(cellIssue(row, row.layout.byKey.has('summary') ? 'summary' : 'subject', ImportCode.DUPLICATE_ROW, say(`相同的活动（客户、日期、类型和内容）已在${first.sheet === row.sheet ? '' : `工作表「${first.sheet}」`}第 ${first.row} 行`, `the same activity (account, date, type and content) is already in ${first.sheet === row.sheet ? '' : `sheet "${first.sheet}" `}row ${first.row}`)));
      return null;
    }
    return { row, account, values, managerGuessed: !manager.named, existing: null, changed: [], payment, existingPayment: null, paymentChanged: false };
  }

  private async write(plans: Planned[]): Promise<void> {
    const m = em(this.s);
    const now = new Date();
    const fresh = plans.filter((p) => !p.existing);
    const inserted = await bulkWrite(m, Activity, fresh.map((p) => ({ managerId: null, participants: null, participantIds: [], channel: defaultChannel(p.values.type as ActivityType), counterparts: null, outcome: null, nextAction: null, nextActionDue: null, projectId: null, intelTags: [], intelTagsOther: null, contractAmountFen: null, paymentAmountFen: null, ...p.values, version: 1, createdAt: now, updatedAt: now })), { returning: ['id', 'naturalKey'] });
    const changed = plans.filter((p) => p.existing && p.changed.length);
    await bulkWrite(m, Activity, changed.map((p) => fullRow(m, Activity, p.existing!, { ...p.values, version: p.existing!.version + 1, updatedAt: now })), {
      upsert: { conflict: ['id'], update: updatableColumns(m, Activity) },
    });
    const ids = new Map<string, number>(plans.filter((p) => p.existing).map((p) => [p.existing!.naturalKey, p.existing!.id]));
    // New activities' ids as the INSERT returned them, or (MySQL) found again for those with a payment.
    if (inserted) for (const r of inserted) ids.set(r.naturalKey as string, r.id as number);
    const needIds = inserted ? [] : fresh.filter((p) => p.payment).map((p) => p.values.naturalKey as string);
    for (const chunk of chunks(needIds, 1000)) for (const a of await m.find(Activity, { select: { id: true, naturalKey: true }, where: { naturalKey: In(chunk) } })) ids.set(a.naturalKey, a.id);
    const upserts: Partial<Payment>[] = [];
    const removals: number[] = [];
    for (const p of plans) {
      if (!p.paymentChanged) continue;
      const activityId = ids.get(p.values.naturalKey as string)!;
      if (p.payment) {
        const base = p.existingPayment ? fullRow(m, Payment, p.existingPayment, { version: p.existingPayment.version + 1 }) : { method: null, reference: null, version: 1, createdAt: now };
        upserts.push({ ...base, ...p.payment, activityId, updatedAt: now });
      } else if (p.existingPayment) removals.push(p.existingPayment.id);
    }
    const insertPayments = upserts.filter((u) => u.id === undefined);
    const insertedPayments = await bulkWrite(m, Payment, insertPayments, { returning: this.s.record?.written ? ['id', 'activityId'] : undefined });
    await bulkWrite(m, Payment, upserts.filter((u) => u.id !== undefined), { upsert: { conflict: ['id'], update: updatableColumns(m, Payment) } });
    await deleteIds(m, Payment, removals);
    if (this.s.record?.written) {
      const out: WrittenRecord[] = [];
      for (const p of fresh) {
        const id = ids.get(p.values.naturalKey as string);
        if (id !== undefined) out.push({ entity: 'Activity', id, action: 'created', versionAfter: 1 });
      }
      const freshNoPayment = fresh.filter((p) => !ids.has(p.values.naturalKey as string));
      for (const [, r] of await idsBy(m, Activity, 'naturalKey', freshNoPayment.map((p) => p.values.naturalKey))) out.push({ entity: 'Activity', id: r.id, action: 'created', versionAfter: r.version });
      for (const p of changed) out.push({ entity: 'Activity', id: p.existing!.id, action: 'updated', before: storedColumns(m, Activity, p.existing!), versionAfter: p.existing!.version + 1 });
      const createdPayments = insertedPayments ? insertedPayments.map((r) => ({ id: r.id as number, version: 1 })) : [...(await idsBy(m, Payment, 'activityId', insertPayments.map((u) => u.activityId))).values()];
      for (const r of createdPayments) out.push({ entity: 'Payment', id: r.id, action: 'created', versionAfter: r.version });
      for (const p of plans) {
        if (!p.paymentChanged || !p.existingPayment) continue;
        out.push(p.payment
          ? { entity: 'Payment', id: p.existingPayment.id, action: 'updated', before: storedColumns(m, Payment, p.existingPayment), versionAfter: p.existingPayment.version + 1 }
          : { entity: 'Payment', id: p.existingPayment.id, action: 'deleted', before: { id: p.existingPayment.id, createdAt: p.existingPayment.createdAt, ...storedColumns(m, Payment, p.existingPayment) } });
      }
      await this.s.record.written(out);
    }
    // What follows from the rows — follow-up actions, complaints, fulfilled plans — as for one activity through the API.
    await this.s.services.activities.applyEffectsByKey(this.s.tx!, plans.map((p) => p.values.naturalKey as string));
  }

  async finish(): Promise<void> {}

  close(): void {
    this.keys.close();
  }
}
