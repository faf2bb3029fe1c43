import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Field, ID, Info, InputType, Query, registerEnumType, Resolver } from 'type-graphql';
import { ConnectionType, OrderInputType, PageArgsType, type SortOrder } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { nullIfNotFound } from '../../common/graphql-types';
import { AuditEvent } from './audit-event.entity';
import { AuditEventSortField, type AuditEventFilter } from './audit.service';

registerEnumType(AuditEventSortField, { name: 'AuditEventOrderField', description: '访问记录排序字段 / audit event sort fields', valuesConfig: { ID: { description: '记录顺序 / order recorded' } } });

export const AuditEventOrder = OrderInputType<AuditEventSortField>(AuditEventSortField, 'AuditEvent');
export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent');

@InputType('AuditEventFilter', { description: '访问记录筛选 / audit event filter' })
export class AuditEventFilterInput implements AuditEventFilter {
  @Field(() => String, { nullable: true, description: '对象类型，如 Account / entity type' })
  entity?: string | null;

  @Field(() => [ID], { nullable: true, description: '对象 id / entity ids' })
  entityIds?: string[] | null;

  @Field(() => String, { nullable: true, description: '对象标识 / one entity id' })
  entityId?: string | null;

  @Field(() => String, { nullable: true, description: '动作，或以 * 结尾的前缀，如 tierReview.* / one action, or a prefix ending in *' })
  action?: string | null;

  @Field(() => [String], { nullable: true, description: '动作，如 account.update / actions' })
  actions?: string[] | null;

  @Field(() => String, { nullable: true, description: '操作人 / actor' })
  actor?: string | null;

  @Field(() => Date, { nullable: true, description: '起（含）/ from' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: '止（含）/ to' })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: '请求标识 / request id' })
  requestId?: string | null;
}

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Authorized()
  @Query(() => AuditEventConnection, { description: '访问记录（ADMIN、COMMITTEE；默认最新在前）/ the audit trail (ADMIN, COMMITTEE; newest first by default)' })
  auditEvents(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => AuditEventFilterInput, { nullable: true }) filter?: AuditEventFilterInput | null,
    @Arg('orderBy', () => AuditEventOrder, { nullable: true }) orderBy?: SortOrder<AuditEventSortField> | null,
  ) {
    return services.audit.list(ctx, filter, page, orderBy, loaders.connectionColumns(AuditEvent, info));
  }

  @Authorized()
  @Query(() => AuditEvent, { nullable: true, description: '按 id 取一条访问记录（ADMIN、COMMITTEE）/ one audit event by id (ADMIN, COMMITTEE)' })
  auditEvent(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.audit.get(ctx, id).catch(nullIfNotFound);
  }
}
