import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';
import { toId } from '../../common/ids';
import { ConnectionType, PageArgsType, type SortOrder } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { OrgUnit } from './org-unit.entity';
import { User } from './user.entity';
import { CreateOrgUnitInput, CreateUserGqlInput, OrgUnitFilterInput, OrgUnitOrder, UpdateOrgUnitInput, UpdateUserGqlInput, UserFilterInput, UserOrder } from './org.inputs';
import type { UnitSortField, UserSortField } from './org.service';

export const OrgUnitConnection = ConnectionType(OrgUnit, 'OrgUnit');
export const UserConnection = ConnectionType(User, 'User');

@Resolver(() => OrgUnit)
export class OrgUnitResolver {
  @Authorized()
  @Query(() => OrgUnitConnection, { description: '单位列表 / units, filtered, sorted, paged' })
  orgUnits(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => OrgUnitFilterInput, { nullable: true }) filter?: OrgUnitFilterInput | null,
    @Arg('orderBy', () => OrgUnitOrder, { nullable: true }) orderBy?: SortOrder<UnitSortField> | null,
  ) {
    return services.org.pageUnits(ctx, filter, page, orderBy, loaders.connectionColumns(OrgUnit, info));
  }

  @Authorized()
  @Query(() => OrgUnit, { nullable: true, description: '按 id 或编码取一个单位 / one unit by id or code' })
  async orgUnit(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('code', () => String, { nullable: true, description: '单位编码 / unit code' }) code?: string | null,
  ) {
    if (id != null) return services.org.getUnit(ctx, toId(id, 'id')).catch(nullIfNotFound);
    return code != null ? services.org.findUnitByCode(ctx, code) : null;
  }

  @Authorized()
  @Mutation(() => OrgUnit, { description: '新建单位（ADMIN）/ create a unit (ADMIN)' })
  createOrgUnit(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateOrgUnitInput) input: CreateOrgUnitInput) {
    return services.org.createUnit(ctx, input);
  }

  @Authorized()
  @Mutation(() => OrgUnit, { description: '修改单位（ADMIN）/ change a unit (ADMIN)' })
  updateOrgUnit(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdateOrgUnitInput) input: UpdateOrgUnitInput,
  ) {
    return services.org.updateUnit(ctx, id, input, version);
  }

  @Authorized()
  @Mutation(() => ID, { description: '删除无人引用的单位（ADMIN）；否则 CONFLICT，请停用 / delete an unused unit (ADMIN); CONFLICT otherwise — deactivate it' })
  async deleteOrgUnit(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.org.deleteUnit(ctx, id, version)).id;
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '上级单位 / parent unit' })
  parent(@Root() u: OrgUnit, @Ctx() { loaders }: GraphQLContext) {
    return u.parentId == null ? null : loaders.byId(OrgUnit).load(u.parentId);
  }

  @FieldResolver(() => [OrgUnit], { description: '下级单位 / units directly below' })
  children(@Root() u: OrgUnit, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(OrgUnit, 'parentId', {}, loaders.columnsFor(OrgUnit, info)).load(u.id);
  }

  @FieldResolver(() => [User], { description: '本单位用户 / users of this unit' })
  users(@Root() u: OrgUnit, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(User, 'unitId', {}, loaders.columnsFor(User, info)).load(u.id);
  }
}

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => UserConnection, { description: '用户列表 / users, filtered, sorted, paged' })
  users(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => UserFilterInput, { nullable: true }) filter?: UserFilterInput | null,
    @Arg('orderBy', () => UserOrder, { nullable: true }) orderBy?: SortOrder<UserSortField> | null,
  ) {
    return services.org.pageUsers(ctx, filter, page, orderBy, loaders.connectionColumns(User, info));
  }

  @Authorized()
  @Query(() => User, { nullable: true, description: '按 id 或登录名取一个用户 / one user by id or login' })
  user(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('login', () => String, { nullable: true, description: '登录名 / login' }) login?: string | null,
  ) {
    if (id != null) return services.org.getUser(ctx, toId(id, 'id')).catch(nullIfNotFound);
    return login != null ? services.org.findUserByLogin(ctx, login) : null;
  }

  @Authorized()
  @Mutation(() => User, { description: '新建用户（ADMIN）/ create a user (ADMIN)' })
  createUser(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateUserGqlInput) input: CreateUserGqlInput) {
    return services.org.createUser(ctx, input);
  }

  @Authorized()
  @Mutation(() => User, { description: '修改用户（ADMIN）/ change a user (ADMIN)' })
  updateUser(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdateUserGqlInput) input: UpdateUserGqlInput,
  ) {
    return services.org.updateUser(ctx, id, input, version);
  }

  @Authorized()
  @Mutation(() => ID, { description: '删除误建的用户（ADMIN）；有客户、项目、记录时 CONFLICT，请停用 / delete a user entered by mistake (ADMIN); CONFLICT when referenced — deactivate instead' })
  async deleteUser(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.org.deleteUser(ctx, id, version)).id;
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '所属单位 / unit' })
  unit(@Root() u: User, @Ctx() { loaders }: GraphQLContext) {
    return u.unitId == null ? null : loaders.byId(OrgUnit).load(u.unitId);
  }

  @FieldResolver(() => [Account], { description: '负责的大客户 / accounts this user manages' })
  managedAccounts(@Root() u: User, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Account, 'managerId', {}, loaders.columnsFor(Account, info)).load(u.id);
  }
}
