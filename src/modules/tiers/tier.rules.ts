/**
 * Tiers from recorded business (policies 000 and 003), as pure decisions over figures loaded once:
 * the identification score (weighted criteria, data), the tier and level the figures call for, and
 * where each tier stands against its target count. 年合作销售额 is what projects and the ledger
 * recorded as signed; the figure a manager types in is an estimate shown beside it and read by no rule.
 */
import { CompanyScale, CreditRating, Reputation } from '../../common/enums';
import type { LocalDate } from '../../common/dates';
import type { Tier } from './tier.entity';
import type { ManagementLevel } from './management-level.entity';
import type { IdentificationCriterion } from './identification-criterion.entity';
import { IdentificationMetric, TargetStatus } from './tier-vocabulary';

/** An account's own figures and the sums over its whole group (the top-level parent and everything under it). */
export interface AccountFigures {
  accountId: number;
  tierId: number | null;
  /** 年合作销售额 as estimated by the account's manager (annex 1/2, the API): shown, never decisive. */
  annualSalesFen: number | null;
  expectedContractValueFen: number | null;
  /** Sum of the estimates over the group's members that are not terminated or rejected; null when none has one. */
  groupAnnualSalesFen: number | null;
  groupExpectedContractValueFen: number | null;
  /** Accounts in the group, the account included. */
  groupSize: number;
  /** 年合作销售额 (recorded): signed in [salesFrom, salesTo] — projects by signing date and ledger signings, each once (AnalyticsService's definition). */
  recordedSalesFen: number;
  /** The same summed over the group's live members. */
  groupRecordedSalesFen: number;
  salesFrom: LocalDate;
  salesTo: LocalDate;
  /** 建档日期, for the years of cooperation. */
  registeredOn: LocalDate | null;
  /** The latest credit evaluation (by year, up to the window's end). */
  creditScore: number | null;
  creditRating: CreditRating | null;
  scale: CompanyScale | null;
  reputation: Reputation | null;
}

const RATING_LEVEL: Record<CreditRating, number> = { AAA: 5, AA: 4, A: 3, B: 2, C: 1 };
const SCALE_LEVEL: Record<CompanyScale, number> = { LARGE: 4, MEDIUM: 3, SMALL: 2, MICRO: 1 };
const REPUTATION_LEVEL: Record<Reputation, number> = { EXCELLENT: 4, GOOD: 3, FAIR: 2, POOR: 1 };

/** Whole years from `from` to `to` (a year counts once its anniversary came). */
export function yearsBetween(from: LocalDate, to: LocalDate): number {
  const years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  return to.slice(5) >= from.slice(5) ? years : years - 1;
}

/** The value a criterion reads, in its unit (元, years, points, levels); null when unknown. */
export function metricValue(c: Pick<IdentificationCriterion, 'metric' | 'sumOverGroup'>, f: AccountFigures): number | null {
  switch (c.metric) {
    case IdentificationMetric.RECORDED_SALES:
      return (c.sumOverGroup ? f.groupRecordedSalesFen : f.recordedSalesFen) / 100;
    case IdentificationMetric.EXPECTED_CONTRACT_VALUE: {
      const v = c.sumOverGroup ? f.groupExpectedContractValueFen : f.expectedContractValueFen;
      return v === null ? null : v / 100;
    }
    case IdentificationMetric.COOPERATION_YEARS:
      return f.registeredOn === null ? null : Math.max(0, yearsBetween(f.registeredOn, f.salesTo));
    case IdentificationMetric.CREDIT_SCORE:
      return f.creditScore;
    case IdentificationMetric.CREDIT_RATING:
      return f.creditRating === null ? null : RATING_LEVEL[f.creditRating];
    case IdentificationMetric.SCALE:
      return f.scale === null ? null : SCALE_LEVEL[f.scale];
    case IdentificationMetric.REPUTATION:
      return f.reputation === null ? null : REPUTATION_LEVEL[f.reputation];
  }
}

