import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { VersionedRecord, ListColumn } from '../../db/columns';
import { ActivityType } from '../../common/enums';
import { Tier } from '../tiers/tier.entity';
import { TeamRole } from '../service-team/team-role.entity';
import { Channel } from '../activities/channel';
import { CadenceProfile } from './cadence-profile.entity';
import { IntervalUnit } from './cadence-status';

/**
 * 沟通频次: an account of `tier` needs, at least every `intervalCount` `intervalUnit`s, an activity of one
 * of `activityTypes` (any when empty) by one of `channels` (any when empty) in which the holder of
 * `teamRole` took part (anyone when null) — 客户经理拜访 monthly by the account manager; 技术交流 every six
 * months with the technical owner; 电话或邮件 every two weeks.
 */
@ObjectType({ description: '沟通频次规则：级别 × 活动类型 × 方式 × 角色 × 间隔 / a cadence rule: tier × activity types × channels × team role × interval' })
@Entity('cadence_rules')
@Index(['profileId', 'tierId', 'name'], { unique: true })
export class CadenceRule extends VersionedRecord {
  @Field(() => ID, { description: '所属方案 / scheme id' })
  @Column({ type: 'int' })
  profileId!: number;

  @ManyToOne(() => CadenceProfile, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'profile_id' })
  profile?: Relation<CadenceProfile>;

  @Field(() => ID, { description: '客户级别 / tier id' })
  @Column({ type: 'int' })
  tierId!: number;

  @ManyToOne(() => Tier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tier_id' })
  tier?: Relation<Tier>;

  @Field({ description: '名称，如 客户经理拜访、电话或邮件跟进 / name' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => [ActivityType], { description: '计入的活动类型（空为任何类型）/ activity types that count (empty: any)' })
  @ListColumn()
  activityTypes!: ActivityType[];

  @Field(() => [Channel], { description: '计入的沟通方式（空为任何方式）/ channels that count (empty: any)' })
  @ListColumn()
  channels!: Channel[];

  @Field(() => ID, { nullable: true, description: '须由该团队角色参加（空为不限）/ the team role whose holder must take part (null: anyone)' })
  @Column({ type: 'int', nullable: true })
  teamRoleId!: number | null;

  @ManyToOne(() => TeamRole, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'team_role_id' })
  teamRole?: Relation<TeamRole> | null;

  @Field(() => Int, { description: '最长间隔 / maximum interval, in intervalUnit' })
  @Column({ type: 'int' })
  intervalCount!: number;

  @Field(() => IntervalUnit, { description: '间隔单位 / interval unit' })
  @Column({ type: 'varchar', length: 8, default: IntervalUnit.MONTH })
  intervalUnit!: IntervalUnit;

  @Field(() => Int, { description: '提前提醒天数 / days before due that count as due soon' })
  @Column({ type: 'int', default: 14 })
  dueSoonDays!: number;

  @Field(() => ActivityType, { nullable: true, description: '活动类型（规则只计一种类型时）/ the activity type, when the rule counts exactly one' })
  get activityType(): ActivityType | null {
    return this.activityTypes?.length === 1 ? this.activityTypes[0] : null;
  }

  @Field(() => Int, { nullable: true, description: '最长间隔（月；按月计的规则）/ interval in months (rules counted in months)' })
  get intervalMonths(): number | null {
    return this.intervalUnit === IntervalUnit.MONTH ? this.intervalCount : null;
  }
}
