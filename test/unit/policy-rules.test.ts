import { addMonths } from '../../src/common/dates';
import { CreditRating, YearEndDecision } from '../../src/common/enums';
import { dueSoonUpTo, overdueBefore } from '../../src/modules/cadence/cadence.service';
import { suggestLevel, suggestTier, type AccountFigures } from '../../src/modules/tiers/tier.service';
import { parsePeriod } from '../../src/modules/reviews/tier-review.service';
import { ruleMatches } from '../../src/modules/year-end/year-end.service';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { ManagementLevel } from '../../src/modules/tiers/management-level.entity';
import { YearEndRule } from '../../src/modules/year-end/year-end-rule.entity';

const 万 = 10_000 * 100; // in 分

function tier(id: number, code: string, rank: number, min: number | null, sumOverGroup = false, active = true): Tier {
  return Object.assign(new Tier(), { id, code, name: code, rank, aliases: [], minAnnualSalesFen: min, minScore: null, targetMin: null, targetMax: null, sumOverGroup, active, inMonthlyReport: false, description: null });
}

const TIERS = [tier(1, 'STRATEGIC', 1, null), tier(2, 'KEY', 2, 2000 * 万, true), tier(3, 'MAJOR', 3, 500 * 万), tier(4, 'GENERAL', 4, 0)];

/** Recorded sales (and, for the levels, the follow-up contract value) of an account and its group; the manager's estimate says otherwise and decides nothing. */
function figures(own: number | null, group: number | null, tierId: number | null = 4): AccountFigures {
  return {
    accountId: 1, tierId, annualSalesFen: 999_999 * 万, expectedContractValueFen: own, groupAnnualSalesFen: 999_999 * 万, groupExpectedContractValueFen: group, groupSize: 2,
    recordedSalesFen: own ?? 0, groupRecordedSalesFen: group ?? 0, salesFrom: '2025-01-01', salesTo: '2025-12-31', registeredOn: null, creditScore: null, creditRating: null, scale: null, reputation: null,
  };
}

describe('suggestTier', () => {
  it('takes the highest tier whose threshold is reached, with the group total where the tier sums over it', () => {
    expect(suggestTier(figures(2500 * 万, 2500 * 万), TIERS)?.code).toBe('KEY');
    expect(suggestTier(figures(2000 * 万, 2000 * 万), TIERS)?.code).toBe('KEY'); // ≥ is inclusive
    expect(suggestTier(figures(1999 * 万, 1999 * 万), TIERS)?.code).toBe('MAJOR');
    expect(suggestTier(figures(300 * 万, 3000 * 万), TIERS)?.code).toBe('KEY'); // the group reaches KEY
    expect(suggestTier(figures(0, 0), TIERS)?.code).toBe('GENERAL');
    // Nothing recorded is 0 signed: 一般, however large the manager's estimate (999,999万 in these figures).
    expect(suggestTier(figures(null, null), TIERS)?.code).toBe('GENERAL');
  });

  it('keeps a committee-designated tier, never suggests one, and skips inactive tiers', () => {
    expect(suggestTier(figures(1 * 万, 1 * 万, 1), TIERS)?.code).toBe('STRATEGIC');
    const withoutKey = TIERS.map((t) => (t.code === 'KEY' ? tier(2, 'KEY', 2, 2000 * 万, true, false) : t));
    expect(suggestTier(figures(9000 * 万, 9000 * 万), withoutKey)?.code).toBe('MAJOR');
  });

  it('suggests a management level only above its threshold', () => {
    const levels = [
      Object.assign(new ManagementLevel(), { id: 1, code: 'COMPANY', rank: 1, minExpectedContractFen: 20000 * 万, sumOverGroup: true, active: true }),
      Object.assign(new ManagementLevel(), { id: 2, code: 'BRANCH', rank: 2, minExpectedContractFen: 10000 * 万, sumOverGroup: false, active: true }),
    ];
    expect(suggestLevel(figures(15000 * 万, 25000 * 万), levels)?.code).toBe('COMPANY');
    expect(suggestLevel(figures(15000 * 万, 15000 * 万), levels)?.code).toBe('BRANCH');
    expect(suggestLevel(figures(9000 * 万, 15000 * 万), levels)).toBeNull();
  });
});

