import { In, type DataSource, type EntityManager } from 'typeorm';
import { AccountStatus, OrgUnitKind, OrgUnitKinds, Role, type CompanyScale, type CreditRating, type Reputation } from '../../common/enums';
import type { RequestContext } from '../../common/context';
import { Account } from '../accounts/account.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { leadUnitOf } from './management-level.rules';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { say } from '../../common/messages';

import { yuanToFen } from '../../common/money';
import { addDays, addMonths, assertLocalDate, today, type LocalDate } from '../../common/dates';
import { signedRowsSql } from '../analytics/signed-sql';
import { IdentificationCriterion, type CriterionBand } from './identification-criterion.entity';
import { IdentificationMetrics, TargetStatus, type IdentificationMetric } from './tier-vocabulary';
import { identificationScore, suggestLevel, suggestTier, targetStatus, type AccountFigures } from './tier.rules';
import { cleanText, nameKey } from '../../common/text';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import type { AuditService } from '../audit/audit.service';
import { Tier } from './tier.entity';
import { ManagementLevel } from './management-level.entity';
import { pick } from '../../common/objects';
import { assertRole } from '../auth/access.rules';
import { updateVersioned } from '../../db/versioned';

/** Tier fields as an ADMIN gives them; money in 元. Absent fields are left alone on update. */
export interface TierInput {
  code?: string | null;
  name?: string | null;
  rank?: number | null;
  aliases?: string[] | null;
  /** Recorded annual-sales threshold in 元; null = no sales threshold. */
  minAnnualSales?: number | null;
  /** Minimum identification score (0–100); null = the score does not decide. */
  minScore?: number | null;
  /** Target number of accounts (3–5 strategic partners). */
  targetMin?: number | null;
  targetMax?: number | null;
  sumOverGroup?: boolean | null;
  inMonthlyReport?: boolean | null;
  description?: string | null;
  active?: boolean | null;
}

export interface ManagementLevelInput {
  code?: string | null;
  name?: string | null;
  rank?: number | null;
  aliases?: string[] | null;
  /** Follow-up contract value threshold in 元; null = never suggested. */
  minExpectedContractValue?: number | null;
  sumOverGroup?: boolean | null;
  /** The kind of unit that leads accounts of the level (COMPANY = the head office, BRANCH = their branch). */
  leadUnitKind?: OrgUnitKind | string | null;
  active?: boolean | null;
}

/** One account of the published management-level list. */
export interface ManagementLevelListItem {
  level: ManagementLevel;
  account: Account;
  /** The unit that leads it (see leadUnitOf). */
  leadUnitId: number | null;
}

export type { AccountFigures } from './tier.rules';
export { suggestLevel, suggestTier } from './tier.rules';

export interface AccountSuggestion {
  figures: AccountFigures;
  /** The identification score (weighted criteria, 0–100); null without active criteria. */
  score: number | null;
  tier: Tier | null;
  level: ManagementLevel | null;
}

/** The window recorded annual sales are summed over: the 12 months up to `asOf`. */
export function salesWindow(asOf: LocalDate): { from: LocalDate; to: LocalDate } {
  return { from: addDays(addMonths(asOf, -12), 1), to: asOf };
}

/** Where the accounts of a tier stand against its target count. */
export interface TierTargetRow {
  tier: Tier;
  /** Live (active or suspended) accounts of the tier. */
  accounts: number;
  status: TargetStatus;
}

type Labelled = { id: number; code: string; name: string; aliases: string[] };

const has = <T extends object>(input: T, key: keyof T) => Object.prototype.hasOwnProperty.call(input, key) && input[key] !== undefined;

/** Accounts per figures query: two IN lists of this size stay far below every placeholder limit. */
const FIGURES_CHUNK = 500;

/**
 * Tiers and management levels: data an ADMIN maintains, matched by code, name or any alias; and the
 * tier and level an account's figures suggest.
 */
