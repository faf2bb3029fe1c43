import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { DateColumn, MoneyColumn, VersionedRecord } from '../../db/columns';
import { ProjectStatus, RecordSource } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { fenToYuan } from '../../common/money';
import { Account } from '../accounts/account.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';

/** 合作项目: a project with the account; its signing is 签约 in the reports. */
@ObjectType({ simpleResolvers: true, description: '合作项目 / project with an account' })
@Entity('projects')
@Index(['accountId', 'nameKey'], { unique: true })
export class Project extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => String, { nullable: true, description: '项目编号 / project code' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  code!: string | null;

  @Field({ description: '项目名称 / project name' })
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  nameKey!: string;

  @Field(() => ProjectStatus, { description: '状态 / status' })
  @Index()
  @Column({ type: 'varchar', length: 16 })
  status!: ProjectStatus;

  @MoneyColumn()
  contractAmountFen!: number | null;

  @Field(() => Float, { nullable: true, description: '合同金额（元）/ contract amount (yuan)' })
  get contractAmount(): number | null {
    return fenToYuan(this.contractAmountFen);
  }

  @Field(() => LocalDateScalar, { nullable: true, description: '签约日期 / signed on' })
  @Index()
  @DateColumn()
  signedOn!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '开工日期 / start' })
  @DateColumn()
  startOn!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '完工日期 / end' })
  @DateColumn()
  endOn!: string | null;

  @Field(() => String, { nullable: true, description: '项目地点 / location' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  location!: string | null;

  @Field(() => ID, { nullable: true, description: '承接单位 / our unit id' })
  @Column({ type: 'int', nullable: true })
  unitId!: number | null;

  @ManyToOne(() => OrgUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<OrgUnit> | null;

  @Field(() => ID, { nullable: true, description: '项目负责人 / manager (user id)' })
  @Column({ type: 'int', nullable: true })
  managerId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id' })
  manager?: Relation<User> | null;

  @Field(() => RecordSource, { description: '来源 / source' })
  @Column({ type: 'varchar', length: 16, default: RecordSource.MANUAL })
  source!: RecordSource;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  @Column({ type: 'text', nullable: true })
  notes!: string | null;
}