describe('cadence cutoff dates', () => {
  it('match addMonths exactly around month ends and leap years', () => {
    for (const asOf of ['2026-03-01', '2026-02-28', '2024-02-29', '2026-03-31', '2026-12-31', '2026-07-15']) {
      for (const months of [1, 2, 3, 6, 12]) {
        const cut = overdueBefore(asOf, months);
        // The last day before the cutoff is overdue, the cutoff itself is not.
        const dayBefore = new Date(Date.parse(`${cut}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        expect(addMonths(dayBefore, months) < asOf).toBe(true);
        expect(addMonths(cut, months) >= asOf).toBe(true);
        const soon = dueSoonUpTo(asOf, months, 14);
        const dayAfter = new Date(Date.parse(`${soon}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const limit = new Date(Date.parse(`${asOf}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10);
        expect(addMonths(soon, months) <= limit).toBe(true);
        expect(addMonths(dayAfter, months) > limit).toBe(true);
      }
    }
    expect(overdueBefore('2026-03-01', 1)).toBe('2026-02-01');
    expect(overdueBefore('2026-02-28', 1)).toBe('2026-01-28');
  });
});

describe('year-end rules', () => {
  const rule = (r: Partial<YearEndRule>) => Object.assign(new YearEndRule(), {
    ratings: [], scoreAtLeast: null, scoreBelow: null, signedAtLeastFen: null, signedBelowFen: null, receivedAtLeastFen: null, receivedBelowFen: null,
    complianceAtLeast: null, complianceBelow: null, active: true, decision: YearEndDecision.MAINTAIN, ...r,
  });
  const f = { signedFen: 1000 * 万, receivedFen: 500 * 万 };

  it('need every set condition, with inclusive lower and exclusive upper bounds', () => {
    expect(ruleMatches(rule({ scoreAtLeast: 80 }), { score: 80, rating: null }, f, null)).toBe(true);
    expect(ruleMatches(rule({ scoreBelow: 80 }), { score: 80, rating: null }, f, null)).toBe(false);
    expect(ruleMatches(rule({ ratings: [CreditRating.AAA, CreditRating.AA] }), { score: 90, rating: CreditRating.A }, f, 100)).toBe(false);
    expect(ruleMatches(rule({ ratings: [CreditRating.AA], signedAtLeastFen: 1000 * 万 }), { score: 90, rating: CreditRating.AA }, f, 100)).toBe(true);
    expect(ruleMatches(rule({ signedBelowFen: 1 }), { score: 50, rating: null }, { signedFen: 0, receivedFen: 0 }, null)).toBe(true);
  });

  it('never match on a figure the account lacks, and always match with no condition', () => {
    expect(ruleMatches(rule({ scoreBelow: 60 }), { score: null, rating: null }, f, 100)).toBe(false);
    expect(ruleMatches(rule({ complianceBelow: 60 }), { score: 90, rating: null }, f, null)).toBe(false);
    expect(ruleMatches(rule({ ratings: [CreditRating.C] }), { score: 90, rating: null }, f, 100)).toBe(false);
    expect(ruleMatches(rule({}), { score: null, rating: null }, { signedFen: 0, receivedFen: 0 }, null)).toBe(true);
  });
});

describe('review periods', () => {
  it('are half-years', () => {
    expect(parsePeriod(' 2026h2 ')).toEqual({ period: '2026H2', year: 2026, half: 2 });
    for (const bad of ['2026', '2026H0', '2026Q1', 'H1']) expect(() => parsePeriod(bad)).toThrow(/half-year/);
  });
});
