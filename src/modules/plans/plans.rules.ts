/**
 * Communication plans and follow-up actions (policy 002) as pure decisions: what a plan's period is,
 * which planned communication an activity fulfils, who may change a follow-up and how it moves. The
 * services call them for one record; the activity effects for every activity of a ledger batch.
 */
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ActivityType, Role } from '../../common/enums';
import { addDays, addMonths, type LocalDate } from '../../common/dates';
import { assertAuthenticated, who } from '../auth/access.rules';
import type { Channel } from '../activities/channel';
import { FollowUpStatus, FollowUpStatuses, PlanStatus } from './plan-status';

/** An activity fulfils a planned communication held up to this many days before or after its day. */
export const PLAN_MATCH_DAYS = 7;

const PERIOD = /^(\d{4})(?:-(\d{2})|Q([1-4])|H([12]))?$/;

/** A plan period — a month (2026-07), quarter (2026Q3), half-year (2026H2) or year (2026) — and its first and last day. */
export function planPeriod(input: string, field = 'period'): { period: string; from: LocalDate; to: LocalDate } {
  const period = input.trim().toUpperCase();
  const m = PERIOD.exec(period);
  const month = m?.[2] ? Number(m[2]) : null;
  if (!m || +m[1] < 1990 || +m[1] > 2100 || (month !== null && (month < 1 || month > 12))) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: "${input}" is not a period (2026-07, 2026Q3, 2026H2 or 2026)`, { field });
  }
  const [startMonth, months] = month !== null ? [month, 1] : m[3] ? [(+m[3] - 1) * 3 + 1, 3] : m[4] ? [m[4] === '1' ? 1 : 7, 6] : [1, 12];
  const from = `${m[1]}-${String(startMonth).padStart(2, '0')}-01`;
  return { period, from, to: addDays(addMonths(from, months), -1) };
}

/** The plan's period: as given (the day must lie in it), else the month of the day. */
export function decidePlanPeriod(scheduledOn: LocalDate, given: string | null | undefined): string {
  if (!given) return scheduledOn.slice(0, 7);
  const p = planPeriod(given);
  if (scheduledOn < p.from || scheduledOn > p.to) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `scheduledOn: ${scheduledOn} is outside the period ${p.period} (${p.from} – ${p.to})`, { field: 'scheduledOn' });
  }
  return p.period;
}

/** `HH:mm`, or null. */
export function planTime(input: string | null | undefined): string | null {
  if (input === null || input === undefined || input.trim() === '') return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(input.trim());
  if (!m || +m[1] > 23 || +m[2] > 59) throw new DomainError(ErrorCode.VALIDATION_FAILED, `scheduledTime: "${input}" is not a time of day (HH:mm)`, { field: 'scheduledTime' });
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}

/** What the matching reads of a plan and of an activity. */
export interface PlanSlot {
  id: number;
  accountId: number;
  scheduledOn: LocalDate;
  activityType: ActivityType | null;
  channel: Channel | null;
  status: PlanStatus;
}
export interface HeldContact {
  id: number;
  accountId: number;
  occurredOn: LocalDate;
  type: ActivityType;
  channel: Channel | null;
}

const dayDistance = (a: LocalDate, b: LocalDate) => Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;

/**
 * The planned communication an activity fulfils: still planned, same account, held within
 * {@link PLAN_MATCH_DAYS} of its day, of its type and channel where the plan names them — the closest
 * one; null when none.
 */
export function matchPlan(plans: readonly PlanSlot[], act: HeldContact): PlanSlot | null {
  const fits = plans.filter((p) =>
    p.status === PlanStatus.PLANNED && p.accountId === act.accountId && dayDistance(p.scheduledOn, act.occurredOn) <= PLAN_MATCH_DAYS &&
    (p.activityType === null || p.activityType === act.type) && (p.channel === null || p.channel === act.channel));
  return fits.sort((x, y) => dayDistance(x.scheduledOn, act.occurredOn) - dayDistance(y.scheduledOn, act.occurredOn) || x.id - y.id)[0] ?? null;
}

/** A planned communication is missed once its day passed while it is still planned. */
export function planMissed(p: Pick<PlanSlot, 'status' | 'scheduledOn'>, today: LocalDate): boolean {
  return p.status === PlanStatus.PLANNED && p.scheduledOn < today;
}

/** A follow-up is overdue while open past its due date. */
export function followUpOverdue(f: { status: FollowUpStatus; dueOn: LocalDate | null }, today: LocalDate): boolean {
  return f.status === FollowUpStatus.OPEN && f.dueOn !== null && f.dueOn < today;
}

/**
 * Who may act on a follow-up: ADMIN, a MANAGER of the account, or its owner (a technical or quality
 * owner completes what was agreed for them). FORBIDDEN otherwise.
 */
export function decideFollowUpChange(actor: Actor, account: { code: string }, manages: boolean, ownerId: number | null, what: string): void {
  assertAuthenticated({ actor } as RequestContext);
  if (actor.role === Role.ADMIN || (actor.role === Role.MANAGER && manages)) return;
  if (actor.userId !== null && ownerId === actor.userId && actor.role !== Role.ANALYST) return;
  throw new DomainError(ErrorCode.FORBIDDEN, `${who(actor)} may not ${what}: needs ADMIN, a MANAGER of account ${account.code}, or the action's owner`, { field: 'id' });
}

/** Open → done or cancelled; a closed action is reopened (back to open) before it changes again. */
export function assertFollowUpTransition(from: FollowUpStatus, to: FollowUpStatus): void {
  const ok = (from === FollowUpStatus.OPEN && to !== FollowUpStatus.OPEN) || (from !== FollowUpStatus.OPEN && to === FollowUpStatus.OPEN);
  if (!ok) {
    throw new DomainError(ErrorCode.INVALID_STATE, `status: a follow-up that is ${FollowUpStatuses.label(from)} cannot become ${FollowUpStatuses.label(to)}${from === to ? ' again' : ''}`, { field: 'status' });
  }
}
