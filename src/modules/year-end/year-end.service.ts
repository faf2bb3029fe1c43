import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { AccountStatus, CreditRating, CreditRatings, ReviewStatus, Role, YearEndDecision, YearEndDecisions } from '../../common/enums';
import { yuanToFen } from '../../common/money';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { cleanText, optionalText, requiredText } from '../../common/text';
import { assertNotFuture, assertYearNotFuture, type Clock } from '../../common/clock';
import { isDecided } from '../credit/credit.rules';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import type { Id } from '../../common/ids';
import type { AuditEntry, AuditService } from '../audit/audit.service';
import { Account } from '../accounts/account.entity';
import { CreditEvaluation } from '../credit/credit-evaluation.entity';
import { YearEndRule } from './year-end-rule.entity';
import type { CadenceService } from '../cadence/cadence.service';
import type { OwnershipService } from '../ownership/ownership.service';
import { acquirePolicyLock } from '../../db/policy-lock';
import { dateOrToday } from '../../common/dates';
import { pick } from '../../common/objects';
import { assertRole } from '../auth/access.rules';
import { deleteVersioned, updateVersioned } from '../../db/versioned';

/** A rule as an ADMIN gives it; money in 元, compliance in percent. Absent fields stay as they are. */
export interface YearEndRuleInput {
  position?: number | null;
  name?: string | null;
  decision?: YearEndDecision | string | null;
  ratings?: (CreditRating | string)[] | null;
  scoreAtLeast?: number | null;
  scoreBelow?: number | null;
  signedAtLeast?: number | null;
  signedBelow?: number | null;
  receivedAtLeast?: number | null;
  receivedBelow?: number | null;
  complianceAtLeast?: number | null;
  complianceBelow?: number | null;
  description?: string | null;
  active?: boolean | null;
}

/** Signed and received in one calendar year (分). */
export interface YearFigures {
  signedFen: number;
  receivedFen: number;
}

/** An account's year-end picture: evaluation, figures, cadence and the decision the rules propose. */
export interface YearEndAssessment {
  accountId: number;
  year: number;
  evaluation: CreditEvaluation;
  signedFen: number;
  receivedFen: number;
  /** Share of cadence items not overdue on 31 December (percent, 0–100); null when no rule applies. */
  complianceRate: number | null;
  cadenceItems: number;
  overdueItems: number;
  proposedDecision: YearEndDecision | null;
  matchedRule: YearEndRule | null;
}

export interface YearEndFilter {
  accountIds?: number[] | null;
  decisionStatuses?: ReviewStatus[] | null;
  /** true: only evaluations without a decision status yet (neither proposed nor confirmed). */
  undecided?: boolean | null;
}

export interface ConfirmYearEndInput {
  accountId: number;
  year: number;
  /** The committee's decision; the proposed one when absent. */
  decision?: YearEndDecision | string | null;
  /** When the decision takes effect (TERMINATE ends the account's active status that day); today when absent. */
  effectiveOn?: string | null;
  note?: string | null;
}

export interface YearEndProposalRun {
  year: number;
  /** Evaluations of the year looked at. */
  evaluations: number;
  /** Evaluations whose proposed decision was written (new or changed). */
  proposed: number;
  /** Evaluations whose pending proposal was already the rules' one. */
  unchanged: number;
  /** Evaluations the committee already decided (left alone). */
  alreadyDecided: number;
  /** Evaluations no active rule matched. */
  withoutMatch: number;
  /** Active accounts without an evaluation for the year (they cannot be decided). */
  missingEvaluation: number;
}

const ASSESS_CHUNK = 500;

/**
 * 年度评价: at year end every account's credit evaluation, the year's signings and collections and its
 * visit compliance give a proposed decision — 加强攻关 / 维持现状 / 终止合作 — by rules that are data
 * (ordered, first match wins). The committee confirms or overrides; TERMINATE ends the cooperation.
 */
