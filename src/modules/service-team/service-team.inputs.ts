/** GraphQL inputs and results of the account's service team. */
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../common/scalars';
import { TeamMember } from './team-member.entity';
import { TeamRequirement } from './team-requirement.entity';
import { TeamGapReason } from './service-team.rules';

@InputType({ description: '指派服务团队成员 / seat someone in a role on an account' })
export class AssignTeamMemberInput {
  @Field(() => ID)
  accountId!: string;

  @Field({ description: '角色（编码、名称或别名，如 技术负责人）/ role (code, name or alias)' })
  role!: string;

  @Field(() => ID, { description: '人员 / user id' })
  userId!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '起始日期（默认今天；原任者同日卸任）/ from (default today; the previous holder leaves the seat that day)' })
  fromDate?: string | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType({ description: '服务团队角色 / team role fields' })
export class TeamRoleInput {
  @Field(() => String, { nullable: true, description: '编码 / code (on create)' })
  code?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Int, { nullable: true })
  rank?: number | null;

  @Field(() => [String], { nullable: true })
  aliases?: string[] | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
}

@InputType({ description: '团队配置要求 / a role the accounts of a tier must have filled' })
export class TeamRequirementInput {
  @Field(() => String, { nullable: true, description: '客户级别（空为所有级别）/ tier (null: every tier)' })
  tier?: string | null;

  @Field({ description: '角色 / role' })
  role!: string;

  @Field(() => Float, { nullable: true, description: '年合作销售额（记录）门槛（元）/ applies from this recorded annual sales (yuan)' })
  minAnnualSales?: number | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType({ description: '团队缺口筛选 / team gap filter' })
export class TeamGapFilterInput {
  @Field(() => [ID], { nullable: true })
  accountIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: '客户级别 / tiers' })
  tierCodes?: string[] | null;

  @Field(() => ID, { nullable: true })
  ownerUnitId?: string | null;

  @Field(() => ID, { nullable: true })
  managerId?: string | null;
}

@ObjectType({ description: '服务团队的一个席位 / one seat of an account\'s current service team' })
export class ServiceTeamSeat {
  accountId!: number;
  roleId!: number;
  userId!: number;

  @Field(() => LocalDateScalar, { nullable: true, description: '任职起始 / since' })
  fromDate!: string | null;

  @Field(() => TeamMember, { nullable: true, description: '成员记录（客户经理席位来自归属，为空）/ the member record (null for the account manager, whose seat is the ownership)' })
  member!: TeamMember | null;
}

@ObjectType({ description: '服务团队缺口 / a required seat that is empty' })
export class ServiceTeamGap {
  accountId!: number;
  userId!: number | null;

  @Field(() => TeamRequirement, { description: '要求 / the requirement' })
  requirement!: TeamRequirement;

  @Field(() => TeamGapReason, { description: '原因 / why' })
  reason!: TeamGapReason;
}
