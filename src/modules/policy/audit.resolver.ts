import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Role } from '../../common/enums';
import type { GraphQLContext } from '../../http/graphql-context';
import { PageArgsType } from '../accounts/account.resolver';
import { AuditEventConnection, AuditEventFilterInput } from './policy.types';

/** 访问记录: the audit trail, for ADMIN and the committee. */
@Resolver()
export class AuditTrailResolver {
  @Authorized(Role.COMMITTEE)
  @Query(() => AuditEventConnection, { description: '访问记录（新的在前；管理员与委员会）/ the audit trail, newest first (ADMIN, COMMITTEE)' })
  auditEvents(
    @Ctx() { ctx, services }: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('filter', () => AuditEventFilterInput, { nullable: true }) filter?: AuditEventFilterInput | null,
  ) {
    return services.audit.list(ctx, filter ?? {}, page, services.config.maxPageSize);
  }
}