export class TierService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<Tier[]> {
    return this.ds.getRepository(Tier).find({ order: { rank: 'ASC', id: 'ASC' } });
  }

  listManagementLevels(): Promise<ManagementLevel[]> {
    return this.ds.getRepository(ManagementLevel).find({ order: { rank: 'ASC', id: 'ASC' } });
  }

  async get(ctx: RequestContext, id: number): Promise<Tier> {
    const tier = await managerFor(this.ds, ctx).findOneBy(Tier, { id });
    if (!tier) throw notFound('Tier', id);
    return tier;
  }

  async getManagementLevel(ctx: RequestContext, id: number): Promise<ManagementLevel> {
    const level = await managerFor(this.ds, ctx).findOneBy(ManagementLevel, { id });
    if (!level) throw notFound('ManagementLevel', id);
    return level;
  }

  /** The tier whose code, name or alias matches (`战略客户`, `重要级`, `KEY`…), or undefined. */
  async lookup(input: string): Promise<Tier | undefined> {
    return matchByLabel(await this.list(), input);
  }

  /** The tier a label names, active or not (for filters); UNKNOWN_TIER when none. */
  async lookupOrFail(input: string, field: string): Promise<Tier> {
    const tier = await this.lookup(input);
    if (!tier) throw new DomainError(ErrorCode.UNKNOWN_TIER, `${field}: "${input}" is not a tier`, { field, value: input });
    return tier;
  }

  /** The active tier a label names; a deactivated tier is refused for new assignments. */
  async resolve(input: string, field = 'tierCode'): Promise<Tier> {
    const tiers = await this.list();
    const tier = matchByLabel(tiers, input);
    if (!tier) {
      throw new DomainError(ErrorCode.UNKNOWN_TIER, `${field}: "${input}" is not a tier (${tiers.filter((t) => t.active).map((t) => `${t.name} ${t.code}`).join('、')})`, { field, value: input });
    }
    assertActiveTier(tier, field, input);
    return tier;
  }

  async resolveManagementLevel(input: string, field = 'managementLevel'): Promise<ManagementLevel> {
    const levels = await this.listManagementLevels();
    const level = matchByLabel(levels, input);
    if (!level) {
      throw new DomainError(ErrorCode.INVALID_ENUM, `${field}: "${input}" is not a management level (${levels.filter((l) => l.active).map((t) => t.name).join('、')})`, { field, value: input });
    }
    assertActiveLevel(level, field, input);
    return level;
  }

  // ---------------------------------------------------------------- the committee: tiers and levels as data (ADMIN too)

  async createTier(ctx: RequestContext, input: TierInput): Promise<Tier> {
    assertRole(ctx, [Role.COMMITTEE], 'createTier');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const values = normalizeTier(input, true);
      await assertLabelsFree(em, Tier, values, null, '客户级别 / tier');
      const tier = em.create(Tier, { sumOverGroup: false, inMonthlyReport: false, description: null, active: true, minAnnualSalesFen: null, minScore: null, targetMin: null, targetMax: null, ...values });
      await em.save(tier);
      await this.audit.record(tx, { action: 'tier.create', entity: 'Tier', entityId: tier.id, after: values });
      return tier;
    });
  }

  /** Changes a tier (deactivate with `active: false`); with `expectedVersion`, refuses when someone else saved first. */
  async updateTier(ctx: RequestContext, id: number, input: TierInput, expectedVersion?: number | null): Promise<Tier> {
    assertRole(ctx, [Role.COMMITTEE], 'updateTier');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const tier = await this.get(tx, id);
      const values = normalizeTier(input, false);
      await assertLabelsFree(em, Tier, { ...pickLabels(tier), ...values }, id, '客户级别 / tier');
      await updateVersioned(em, Tier, tier, values, expectedVersion, `tier ${tier.code}`);
      await this.audit.record(tx, { action: 'tier.update', entity: 'Tier', entityId: id, fields: Object.keys(values), before: pick(tier, Object.keys(values)), after: values });
      return this.get(tx, id);
    });
  }

  async createManagementLevel(ctx: RequestContext, input: ManagementLevelInput): Promise<ManagementLevel> {
    assertRole(ctx, [Role.COMMITTEE], 'createManagementLevel');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const values = normalizeLevel(input, true);
      await assertLabelsFree(em, ManagementLevel, values, null, '管理层级 / management level');
      const level = em.create(ManagementLevel, { sumOverGroup: false, active: true, minExpectedContractFen: null, ...values });
      await em.save(level);
      await this.audit.record(tx, { action: 'managementLevel.create', entity: 'ManagementLevel', entityId: level.id, after: values });
      return level;
    });
  }

  async updateManagementLevel(ctx: RequestContext, id: number, input: ManagementLevelInput, expectedVersion?: number | null): Promise<ManagementLevel> {
    assertRole(ctx, [Role.COMMITTEE], 'updateManagementLevel');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const level = await em.findOneBy(ManagementLevel, { id });
      if (!level) throw notFound('ManagementLevel', id);
      const values = normalizeLevel(input, false);
      await assertLabelsFree(em, ManagementLevel, { ...pickLabels(level), ...values }, id, '管理层级 / management level');
      await updateVersioned(em, ManagementLevel, level, values, expectedVersion, `management level ${level.code}`);
      await this.audit.record(tx, {
        action: 'managementLevel.update', entity: 'ManagementLevel', entityId: id, fields: Object.keys(values), before: pick(level, Object.keys(values)), after: values,
      });
      return em.findOneByOrFail(ManagementLevel, { id });
    });
  }

  // ---------------------------------------------------------------- suggestions from figures

  /**
   * Own and group figures for accounts, in one SQL statement per 500 accounts. A group is the
   * top-level parent and every account under it (walked with recursive CTEs, which MySQL 8,
   * MariaDB 10.2+, TiDB 5.1+ and SQLite all run).
   */
  async figures(ctx: RequestContext, ids: readonly number[], window: { from: LocalDate; to: LocalDate } = salesWindow(today())): Promise<Map<number, AccountFigures>> {
    const em = managerFor(this.ds, ctx);
    const out = new Map<number, AccountFigures>();
    const unique = [...new Set(ids)];
    const from = assertLocalDate(window.from, 'from');
    const to = assertLocalDate(window.to, 'to');
    for (let i = 0; i < unique.length; i += FIGURES_CHUNK) {
      const chunk = unique.slice(i, i + FIGURES_CHUNK);
      // Placeholders in order: the recorded signings (from, to; twice), the chain's start, the credit evaluations' year (twice), the final IN list.
      for (const row of await em.query(figuresSql(em, chunk.length), [from, to, from, to, ...chunk, Number(to.slice(0, 4)), Number(to.slice(0, 4)), ...chunk])) {
        const f = figuresRow(row as Record<string, unknown>, from, to);
        out.set(f.accountId, f);
      }
    }
    return out;
  }

  /**
   * The published list of 公司级 / 分公司级 accounts (policy 004): every live account with a management
   * level (of `levelLabels`, else every level), with the unit that leads it, by level rank then code.
   */
  async managementLevelList(ctx: RequestContext, levelLabels?: readonly string[] | null): Promise<ManagementLevelListItem[]> {
    const em = managerFor(this.ds, ctx);
    const levels = await this.listManagementLevels();
    const wanted = levelLabels?.length ? await Promise.all(levelLabels.map((l) => this.resolveManagementLevel(l, 'levels'))) : levels;
    if (wanted.length === 0) return [];
    const accounts = await em.find(Account, {
      where: { managementLevelId: In(wanted.map((l) => l.id)), status: In([AccountStatus.ACTIVE, AccountStatus.SUSPENDED]) },
      order: { code: 'ASC' },
    });
    const units = new Map((await em.find(OrgUnit, { select: { id: true, parentId: true, kind: true } })).map((u) => [u.id, u]));
    const byId = new Map(levels.map((l) => [l.id, l]));
    return accounts
      .map((account) => {
        const level = byId.get(account.managementLevelId as number) as ManagementLevel;
        return { level, account, leadUnitId: leadUnitOf(account.ownerUnitId, level.leadUnitKind, units) };
      })
      .sort((a, b) => a.level.rank - b.level.rank || a.level.id - b.level.id);
  }

  /**
   * Suggested tier and level for each account (absent ids are left out), from recorded sales over the
   * 12 months up to `asOf` (default today) and the identification score.
   */
  async suggestions(ctx: RequestContext, ids: readonly number[], window?: { from: LocalDate; to: LocalDate }): Promise<Map<number, AccountSuggestion>> {
    const [figures, tiers, levels, criteria] = await Promise.all([this.figures(ctx, ids, window), this.list(), this.listManagementLevels(), this.listCriteria(ctx)]);
    const out = new Map<number, AccountSuggestion>();
    for (const [id, f] of figures) {
      const score = identificationScore(criteria, f);
      out.set(id, { figures: f, score, tier: suggestTier(f, tiers, score), level: suggestLevel(f, levels) });
    }
    return out;
  }

  // ---------------------------------------------------------------- policy 000: the identification standard

  getCriterion(ctx: RequestContext, id: number): Promise<IdentificationCriterion> {
    return findByIdOrFail(this.ds, ctx, IdentificationCriterion, id);
  }

  listCriteria(ctx: RequestContext): Promise<IdentificationCriterion[]> {
    return managerFor(this.ds, ctx).find(IdentificationCriterion, { order: { id: 'ASC' } });
  }

  /** Creates or changes a criterion by code (the committee): metric, weight, bands. Audited before → after. */
  async saveCriterion(ctx: RequestContext, input: CriterionInput): Promise<IdentificationCriterion> {
    assertRole(ctx, [Role.COMMITTEE], 'saveIdentificationCriterion');
    const code = cleanText(input.code)?.toUpperCase().replace(/\s+/g, '_');
    if (!code || !/^[A-Z][A-Z0-9_]{0,31}$/.test(code)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'code: letters, digits and _ (at most 32, starting with a letter)', { field: 'code' });
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const existing = await em.findOneBy(IdentificationCriterion, { code });
      const values: Partial<IdentificationCriterion> = {};
      if (has(input, 'name') || !existing) {
        const name = cleanText(input.name);
        if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 名称 is required', { field: 'name' });
        values.name = name;
      }
      if (has(input, 'metric') || !existing) {
        if (!cleanText(input.metric as string | null)) throw new DomainError(ErrorCode.REQUIRED, 'metric: 指标 is required', { field: 'metric' });
        values.metric = IdentificationMetrics.parse(String(input.metric), 'metric');
      }
      if (has(input, 'weight') || !existing) {
        const w = input.weight;
        if (w == null || !Number.isInteger(w) || w < 0 || w > 100) throw new DomainError(ErrorCode.VALIDATION_FAILED, `weight: ${w} must be a whole number from 0 to 100`, { field: 'weight' });
        values.weight = w;
      }
      if (has(input, 'bands') || !existing) values.bands = normalizeBands(input.bands ?? []);
      if (has(input, 'sumOverGroup')) values.sumOverGroup = !!input.sumOverGroup;
      if (has(input, 'description')) values.description = cleanText(input.description);
      if (has(input, 'active')) values.active = input.active !== false;
      if (existing) await updateVersioned(em, IdentificationCriterion, existing, values, input.version, `criterion ${code}`);
      else await em.insert(IdentificationCriterion, { code, sumOverGroup: false, description: null, active: true, ...values, version: 1 });
      const row = await em.findOneByOrFail(IdentificationCriterion, { code });
      await this.audit.record(tx, {
        action: existing ? 'criterion.update' : 'criterion.create', entity: 'IdentificationCriterion', entityId: row.id, fields: Object.keys(values),
        before: existing ? pick(existing, Object.keys(values)) : null, after: values,
      });
      return row;
    });
  }

  /** Live accounts per active tier against the tier's target count (the committee's view; the monthly report). */
  async targets(ctx: RequestContext): Promise<TierTargetRow[]> {
    const tiers = (await this.list()).filter((t) => t.active);
    const raw = await managerFor(this.ds, ctx)
      .createQueryBuilder(Account, 'a')
      .select('a.tierId', 'tierId')
      .addSelect('COUNT(*)', 'n')
      .where('a.status IN (:...live)', { live: [AccountStatus.ACTIVE, AccountStatus.SUSPENDED] })
      .groupBy('a.tierId')
      .getRawMany<{ tierId: number | string | null; n: number | string }>();
    const counts = new Map(raw.map((r) => [Number(r.tierId), Number(r.n)]));
    return tiers.map((tier) => ({ tier, accounts: counts.get(tier.id) ?? 0, status: targetStatus(counts.get(tier.id) ?? 0, tier) }));
  }
}

