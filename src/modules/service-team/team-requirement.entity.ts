import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { MoneyColumn, VersionedRecord } from '../../db/columns';
import { fenToYuan } from '../../common/money';
import { Tier } from '../tiers/tier.entity';
import { TeamRole } from './team-role.entity';

/**
 * 团队配置要求 (policy 003): accounts of a tier — above an annual-sales threshold, when one is set — must
 * have someone in a role (a resident representative for strategic accounts above 5000万; one named
 * technical, quality and after-sales owner for every strategic account). Unfilled seats are gaps.
 */
@ObjectType({ description: '团队配置要求 / a role an account of a tier must have filled' })
@Entity('team_requirements')
@Index(['tierId', 'roleId'])
export class TeamRequirement extends VersionedRecord {
  @Field(() => ID, { nullable: true, description: '客户级别（空为所有级别）/ tier (null: every tier)' })
  @Column({ type: 'int', nullable: true })
  tierId!: number | null;

  @ManyToOne(() => Tier, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tier_id' })
  tier?: Relation<Tier> | null;

  @Field(() => ID, { description: '角色 / role id' })
  @Column({ type: 'int' })
  roleId!: number;

  @ManyToOne(() => TeamRole, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: Relation<TeamRole>;

  /** Applies only from this recorded annual sales (分); null = whatever the sales. */
  @MoneyColumn()
  minAnnualSalesFen!: number | null;

  @Field(() => Float, { nullable: true, description: '年合作销售额（记录）门槛（元），空为不限 / applies from this recorded annual sales (yuan)' })
  get minAnnualSales(): number | null {
    return fenToYuan(this.minAnnualSalesFen);
  }

  @Field(() => String, { nullable: true, description: '说明 / description' })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field({ description: '启用 / active' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
