/** The pure decisions of issue 19's policies: each rule as the services and the loaders call it. */
import { ActivityType, IntelTag, Role } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import type { Actor, ConfidentialityFacts } from '../../src/common/context';
import { AgreementStatus, agreementNotice, agreementStanding, hasValidAgreement } from '../../src/modules/agreements/agreement.rules';
import { assertNextActionDue, decideChannel, defaultChannel } from '../../src/modules/activities/activity.rules';
import { Channel } from '../../src/modules/activities/channel';
import { IntervalUnit } from '../../src/modules/cadence/cadence-status';
import { addInterval, dueSoonUpTo, intervalText, overdueBefore } from '../../src/modules/cadence/cadence.rules';
import { decidePlanPeriod, matchPlan, planPeriod } from '../../src/modules/plans/plans.rules';
import { PlanStatus } from '../../src/modules/plans/plan-status';
import { answerDays, assertComplaintStep, complaintKindOf, complaintPriority, decideVerification } from '../../src/modules/complaints/complaint.rules';
import { ComplaintKind, ComplaintSeverity, ComplaintStatus } from '../../src/modules/complaints/complaint-vocabulary';
import { assertHandoverComplete, decideDeactivation, decideHandoverApproval } from '../../src/modules/handover/handover.rules';
import { HandoverItemKind } from '../../src/modules/handover/handover-vocabulary';
import { TeamGapReason, decideTeamChange, teamGaps } from '../../src/modules/service-team/service-team.rules';
import { TeamRequirement } from '../../src/modules/service-team/team-requirement.entity';
import { decideTierListDecision, tierListCounts } from '../../src/modules/reviews/tier-list.rules';
import { criterionPoints, identificationScore, targetStatus, yearsBetween, type AccountFigures } from '../../src/modules/tiers/tier.rules';
import { IdentificationCriterion } from '../../src/modules/tiers/identification-criterion.entity';
import { IdentificationMetric, TargetStatus } from '../../src/modules/tiers/tier-vocabulary';
import { Tier } from '../../src/modules/tiers/tier.entity';

const actor = (role: Role, userId: number | null = 7, kind: Actor['kind'] = 'user'): Actor => ({ kind, name: `u${userId}`, role, userId, unitId: 1 });
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('confidentiality agreements (保密协议)', () => {
  const facts = (agreements: ConfidentialityFacts['agreements'], requiredVersion: string | null = null): ConfidentialityFacts => ({ userId: 7, agreements, requiredVersion });
  const signed = (signedOn: string, expiresOn: string | null = null, documentVersion = '2026版', revokedOn: string | null = null) => ({ signedOn, expiresOn, documentVersion, revokedOn });

  it('holds for a signed, unexpired, unrevoked agreement of the version in force', () => {
    expect(hasValidAgreement({ kind: 'user' }, facts([signed('2026-01-01')]), '2026-12-06')).toBe(true);
    expect(agreementStanding({ kind: 'user' }, facts([signed('2026-01-01', '2026-12-31')]), '2026-12-06').status).toBe(AgreementStatus.EXPIRING);
    expect(agreementStanding({ kind: 'user' }, facts([signed('2026-01-01', '2026-12-05')]), '2026-12-06').status).toBe(AgreementStatus.EXPIRED);
    expect(agreementStanding({ kind: 'user' }, facts([signed('2026-01-01', null, '2026版', '2026-06-01')]), '2026-12-06').status).toBe(AgreementStatus.REVOKED);
    expect(agreementStanding({ kind: 'user' }, facts([signed('2026-01-01', null, '2024版')], '2026版'), '2026-12-06').status).toBe(AgreementStatus.OUTDATED);
    expect(agreementStanding({ kind: 'user' }, facts([]), '2026-12-06').status).toBe(AgreementStatus.MISSING);
    // A later renewal makes an expired one irrelevant.
    expect(hasValidAgreement({ kind: 'user' }, facts([signed('2024-01-01', '2025-12-31'), signed('2026-01-05', '2027-12-31')]), '2026-12-06')).toBe(true);
  });

  it('needs no agreement for KAM Hub\'s own processes, and none for facts never loaded: masked', () => {
    expect(hasValidAgreement({ kind: 'system' }, undefined, '2026-12-06')).toBe(true);
    expect(hasValidAgreement({ kind: 'user' }, undefined, '2026-12-06')).toBe(false);
    expect(hasValidAgreement({ kind: 'apikey' }, { userId: null, agreements: [], requiredVersion: null }, '2026-12-06')).toBe(false);
  });

  it('says why, in Chinese and English', () => {
    expect(agreementNotice(agreementStanding({ kind: 'user' }, facts([signed('2025-01-01', '2025-12-31')]), '2026-12-06'))).toContain('2025-12-31 到期');
    expect(agreementNotice(agreementStanding({ kind: 'user' }, facts([]), '2026-12-06'))).toContain('no confidentiality agreement on file');
    expect(agreementNotice(agreementStanding({ kind: 'user' }, facts([signed('2026-01-01')]), '2026-12-06'))).toBeNull();
  });
});

