import { Column, Entity, Index } from 'typeorm';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MoneyColumn, VersionedRecord } from '../../db/columns';
import { CreditRating, YearEndDecision } from '../../common/enums';
import { fenToYuan } from '../../common/money';

const decimal = { to: (v: number | null) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) };

/**
 * 年度评价规则: which year-end decision (加强攻关 / 维持现状 / 终止合作) to propose for an account, from its
 * credit evaluation, the year's figures and its visit compliance. Rules are data, tried in `position`
 * order; the first whose every set condition holds wins. A condition left empty always holds; a
 * condition on a figure the account lacks (no score, no rating, no cadence rules) never does.
 */
@ObjectType({ description: '年度评价规则 / year-end decision rule (ordered, first match wins)' })
@Entity('year_end_rules')
@Index(['position', 'id'])
export class YearEndRule extends VersionedRecord {
  @Field(() => Int, { description: '顺序（小者先试）/ position: lower is tried first' })
  @Column({ type: 'int' })
  position!: number;

  @Field({ description: '规则名称 / rule name' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => YearEndDecision, { description: '建议结论 / decision proposed when the rule matches' })
  @Column({ type: 'varchar', length: 16 })
  decision!: YearEndDecision;

  @Field(() => [CreditRating], { description: '信用等级为其一（空为不限）/ rating is one of (empty = any)' })
  @Column({ type: 'simple-array', nullable: true })
  ratings!: CreditRating[];

  @Field(() => Float, { nullable: true, description: '评分 ≥ / score at least' })
  @Column({ type: 'decimal', precision: 5, scale: 2, nullable: true, transformer: decimal })
  scoreAtLeast!: number | null;

  @Field(() => Float, { nullable: true, description: '评分 < / score below' })
  @Column({ type: 'decimal', precision: 5, scale: 2, nullable: true, transformer: decimal })
  scoreBelow!: number | null;

  @MoneyColumn()
  signedAtLeastFen!: number | null;

  @Field(() => Float, { nullable: true, description: '年度签约额 ≥（元）/ contracts signed in the year at least (yuan)' })
  get signedAtLeast(): number | null {
    return fenToYuan(this.signedAtLeastFen);
  }

  @MoneyColumn()
  signedBelowFen!: number | null;

  @Field(() => Float, { nullable: true, description: '年度签约额 <（元）/ contracts signed in the year below (yuan)' })
  get signedBelow(): number | null {
    return fenToYuan(this.signedBelowFen);
  }

  @MoneyColumn()
  receivedAtLeastFen!: number | null;

  @Field(() => Float, { nullable: true, description: '年度回款 ≥（元）/ received in the year at least (yuan)' })
  get receivedAtLeast(): number | null {
    return fenToYuan(this.receivedAtLeastFen);
  }

  @MoneyColumn()
  receivedBelowFen!: number | null;

  @Field(() => Float, { nullable: true, description: '年度回款 <（元）/ received in the year below (yuan)' })
  get receivedBelow(): number | null {
    return fenToYuan(this.receivedBelowFen);
  }

  @Field(() => Int, { nullable: true, description: '年末拜访达标率 ≥（%）/ visit compliance at year end at least (percent)' })
  @Column({ type: 'int', nullable: true })
  complianceAtLeast!: number | null;

  @Field(() => Int, { nullable: true, description: '年末拜访达标率 <（%）/ visit compliance at year end below (percent)' })
  @Column({ type: 'int', nullable: true })
  complianceBelow!: number | null;

  @Field(() => String, { nullable: true, description: '说明 / description' })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field({ description: '启用 / active' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