export class YearEndService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly cadence: CadenceService,
    private readonly ownership: OwnershipService,
    private readonly maxPageSize: () => number,
    private readonly clock: Clock,
  ) {}

  listRules(ctx: RequestContext): Promise<YearEndRule[]> {
    return managerFor(this.ds, ctx).find(YearEndRule, { order: { position: 'ASC', id: 'ASC' } });
  }

  getRule(ctx: RequestContext, id: Id): Promise<YearEndRule> {
    return findByIdOrFail(this.ds, ctx, YearEndRule, id);
  }

  async createRule(ctx: RequestContext, input: YearEndRuleInput): Promise<YearEndRule> {
    assertRole(ctx, [], 'createYearEndRule');
    const values = normalizeRule(input, true);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const rule = em.create(YearEndRule, { ...emptyRule(), ...values });
      await em.save(rule);
      await this.audit.record(tx, { action: 'yearEndRule.create', entity: 'YearEndRule', entityId: rule.id, after: values });
      return rule;
    });
  }

  async updateRule(ctx: RequestContext, id: number, input: YearEndRuleInput, expectedVersion?: number | null): Promise<YearEndRule> {
    assertRole(ctx, [], 'updateYearEndRule');
    const values = normalizeRule(input, false);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const rule = await em.findOneBy(YearEndRule, { id });
      if (!rule) throw notFound('YearEndRule', id);
      assertRanges({ ...rule, ...values });
      await updateVersioned(em, YearEndRule, rule, values, expectedVersion, `year-end rule ${rule.name}`);
      await this.audit.record(tx, { action: 'yearEndRule.update', entity: 'YearEndRule', entityId: id, fields: Object.keys(values), before: pick(rule, Object.keys(values)), after: values });
      return em.findOneByOrFail(YearEndRule, { id });
    });
  }

  async deleteRule(ctx: RequestContext, id: number, expectedVersion: number): Promise<YearEndRule> {
    assertRole(ctx, [], 'deleteYearEndRule');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const rule = await em.findOneBy(YearEndRule, { id });
      if (!rule) throw notFound('YearEndRule', id);
      await deleteVersioned(em, YearEndRule, rule, expectedVersion, `year-end rule ${rule.name}`);
      await this.audit.record(tx, { action: 'yearEndRule.delete', entity: 'YearEndRule', entityId: id, before: { ...rule } });
      return rule;
    });
  }

  /**
   * Contracts signed and money received per account in a calendar year: projects signed that year,
   * plus ledger signings not attached to a project, and payments received that year.
   * Deliberately minimal — the analytics service computes the same figures for the reports, and the
   * two should be folded into one query there.
   */
  async yearFigures(ctx: RequestContext, accountIds: readonly number[], year: number): Promise<Map<number, YearFigures>> {
    const em = managerFor(this.ds, ctx);
    const e = (name: string) => em.connection.driver.escape(name);
    const out = new Map<number, YearFigures>();
    const [from, to] = [`${year}-01-01`, `${year}-12-31`];
    const get = (id: number) => out.get(id) ?? (out.set(id, { signedFen: 0, receivedFen: 0 }).get(id) as YearFigures);
    const ids = [...new Set(accountIds)];
    for (let i = 0; i < ids.length; i += ASSESS_CHUNK) {
      const chunk = ids.slice(i, i + ASSESS_CHUNK);
      const list = chunk.map(() => '?').join(', ');
      const sum = async (table: string, amount: string, date: string, extra = '') =>
        (await em.query(
          `SELECT ${e('account_id')} AS account_id, SUM(${e(amount)}) AS total FROM ${e(table)}
           WHERE ${e('account_id')} IN (${list}) AND ${e(date)} >= ? AND ${e(date)} <= ? ${extra} GROUP BY ${e('account_id')}`,
          [...chunk, from, to],
        )) as { account_id: unknown; total: unknown }[];
      for (const r of await sum('projects', 'contract_amount_fen', 'signed_on')) get(Number(r.account_id)).signedFen += Number(r.total ?? 0);
      for (const r of await sum('activities', 'contract_amount_fen', 'occurred_on', `AND ${e('project_id')} IS NULL AND ${e('contract_amount_fen')} IS NOT NULL`)) {
        get(Number(r.account_id)).signedFen += Number(r.total ?? 0);
      }
      for (const r of await sum('payments', 'amount_fen', 'received_on')) get(Number(r.account_id)).receivedFen += Number(r.total ?? 0);
    }
    return out;
  }

  /** The year-end picture of each evaluation (one figures query and one compliance query per 500). */
  async assess(ctx: RequestContext, evaluations: CreditEvaluation[]): Promise<YearEndAssessment[]> {
    const rules = (await this.listRules(ctx)).filter((r) => r.active);
    const out: YearEndAssessment[] = [];
    const byYear = new Map<number, CreditEvaluation[]>();
    for (const ev of evaluations) byYear.set(ev.year, [...(byYear.get(ev.year) ?? []), ev]);
    for (const [year, evs] of byYear) {
      for (let i = 0; i < evs.length; i += ASSESS_CHUNK) {
        const chunk = evs.slice(i, i + ASSESS_CHUNK);
        const ids = chunk.map((ev) => ev.accountId);
        const [figures, items] = await Promise.all([this.yearFigures(ctx, ids, year), this.cadence.compliance(ctx, `${year}-12-31`, { accountIds: ids })]);
        const cadence = new Map<number, { items: number; overdue: number }>();
        for (const item of items) {
          const c = cadence.get(item.accountId) ?? { items: 0, overdue: 0 };
          c.items++;
          if (item.overdue) c.overdue++;
          cadence.set(item.accountId, c);
        }
        for (const ev of chunk) {
          const f = figures.get(ev.accountId) ?? { signedFen: 0, receivedFen: 0 };
          const c = cadence.get(ev.accountId);
          const complianceRate = c ? Math.round((100 * (c.items - c.overdue)) / c.items) : null;
          const matched = rules.find((r) => ruleMatches(r, ev, f, complianceRate)) ?? null;
          out.push({
            accountId: ev.accountId, year, evaluation: ev, signedFen: f.signedFen, receivedFen: f.receivedFen, complianceRate,
            cadenceItems: c?.items ?? 0, overdueItems: c?.overdue ?? 0, proposedDecision: matched?.decision ?? null, matchedRule: matched,
          });
        }
      }
    }
    return out;
  }

  /** One page of the year's evaluations with their assessment. */
  async review(ctx: RequestContext, year: number, filter: YearEndFilter, page: PageArgs): Promise<Connection<YearEndAssessment>> {
    assertYear(year);
    const qb = managerFor(this.ds, ctx).createQueryBuilder(CreditEvaluation, 'ev').where('ev.year = :year', { year });
    if (filter.accountIds) qb.andWhere(filter.accountIds.length ? 'ev.accountId IN (:...ids)' : '1 = 0', { ids: filter.accountIds });
    if (filter.decisionStatuses?.length) qb.andWhere('ev.decisionStatus IN (:...statuses)', { statuses: filter.decisionStatuses });
    if (filter.undecided) qb.andWhere('ev.decisionStatus IS NULL');
    const conn = await paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
    const assessed = await this.assess(ctx, conn.nodes);
    const byId = new Map(assessed.map((a) => [a.evaluation.id, a]));
    const edges = conn.edges.map((edge) => ({ cursor: edge.cursor, node: byId.get(edge.node.id) as YearEndAssessment }));
    return {
      nodes: edges.map((x) => x.node),
      edges,
      pageInfo: conn.pageInfo,
      get totalCount() {
        return conn.totalCount;
      },
    };
  }

  /**
   * Writes the rules' proposal into every undecided evaluation of the year (decision + PENDING), so
   * the committee sees them in its queue. Decided evaluations are left alone; running it again after
   * a rule changed refreshes the pending proposals. Returns what it did.
   */
  async propose(ctx: RequestContext, year: number): Promise<YearEndProposalRun> {
    assertRole(ctx, [Role.COMMITTEE], 'proposeYearEndDecisions');
    this.assertYear(year);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'year-end');
      const evaluations = await em.find(CreditEvaluation, { where: { year }, order: { id: 'ASC' } });
      const run: YearEndProposalRun = { year, evaluations: evaluations.length, proposed: 0, unchanged: 0, alreadyDecided: 0, withoutMatch: 0, missingEvaluation: 0 };
      const open = evaluations.filter((ev) => {
        const decided = ev.decisionStatus !== null && ev.decisionStatus !== ReviewStatus.PENDING;
        if (decided) run.alreadyDecided++;
        return !decided;
      });
      const entries: AuditEntry[] = [];
      for (const a of await this.assess(tx, open)) {
        const ev = a.evaluation;
        if (!a.proposedDecision) {
          run.withoutMatch++;
          continue;
        }
        if (ev.decision === a.proposedDecision && ev.decisionStatus === ReviewStatus.PENDING) {
          run.unchanged++;
          continue;
        }
        await updateVersioned(em, CreditEvaluation, ev, { decision: a.proposedDecision, decisionStatus: ReviewStatus.PENDING }, null, `evaluation ${year} of account ${ev.accountId}`);
        run.proposed++;
        entries.push({
          action: 'yearEnd.propose', entity: 'CreditEvaluation', entityId: ev.id, fields: ['decision', 'decisionStatus'],
          before: { decision: ev.decision, decisionStatus: ev.decisionStatus },
          after: { accountId: ev.accountId, year, decision: a.proposedDecision, decisionStatus: ReviewStatus.PENDING, rule: a.matchedRule?.name },
        });
      }
      await this.audit.recordMany(tx, entries);
      const evaluated = new Set(evaluations.map((ev) => ev.accountId));
      const active = await em.find(Account, { where: { status: AccountStatus.ACTIVE }, select: { id: true } });
      run.missingEvaluation = active.filter((a) => !evaluated.has(a.id)).length;
      return run;
    });
  }

  /**
   * The committee confirms the year-end decision for one account: the decision the review shows —
   * the rules' proposal — or another one with a note saying why it departs from it. TERMINATE ends
   * the account's active status, its assignments and its visit obligations from `effectiveOn`. A
   * decision is confirmed once (ALREADY_DECIDED after); from then on the evaluation is final and only
   * {@link revise} changes the decision.
   */
  async confirm(ctx: RequestContext, input: ConfirmYearEndInput): Promise<CreditEvaluation> {
    assertRole(ctx, [Role.COMMITTEE], 'confirmYearEndDecision');
    this.assertYear(input.year);
    const note = optionalText(input.note, 'note');
    const effectiveOn = assertNotFuture(this.clock, dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    const chosen = cleanText(input.decision as string | null | undefined) ? YearEndDecisions.parse(String(input.decision), 'decision') : null;
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'year-end');
      const ev = await this.evaluationOf(tx, input.accountId, input.year);
      if (isDecided(ev)) {
        throw new DomainError(ErrorCode.ALREADY_DECIDED, `the ${input.year} decision for account ${input.accountId} was already confirmed${ev.decidedAt ? ` at ${ev.decidedAt.toISOString()}` : ''} (${ev.decision ?? '—'}); the committee changes it with reviseYearEndDecision`, { field: 'accountId' });
      }
      const [assessment] = await this.assess(tx, [ev]);
      const proposed = assessment.proposedDecision;
      const decision = chosen ?? proposed;
      if (!decision) throw new DomainError(ErrorCode.REQUIRED, 'decision: no rule proposes a decision for this account; give the committee\'s decision', { field: 'decision' });
      if (decision !== proposed && !note) {
        throw new DomainError(ErrorCode.REQUIRED, `note: the committee departs from the rules' proposal (${proposed ? YearEndDecisions.label(proposed) : '—'}); say why`, { field: 'note' });
      }
      const values = { decision, decisionStatus: ReviewStatus.APPROVED, decidedById: tx.actor.userId, decidedAt: new Date(), effectiveOn };
      const res = await em
        .createQueryBuilder()
        .update(CreditEvaluation)
        .set(values)
        .where('id = :id AND version = :version AND (decision_status IS NULL OR decision_status = :pending)', { id: ev.id, version: ev.version, pending: ReviewStatus.PENDING })
        .execute();
      if (res.affected === 0) throw new DomainError(ErrorCode.ALREADY_DECIDED, `the ${input.year} decision for account ${input.accountId} was decided concurrently`, { field: 'accountId' });
      await this.audit.record(tx, {
        action: 'yearEnd.confirm', entity: 'CreditEvaluation', entityId: ev.id, fields: Object.keys(values),
        before: { decision: ev.decision, decisionStatus: ev.decisionStatus },
        after: { accountId: ev.accountId, year: ev.year, decision, proposed, effectiveOn, note, rule: assessment.matchedRule?.name ?? null },
      });
      if (decision === YearEndDecision.TERMINATE) await this.terminateFor(tx, ev, effectiveOn, note);
      return em.findOneByOrFail(CreditEvaluation, { id: ev.id });
    });
  }

  /**
   * The committee changes a decision it confirmed — a new committee action, with a note saying why,
   * audited before → after. A move to TERMINATE ends the cooperation; an account whose cooperation
   * already ended is not revived by it (a unit recommends it again).
   */
  async revise(ctx: RequestContext, input: ConfirmYearEndInput): Promise<CreditEvaluation> {
    assertRole(ctx, [Role.COMMITTEE], 'reviseYearEndDecision');
    this.assertYear(input.year);
    const note = requiredText(input.note, 'note', '理由 / why the committee changes its decision');
    if (!cleanText(input.decision as string | null | undefined)) throw new DomainError(ErrorCode.REQUIRED, 'decision: the new decision is required', { field: 'decision' });
    const decision = YearEndDecisions.parse(String(input.decision), 'decision');
    const effectiveOn = assertNotFuture(this.clock, dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'year-end');
      const ev = await this.evaluationOf(tx, input.accountId, input.year);
      if (!isDecided(ev)) {
        throw new DomainError(ErrorCode.INVALID_STATE, `the ${input.year} decision for account ${input.accountId} is not confirmed yet; confirm it (confirmYearEndDecision)`, { field: 'accountId' });
      }
      if (ev.decision === decision) throw new DomainError(ErrorCode.VALIDATION_FAILED, `decision: the ${input.year} decision already is ${YearEndDecisions.label(decision)}`, { field: 'decision' });
      const account = await em.findOneByOrFail(Account, { id: ev.accountId });
      if (account.status === AccountStatus.TERMINATED && ev.decision === YearEndDecision.TERMINATE) {
        throw new DomainError(ErrorCode.INVALID_STATE, `account ${account.code}: the cooperation ended on ${account.terminatedOn ?? '—'}; a unit takes it up again by recommending it (recommendAccount)`, { field: 'decision' });
      }
      const values = { decision, decisionStatus: ReviewStatus.APPROVED, decidedById: tx.actor.userId, decidedAt: new Date(), effectiveOn };
      await updateVersioned(em, CreditEvaluation, ev, values, null, `the ${ev.year} evaluation`);
      await this.audit.record(tx, {
        action: 'yearEnd.revise', entity: 'CreditEvaluation', entityId: ev.id, fields: Object.keys(values),
        before: pick(ev, Object.keys(values)), after: { accountId: ev.accountId, year: ev.year, ...values, note },
      });
      if (decision === YearEndDecision.TERMINATE) await this.terminateFor(tx, ev, effectiveOn, note);
      return em.findOneByOrFail(CreditEvaluation, { id: ev.id });
    });
  }

  private async evaluationOf(ctx: RequestContext, accountId: number, year: number): Promise<CreditEvaluation> {
    const ev = await managerFor(this.ds, ctx).findOneBy(CreditEvaluation, { accountId, year });
    if (!ev) throw new DomainError(ErrorCode.NOT_FOUND, `accountId: account ${accountId} has no credit evaluation for ${year}; the evaluation comes first`, { field: 'accountId' });
    return ev;
  }

  private async terminateFor(ctx: RequestContext, ev: CreditEvaluation, effectiveOn: string, note: string | null): Promise<void> {
    const account = await managerFor(this.ds, ctx).findOneByOrFail(Account, { id: ev.accountId });
    if (account.status !== AccountStatus.TERMINATED) {
      await this.ownership.terminate(ctx, ev.accountId, { effectiveOn, note: note ?? `${ev.year} 年度评价：终止合作 / year-end decision` }, 'account.terminate');
    }
  }

  /** A year of evaluations: a plausible year that has begun. */
  private assertYear(year: number): void {
    assertYear(year);
    assertYearNotFuture(this.clock, year, 'year');
  }
}

