import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { ManagementLevel } from '../tiers/management-level.entity';
import { AccountReview } from './account-review.entity';

/** 管理层级复核: a proposed 公司级 / 分公司级 change (from the follow-up contract value), decided by the committee. */
@ObjectType({ description: '管理层级复核 / management-level review: a proposed 公司级 / 分公司级 change and its decision' })
@Entity('management_level_reviews')
@Index(['accountId', 'status'])
export class ManagementLevelReview extends AccountReview {
  @Field(() => ID, { nullable: true, description: '原管理层级 / from level id' })
  @Column({ type: 'int', nullable: true })
  fromLevelId!: number | null;

  @ManyToOne(() => ManagementLevel, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_level_id' })
  fromLevel?: Relation<ManagementLevel> | null;

  @Field(() => ID, { description: '拟调整为 / proposed level id' })
  @Column({ type: 'int' })
  toLevelId!: number;

  @ManyToOne(() => ManagementLevel, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_level_id' })
  toLevel?: Relation<ManagementLevel>;
}
