/**
 * Complaints, quality problems and service requests as pure decisions (policy 000's service desk;
 * policy 003: strategic accounts' quality problems first, verified, answered on time): which ledger
 * rows are complaints, the due date by severity and tier, who may do what, how an item moves, and the
 * order the desk works in. The service calls them for one item, the ledger effect for a whole batch.
 */
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ActivityType, IntelTag, Role } from '../../common/enums';
import { addDays, type LocalDate } from '../../common/dates';
import { assertAuthenticated, who } from '../auth/access.rules';
import { ComplaintKind, ComplaintSeverity, ComplaintStatus, ComplaintStatuses } from './complaint-vocabulary';

/** Days to answer when no deadline row applies. */
export const FALLBACK_DAYS: Record<ComplaintSeverity, number> = { CRITICAL: 3, MAJOR: 7, NORMAL: 15, MINOR: 30 };

const SEVERITY_RANK: Record<ComplaintSeverity, number> = { CRITICAL: 0, MAJOR: 1, NORMAL: 2, MINOR: 3 };

/** What a ledger row records: a complaint (投诉处理, or tagged 投诉), a quality problem (质量交流 tagged 问题), or nothing. */
export function complaintKindOf(act: { type: ActivityType; intelTags: readonly (IntelTag | string)[] | null }): ComplaintKind | null {
  const tags = act.intelTags ?? [];
  if (act.type === ActivityType.COMPLAINT || tags.includes(IntelTag.COMPLAINT)) return ComplaintKind.COMPLAINT;
  if (act.type === ActivityType.QUALITY_EXCHANGE && tags.includes(IntelTag.ISSUE)) return ComplaintKind.QUALITY;
  return null;
}

/** Days to answer an item of `severity` from an account of `tierId`: the tier's row, else the row for every tier, else the fallback. */
export function answerDays(severity: ComplaintSeverity, tierId: number | null, deadlines: readonly { severity: ComplaintSeverity; tierId: number | null; days: number }[]): number {
  return (deadlines.find((d) => d.severity === severity && d.tierId !== null && d.tierId === tierId) ?? deadlines.find((d) => d.severity === severity && d.tierId === null))?.days ?? FALLBACK_DAYS[severity];
}

export function dueOn(reportedOn: LocalDate, severity: ComplaintSeverity, tierId: number | null, deadlines: readonly { severity: ComplaintSeverity; tierId: number | null; days: number }[]): LocalDate {
  return addDays(reportedOn, answerDays(severity, tierId, deadlines));
}

/** Open past its due date (not yet answered). */
export function complaintOverdue(c: { status: ComplaintStatus; dueOn: LocalDate }, today: LocalDate): boolean {
  return c.status !== ComplaintStatus.CLOSED && c.dueOn < today;
}

/** Answered by its due date (null while not answered). */
export function answeredOnTime(c: { status: ComplaintStatus; dueOn: LocalDate; repliedOn: LocalDate | null }): boolean | null {
  return c.status === ComplaintStatus.CLOSED && c.repliedOn !== null ? c.repliedOn <= c.dueOn : null;
}

/** The desk's order: strategic (highest-ranked tier) first, then severity, then the due date. */
export function complaintPriority(a: { tierRank: number; severity: ComplaintSeverity; dueOn: LocalDate; id: number }, b: typeof a): number {
  return a.tierRank - b.tierRank || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0) || a.id - b.id;
}

/**
 * Who may record or change an item: ADMIN, a MANAGER of the account, or — for the steps of handling it
 * (`step`) — its owner. FORBIDDEN otherwise.
 */
export function decideComplaintWrite(actor: Actor, account: { code: string }, manages: boolean, ownerId: number | null, what: string, step = false): void {
  assertAuthenticated({ actor } as RequestContext);
  if (actor.role === Role.ADMIN || (actor.role === Role.MANAGER && manages)) return;
  if (step && actor.userId !== null && actor.userId === ownerId && actor.role !== Role.ANALYST) return;
  throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not ${what}: needs ADMIN, a MANAGER of account ${account.code}${step ? ', or the item\'s owner' : ''}`, { field: 'id' });
}

/**
 * The verification is someone else's than the resolution's (四眼原则): ADMIN, the committee, or a
 * MANAGER of the account — never the person who resolved it.
 */
export function decideVerification(actor: Actor, account: { code: string }, manages: boolean, resolvedById: number | null): void {
  assertAuthenticated({ actor } as RequestContext);
  const may = actor.role === Role.ADMIN || actor.role === Role.COMMITTEE || (actor.role === Role.MANAGER && manages);
  if (!may) throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not verify items of account ${account.code}: needs ADMIN, COMMITTEE or a MANAGER of the account`, { field: 'id' });
  if (actor.userId !== null && actor.userId === resolvedById) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'id: 解决人不能验证自己的处理结果 / the person who resolved it does not verify it', { field: 'id' });
  }
}

/** The lifecycle: 处理中 → 已解决 → 已验证 → 已答复关闭; a failed verification sends it back to 处理中. */
export function assertComplaintStep(from: ComplaintStatus, to: ComplaintStatus): void {
  const next: Record<ComplaintStatus, ComplaintStatus[]> = {
    OPEN: [ComplaintStatus.RESOLVED],
    RESOLVED: [ComplaintStatus.VERIFIED, ComplaintStatus.OPEN],
    VERIFIED: [ComplaintStatus.CLOSED],
    CLOSED: [],
  };
  if (!next[from].includes(to)) {
    const how = to === ComplaintStatus.CLOSED ? '；须先解决并经验证 / resolve and verify it first' : to === ComplaintStatus.VERIFIED ? '；须先解决 / resolve it first' : '';
    throw new DomainError(ErrorCode.INVALID_STATE, `status: ${ComplaintStatuses.label(from)} → ${ComplaintStatuses.label(to)} is not a step${how}`, { field: 'status' });
  }
}