/** A criterion as the committee gives it (money bands in 元). */
export interface CriterionInput {
  code: string;
  name?: string | null;
  metric?: IdentificationMetric | string | null;
  weight?: number | null;
  bands?: CriterionBand[] | null;
  sumOverGroup?: boolean | null;
  description?: string | null;
  active?: boolean | null;
  version?: number | null;
}

function normalizeBands(input: readonly CriterionBand[]): CriterionBand[] {
  if (input.length > 20) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'bands: at most 20', { field: 'bands' });
  for (const b of input) {
    if (!Number.isFinite(b.atLeast)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'bands: atLeast must be a number', { field: 'bands' });
    if (!Number.isInteger(b.points) || b.points < 0 || b.points > 100) throw new DomainError(ErrorCode.VALIDATION_FAILED, `bands: points ${b.points} must be a whole number from 0 to 100`, { field: 'bands' });
  }
  return [...input].map((b) => ({ atLeast: b.atLeast, points: b.points })).sort((x, y) => y.atLeast - x.atLeast);
}

function figuresSql(em: EntityManager, n: number): string {
  const e = (name: string) => em.connection.driver.escape(name);
  const list = Array.from({ length: n }, () => '?').join(', ');
  const [id, parent, status] = [e('id'), e('parent_id'), e('status')];
  const [sales, expected] = [e('annual_sales_fen'), e('expected_contract_value_fen')];
  const accounts = e('accounts');
  return `WITH RECURSIVE recorded (account_id, fen) AS (
      SELECT x.account_id, SUM(x.fen) FROM (${signedRowsSql('?', '?')}) x GROUP BY x.account_id
    ),
    up_chain (start_id, cur_id, up_id, depth) AS (
      SELECT a.${id}, a.${id}, a.${parent}, 0 FROM ${accounts} a WHERE a.${id} IN (${list})
      UNION ALL
      SELECT u.start_id, p.${id}, p.${parent}, u.depth + 1 FROM up_chain u JOIN ${accounts} p ON p.${id} = u.up_id WHERE u.depth < 32
    ),
    roots (start_id, root_id) AS (SELECT start_id, cur_id FROM up_chain WHERE up_id IS NULL),
    members (root_id, member_id, depth) AS (
      SELECT r.${id}, r.${id}, 0 FROM ${accounts} r WHERE r.${id} IN (SELECT root_id FROM roots)
      UNION ALL
      SELECT m.root_id, c.${id}, m.depth + 1 FROM members m JOIN ${accounts} c ON c.${parent} = m.member_id WHERE m.depth < 32
    ),
    sums (root_id, group_sales, group_expected, group_recorded, group_size) AS (
      SELECT m.root_id,
        SUM(CASE WHEN g.${status} IN ('TERMINATED', 'REJECTED') THEN NULL ELSE g.${sales} END),
        SUM(CASE WHEN g.${status} IN ('TERMINATED', 'REJECTED') THEN NULL ELSE g.${expected} END),
        SUM(CASE WHEN g.${status} IN ('TERMINATED', 'REJECTED') THEN 0 ELSE COALESCE(rg.fen, 0) END),
        COUNT(*)
      FROM members m JOIN ${accounts} g ON g.${id} = m.member_id LEFT JOIN recorded rg ON rg.account_id = g.${id} GROUP BY m.root_id
    )
    SELECT a.${id} AS account_id, a.${e('tier_id')} AS tier_id, a.${sales} AS sales, a.${expected} AS expected,
      s.group_sales AS group_sales, s.group_expected AS group_expected, s.group_recorded AS group_recorded, s.group_size AS group_size,
      COALESCE(ro.fen, 0) AS recorded, a.${e('registered_on')} AS registered_on, a.${e('scale')} AS scale, a.${e('reputation')} AS reputation,
      (SELECT ce.${e('score')} FROM ${e('credit_evaluations')} ce WHERE ce.${e('account_id')} = a.${id} AND ce.${e('year')} <= ? ORDER BY ce.${e('year')} DESC LIMIT 1) AS credit_score,
      (SELECT ce.${e('rating')} FROM ${e('credit_evaluations')} ce WHERE ce.${e('account_id')} = a.${id} AND ce.${e('year')} <= ? ORDER BY ce.${e('year')} DESC LIMIT 1) AS credit_rating
    FROM ${accounts} a LEFT JOIN roots r ON r.start_id = a.${id} LEFT JOIN sums s ON s.root_id = r.root_id LEFT JOIN recorded ro ON ro.account_id = a.${id}
    WHERE a.${id} IN (${list})`;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function figuresRow(row: Record<string, unknown>, salesFrom: LocalDate, salesTo: LocalDate): AccountFigures {
  const own = { sales: num(row.sales), expected: num(row.expected), recorded: Number(row.recorded ?? 0) };
  // A broken hierarchy (a cycle put in by hand) has no root: the account then stands alone.
  const grouped = row.group_size !== null && row.group_size !== undefined;
  const registered = row.registered_on instanceof Date ? row.registered_on.toISOString().slice(0, 10) : row.registered_on ? String(row.registered_on).slice(0, 10) : null;
  return {
    accountId: Number(row.account_id),
    tierId: num(row.tier_id),
    annualSalesFen: own.sales,
    expectedContractValueFen: own.expected,
    groupAnnualSalesFen: grouped ? num(row.group_sales) : own.sales,
    groupExpectedContractValueFen: grouped ? num(row.group_expected) : own.expected,
    groupSize: grouped ? Number(row.group_size) : 1,
    recordedSalesFen: own.recorded,
    groupRecordedSalesFen: grouped ? Number(row.group_recorded ?? 0) : own.recorded,
    salesFrom,
    salesTo,
    registeredOn: registered,
    creditScore: num(row.credit_score),
    creditRating: (row.credit_rating as CreditRating | null) ?? null,
    scale: (row.scale as CompanyScale | null) ?? null,
    reputation: (row.reputation as Reputation | null) ?? null,
  };
}

/** Matches a code, name or alias, ignoring case, width and spaces. */
export function matchByLabel<T extends { code: string; name: string; aliases: string[] }>(rows: T[], input: string): T | undefined {
  const key = nameKey(input);
  return rows.find((r) => [r.code, r.name, ...r.aliases].some((l) => nameKey(l) === key));
}

// ---------------------------------------------------------------- validation

interface LabelValues {
  code?: string;
  name?: string;
  rank?: number;
  aliases?: string[];
}

function normalizeLabels(input: { code?: string | null; name?: string | null; rank?: number | null; aliases?: string[] | null }, creating: boolean): LabelValues {
  const v: LabelValues = {};
  if (has(input, 'code') || creating) {
    const code = cleanText(input.code)?.toUpperCase().replace(/\s+/g, '_');
    if (!code) throw new DomainError(ErrorCode.REQUIRED, 'code: 编码 is required', { field: 'code' });
    if (!/^[A-Z][A-Z0-9_]{0,31}$/.test(code)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `code: "${code}" must be letters, digits and _ (at most 32, starting with a letter)`, { field: 'code' });
    v.code = code;
  }
  if (has(input, 'name') || creating) {
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 名称 is required', { field: 'name' });
    if (name.length > 100) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'name: at most 100 characters', { field: 'name' });
    v.name = name;
  }
  if (has(input, 'rank') || creating) {
    const rank = input.rank;
    if (rank === null || rank === undefined) throw new DomainError(ErrorCode.REQUIRED, 'rank: 排序 is required (1 = highest)', { field: 'rank' });
    if (!Number.isInteger(rank) || rank < 1 || rank > 99) throw new DomainError(ErrorCode.VALIDATION_FAILED, `rank: ${rank} must be a whole number from 1 (highest) to 99`, { field: 'rank' });
    v.rank = rank;
  }
  if (has(input, 'aliases') || creating) {
    const seen = new Set<string>();
    v.aliases = [];
    for (const raw of input.aliases ?? []) {
      const alias = cleanText(raw);
      if (!alias) continue;
      if (alias.length > 50) throw new DomainError(ErrorCode.VALIDATION_FAILED, `aliases: "${alias}" is longer than 50 characters`, { field: 'aliases' });
      if (seen.has(nameKey(alias))) continue;
      seen.add(nameKey(alias));
      v.aliases.push(alias);
    }
  }
  return v;
}