/** Points of one criterion: the highest band the value reaches, 0 when none or unknown. */
export function criterionPoints(c: Pick<IdentificationCriterion, 'metric' | 'sumOverGroup' | 'bands'>, f: AccountFigures): number {
  const v = metricValue(c, f);
  if (v === null) return 0;
  return c.bands.filter((b) => v >= b.atLeast).reduce((best, b) => Math.max(best, b.points), 0);
}

/** The identification score (0–100, one decimal): Σ weight × points / Σ weight over the active criteria; null without any. */
export function identificationScore(criteria: readonly IdentificationCriterion[], f: AccountFigures): number | null {
  const active = criteria.filter((c) => c.active && c.weight > 0);
  const total = active.reduce((s, c) => s + c.weight, 0);
  if (!total) return null;
  return Math.round((10 * active.reduce((s, c) => s + c.weight * criterionPoints(c, f), 0)) / total) / 10;
}

/** A tier's thresholds are set at all (else the committee designates it: 战略). */
export function hasThreshold(t: Pick<Tier, 'minAnnualSalesFen' | 'minScore'>): boolean {
  return t.minAnnualSalesFen !== null || t.minScore !== null;
}

/**
 * The tier an account's recorded figures call for: the highest-ranked active tier whose thresholds it
 * reaches — recorded annual sales (the group's where the tier sums over it) and, where the tier sets
 * one, the identification score. A tier without any threshold is designated by the committee: an
 * account in it keeps it whatever its figures, and no account is ever moved into it by figures.
 */
export function suggestTier(f: AccountFigures, tiers: readonly Tier[], score: number | null = null): Tier | null {
  const current = tiers.find((t) => t.id === f.tierId);
  if (current && current.active && !hasThreshold(current)) return current;
  const ordered = tiers.filter((t) => t.active && hasThreshold(t)).sort((a, b) => a.rank - b.rank || a.id - b.id);
  return ordered.find((t) => {
    const sales = t.sumOverGroup ? f.groupRecordedSalesFen : f.recordedSalesFen;
    return (t.minAnnualSalesFen === null || sales >= t.minAnnualSalesFen) && (t.minScore === null || (score !== null && score >= t.minScore));
  }) ?? null;
}

/** The management level the follow-up contract value (own or group) reaches; null below every threshold. */
export function suggestLevel(f: AccountFigures, levels: readonly ManagementLevel[]): ManagementLevel | null {
  const ordered = levels.filter((l) => l.active && l.minExpectedContractFen !== null).sort((a, b) => a.rank - b.rank || a.id - b.id);
  return ordered.find((l) => {
    const v = l.sumOverGroup ? f.groupExpectedContractValueFen : f.expectedContractValueFen;
    return v !== null && v >= (l.minExpectedContractFen as number);
  }) ?? null;
}

/** Where a count of accounts stands against a tier's target range (3–5 strategic partners). */
export function targetStatus(count: number, t: Pick<Tier, 'targetMin' | 'targetMax'>): TargetStatus {
  if (t.targetMin === null && t.targetMax === null) return TargetStatus.NONE;
  if (t.targetMin !== null && count < t.targetMin) return TargetStatus.BELOW;
  if (t.targetMax !== null && count > t.targetMax) return TargetStatus.ABOVE;
  return TargetStatus.WITHIN;
}

/** `3–5 家`, `≥ 3 家`, `≤ 5 家`, or null. */
export function targetText(t: Pick<Tier, 'targetMin' | 'targetMax'>): string | null {
  if (t.targetMin !== null && t.targetMax !== null) return t.targetMin === t.targetMax ? `${t.targetMin} 家` : `${t.targetMin}–${t.targetMax} 家`;
  if (t.targetMin !== null) return `≥ ${t.targetMin} 家`;
  if (t.targetMax !== null) return `≤ ${t.targetMax} 家`;
  return null;
}
