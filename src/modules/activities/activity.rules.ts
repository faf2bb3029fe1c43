/**
 * What an activity record must say to be believed, as pure decisions the API and every ledger row
 * (附件4) share: how it took place (a visit is face to face, a phone call is by phone — the rhythm rules
 * count by channel, so a call may not pass for a visit), and that a follow-up it agreed is due on or
 * after the day it was agreed.
 */
import { DomainError, ErrorCode } from '../../common/errors';
import { ActivityType, ActivityTypes, Role } from '../../common/enums';
import type { Actor } from '../../common/context';
import type { LocalDate } from '../../common/dates';
import { Channel, Channels } from './channel';

/** The only channels an activity type admits; types not listed take any. */
const CHANNELS_OF: Partial<Record<ActivityType, readonly Channel[]>> = {
  [ActivityType.EXECUTIVE_VISIT]: [Channel.FACE_TO_FACE],
  [ActivityType.MANAGER_VISIT]: [Channel.FACE_TO_FACE],
  [ActivityType.HOSTING]: [Channel.FACE_TO_FACE],
  [ActivityType.PHONE_CALL]: [Channel.PHONE],
};

/** The channel a record of `type` has when it names none: the one its type admits, else unknown (null). */
export function defaultChannel(type: ActivityType): Channel | null {
  const only = CHANNELS_OF[type];
  return only && only.length === 1 ? only[0] : null;
}

/** The activity's channel: as given, else its type's; VALIDATION_FAILED when the type does not admit it. */
export function decideChannel(type: ActivityType, given: Channel | null): Channel | null {
  if (given === null) return defaultChannel(type);
  const only = CHANNELS_OF[type];
  if (only && !only.includes(given)) {
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `channel: ${ActivityTypes.label(type)}只能是${only.map((c) => Channels.label(c)).join('或')}，不能记为${Channels.label(given)}（按方式计算沟通频次）/ a ${type} is ${only.join(' or ')}, not ${given}: log it as the activity it was`,
      { field: 'channel' },
    );
  }
  return given;
}

/** A follow-up agreed at an activity falls due on or after the day it was agreed. */
export function assertNextActionDue(occurredOn: LocalDate, nextActionDue: LocalDate | null): void {
  if (nextActionDue !== null && nextActionDue < occurredOn) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `nextActionDue: 完成期限 ${nextActionDue} 早于活动日期 ${occurredOn} / the follow-up is due before the activity took place`, { field: 'nextActionDue' });
  }
}

/**
 * The activity's manager: a MANAGER logs its own activities (itself when none is given) and may not
 * put another user's name on one (FORBIDDEN); other writers give it as they like.
 */
export function decideActivityManager(actor: Actor, given: number | null | undefined): number | null | undefined {
  if (actor.role !== Role.MANAGER) return given;
  if (given != null && given !== actor.userId) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'managerId: a manager logs its own activities; another manager\'s are theirs to log', { field: 'managerId' });
  }
  return actor.userId;
}