describe('activities: channel and follow-up date', () => {
  it('takes a visit as face to face and a phone call as a call, and refuses a record that says otherwise', () => {
    expect(defaultChannel(ActivityType.MANAGER_VISIT)).toBe(Channel.FACE_TO_FACE);
    expect(defaultChannel(ActivityType.PHONE_CALL)).toBe(Channel.PHONE);
    expect(defaultChannel(ActivityType.MEETING)).toBeNull();
    expect(decideChannel(ActivityType.MEETING, Channel.VIDEO)).toBe(Channel.VIDEO);
    expect(code(() => decideChannel(ActivityType.MANAGER_VISIT, Channel.EMAIL))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(code(() => decideChannel(ActivityType.PHONE_CALL, Channel.FACE_TO_FACE))).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('refuses a next step due before the activity', () => {
    expect(code(() => assertNextActionDue('2026-03-05', '2026-03-04'))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(code(() => assertNextActionDue('2026-03-05', '2026-03-05'))).toBe('ok');
  });
});

describe('cadence intervals in days, weeks and months', () => {
  it('adds and cuts off by the unit', () => {
    expect(addInterval('2026-01-31', 1, IntervalUnit.MONTH)).toBe('2026-02-28');
    expect(addInterval('2026-01-31', 2, IntervalUnit.WEEK)).toBe('2026-02-14');
    expect(addInterval('2026-01-31', 10, IntervalUnit.DAY)).toBe('2026-02-10');
    // Every two weeks: a last call on 11-21 is due 12-05, overdue on 12-06.
    expect(overdueBefore('2026-12-06', 2, IntervalUnit.WEEK)).toBe('2026-11-22');
    expect(dueSoonUpTo('2026-12-06', 2, 3, IntervalUnit.WEEK)).toBe('2026-11-25');
    expect(intervalText(2, IntervalUnit.WEEK)).toBe('每2周');
    expect(intervalText(1, IntervalUnit.MONTH)).toBe('每月');
  });
});

describe('communication plans', () => {
  it('reads periods and keeps the day inside its period', () => {
    expect(planPeriod('2026q3')).toEqual({ period: '2026Q3', from: '2026-07-01', to: '2026-09-30' });
    expect(planPeriod('2026H2')).toEqual({ period: '2026H2', from: '2026-07-01', to: '2026-12-31' });
    expect(planPeriod('2026-02').to).toBe('2026-02-28');
    expect(decidePlanPeriod('2026-08-10', null)).toBe('2026-08');
    expect(code(() => decidePlanPeriod('2026-10-10', '2026Q3'))).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('fulfils the closest planned communication of the activity\'s type and channel within a week', () => {
    const plan = (id: number, scheduledOn: string, activityType: ActivityType | null = null, channel: Channel | null = null, status = PlanStatus.PLANNED) => ({ id, accountId: 1, scheduledOn, activityType, channel, status });
    const act = { id: 9, accountId: 1, occurredOn: '2026-05-10', type: ActivityType.MANAGER_VISIT, channel: Channel.FACE_TO_FACE };
    expect(matchPlan([plan(1, '2026-05-01'), plan(2, '2026-05-12')], act)?.id).toBe(2);
    expect(matchPlan([plan(1, '2026-05-20')], act)).toBeNull();
    expect(matchPlan([plan(1, '2026-05-10', ActivityType.TECHNICAL_EXCHANGE)], act)).toBeNull();
    expect(matchPlan([plan(1, '2026-05-10', null, Channel.PHONE)], act)).toBeNull();
    expect(matchPlan([plan(1, '2026-05-10', null, null, PlanStatus.DONE)], act)).toBeNull();
  });
});

describe('service team', () => {
  const role = { code: 'TECHNICAL', name: '技术负责人', fromOwnership: false, active: true };
  it('lets ADMIN, the committee and the account\'s manager seat people; the account manager\'s seat is the ownership\'s', () => {
    const account = { code: 'A1', status: 'ACTIVE' as never };
    expect(code(() => decideTeamChange(actor(Role.MANAGER), account, true, role))).toBe('ok');
    expect(code(() => decideTeamChange(actor(Role.MANAGER), account, false, role))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => decideTeamChange(actor(Role.FINANCE), account, false, role))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => decideTeamChange(actor(Role.COMMITTEE), account, false, { ...role, fromOwnership: true }))).toBe(ErrorCode.OWNERSHIP_CONFLICT);
  });

  it('finds required seats that are empty or held by someone who left, by tier and recorded sales', () => {
    const req = (id: number, roleId: number, min: number | null) => Object.assign(new TeamRequirement(), { id, tierId: 1, roleId, minAnnualSalesFen: min, active: true, description: null });
    const reqs = [req(1, 10, 5000 * 1_000_000), req(2, 11, null)];
    const gaps = teamGaps(
      [{ id: 100, tierId: 1, recordedSalesFen: 6000 * 1_000_000 }, { id: 101, tierId: 1, recordedSalesFen: 100 }, { id: 102, tierId: 2, recordedSalesFen: 1e12 }],
      reqs,
      [{ accountId: 100, roleId: 11, userId: 5, userActive: false }, { accountId: 101, roleId: 11, userId: 6, userActive: true }],
    );
    expect(gaps.map((g) => [g.accountId, g.requirement.id, g.reason])).toEqual([[100, 1, TeamGapReason.VACANT], [100, 2, TeamGapReason.HOLDER_INACTIVE]]);
  });
});

describe('complaints', () => {
  it('recognises complaint and quality rows of the ledger', () => {
    expect(complaintKindOf({ type: ActivityType.COMPLAINT, intelTags: [] })).toBe(ComplaintKind.COMPLAINT);
    expect(complaintKindOf({ type: ActivityType.MANAGER_VISIT, intelTags: [IntelTag.COMPLAINT] })).toBe(ComplaintKind.COMPLAINT);
    expect(complaintKindOf({ type: ActivityType.QUALITY_EXCHANGE, intelTags: [IntelTag.ISSUE] })).toBe(ComplaintKind.QUALITY);
    expect(complaintKindOf({ type: ActivityType.QUALITY_EXCHANGE, intelTags: [] })).toBeNull();
  });

  it('dates the answer by severity and tier, and works strategic accounts first', () => {
    const deadlines = [{ severity: ComplaintSeverity.NORMAL, tierId: 1, days: 7 }, { severity: ComplaintSeverity.NORMAL, tierId: null, days: 15 }];
    expect(answerDays(ComplaintSeverity.NORMAL, 1, deadlines)).toBe(7);
    expect(answerDays(ComplaintSeverity.NORMAL, 4, deadlines)).toBe(15);
    expect(answerDays(ComplaintSeverity.CRITICAL, 4, deadlines)).toBe(3);
    const item = (id: number, tierRank: number, severity: ComplaintSeverity, dueOn: string) => ({ id, tierRank, severity, dueOn });
    const sorted = [item(1, 4, ComplaintSeverity.CRITICAL, '2026-01-01'), item(2, 1, ComplaintSeverity.MINOR, '2026-03-01'), item(3, 1, ComplaintSeverity.MAJOR, '2026-04-01')].sort(complaintPriority);
    expect(sorted.map((x) => x.id)).toEqual([3, 2, 1]);
  });

  it('is resolved, verified by someone else, then answered', () => {
    expect(code(() => assertComplaintStep(ComplaintStatus.OPEN, ComplaintStatus.CLOSED))).toBe(ErrorCode.INVALID_STATE);
    expect(code(() => assertComplaintStep(ComplaintStatus.RESOLVED, ComplaintStatus.OPEN))).toBe('ok');
    expect(code(() => decideVerification(actor(Role.MANAGER, 7), { code: 'A1' }, true, 7))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => decideVerification(actor(Role.COMMITTEE, 8), { code: 'A1' }, false, 7))).toBe('ok');
  });
});

describe('handover', () => {
  const holding = (kind: HandoverItemKind, refId: number) => ({ kind, refId, accountId: 1, label: `${kind} ${refId}` });
  it('refuses to deactivate someone who still holds anything', () => {
    expect(code(() => decideDeactivation({ name: '周' }, [holding(HandoverItemKind.ACCOUNT, 1)]))).toBe(ErrorCode.HANDOVER_REQUIRED);
    expect(code(() => decideDeactivation({ name: '周' }, []))).toBe('ok');
  });

  it('needs the committee where ownership moves, a successor per item, and every item listed', () => {
    expect(code(() => decideHandoverApproval(actor(Role.MANAGER), [holding(HandoverItemKind.FOLLOW_UP, 1)]))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => decideHandoverApproval(actor(Role.COMMITTEE), [holding(HandoverItemKind.ACCOUNT, 1)]))).toBe('ok');
    const items = [{ ...holding(HandoverItemKind.ACCOUNT, 1), successorId: 9 }];
    expect(code(() => assertHandoverComplete(7, [{ ...items[0], successorId: null }], [holding(HandoverItemKind.ACCOUNT, 1)]))).toBe(ErrorCode.REQUIRED);
    expect(code(() => assertHandoverComplete(7, items, [holding(HandoverItemKind.ACCOUNT, 1), holding(HandoverItemKind.COMPLAINT, 3)]))).toBe(ErrorCode.STALE_PROPOSAL);
    expect(code(() => assertHandoverComplete(7, items, [holding(HandoverItemKind.ACCOUNT, 1)]))).toBe('ok');
  });
});

describe('tiers: identification score, targets and the yearly list', () => {
  const figures = (over: Partial<AccountFigures> = {}): AccountFigures => ({
    accountId: 1, tierId: null, annualSalesFen: null, expectedContractValueFen: 1.5e8 * 100, groupAnnualSalesFen: null, groupExpectedContractValueFen: null, groupSize: 1,
    recordedSalesFen: 2500e4 * 100, groupRecordedSalesFen: 2500e4 * 100, salesFrom: '2025-01-01', salesTo: '2025-12-31', registeredOn: '2020-06-01', creditScore: 85, creditRating: null, scale: null, reputation: null, ...over,
  });
  const criterion = (metric: IdentificationMetric, weight: number, bands: [number, number][]) => Object.assign(new IdentificationCriterion(), { metric, weight, bands: bands.map(([atLeast, points]) => ({ atLeast, points })), sumOverGroup: false, active: true });

  it('scores weighted, banded criteria', () => {
    expect(yearsBetween('2020-06-01', '2025-12-31')).toBe(5);
    expect(yearsBetween('2020-12-31', '2025-06-01')).toBe(4);
    const sales = criterion(IdentificationMetric.RECORDED_SALES, 40, [[5000e4, 100], [2000e4, 80]]);
    expect(criterionPoints(sales, figures())).toBe(80);
    const years = criterion(IdentificationMetric.COOPERATION_YEARS, 15, [[5, 100], [3, 70]]);
    const credit = criterion(IdentificationMetric.CREDIT_SCORE, 20, [[90, 100], [80, 80]]);
    expect(identificationScore([sales, years, credit], figures())).toBe(Math.round((10 * (80 * 40 + 100 * 15 + 80 * 20)) / 75) / 10);
    expect(identificationScore([], figures())).toBeNull();
  });

  it('measures counts against target ranges', () => {
    expect(targetStatus(2, { targetMin: 3, targetMax: 5 })).toBe(TargetStatus.BELOW);
    expect(targetStatus(5, { targetMin: 3, targetMax: 5 })).toBe(TargetStatus.WITHIN);
    expect(targetStatus(6, { targetMin: 3, targetMax: 5 })).toBe(TargetStatus.ABOVE);
    expect(targetStatus(6, { targetMin: null, targetMax: null })).toBe(TargetStatus.NONE);
    const strategic = Object.assign(new Tier(), { id: 1, targetMin: 3, targetMax: 5 });
    expect(tierListCounts([strategic], [{ fromTierId: 1, toTierId: 1 }, { fromTierId: 2, toTierId: 1 }])).toEqual([{ tier: strategic, current: 1, proposed: 2, status: TargetStatus.BELOW }]);
  });

  it('leaves the yearly list to the general manager when one is named', () => {
    expect(code(() => decideTierListDecision(actor(Role.COMMITTEE, 3), null))).toBe('ok');
    expect(code(() => decideTierListDecision(actor(Role.COMMITTEE, 3), 4))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => decideTierListDecision(actor(Role.ADMIN, 1), 4))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => decideTierListDecision(actor(Role.COMMITTEE, 4), 4))).toBe('ok');
  });
});
