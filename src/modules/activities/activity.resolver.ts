import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';
import { ConnectionType, PageArgsType, type SortOrder } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { Project } from '../projects/project.entity';
import { Payment } from '../projects/payment.entity';
import { Activity } from './activity.entity';
import { ActivityFilterInput, ActivityOrder, CreateActivityInput, UpdateActivityInput } from './activity.inputs';
import type { ActivitySortField } from './activity.service';

export const ActivityConnection = ConnectionType(Activity, 'Activity');

@Resolver(() => Activity)
export class ActivityResolver {
  @Authorized()
  @Query(() => ActivityConnection, { description: '经营档案列表 / activities, filtered, sorted, paged' })
  activities(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => ActivityFilterInput, { nullable: true }) filter?: ActivityFilterInput | null,
    @Arg('orderBy', () => ActivityOrder, { nullable: true }) orderBy?: SortOrder<ActivitySortField> | null,
  ) {
    return services.activities.list(ctx, filter, page, orderBy, loaders.connectionColumns(Activity, info));
  }

  @Authorized()
  @Query(() => Activity, { nullable: true, description: '按 id 取一条经营档案 / one activity by id' })
  activity(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.activities.get(ctx, id).catch(nullIfNotFound);
  }

  @Authorized()
  @Mutation(() => Activity, { description: '新增经营档案记录（ADMIN 或该客户的 MANAGER）/ log an activity (ADMIN or the account\'s MANAGER)' })
  createActivity(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateActivityInput) input: CreateActivityInput) {
    return services.activities.create(ctx, input);
  }

  @Authorized()
  @Mutation(() => Activity, { description: '修改经营档案记录（ADMIN 或该客户的 MANAGER）/ change an activity (ADMIN or the account\'s MANAGER)' })
  updateActivity(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdateActivityInput) input: UpdateActivityInput,
  ) {
    return services.activities.update(ctx, id, input, version);
  }

  @Authorized()
  @Mutation(() => ID, { description: '删除经营档案记录及其回款（ADMIN 或该客户的 MANAGER）/ delete an activity and the payment recorded with it' })
  async deleteActivity(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.activities.delete(ctx, id, version)).id;
  }

  @FieldResolver(() => Account, { description: '大客户 / account' })
  account(@Root() a: Activity, @Ctx() { loaders }: GraphQLContext) {
    return loaders.byId(Account).load(a.accountId);
  }

  @FieldResolver(() => User, { nullable: true, description: '客户经理 / manager' })
  manager(@Root() a: Activity, @Ctx() { loaders }: GraphQLContext) {
    return a.managerId == null ? null : loaders.byId(User).load(a.managerId);
  }

  @FieldResolver(() => [User], { description: '我方参与人员（用户）/ our participants as users' })
  async participantUsers(@Root() a: Activity, @Ctx() { loaders }: GraphQLContext) {
    const users = await Promise.all((a.participantIds ?? []).filter(Boolean).map((id) => loaders.byId(User).load(Number(id))));
    return users.filter((u): u is User => u !== null);
  }

  @FieldResolver(() => Project, { nullable: true, description: '项目 / project' })
  project(@Root() a: Activity, @Ctx() { loaders }: GraphQLContext) {
    return a.projectId == null ? null : loaders.byId(Project).load(a.projectId);
  }

  @FieldResolver(() => Payment, { nullable: true, description: '随本记录登记的回款 / the payment recorded with this activity' })
  async payment(@Root() a: Activity, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return (await loaders.manyBy(Payment, 'activityId', {}, loaders.columnsFor(Payment, info)).load(a.id))[0] ?? null;
  }
}
