import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ProjectStatuses, RecordSource, type ProjectStatus } from '../../common/enums';
import { assertLocalDate } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { toId, toIdOrNull, toIds, type Id } from '../../common/ids';
import { yuanToFen } from '../../common/money';
import { paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { cleanText, nameKey } from '../../common/text';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { Where } from '../../db/filters';
import { ListQuery } from '../../db/list-query';
import { deleteVersioned, mergePatch, patchFields, updateVersioned } from '../../db/versioned';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../auth/access.service';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Account } from '../accounts/account.entity';
import { Project } from './project.entity';
import { Receivable } from './receivable.entity';
import { Payment } from './payment.entity';

export interface ProjectInput {
  accountId: Id;
  code?: string | null;
  name: string;
  status: string;
  contractAmount?: number | null;
  signedOn?: string | null;
  startOn?: string | null;
  endOn?: string | null;
  location?: string | null;
  unitId?: Id | null;
  managerId?: Id | null;
  notes?: string | null;
  source?: RecordSource;
}

/** A change to a project: the fields given (null clears). A project stays with its account. */
export type ProjectPatch = Partial<Omit<ProjectInput, 'accountId' | 'source'>>;

export interface ReceivableInput {
  accountId: Id;
  projectId?: Id | null;
  dueOn: string;
  amount: number;
  description?: string | null;
}

export type ReceivablePatch = Partial<Omit<ReceivableInput, 'accountId'>>;

export interface PaymentInput {
  accountId: Id;
  projectId?: Id | null;
  receivedOn: string;
  amount: number;
  method?: string | null;
  reference?: string | null;
  activityId?: Id | null;
  source?: RecordSource;
}

export type PaymentPatch = Partial<Omit<PaymentInput, 'accountId' | 'activityId' | 'source'>>;

export interface ProjectFilter {
  accountIds?: Id[] | null;
  statuses?: (ProjectStatus | string)[] | null;
  /** 签约日期 from / to, inclusive (`YYYY-MM-DD`). */
  signedFrom?: string | null;
  signedTo?: string | null;
  unitIds?: Id[] | null;
  managerIds?: Id[] | null;
  nameContains?: string | null;
  updatedSince?: Date | null;
}

export interface ReceivableFilter {
  accountIds?: Id[] | null;
  projectIds?: Id[] | null;
  dueFrom?: string | null;
  dueTo?: string | null;
  updatedSince?: Date | null;
}

export interface PaymentFilter {
  accountIds?: Id[] | null;
  projectIds?: Id[] | null;
  receivedFrom?: string | null;
  receivedTo?: string | null;
  /** true: only collections recorded through the manager ledger (附件4); false: only the others. */
  fromLedger?: boolean | null;
  updatedSince?: Date | null;
}

export enum ProjectSortField {
  ID = 'ID',
  NAME = 'NAME',
  SIGNED_ON = 'SIGNED_ON',
  CONTRACT_AMOUNT = 'CONTRACT_AMOUNT',
  UPDATED_AT = 'UPDATED_AT',
}

export enum ReceivableSortField {
  ID = 'ID',
  DUE_ON = 'DUE_ON',
  AMOUNT = 'AMOUNT',
  UPDATED_AT = 'UPDATED_AT',
}

export enum PaymentSortField {
  ID = 'ID',
  RECEIVED_ON = 'RECEIVED_ON',
  AMOUNT = 'AMOUNT',
  UPDATED_AT = 'UPDATED_AT',
}

const updatedAt = { column: 'updatedAt', property: 'updatedAt', datetime: true };
const PROJECT_SORTS: SortColumns<ProjectSortField> = {
  ID: { column: 'id', property: 'id' },
  NAME: { column: 'name', property: 'name' },
  SIGNED_ON: { column: 'signedOn', property: 'signedOn' },
  CONTRACT_AMOUNT: { column: 'contractAmountFen', property: 'contractAmountFen' },
  UPDATED_AT: updatedAt,
};
const RECEIVABLE_SORTS: SortColumns<ReceivableSortField> = {
  ID: { column: 'id', property: 'id' },
  DUE_ON: { column: 'dueOn', property: 'dueOn' },
  AMOUNT: { column: 'amountFen', property: 'amountFen' },
  UPDATED_AT: updatedAt,
};
const PAYMENT_SORTS: SortColumns<PaymentSortField> = {
  ID: { column: 'id', property: 'id' },
  RECEIVED_ON: { column: 'receivedOn', property: 'receivedOn' },
  AMOUNT: { column: 'amountFen', property: 'amountFen' },
  UPDATED_AT: updatedAt,
};

function positiveFen(yuan: number, field: string): number {
  const fen = yuanToFen(yuan, field);
  if (fen <= 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${field}: must be greater than 0`, { field });
  return fen;
}

/**
 * 合作项目、应收计划、回款: projects with an account and the money around them.
 * Projects: ADMIN, or the MANAGER of the account. Receivables and payments: ADMIN and FINANCE.
 */
export class ProjectService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly maxPageSize: () => number,
    private readonly clock: Clock,
  ) {}

  normalizeProject(input: ProjectInput): Partial<Project> {
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 项目名称 is required', { field: 'name' });
    if (name.length > 200) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'name: at most 200 characters', { field: 'name' });
    const code = cleanText(input.code);
    if (code && code.length > 64) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'code: at most 64 characters', { field: 'code' });
    if (!cleanText(input.status)) throw new DomainError(ErrorCode.REQUIRED, 'status: 项目状态 is required', { field: 'status' });
    const signedOn = input.signedOn ? assertLocalDate(input.signedOn, 'signedOn') : null;
    const startOn = input.startOn ? assertLocalDate(input.startOn, 'startOn') : null;
    const endOn = input.endOn ? assertLocalDate(input.endOn, 'endOn') : null;
    if (startOn && endOn && endOn < startOn) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'endOn: ends before it starts', { field: 'endOn' });
    if (input.contractAmount != null && input.contractAmount < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, 'contractAmount: must not be negative', { field: 'contractAmount' });
    return {
      accountId: toId(input.accountId, 'accountId'),
      code,
      name,
      nameKey: nameKey(name),
      status: ProjectStatuses.parse(input.status, 'status'),
      contractAmountFen: input.contractAmount == null ? null : yuanToFen(input.contractAmount, 'contractAmount'),
      signedOn,
      startOn,
      endOn,
      location: cleanText(input.location),
      unitId: toIdOrNull(input.unitId, 'unitId'),
      managerId: toIdOrNull(input.managerId, 'managerId'),
      notes: cleanText(input.notes),
      source: input.source ?? RecordSource.MANUAL,
    };
  }

  normalizeReceivable(input: ReceivableInput): Partial<Receivable> {
    return {
      accountId: toId(input.accountId, 'accountId'),
      projectId: toIdOrNull(input.projectId, 'projectId'),
      dueOn: assertLocalDate(input.dueOn, 'dueOn'),
      amountFen: positiveFen(input.amount, 'amount'),
      description: cleanText(input.description),
    };
  }

  normalizePayment(input: PaymentInput): Partial<Payment> {
    return {
      accountId: toId(input.accountId, 'accountId'),
      projectId: toIdOrNull(input.projectId, 'projectId'),
      receivedOn: assertNotFuture(this.clock, assertLocalDate(input.receivedOn, 'receivedOn'), 'receivedOn', 'money is recorded once received (plan it as a receivable)'),
      amountFen: positiveFen(input.amount, 'amount'),
      method: cleanText(input.method),
      reference: cleanText(input.reference),
      activityId: toIdOrNull(input.activityId, 'activityId'),
      source: input.source ?? RecordSource.MANUAL,
    };
  }

  // ── projects ──────────────────────────────────────────────────────────────────────────────

  async getProject(ctx: RequestContext, id: Id): Promise<Project> {
    return findByIdOrFail(this.ds, ctx, Project, id);
  }

  listProjects(ctx: RequestContext, filter: ProjectFilter | null | undefined, page: PageArgs, order?: SortOrder<ProjectSortField> | null, columns?: readonly string[]): Promise<Connection<Project>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), Project, 'p');
    const q = cleanText(f.nameContains);
    new Where(qb)
      .in('accountId', toIds(f.accountIds, 'filter.accountIds'))
      .in('status', f.statuses?.map((s) => ProjectStatuses.parse(String(s), 'filter.statuses')))
      .range('signedOn', f.signedFrom ? assertLocalDate(f.signedFrom, 'filter.signedFrom') : null, f.signedTo ? assertLocalDate(f.signedTo, 'filter.signedTo') : null)
      .in('unitId', toIds(f.unitIds, 'filter.unitIds'))
      .in('managerId', toIds(f.managerIds, 'filter.managerIds'))
      .contains(q, ['name', q ?? ''], ['nameKey', q ? nameKey(q) : ''])
      .range('updatedAt', f.updatedSince, null);
    return paginate(qb, page, sortSpec(PROJECT_SORTS, order, ProjectSortField.ID), this.maxPageSize(), columns);
  }

  async createProject(ctx: RequestContext, input: ProjectInput): Promise<Project> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.access.accountForWrite(tx, input.accountId, 'accountId', 'add projects to this account');
      const values = this.normalizeProject({ ...input, accountId: account.id });
      await this.checkProject(tx, values, null);
      const project = em.create(Project, values);
      await em.save(project);
      await this.audit.record(tx, { action: 'project.create', entity: 'Project', entityId: project.id, after: { accountId: account.id, name: project.name, contractAmountFen: project.contractAmountFen } });
      return project;
    });
  }

  async updateProject(ctx: RequestContext, id: Id, patch: ProjectPatch, expectedVersion?: number | null): Promise<Project> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const project = await this.getProject(tx, id);
      await this.access.accountForWrite(tx, project.accountId, 'accountId', 'change projects of this account');
      const { source: _source, ...values } = this.normalizeProject(mergePatch(projectInput(project), patch));
      await this.checkProject(tx, values, project.id);
      await updateVersioned(managerFor(this.ds, tx), Project, project, values, expectedVersion, `project ${project.name}`);
      await this.audit.record(tx, { action: 'project.update', entity: 'Project', entityId: project.id, fields: patchFields(patch), after: patch });
      return this.getProject(tx, project.id);
    });
  }

  /**
   * Deletes a project entered by mistake, with its receivables (its activities stay, unlinked). A
   * project with payments is refused (IN_USE): money received is never silently dropped.
   */
  async deleteProject(ctx: RequestContext, id: Id, expectedVersion: number): Promise<Project> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const project = await this.getProject(tx, id);
      await this.access.accountForWrite(tx, project.accountId, 'accountId', 'delete projects of this account');
      const payments = await em.countBy(Payment, { projectId: project.id });
      if (payments > 0) {
        throw new DomainError(ErrorCode.IN_USE, `project ${project.name} has ${payments} payments; delete or move them first (FINANCE)`, { field: 'id', dependents: { payments } });
      }
      await deleteVersioned(em, Project, project, expectedVersion, `project ${project.name}`);
      await this.audit.record(tx, { action: 'project.delete', entity: 'Project', entityId: project.id, before: { accountId: project.accountId, name: project.name } });
      return project;
    });
  }

  /** Unique name per account and unique code; unit and manager exist. */
  private async checkProject(ctx: RequestContext, v: Partial<Project>, selfId: number | null): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const sameName = await em.findOneBy(Project, { accountId: v.accountId, nameKey: v.nameKey });
    if (sameName && sameName.id !== selfId) throw new DomainError(ErrorCode.ALREADY_EXISTS, `name: the account already has a project named ${v.name}`, { field: 'name' });
    if (v.code) {
      const sameCode = await em.findOneBy(Project, { code: v.code });
      if (sameCode && sameCode.id !== selfId) throw new DomainError(ErrorCode.ALREADY_EXISTS, `code: project code ${v.code} is already used by ${sameCode.name}`, { field: 'code' });
    }
    if (v.unitId != null && !(await em.existsBy(OrgUnit, { id: v.unitId }))) throw new DomainError(ErrorCode.NOT_FOUND, `unitId: unit ${v.unitId} not found`, { field: 'unitId' });
    if (v.managerId != null && !(await em.existsBy(User, { id: v.managerId }))) throw new DomainError(ErrorCode.NOT_FOUND, `managerId: user ${v.managerId} not found`, { field: 'managerId' });
  }

  async createManyProjects(ctx: RequestContext, inputs: ProjectInput[]): Promise<void> {
    await bulkInsert(managerFor(this.ds, ctx), Project, inputs.map((i) => ({ ...this.normalizeProject(i), version: 1 })));
  }

  // ── receivables ───────────────────────────────────────────────────────────────────────────

  async getReceivable(ctx: RequestContext, id: Id): Promise<Receivable> {
    return findByIdOrFail(this.ds, ctx, Receivable, id);
  }

  listReceivables(ctx: RequestContext, filter: ReceivableFilter | null | undefined, page: PageArgs, order?: SortOrder<ReceivableSortField> | null, columns?: readonly string[]): Promise<Connection<Receivable>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), Receivable, 'r');
    new Where(qb)
      .in('accountId', toIds(f.accountIds, 'filter.accountIds'))
      .in('projectId', toIds(f.projectIds, 'filter.projectIds'))
      .range('dueOn', f.dueFrom ? assertLocalDate(f.dueFrom, 'filter.dueFrom') : null, f.dueTo ? assertLocalDate(f.dueTo, 'filter.dueTo') : null)
      .range('updatedAt', f.updatedSince, null);
    return paginate(qb, page, sortSpec(RECEIVABLE_SORTS, order, ReceivableSortField.ID), this.maxPageSize(), columns);
  }

  async createReceivable(ctx: RequestContext, input: ReceivableInput): Promise<Receivable> {
    this.access.assertCanWriteFinance(ctx, 'record receivables');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const values = this.normalizeReceivable(input);
      await this.checkMoneyLinks(tx, values);
      const row = em.create(Receivable, values);
      await em.save(row);
      await this.audit.record(tx, { action: 'receivable.create', entity: 'Receivable', entityId: row.id, after: values });
      return row;
    });
  }

  async updateReceivable(ctx: RequestContext, id: Id, patch: ReceivablePatch, expectedVersion?: number | null): Promise<Receivable> {
    this.access.assertCanWriteFinance(ctx, 'change receivables');
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.getReceivable(tx, id);
      const values = this.normalizeReceivable(mergePatch<ReceivableInput>({ accountId: row.accountId, projectId: row.projectId, dueOn: row.dueOn, amount: row.amount, description: row.description }, patch));
      await this.checkMoneyLinks(tx, values);
      await updateVersioned(managerFor(this.ds, tx), Receivable, row, values, expectedVersion, `receivable ${row.id}`);
      await this.audit.record(tx, { action: 'receivable.update', entity: 'Receivable', entityId: row.id, fields: patchFields(patch), before: { dueOn: row.dueOn, amountFen: row.amountFen }, after: values });
      return this.getReceivable(tx, row.id);
    });
  }

  async deleteReceivable(ctx: RequestContext, id: Id, expectedVersion: number): Promise<Receivable> {
    this.access.assertCanWriteFinance(ctx, 'delete receivables');
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.getReceivable(tx, id);
      await deleteVersioned(managerFor(this.ds, tx), Receivable, row, expectedVersion, `receivable ${row.id}`);
      await this.audit.record(tx, { action: 'receivable.delete', entity: 'Receivable', entityId: row.id, before: { accountId: row.accountId, dueOn: row.dueOn, amountFen: row.amountFen } });
      return row;
    });
  }

  async createManyReceivables(ctx: RequestContext, inputs: ReceivableInput[]): Promise<void> {
    await bulkInsert(managerFor(this.ds, ctx), Receivable, inputs.map((i) => ({ ...this.normalizeReceivable(i), version: 1 })));
  }

  // ── payments ──────────────────────────────────────────────────────────────────────────────

  async getPayment(ctx: RequestContext, id: Id): Promise<Payment> {
    return findByIdOrFail(this.ds, ctx, Payment, id);
  }

  listPayments(ctx: RequestContext, filter: PaymentFilter | null | undefined, page: PageArgs, order?: SortOrder<PaymentSortField> | null, columns?: readonly string[]): Promise<Connection<Payment>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), Payment, 'pm');
    new Where(qb)
      .in('accountId', toIds(f.accountIds, 'filter.accountIds'))
      .in('projectId', toIds(f.projectIds, 'filter.projectIds'))
      .range('receivedOn', f.receivedFrom ? assertLocalDate(f.receivedFrom, 'filter.receivedFrom') : null, f.receivedTo ? assertLocalDate(f.receivedTo, 'filter.receivedTo') : null)
      .present('activityId', f.fromLedger)
      .range('updatedAt', f.updatedSince, null);
    return paginate(qb, page, sortSpec(PAYMENT_SORTS, order, PaymentSortField.ID), this.maxPageSize(), columns);
  }

  async createPayment(ctx: RequestContext, input: PaymentInput): Promise<Payment> {
    this.access.assertCanWriteFinance(ctx, 'record payments');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const values = this.normalizePayment({ ...input, activityId: null });
      await this.checkMoneyLinks(tx, values);
      const row = em.create(Payment, values);
      await em.save(row);
      await this.audit.record(tx, { action: 'payment.create', entity: 'Payment', entityId: row.id, after: values });
      return row;
    });
  }

  async updatePayment(ctx: RequestContext, id: Id, patch: PaymentPatch, expectedVersion?: number | null): Promise<Payment> {
    this.access.assertCanWriteFinance(ctx, 'change payments');
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.getPayment(tx, id);
      assertNotFromLedger(row);
      const base: PaymentInput = { accountId: row.accountId, projectId: row.projectId, receivedOn: row.receivedOn, amount: row.amount, method: row.method, reference: row.reference, source: row.source };
      const { source: _source, activityId: _activity, ...values } = this.normalizePayment(mergePatch(base, patch));
      await this.checkMoneyLinks(tx, values);
      await updateVersioned(managerFor(this.ds, tx), Payment, row, values, expectedVersion, `payment ${row.id}`);
      await this.audit.record(tx, { action: 'payment.update', entity: 'Payment', entityId: row.id, fields: patchFields(patch), before: { receivedOn: row.receivedOn, amountFen: row.amountFen }, after: values });
      return this.getPayment(tx, row.id);
    });
  }

  async deletePayment(ctx: RequestContext, id: Id, expectedVersion: number): Promise<Payment> {
    this.access.assertCanWriteFinance(ctx, 'delete payments');
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.getPayment(tx, id);
      assertNotFromLedger(row);
      await deleteVersioned(managerFor(this.ds, tx), Payment, row, expectedVersion, `payment ${row.id}`);
      await this.audit.record(tx, { action: 'payment.delete', entity: 'Payment', entityId: row.id, before: { accountId: row.accountId, receivedOn: row.receivedOn, amountFen: row.amountFen } });
      return row;
    });
  }

  async createManyPayments(ctx: RequestContext, inputs: PaymentInput[]): Promise<void> {
    await bulkInsert(managerFor(this.ds, ctx), Payment, inputs.map((i) => ({ ...this.normalizePayment(i), version: 1 })));
  }

  /** The account exists and the project, when given, is that account's. */
  private async checkMoneyLinks(ctx: RequestContext, v: { accountId?: number; projectId?: number | null }): Promise<void> {
    const em = managerFor(this.ds, ctx);
    if (!(await em.existsBy(Account, { id: v.accountId }))) throw new DomainError(ErrorCode.NOT_FOUND, `accountId: account ${v.accountId} not found`, { field: 'accountId' });
    if (v.projectId != null) {
      const project = await em.findOneBy(Project, { id: v.projectId });
      if (!project) throw new DomainError(ErrorCode.NOT_FOUND, `projectId: project ${v.projectId} not found`, { field: 'projectId' });
      if (project.accountId !== v.accountId) throw new DomainError(ErrorCode.VALIDATION_FAILED, `projectId: project ${project.name} belongs to another account`, { field: 'projectId' });
    }
  }
}

/** A collection recorded in the manager ledger (附件4) is that activity's: change it there, so it is counted once. */
function assertNotFromLedger(p: Payment): void {
  if (p.activityId !== null) {
    throw new DomainError(ErrorCode.INVALID_STATE, `payment ${p.id} comes from ledger activity ${p.activityId}; change its 回款金额 there (updateActivity)`, { field: 'id', activityId: p.activityId });
  }
}

function projectInput(p: Project): ProjectInput {
  return {
    accountId: p.accountId, code: p.code, name: p.name, status: p.status, contractAmount: p.contractAmount, signedOn: p.signedOn, startOn: p.startOn,
    endOn: p.endOn, location: p.location, unitId: p.unitId, managerId: p.managerId, notes: p.notes, source: p.source,
  };
}
