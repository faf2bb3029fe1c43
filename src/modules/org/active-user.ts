/** Who can be given a responsibility (an owner, a successor, a team seat): an existing, active user. */
import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors';
import { User } from './user.entity';

/** The user, or NOT_FOUND / VALIDATION_FAILED (no longer active) naming `field`. */
export async function activeUser(em: EntityManager, id: number, field: string): Promise<User> {
  const user = await em.findOneBy(User, { id });
  if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `${field}: user ${id} not found`, { field });
  if (!user.active) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${user.name} is no longer active`, { field });
  return user;
}
