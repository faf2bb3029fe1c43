import { Column, Entity, Index } from 'typeorm';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { VersionedRecord } from '../../db/columns';
import { IdentificationMetric } from './tier-vocabulary';

/** One step of a criterion: from `atLeast` (in the metric's unit) the account earns `points` (0–100). */
@ObjectType('CriterionBand', { description: '评分档位：达到 atLeast 得 points 分 / a scoring band: from atLeast, points' })
export class CriterionBand {
  @Field(() => Float, { description: '起点（金额为元，年限为年，评分为分，等级与规模为档位数）/ from this value (yuan, years, score or level)' })
  atLeast!: number;

  @Field(() => Int, { description: '得分（0–100）/ points' })
  points!: number;
}

/**
 * 大客户认定标准 (policy 000): the leadership group identifies key accounts on several criteria —
 * order amount, years of cooperation, payment credit, influence, potential — each weighted, each
 * scored by bands. The weighted score (0–100) stands beside the recorded sales; a tier with a minimum
 * score suggests only accounts that reach it. Data the committee owns.
 */
@ObjectType({ simpleResolvers: true, description: '认定标准：一项加权评分指标 / an identification criterion: a weighted, banded metric' })
@Entity('identification_criteria')
export class IdentificationCriterion extends VersionedRecord {
  @Field({ description: '编码 / code' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Field({ description: '名称，如 订单金额 / name' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => IdentificationMetric, { description: '指标 / what is measured' })
  @Column({ type: 'varchar', length: 32 })
  metric!: IdentificationMetric;

  @Field(() => Int, { description: '权重 / weight' })
  @Column({ type: 'int' })
  weight!: number;

  @Field(() => [CriterionBand], { description: '评分档位（从高到低）/ scoring bands, highest first' })
  @Column({ type: 'simple-json' })
  bands!: CriterionBand[];

  @Field({ description: '按集团合计 / measured over the whole group (money metrics)' })
  @Column({ type: 'boolean', default: false })
  sumOverGroup!: boolean;

  @Field(() => String, { nullable: true, description: '说明 / description' })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field({ description: '启用 / active' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
