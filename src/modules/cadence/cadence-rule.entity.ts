import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { VersionedRecord } from '../../db/columns';
import { ActivityType } from '../../common/enums';
import { Tier } from '../tiers/tier.entity';

/** 拜访频次: an account of `tier` needs an activity of `activityType` at least every `intervalMonths`. */
@ObjectType({ description: '拜访频次规则 / visit cadence rule per tier and activity type' })
@Entity('cadence_rules')
@Index(['tierId', 'activityType'], { unique: true })
export class CadenceRule extends VersionedRecord {
  @Field(() => ID, { description: '客户级别 / tier id' })
  @Column({ type: 'int' })
  tierId!: number;

  @ManyToOne(() => Tier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tier_id' })
  tier?: Relation<Tier>;

  @Field(() => ActivityType, { description: '活动类型 / activity type' })
  @Column({ type: 'varchar', length: 32 })
  activityType!: ActivityType;

  @Field(() => Int, { description: '最长间隔（月）/ maximum interval in months' })
  @Column({ type: 'int' })
  intervalMonths!: number;

  @Field(() => Int, { description: '提前提醒天数 / days before due that count as due soon' })
  @Column({ type: 'int', default: 14 })
  dueSoonDays!: number;
}