/** Every condition the rule sets must hold; a condition on a missing figure does not. */
export function ruleMatches(rule: YearEndRule, ev: Pick<CreditEvaluation, 'score' | 'rating'>, f: YearFigures, complianceRate: number | null): boolean {
  if (rule.ratings?.length && (ev.rating === null || !rule.ratings.includes(ev.rating))) return false;
  const range = (v: number | null, atLeast: number | null, below: number | null) => {
    if (atLeast === null && below === null) return true;
    if (v === null) return false;
    return (atLeast === null || v >= atLeast) && (below === null || v < below);
  };
  return range(ev.score, rule.scoreAtLeast, rule.scoreBelow)
    && range(f.signedFen, rule.signedAtLeastFen, rule.signedBelowFen)
    && range(f.receivedFen, rule.receivedAtLeastFen, rule.receivedBelowFen)
    && range(complianceRate, rule.complianceAtLeast, rule.complianceBelow);
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 1990 || year > 2100) throw new DomainError(ErrorCode.VALIDATION_FAILED, `year: ${year} is not a year`, { field: 'year' });
}

const has = <T extends object>(input: T, key: keyof T) => Object.prototype.hasOwnProperty.call(input, key) && input[key] !== undefined;

function emptyRule(): Partial<YearEndRule> {
  return {
    ratings: [], scoreAtLeast: null, scoreBelow: null, signedAtLeastFen: null, signedBelowFen: null, receivedAtLeastFen: null, receivedBelowFen: null,
    complianceAtLeast: null, complianceBelow: null, description: null, active: true,
  };
}

