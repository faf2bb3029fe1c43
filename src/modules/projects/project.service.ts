import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ProjectStatuses, RecordSource } from '../../common/enums';
import { assertLocalDate } from '../../common/dates';
import { yuanToFen } from '../../common/money';
import { cleanText, nameKey } from '../../common/text';
import { managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { Project } from './project.entity';
import { Receivable } from './receivable.entity';
import { Payment } from './payment.entity';

export interface ProjectInput {
  accountId: number;
  code?: string | null;
  name: string;
  status: string;
  contractAmount?: number | null;
  signedOn?: string | null;
  startOn?: string | null;
  endOn?: string | null;
  location?: string | null;
  unitId?: number | null;
  managerId?: number | null;
  notes?: string | null;
  source?: RecordSource;
}

export interface ReceivableInput {
  accountId: number;
  projectId?: number | null;
  dueOn: string;
  amount: number;
  description?: string | null;
}

export interface PaymentInput {
  accountId: number;
  projectId?: number | null;
  receivedOn: string;
  amount: number;
  method?: string | null;
  reference?: string | null;
  activityId?: number | null;
  source?: RecordSource;
}

function positiveFen(yuan: number, field: string): number {
  const fen = yuanToFen(yuan, field);
  if (fen <= 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${field}: must be greater than 0`, { field });
  return fen;
}

/** 合作项目、应收计划、回款: projects with an account and the money around them. */
export class ProjectService {
  constructor(private readonly ds: DataSource) {}

  normalizeProject(input: ProjectInput): Partial<Project> {
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 项目名称 is required', { field: 'name' });
    const signedOn = input.signedOn ? assertLocalDate(input.signedOn, 'signedOn') : null;
    const startOn = input.startOn ? assertLocalDate(input.startOn, 'startOn') : null;
    const endOn = input.endOn ? assertLocalDate(input.endOn, 'endOn') : null;
    if (startOn && endOn && endOn < startOn) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'endOn: ends before it starts', { field: 'endOn' });
    if (input.contractAmount != null && input.contractAmount < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, 'contractAmount: must not be negative', { field: 'contractAmount' });
    return {
      accountId: input.accountId,
      code: cleanText(input.code),
      name,
      nameKey: nameKey(name),
      status: ProjectStatuses.parse(input.status, 'status'),
      contractAmountFen: input.contractAmount == null ? null : yuanToFen(input.contractAmount, 'contractAmount'),
      signedOn,
      startOn,
      endOn,
      location: cleanText(input.location),
      unitId: input.unitId ?? null,
      managerId: input.managerId ?? null,
      notes: cleanText(input.notes),
      source: input.source ?? RecordSource.MANUAL,
    };
  }

  normalizeReceivable(input: ReceivableInput): Partial<Receivable> {
    return {
      accountId: input.accountId,
      projectId: input.projectId ?? null,
      dueOn: assertLocalDate(input.dueOn, 'dueOn'),
      amountFen: positiveFen(input.amount, 'amount'),
      description: cleanText(input.description),
    };
  }

  normalizePayment(input: PaymentInput): Partial<Payment> {
    return {
      accountId: input.accountId,
      projectId: input.projectId ?? null,
      receivedOn: assertLocalDate(input.receivedOn, 'receivedOn'),
      amountFen: positiveFen(input.amount, 'amount'),
      method: cleanText(input.method),
      reference: cleanText(input.reference),
      activityId: input.activityId ?? null,
      source: input.source ?? RecordSource.MANUAL,
    };
  }

  async createProject(ctx: RequestContext, input: ProjectInput): Promise<Project> {
    const em = managerFor(this.ds, ctx);
    const project = em.create(Project, this.normalizeProject(input));
    await em.save(project);
    return project;
  }

  async createManyProjects(ctx: RequestContext, inputs: ProjectInput[]): Promise<void> {
    await bulkInsert(managerFor(this.ds, ctx), Project, inputs.map((i) => ({ ...this.normalizeProject(i), version: 1 })));
  }

  async createManyReceivables(ctx: RequestContext, inputs: ReceivableInput[]): Promise<void> {
    await bulkInsert(managerFor(this.ds, ctx), Receivable, inputs.map((i) => ({ ...this.normalizeReceivable(i), version: 1 })));
  }

  async createManyPayments(ctx: RequestContext, inputs: PaymentInput[]): Promise<void> {
    await bulkInsert(managerFor(this.ds, ctx), Payment, inputs.map((i) => ({ ...this.normalizePayment(i), version: 1 })));
  }
}
