import type { DataSource } from 'typeorm';
import { say } from '../../common/messages';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { CreditRatings, Role, YearEndDecisions, type CreditRating, type YearEndDecision } from '../../common/enums';
import { assertYearNotFuture, type Clock } from '../../common/clock';
import { assertAuthenticated } from '../auth/access.rules';
import { Account } from '../accounts/account.entity';
import { decideEvaluationDelete, decideEvaluationWrite } from './credit.rules';
import { toId, toIds, type Id } from '../../common/ids';
import { paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { cleanText } from '../../common/text';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { Where } from '../../db/filters';
import { ListQuery } from '../../db/list-query';
import { changedValues, deleteVersioned, mergePatch, patchFields, updateVersioned } from '../../db/versioned';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../auth/access.service';
import { CreditEvaluation } from './credit-evaluation.entity';

export interface CreditEvaluationInput {
  accountId: Id;
  year: number;
  performance?: string | null;
  paymentRecord?: string | null;
  contractMode?: string | null;
  biddingMethod?: string | null;
  contractHabits?: string | null;
  priceLevel?: string | null;
  paymentCapacity?: string | null;
  managementCapacity?: string | null;
  score?: number | null;
  rating?: string | null;
  decision?: string | null;
  evaluator?: string | null;
  notes?: string | null;
}

export type CreditEvaluationPatch = Partial<Omit<CreditEvaluationInput, 'accountId'>>;

export interface CreditEvaluationFilter {
  accountIds?: Id[] | null;
  years?: number[] | null;
  ratings?: (CreditRating | string)[] | null;
  decisions?: (YearEndDecision | string)[] | null;
  updatedSince?: Date | null;
}

export enum CreditEvaluationSortField {
  ID = 'ID',
  YEAR = 'YEAR',
  SCORE = 'SCORE',
  UPDATED_AT = 'UPDATED_AT',
}

const CREDIT_SORTS: SortColumns<CreditEvaluationSortField> = {
  ID: { column: 'id', property: 'id' },
  YEAR: { column: 'year', property: 'year' },
  SCORE: { column: 'score', property: 'score' },
  UPDATED_AT: { column: 'updatedAt', property: 'updatedAt', datetime: true },
};

/** 信用评价: one evaluation per account and year. Writes: ADMIN, or the MANAGER of the account. */
export class CreditService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly maxPageSize: () => number,
    private readonly clock: Clock,
  ) {}

  async get(ctx: RequestContext, id: Id): Promise<CreditEvaluation> {
    return findByIdOrFail(this.ds, ctx, CreditEvaluation, id);
  }

  list(ctx: RequestContext, filter: CreditEvaluationFilter | null | undefined, page: PageArgs, order?: SortOrder<CreditEvaluationSortField> | null, columns?: readonly string[]): Promise<Connection<CreditEvaluation>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), CreditEvaluation, 'ce');
    new Where(qb)
      .in('accountId', toIds(f.accountIds, 'filter.accountIds'))
      .in('year', f.years)
      .in('rating', f.ratings?.map((r) => CreditRatings.parse(String(r), 'filter.ratings')))
      .in('decision', f.decisions?.map((d) => YearEndDecisions.parse(String(d), 'filter.decisions')))
      .range('updatedAt', f.updatedSince, null);
    return paginate(qb, page, sortSpec(CREDIT_SORTS, order, CreditEvaluationSortField.ID), this.maxPageSize(), columns);
  }

  async create(ctx: RequestContext, input: CreditEvaluationInput): Promise<CreditEvaluation> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.accountFor(tx, input.accountId);
      const values = this.normalize({ ...input, accountId: account.id });
      decideEvaluationWrite(tx.actor, account, await this.manages(tx, account), null, Object.keys(values).filter((k) => values[k as keyof CreditEvaluation] != null));
      await this.assertFreeYear(tx, account.id, values.year as number, null);
      const row = em.create(CreditEvaluation, values);
      await em.save(row);
      await this.audit.record(tx, { action: 'credit.create', entity: 'CreditEvaluation', entityId: row.id, after: { accountId: account.id, year: row.year } });
      return row;
    });
  }

  async update(ctx: RequestContext, id: Id, patch: CreditEvaluationPatch, expectedVersion?: number | null): Promise<CreditEvaluation> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.get(tx, id);
      const account = await this.accountFor(tx, row.accountId);
      const manages = await this.manages(tx, account);
      decideEvaluationWrite(tx.actor, account, manages, row, []);
      const values = this.normalize(mergePatch(creditInput(row), patch));
      decideEvaluationWrite(tx.actor, account, manages, row, Object.keys(changedValues(row, values)));
      if (values.year !== row.year) await this.assertFreeYear(tx, row.accountId, values.year as number, row.id);
      await updateVersioned(managerFor(this.ds, tx), CreditEvaluation, row, values, expectedVersion, `the ${row.year} evaluation`);
      await this.audit.record(tx, { action: 'credit.update', entity: 'CreditEvaluation', entityId: row.id, fields: patchFields(patch) });
      return this.get(tx, row.id);
    });
  }

  async delete(ctx: RequestContext, id: Id, expectedVersion: number): Promise<CreditEvaluation> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.get(tx, id);
      const account = await this.accountFor(tx, row.accountId);
      decideEvaluationDelete(tx.actor, account, await this.manages(tx, account), row);
      await deleteVersioned(managerFor(this.ds, tx), CreditEvaluation, row, expectedVersion, `the ${row.year} evaluation`);
      await this.audit.record(tx, { action: 'credit.delete', entity: 'CreditEvaluation', entityId: row.id, before: { accountId: row.accountId, year: row.year } });
      return row;
    });
  }

  private async accountFor(ctx: RequestContext, accountId: Id): Promise<Account> {
    assertAuthenticated(ctx);
    return findByIdOrFail(this.ds, ctx, Account, toId(accountId, 'accountId')).catch((e: unknown) => {
      throw e instanceof DomainError && e.code === ErrorCode.NOT_FOUND ? new DomainError(ErrorCode.NOT_FOUND, `accountId: account ${String(accountId)} not found`, { field: 'accountId' }) : e;
    });
  }

  private async manages(ctx: RequestContext, account: Account): Promise<boolean> {
    return ctx.actor.role === Role.MANAGER && this.access.manages(ctx, account);
  }

  private async assertFreeYear(ctx: RequestContext, accountId: number, year: number, selfId: number | null): Promise<void> {
    const other = await managerFor(this.ds, ctx).findOneBy(CreditEvaluation, { accountId, year });
    if (other && other.id !== selfId) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `year: ${say(`该客户已有 ${year} 年度的评价（id ${other.id}）：请修改那一条`, `the account already has a ${year} evaluation (id ${other.id}); change that one`)}`, { field: 'year' });
    }
  }

  /** Validates one evaluation; without `accountId` (an account still being created) the caller sets it later. */
  normalize(input: Omit<CreditEvaluationInput, 'accountId'> & { accountId?: Id }): Partial<CreditEvaluation> {
    if (!Number.isInteger(input.year) || input.year < 1990 || input.year > 2100) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `year: ${say(`${input.year} 不是年份`, `${input.year} is not a year`)}`, { field: 'year' });
    }
    assertYearNotFuture(this.clock, input.year, 'year');
    if (input.score != null && (!(input.score >= 0 && input.score <= 100) || Math.abs(Math.round(input.score * 100) - input.score * 100) > 1e-6)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `score: ${say(`${input.score} 应在 0 到 100 之间，最多两位小数`, `${input.score} must be between 0 and 100 with at most two decimals`)}`, { field: 'score' });
    }
    return {
      ...(input.accountId !== undefined ? { accountId: toId(input.accountId, 'accountId') } : {}),
      year: input.year,
      performance: cleanText(input.performance),
      paymentRecord: cleanText(input.paymentRecord),
      contractMode: cleanText(input.contractMode),
      biddingMethod: cleanText(input.biddingMethod),
      contractHabits: cleanText(input.contractHabits),
      priceLevel: cleanText(input.priceLevel),
      paymentCapacity: cleanText(input.paymentCapacity),
      managementCapacity: cleanText(input.managementCapacity),
      score: input.score ?? null,
      rating: cleanText(input.rating) ? CreditRatings.parse(input.rating as string, 'rating') : null,
      decision: cleanText(input.decision) ? YearEndDecisions.parse(input.decision as string, 'decision') : null,
      evaluator: cleanText(input.evaluator),
      notes: cleanText(input.notes),
    };
  }

  async createMany(ctx: RequestContext, inputs: CreditEvaluationInput[]): Promise<void> {
    await bulkInsert(managerFor(this.ds, ctx), CreditEvaluation, inputs.map((i) => ({ ...this.normalize(i), version: 1 })));
  }
}

function creditInput(r: CreditEvaluation): CreditEvaluationInput {
  return {
    accountId: r.accountId, year: r.year, performance: r.performance, paymentRecord: r.paymentRecord, contractMode: r.contractMode,
    biddingMethod: r.biddingMethod, contractHabits: r.contractHabits, priceLevel: r.priceLevel, paymentCapacity: r.paymentCapacity,
    managementCapacity: r.managementCapacity, score: r.score, rating: r.rating, decision: r.decision, evaluator: r.evaluator, notes: r.notes,
  };
}