function thresholdFen(yuan: number | null | undefined, field: string): number | null {
  if (yuan === null || yuan === undefined) return null;
  if (yuan < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${field}: must not be negative`, { field });
  return yuanToFen(yuan, field);
}

function normalizeTier(input: TierInput, creating: boolean): Partial<Tier> {
  const v: Partial<Tier> = { ...normalizeLabels(input, creating) };
  if (has(input, 'minAnnualSales')) v.minAnnualSalesFen = thresholdFen(input.minAnnualSales, 'minAnnualSales');
  if (has(input, 'minScore')) v.minScore = wholeOrNull(input.minScore, 'minScore', 0, 100);
  if (has(input, 'targetMin')) v.targetMin = wholeOrNull(input.targetMin, 'targetMin', 0, 100_000);
  if (has(input, 'targetMax')) v.targetMax = wholeOrNull(input.targetMax, 'targetMax', 0, 100_000);
  if (v.targetMin != null && v.targetMax != null && v.targetMin > v.targetMax) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `targetMax: ${v.targetMax} is below targetMin ${v.targetMin}`, { field: 'targetMax' });
  }
  for (const key of ['sumOverGroup', 'inMonthlyReport', 'active'] as const) {
    if (has(input, key)) {
      if (input[key] === null) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${key}: must be true or false`, { field: key });
      v[key] = input[key] as boolean;
    }
  }
  if (has(input, 'description')) v.description = cleanText(input.description);
  return v;
}

