/** Who an activity is logged for — pure, for the API and every 附件4 row alike. */
import type { Actor } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { Role } from '../../common/enums';

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