function normalizeRule(input: YearEndRuleInput, creating: boolean): Partial<YearEndRule> {
  const v: Partial<YearEndRule> = {};
  if (has(input, 'position') || creating) {
    if (input.position == null || !Number.isInteger(input.position) || input.position < 0 || input.position > 1_000_000) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'position: a whole number (lower positions are tried first) is required', { field: 'position' });
    }
    v.position = input.position;
  }
  if (has(input, 'name') || creating) {
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 规则名称 is required', { field: 'name' });
    if (name.length > 100) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'name: at most 100 characters', { field: 'name' });
    v.name = name;
  }
  if (has(input, 'decision') || creating) {
    if (!cleanText(input.decision as string | null | undefined)) throw new DomainError(ErrorCode.REQUIRED, 'decision: the decision the rule proposes is required', { field: 'decision' });
    v.decision = YearEndDecisions.parse(String(input.decision), 'decision');
  }
  if (has(input, 'ratings')) v.ratings = [...new Set((input.ratings ?? []).map((r) => CreditRatings.parse(String(r), 'ratings')))];
  for (const key of ['scoreAtLeast', 'scoreBelow'] as const) {
    if (!has(input, key)) continue;
    const s = input[key] ?? null;
    if (s !== null && !(s >= 0 && s <= 100)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${key}: ${s} is not a score from 0 to 100`, { field: key });
    v[key] = s;
  }
  for (const [key, col] of [['signedAtLeast', 'signedAtLeastFen'], ['signedBelow', 'signedBelowFen'], ['receivedAtLeast', 'receivedAtLeastFen'], ['receivedBelow', 'receivedBelowFen']] as const) {
    if (!has(input, key)) continue;
    const yuan = input[key] ?? null;
    if (yuan !== null && yuan < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${key}: must not be negative`, { field: key });
    v[col] = yuan === null ? null : yuanToFen(yuan, key);
  }
  for (const key of ['complianceAtLeast', 'complianceBelow'] as const) {
    if (!has(input, key)) continue;
    const c = input[key] ?? null;
    if (c !== null && !(Number.isInteger(c) && c >= 0 && c <= 100)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${key}: ${c} is not a whole percentage from 0 to 100`, { field: key });
    v[key] = c;
  }
  if (has(input, 'description')) v.description = cleanText(input.description);
  if (has(input, 'active')) {
    if (input.active === null) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'active: must be true or false', { field: 'active' });
    v.active = input.active as boolean;
  }
  if (creating) assertRanges({ ...emptyRule(), ...v } as YearEndRule);
  return v;
}

/** A lower bound must stay below its upper bound, or the rule could never match. */
function assertRanges(r: Pick<YearEndRule, 'scoreAtLeast' | 'scoreBelow' | 'signedAtLeastFen' | 'signedBelowFen' | 'receivedAtLeastFen' | 'receivedBelowFen' | 'complianceAtLeast' | 'complianceBelow'>): void {
  for (const [lo, hi, field] of [
    [r.scoreAtLeast, r.scoreBelow, 'scoreBelow'],
    [r.signedAtLeastFen, r.signedBelowFen, 'signedBelow'],
    [r.receivedAtLeastFen, r.receivedBelowFen, 'receivedBelow'],
    [r.complianceAtLeast, r.complianceBelow, 'complianceBelow'],
  ] as const) {
    if (lo !== null && hi !== null && hi <= lo) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: must be greater than the lower bound, or the rule never matches`, { field });
  }
}