function wholeOrNull(value: number | null | undefined, field: string, min: number, max: number): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < min || value > max) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${value} must be a whole number from ${min} to ${max}`, { field });
  return value;
}

function normalizeLevel(input: ManagementLevelInput, creating: boolean): Partial<ManagementLevel> {
  const v: Partial<ManagementLevel> = { ...normalizeLabels(input, creating) };
  if (has(input, 'minExpectedContractValue')) v.minExpectedContractFen = thresholdFen(input.minExpectedContractValue, 'minExpectedContractValue');
  if (has(input, 'leadUnitKind')) {
    if (!cleanText(input.leadUnitKind as string | null)) throw new DomainError(ErrorCode.REQUIRED, 'leadUnitKind: COMPANY (总公司牵头) or BRANCH (分公司牵头)', { field: 'leadUnitKind' });
    v.leadUnitKind = OrgUnitKinds.parse(String(input.leadUnitKind), 'leadUnitKind');
  }
  for (const key of ['sumOverGroup', 'active'] as const) {
    if (has(input, key)) {
      if (input[key] === null) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${key}: must be true or false`, { field: key });
      v[key] = input[key] as boolean;
    }
  }
  return v;
}

function pickLabels(row: Labelled): LabelValues {
  return { code: row.code, name: row.name, aliases: row.aliases };
}

