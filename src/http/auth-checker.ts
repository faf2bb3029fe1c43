import type { AuthChecker } from 'type-graphql';
import { DomainError, ErrorCode } from '../common/errors';
import { Role } from '../common/enums';
import type { GraphQLContext } from './graphql-context';

/**
 * `@Authorized()` = any authenticated caller; `@Authorized(Role.X, …)` = those roles (ADMIN always passes).
 * No credentials → UNAUTHENTICATED, wrong role → FORBIDDEN.
 */
export const authChecker: AuthChecker<GraphQLContext, Role> = ({ context }, roles) => {
  const actor = context.ctx.actor;
  if (actor.kind === 'anonymous') {
    throw new DomainError(ErrorCode.UNAUTHENTICATED, 'authentication required: send "Authorization: Bearer <API key>"');
  }
  if (roles.length === 0 || actor.role === Role.ADMIN || roles.includes(actor.role)) return true;
  throw new DomainError(ErrorCode.FORBIDDEN, `role ${actor.role} may not do this (needs ${roles.join(' or ')})`);
};
