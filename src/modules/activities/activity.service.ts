import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ActivityTypes, IntelTags, RecordSource, type ActivityType } from '../../common/enums';
import { assertLocalDate } from '../../common/dates';
import { yuanToFen } from '../../common/money';
import { cleanText, normalizeText } from '../../common/text';
import { managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { Activity } from './activity.entity';

export interface ActivityInput {
  accountId: number;
  managerId?: number | null;
  occurredOn: string;
  type: string;
  participants?: string | null;
  counterparts?: string | null;
  subject?: string | null;
  summary?: string | null;
  outcome?: string | null;
  nextAction?: string | null;
  nextActionDue?: string | null;
  projectId?: number | null;
  intelTags?: string[] | null;
  contractAmount?: number | null;
  paymentAmount?: number | null;
  source?: RecordSource;
}

/**
 * A ledger row's natural key: account + date + type + content (subject and summary, normalised), so
 * the same row imported twice — even re-saved by another program — is recognised.
 */
export function activityNaturalKey(accountId: number, occurredOn: string, type: ActivityType, subject: string | null, summary: string | null): string {
  const content = [subject, summary].map((s) => normalizeText(s ?? '')).join('\u001f');
  return createHash('sha256').update([accountId, occurredOn, type, content].join('\u001e')).digest('hex');
}

/** 经营档案: visits, exchanges and other events logged by account managers. */
export class ActivityService {
  constructor(private readonly ds: DataSource) {}

  normalize(input: ActivityInput): Partial<Activity> {
    const occurredOn = assertLocalDate(input.occurredOn, 'occurredOn');
    const type = ActivityTypes.parse(input.type, 'type');
    const subject = cleanText(input.subject);
    const summary = cleanText(input.summary);
    if (!subject && !summary) throw new DomainError(ErrorCode.REQUIRED, 'summary: an activity needs a subject or a summary', { field: 'summary' });
    const money = (v: number | null | undefined, field: string) => {
      if (v == null) return null;
      if (v < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${field}: must not be negative`, { field });
      return yuanToFen(v, field);
    };
    return {
      accountId: input.accountId,
      managerId: input.managerId ?? null,
      occurredOn,
      type,
      participants: cleanText(input.participants),
      counterparts: cleanText(input.counterparts),
      subject,
      summary,
      outcome: cleanText(input.outcome),
      nextAction: cleanText(input.nextAction),
      nextActionDue: input.nextActionDue ? assertLocalDate(input.nextActionDue, 'nextActionDue') : null,
      projectId: input.projectId ?? null,
      intelTags: [...new Set((input.intelTags ?? []).map((t) => IntelTags.parse(t, 'intelTags')))],
      contractAmountFen: money(input.contractAmount, 'contractAmount'),
      paymentAmountFen: money(input.paymentAmount, 'paymentAmount'),
      naturalKey: activityNaturalKey(input.accountId, occurredOn, type, subject, summary),
      source: input.source ?? RecordSource.MANUAL,
    };
  }

  async createMany(ctx: RequestContext, inputs: ActivityInput[]): Promise<void> {
    await bulkInsert(managerFor(this.ds, ctx), Activity, inputs.map((i) => ({ ...this.normalize(i), version: 1 })));
  }
}
