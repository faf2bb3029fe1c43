import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import type { Clock } from '../../common/clock';
import { fenToYuan } from '../../common/money';
import type { AuditService } from '../audit/audit.service';
import type { AccessService } from '../auth/access.service';
import type { Tier } from '../tiers/tier.entity';
import type { ManagementLevel } from '../tiers/management-level.entity';
import type { AccountFigures, TierService } from '../tiers/tier.service';
import type { LocalDate } from '../../common/dates';
import { ReviewEngine } from './review-engine';
import { TierReview } from './tier-review.entity';
import { ManagementLevelReview } from './management-level-review.entity';

export { parsePeriod, type ReviewFilter as TierReviewFilter, type ReviewRun as TierReviewRun } from './review-engine';

export interface ProposeTierChangeInput {
  accountId: number;
  /** The proposed tier: code, name or alias. */
  toTier: string;
  reason: string | null;
}

export interface ProposeLevelChangeInput {
  accountId: number;
  /** The proposed management level: code, name or alias (公司级, BRANCH…). */
  toLevel: string;
  reason: string | null;
}

const wan = (fen: number | null) => (fen === null ? '—' : `${(fenToYuan(fen) / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 2 })}万元`);

/**
 * 级别复核: tiers change only when the committee approves a proposal; `start(period)` proposes, once per
 * half-year, every live account whose annual sales call for another tier.
 */
export class TierReviewService extends ReviewEngine<TierReview> {
  constructor(ds: DataSource, audit: AuditService, access: AccessService, tiers: TierService, clock: Clock, maxPageSize: () => number) {
    super(ds, audit, access, clock, maxPageSize, {
      entity: TierReview, lock: 'tier-review', what: 'tier review', label: '客户级别', auditPrefix: 'tierReview',
      from: 'fromTierId', to: 'toTierId', accountColumn: 'tierId', field: 'toTier', proposeMutation: 'proposeTierChange',
      resolve: (input, field) => tiers.resolve(input, field),
      get: (ctx, id) => tiers.get(ctx, id),
      suggest: async (ctx, accounts, period) => {
        const [suggestions, all] = await Promise.all([tiers.suggestions(ctx, accounts.map((a) => a.id), periodSalesWindow(period)), tiers.list()]);
        return new Map(accounts.map((a) => {
          const s = suggestions.get(a.id);
          return [a.id, s?.tier ? { target: s.tier, reason: tierReason(period, s.figures, all, a.tierId, s.tier) } : null];
        }));
      },
    });
  }

  /** A manager (for an account it manages) or the committee proposes a tier change, with a reason. */
  propose(ctx: RequestContext, input: ProposeTierChangeInput & { period?: string | null }): Promise<TierReview> {
    return this.proposeChange(ctx, { accountId: input.accountId, to: input.toTier, reason: input.reason, period: input.period });
  }
}

/**
 * The sales a review period judges: for 2026H1 the calendar year 2025; for 2026H2 the 12 months to
 * 2026-06-30; for a yearly list (2026) the calendar year 2025 — whole periods that have ended, so running
 * a review again gives the same proposals.
 */
export function periodSalesWindow(period: string): { from: LocalDate; to: LocalDate } {
  const m = /^(\d{4})(H([12]))?$/.exec(period);
  if (!m) throw new Error(`not a review period: ${period}`);
  const y = Number(m[1]);
  return m[3] === '2' ? { from: `${y - 1}-07-01`, to: `${y}-06-30` } : { from: `${y - 1}-01-01`, to: `${y - 1}-12-31` };
}

/**
 * 管理层级复核 (policy 004): 公司级 / 分公司级 follow from the follow-up contract value (summed over the
 * group), proposed and decided like a tier; `start(period)` proposes every live account whose figures
 * call for another level.
 */
export class ManagementLevelReviewService extends ReviewEngine<ManagementLevelReview> {
  constructor(ds: DataSource, audit: AuditService, access: AccessService, tiers: TierService, clock: Clock, maxPageSize: () => number) {
    super(ds, audit, access, clock, maxPageSize, {
      entity: ManagementLevelReview, lock: 'level-review', what: 'management-level review', label: '管理层级', auditPrefix: 'levelReview',
      from: 'fromLevelId', to: 'toLevelId', accountColumn: 'managementLevelId', field: 'toLevel', proposeMutation: 'proposeManagementLevelChange',
      resolve: (input, field) => tiers.resolveManagementLevel(input, field),
      get: (ctx, id) => tiers.getManagementLevel(ctx, id),
      suggest: async (ctx, accounts, period) => {
        const [suggestions, all] = await Promise.all([tiers.suggestions(ctx, accounts.map((a) => a.id)), tiers.listManagementLevels()]);
        return new Map(accounts.map((a) => {
          const s = suggestions.get(a.id);
          return [a.id, s?.level ? { target: s.level, reason: levelReason(period, s.figures, all, a.managementLevelId, s.level) } : null];
        }));
      },
    });
  }

  /** A manager (for an account it manages) or the committee proposes a level change, with a reason. */
  propose(ctx: RequestContext, input: ProposeLevelChangeInput): Promise<ManagementLevelReview> {
    return this.proposeChange(ctx, { accountId: input.accountId, to: input.toLevel, reason: input.reason });
  }
}

export function tierReason(period: string, f: AccountFigures, tiers: Tier[], fromId: number | null, to: Tier): string {
  const from = tiers.find((t) => t.id === fromId);
  const span = `${f.salesFrom} 至 ${f.salesTo}`;
  const basis = to.sumOverGroup && f.groupSize > 1 ? `集团合计年合作销售额（记录，${span}）${wan(f.groupRecordedSalesFen)}` : `年合作销售额（记录，${span}）${wan(f.recordedSalesFen)}`;
  return `${period} 级别复核：${basis}，按门槛建议由「${from?.name ?? '未定级'}」调整为「${to.name}」/ review: the recorded figures call for ${to.code}`;
}

function levelReason(period: string, f: AccountFigures, levels: ManagementLevel[], fromId: number | null, to: ManagementLevel): string {
  const from = levels.find((l) => l.id === fromId);
  const basis = to.sumOverGroup && f.groupSize > 1 ? `集团合计后续合同成交额 ${wan(f.groupExpectedContractValueFen)}` : `后续合同成交额 ${wan(f.expectedContractValueFen)}`;
  return `${period} 管理层级复核：${basis}，按门槛建议由「${from?.name ?? '未定'}」调整为「${to.name}」/ half-yearly review: the follow-up contract value calls for ${to.code}`;
}
