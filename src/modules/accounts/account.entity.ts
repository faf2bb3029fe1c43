import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { DateColumn, MoneyColumn, VersionedRecord } from '../../db/columns';
import { AccountStatus, CompanyScale, OwnershipType, RecordSource, Reputation } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { fenToYuan } from '../../common/money';
import { Tier } from '../tiers/tier.entity';
import { ManagementLevel } from '../tiers/management-level.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';

/** 大客户: a key account, the centre of the domain. */
@ObjectType({ simpleResolvers: true, description: '大客户 / key account' })
@Entity('accounts')
@Index(['updatedAt', 'id'])
export class Account extends VersionedRecord {
  @Field({ description: '客户编号 / account code' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Field({ description: '单位名称 / account (company) name' })
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Normalised name for duplicate detection and lookups by 客户名称. */
  @Index()
  @Column({ type: 'varchar', length: 200 })
  nameKey!: string;

  @Field(() => ID, { nullable: true, description: '上级集团 / parent (group) account id' })
  @Index()
  @Column({ type: 'int', nullable: true })
  parentId!: number | null;

  @ManyToOne(() => Account, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Relation<Account> | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '建档日期 / registered on' })
  @DateColumn()
  registeredOn!: string | null;

  @Field(() => String, { nullable: true, description: '统一社会信用代码 / unified social credit code' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 18, nullable: true })
  creditCode!: string | null;

  @Field(() => OwnershipType, { nullable: true, description: '单位性质 / ownership' })
  @Column({ type: 'varchar', length: 32, nullable: true })
  ownership!: OwnershipType | null;

  @Field(() => String, { nullable: true, description: '单位性质（原文或标签）/ ownership as a label: the vocabulary\'s label, or the word as written when it is not in the vocabulary' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  ownershipLabel!: string | null;

  @Field(() => String, { nullable: true, description: '行业类别 / industry' })
  @Index()
  @Column({ type: 'varchar', length: 100, nullable: true })
  industry!: string | null;

  @Field(() => CompanyScale, { nullable: true, description: '规模 / scale' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  scale!: CompanyScale | null;

  @Field(() => String, { nullable: true, description: '规模（原文或标签）/ scale as a label: the vocabulary\'s label, or the word as written when it is not in the vocabulary' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  scaleLabel!: string | null;

  @Field(() => String, { nullable: true, description: '主要产品 / main products' })
  @Column({ type: 'text', nullable: true })
  mainProducts!: string | null;

  @Field(() => Reputation, { nullable: true, description: '信誉 / reputation' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  reputation!: Reputation | null;

  @Field(() => String, { nullable: true, description: '信誉（原文或标签）/ reputation as a label: the vocabulary\'s label, or the word as written when it is not in the vocabulary' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  reputationLabel!: string | null;

  @MoneyColumn()
  totalAssetsFen!: number | null;

  @Field(() => Float, { nullable: true, description: '资产状况（元）/ total assets (yuan)' })
  get totalAssets(): number | null {
    return fenToYuan(this.totalAssetsFen);
  }

  @Field(() => String, { nullable: true, description: '股东结构 / shareholders' })
  @Column({ type: 'text', nullable: true })
  shareholders!: string | null;

  @Field(() => String, { nullable: true, description: '地址 / address' })
  @Column({ type: 'varchar', length: 300, nullable: true })
  address!: string | null;

  @Field(() => String, { nullable: true, description: '邮编 / postal code' })
  @Column({ type: 'varchar', length: 6, nullable: true })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: '电话 / phone' })
  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: '传真 / fax' })
  @Column({ type: 'varchar', length: 40, nullable: true })
  fax!: string | null;

  @Field(() => String, { nullable: true, description: '邮箱 / email' })
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Field(() => ID, { nullable: true, description: '客户级别 / tier id' })
  @Index()
  @Column({ type: 'int', nullable: true })
  tierId!: number | null;

  @ManyToOne(() => Tier, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tier_id' })
  tier?: Relation<Tier> | null;

  @Field(() => ID, { nullable: true, description: '管理层级（公司级/分公司级）/ management level id' })
  @Column({ type: 'int', nullable: true })
  managementLevelId!: number | null;

  @ManyToOne(() => ManagementLevel, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'management_level_id' })
  managementLevel?: Relation<ManagementLevel> | null;

  @Field(() => AccountStatus, { description: '状态 / status' })
  @Index()
  @Column({ type: 'varchar', length: 16, default: AccountStatus.ACTIVE })
  status!: AccountStatus;

  @Field(() => ID, { nullable: true, description: '推荐单位（归属单位）/ owning (recommending) unit id' })
  @Index()
  @Column({ type: 'int', nullable: true })
  ownerUnitId!: number | null;

  @ManyToOne(() => OrgUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_unit_id' })
  ownerUnit?: Relation<OrgUnit> | null;

  @Field(() => ID, { nullable: true, description: '客户经理 / account manager (user id)' })
  @Index()
  @Column({ type: 'int', nullable: true })
  managerId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id' })
  manager?: Relation<User> | null;

  @MoneyColumn()
  expectedContractValueFen!: number | null;

  @Field(() => Float, { nullable: true, description: '后续合同成交额（元）/ expected follow-up contract value (yuan)' })
  get expectedContractValue(): number | null {
    return fenToYuan(this.expectedContractValueFen);
  }

  @MoneyColumn()
  annualSalesFen!: number | null;

  @Field(() => Float, { nullable: true, description: '年合作销售额（客户经理估计，元；定级按 recordedAnnualSales）/ annual sales as the manager estimates them (yuan); tiers follow recordedAnnualSales' })
  get annualSales(): number | null {
    return fenToYuan(this.annualSalesFen);
  }

  @Field(() => LocalDateScalar, { nullable: true, description: '终止合作日期 / terminated on' })
  @DateColumn()
  terminatedOn!: string | null;

  @Field(() => RecordSource, { description: '来源 / source' })
  @Column({ type: 'varchar', length: 16, default: RecordSource.MANUAL })
  source!: RecordSource;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  @Column({ type: 'text', nullable: true })
  notes!: string | null;
}
