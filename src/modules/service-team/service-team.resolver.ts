import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nullIfNotFound } from '../../common/graphql-types';
import type DataLoader from 'dataloader';
import { Role } from '../../common/enums';
import { toId, toIdOrNull } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { Tier } from '../tiers/tier.entity';
import { TeamMember } from './team-member.entity';
import { TeamRequirement } from './team-requirement.entity';
import { TeamRole } from './team-role.entity';
import { AssignTeamMemberInput, ServiceTeamGap, ServiceTeamSeat, TeamGapFilterInput, TeamRequirementInput, TeamRoleInput } from './service-team.inputs';
import type { TeamSeat } from './service-team.service';

function seats({ ctx, services, loaders }: GraphQLContext): DataLoader<number, TeamSeat[]> {
  return loaders.custom<number, TeamSeat[]>('serviceTeam', async (ids) => {
    const found = await services.team.seats(ctx, ids);
    return ids.map((id) => found.get(id) ?? []);
  });
}

/** 服务团队: roles and requirements (data), seats with history, and the gaps. */
@Resolver(() => TeamMember)
export class ServiceTeamResolver {
  @Authorized()
  @Query(() => [TeamRole], { description: '服务团队角色 / team roles' })
  teamRoles(@Ctx() { ctx, services }: GraphQLContext) {
    return services.team.listRoles(ctx);
  }

  @Authorized()
  @Query(() => [TeamRequirement], { description: '团队配置要求 / which roles each tier must have filled' })
  teamRequirements(@Ctx() { ctx, services }: GraphQLContext) {
    return services.team.listRequirements(ctx);
  }

  @Authorized()
  @Query(() => TeamRole, { nullable: true, description: '按 id 取一个服务团队角色 / one team role by id' })
  teamRole(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.team.getRole(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized()
  @Query(() => TeamRequirement, { nullable: true, description: '按 id 取一条团队配置要求 / one team requirement by id' })
  teamRequirement(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.team.getRequirement(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized()
  @Query(() => [ServiceTeamGap], { description: '服务团队缺口：应配未配的角色（合作中客户）/ required seats that are empty on live accounts' })
  async serviceTeamGaps(@Ctx() { ctx, services }: GraphQLContext, @Arg('filter', () => TeamGapFilterInput, { nullable: true }) filter?: TeamGapFilterInput | null) {
    const f = filter ?? {};
    return services.team.gaps(ctx, {
      accountIds: f.accountIds?.map((id) => toId(id, 'filter.accountIds')) ?? null,
      tierIds: f.tierCodes ? await Promise.all(f.tierCodes.map(async (c) => (await services.tiers.lookupOrFail(c, 'filter.tierCodes')).id)) : null,
      ownerUnitId: toIdOrNull(f.ownerUnitId, 'filter.ownerUnitId'),
      managerId: toIdOrNull(f.managerId, 'filter.managerId'),
    });
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => TeamMember, { description: '指派服务团队成员（ADMIN、委员会或该客户的 MANAGER）/ seat someone in a role (ADMIN, COMMITTEE or the account\'s MANAGER)' })
  assignTeamMember(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => AssignTeamMemberInput) input: AssignTeamMemberInput) {
    return services.team.assign(ctx, { ...input, accountId: toId(input.accountId, 'accountId'), userId: toId(input.userId, 'userId') });
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => TeamMember, { description: '结束服务团队任职 / end a seat' })
  endTeamMember(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('toDate', () => LocalDateScalar, { nullable: true }) toDate?: string | null,
    @Arg('note', () => String, { nullable: true }) note?: string | null,
  ) {
    return services.team.end(ctx, toId(id, 'id'), toDate, note);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => TeamRole, { description: '新建服务团队角色（管理员）/ create a team role (ADMIN)' })
  createTeamRole(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => TeamRoleInput) input: TeamRoleInput) {
    return services.team.createRole(ctx, input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => TeamRole, { description: '修改服务团队角色（管理员）/ change a team role (ADMIN)' })
  updateTeamRole(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('input', () => TeamRoleInput) input: TeamRoleInput) {
    return services.team.updateRole(ctx, toId(id, 'id'), input);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TeamRequirement, { description: '设置团队配置要求（委员会）/ set a team requirement (committee)' })
  setTeamRequirement(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => TeamRequirementInput) input: TeamRequirementInput) {
    return services.team.setRequirement(ctx, input);
  }

  @Authorized(Role.COMMITTEE)
  @Mutation(() => TeamRequirement, { description: '删除团队配置要求（委员会）/ delete a team requirement (committee)' })
  deleteTeamRequirement(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.team.deleteRequirement(ctx, toId(id, 'id'));
  }

  @FieldResolver(() => TeamRole, { nullable: true })
  role(@Root() m: TeamMember, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(TeamRole, m.roleId);
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Root() m: TeamMember, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, m.userId);
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() m: TeamMember, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, m.accountId);
  }
}

@Resolver(() => ServiceTeamSeat)
export class ServiceTeamSeatResolver {
  @FieldResolver(() => TeamRole, { nullable: true })
  role(@Root() s: ServiceTeamSeat, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(TeamRole, s.roleId);
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Root() s: ServiceTeamSeat, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, s.userId);
  }
}

@Resolver(() => ServiceTeamGap)
export class ServiceTeamGapResolver {
  @FieldResolver(() => Account, { nullable: true })
  account(@Root() g: ServiceTeamGap, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Account, g.accountId);
  }

  @FieldResolver(() => TeamRole, { nullable: true })
  role(@Root() g: ServiceTeamGap, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(TeamRole, g.requirement.roleId);
  }

  @FieldResolver(() => User, { nullable: true, description: '已离职的原任者 / the inactive holder' })
  user(@Root() g: ServiceTeamGap, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, g.userId);
  }
}

@Resolver(() => TeamRequirement)
export class TeamRequirementResolver {
  @FieldResolver(() => Tier, { nullable: true })
  tier(@Root() r: TeamRequirement, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(Tier, r.tierId);
  }

  @FieldResolver(() => TeamRole, { nullable: true })
  role(@Root() r: TeamRequirement, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(TeamRole, r.roleId);
  }
}

@Resolver(() => Account)
export class AccountTeamResolver {
  @FieldResolver(() => [ServiceTeamSeat], { description: '服务团队（当前）：客户经理与各角色负责人 / the current service team: the account manager and every seated role' })
  serviceTeam(@Root() a: Account, @Ctx() gctx: GraphQLContext) {
    return seats(gctx).load(a.id);
  }

  @FieldResolver(() => [TeamMember], { description: '服务团队任职记录（全部历史）/ every seat ever held, oldest first' })
  serviceTeamHistory(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return loaders.manyBy(TeamMember, 'accountId', { fromDate: 'ASC' }).load(a.id);
  }
}
