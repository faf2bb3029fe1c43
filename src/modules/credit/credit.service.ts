import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { CreditRatings, YearEndDecisions } from '../../common/enums';
import { cleanText } from '../../common/text';
import { managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { CreditEvaluation } from './credit-evaluation.entity';

export interface CreditEvaluationInput {
  accountId: number;
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

/** 信用评价: one evaluation per account and year. */
export class CreditService {
  constructor(private readonly ds: DataSource) {}

  normalize(input: CreditEvaluationInput): Partial<CreditEvaluation> {
    if (!Number.isInteger(input.year) || input.year < 1990 || input.year > 2100) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `year: ${input.year} is not a year`, { field: 'year' });
    }
    if (input.score != null && (!(input.score >= 0 && input.score <= 100) || Math.abs(Math.round(input.score * 100) - input.score * 100) > 1e-6)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `score: ${input.score} must be between 0 and 100 with at most two decimals`, { field: 'score' });
    }
    return {
      accountId: input.accountId,
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
