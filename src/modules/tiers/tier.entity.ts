import { Column, Entity, Index } from 'typeorm';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MoneyColumn, VersionedRecord } from '../../db/columns';
import { fenToYuan } from '../../common/money';

/** 客户级别 — data, not an enum: companies rename, add or leave tiers unused. */
@ObjectType({ simpleResolvers: true, description: '客户级别 / account tier (data: companies rename, add or leave tiers unused)' })
@Entity('tiers')
export class Tier extends VersionedRecord {
  @Field({ description: '级别编码 / tier code, e.g. STRATEGIC' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Field({ description: '级别名称 / tier name, e.g. 战略' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Int, { description: '排序，1 为最高 / rank, 1 = highest' })
  @Column({ type: 'int' })
  rank!: number;

  @Field(() => [String], { description: '别名（各制度中的叫法）/ aliases used by the policies and files' })
  @Column({ type: 'simple-json' })
  aliases!: string[];

  /** Minimum annual sales (分) for the suggested tier; null = no threshold. */
  @MoneyColumn()
  minAnnualSalesFen!: number | null;

  @Field(() => Float, { nullable: true, description: '年合作销售额（记录）门槛（元）/ recorded annual-sales threshold (yuan)' })
  get minAnnualSales(): number | null {
    return fenToYuan(this.minAnnualSalesFen);
  }

  /** Minimum identification score (0–100, the weighted criteria); null = the score does not decide. */
  @Field(() => Int, { nullable: true, description: '认定评分门槛（0–100，按加权认定标准）/ minimum identification score (weighted criteria)' })
  @Column({ type: 'int', nullable: true })
  minScore!: number | null;

  @Field(() => Int, { nullable: true, description: '目标户数下限（如战略伙伴 3 家）/ target number of accounts, at least' })
  @Column({ type: 'int', nullable: true })
  targetMin!: number | null;

  @Field(() => Int, { nullable: true, description: '目标户数上限（如战略伙伴 5 家）/ target number of accounts, at most' })
  @Column({ type: 'int', nullable: true })
  targetMax!: number | null;

  @Field({ description: '门槛按集团合并计算 / threshold applies to the sum over the group hierarchy' })
  @Column({ type: 'boolean', default: false })
  sumOverGroup!: boolean;

  @Field({ description: '纳入月度报告 / included in the monthly report' })
  @Column({ type: 'boolean', default: false })
  inMonthlyReport!: boolean;

  @Field(() => String, { nullable: true, description: '说明 / description' })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field({ description: '启用 / active' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
