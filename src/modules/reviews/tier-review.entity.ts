import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { Tier } from '../tiers/tier.entity';
import { AccountReview } from './account-review.entity';

/** 级别复核: sales proposes a tier change, the committee decides. */
@ObjectType({ description: '级别复核 / tier review: a proposed tier change and its decision' })
@Entity('tier_reviews')
@Index(['accountId', 'status'])
export class TierReview extends AccountReview {
  @Field(() => ID, { nullable: true, description: '原级别 / from tier id' })
  @Column({ type: 'int', nullable: true })
  fromTierId!: number | null;

  @ManyToOne(() => Tier, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_tier_id' })
  fromTier?: Relation<Tier> | null;

  @Field(() => ID, { description: '拟调整为 / proposed tier id' })
  @Column({ type: 'int' })
  toTierId!: number;

  @ManyToOne(() => Tier, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_tier_id' })
  toTier?: Relation<Tier>;
}
