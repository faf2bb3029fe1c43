/**
 * Who may write a credit evaluation (信用评价 / 年度评价) in which state — pure, for the API and for
 * every 附件2 row alike. The year-end decision on it is the committee's: a manager never writes it,
 * and once the committee confirmed it the evaluation is final until the committee acts again
 * (reviseYearEndDecision).
 */
import type { Actor } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { localDateAt } from '../../common/dates';
import { ReviewStatus, Role, YearEndDecisions } from '../../common/enums';
import { assertMayWriteAccountData } from '../auth/access.rules';
import type { CreditEvaluation } from './credit-evaluation.entity';

/** The evaluation's year-end decision was confirmed (or turned down) by the committee. */
export function isDecided(ev: Pick<CreditEvaluation, 'decisionStatus'>): boolean {
  return ev.decisionStatus === ReviewStatus.APPROVED || ev.decisionStatus === ReviewStatus.REJECTED;
}

function refuseDecided(ev: Pick<CreditEvaluation, 'year' | 'decision' | 'decidedAt'>, accountCode: string): never {
  const what = ev.decision ? `${YearEndDecisions.label(ev.decision)}` : 'a decision';
  const when = ev.decidedAt ? ` on ${localDateAt(ev.decidedAt)}` : '';
  throw new DomainError(
    ErrorCode.ALREADY_DECIDED,
    `year: 账户 ${accountCode} 的 ${ev.year} 年度评价已由委员会确认（${what}${when}），不可再改；如需变更由委员会重新决定（reviseYearEndDecision）/ the committee confirmed this evaluation; only the committee changes it now`,
    { field: 'year' },
  );
}

/**
 * Creating (`existing` null) or changing an evaluation's `changed` fields: ADMIN, or a MANAGER of the
 * account; never once the committee decided it (ALREADY_DECIDED); the decision field only by an ADMIN
 * (the committee decides through the year-end review, not by editing the evaluation).
 */
export function decideEvaluationWrite(actor: Actor, account: { code: string }, manages: boolean, existing: Pick<CreditEvaluation, 'year' | 'decision' | 'decisionStatus' | 'decidedAt'> | null, changed: readonly string[]): void {
  assertMayWriteAccountData(actor, account, manages, existing ? 'change evaluations of this account' : 'evaluate this account');
  if (existing && isDecided(existing)) refuseDecided(existing, account.code);
  if (changed.includes('decision') && actor.role !== Role.ADMIN) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'decision: 年度结论由大客户管理委员会确定（年度评价）/ the year-end decision is the committee\'s (confirmYearEndDecision)', { field: 'decision' });
  }
}

/** Deleting an evaluation: as writing it, and never one the committee decided. */
export function decideEvaluationDelete(actor: Actor, account: { code: string }, manages: boolean, existing: Pick<CreditEvaluation, 'year' | 'decision' | 'decisionStatus' | 'decidedAt'>): void {
  assertMayWriteAccountData(actor, account, manages, 'delete evaluations of this account');
  if (isDecided(existing)) refuseDecided(existing, account.code);
}