/**
 * Every code, name and alias must name one row only, or `战略客户` in a file could mean two tiers.
 * Compared the way lookups compare (case, width and spaces ignored).
 */
async function assertLabelsFree(em: EntityManager, entity: typeof Tier | typeof ManagementLevel, values: LabelValues, selfId: number | null, what: string): Promise<void> {
  const others = ((await em.find(entity as typeof Tier)) as Labelled[]).filter((r) => r.id !== selfId);
  const mine = [values.code, values.name, ...(values.aliases ?? [])].filter((l): l is string => !!l);
  for (const label of mine) {
    const clash = others.find((o) => [o.code, o.name, ...o.aliases].some((l) => nameKey(l) === nameKey(label)));
    if (clash) {
      const field = label === values.code ? 'code' : label === values.name ? 'name' : 'aliases';
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `${field}: "${label}" already names ${what} ${clash.name} (${clash.code})`, { field });
    }
  }
}

/** A deactivated tier is no longer given to accounts, whichever door the label came through. */
export function assertActiveTier(tier: Tier, field: string, input: string): void {
  if (!tier.active) throw new DomainError(ErrorCode.UNKNOWN_TIER, `${field}: ${say(`客户层级 ${tier.name}（${tier.code}）已停用`, `tier ${tier.name} (${tier.code}) is deactivated`)}`, { field, value: input });
}

/** A deactivated management level is no longer given to accounts, whichever door the label came through. */
export function assertActiveLevel(level: ManagementLevel, field: string, input: string): void {
  if (!level.active) throw new DomainError(ErrorCode.INVALID_ENUM, `${field}: ${say(`管理层级 ${level.name} 已停用`, `management level ${level.name} is deactivated`)}`, { field, value: input });
}
