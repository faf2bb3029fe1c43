import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { DateColumn, MoneyColumn, VersionedRecord } from '../../db/columns';
import { RecordSource } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { fenToYuan } from '../../common/money';
import { Account } from '../accounts/account.entity';
import { Project } from './project.entity';
import { Activity } from '../activities/activity.entity';

/** 回款: money received, for a project or (from a ledger row without project) the account. */
@ObjectType({ simpleResolvers: true, description: '回款 / payment received' })
@Entity('payments')
@Index(['accountId', 'receivedOn'])
export class Payment extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => ID, { nullable: true, description: '项目 / project id' })
  @Index()
  @Column({ type: 'int', nullable: true })
  projectId!: number | null;

  @ManyToOne(() => Project, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project> | null;

  @Field(() => LocalDateScalar, { description: '回款日期 / received on' })
  @DateColumn({ nullable: false })
  receivedOn!: string;

  @MoneyColumn({ nullable: false })
  amountFen!: number;

  @Field(() => Float, { nullable: true, description: '回款金额（元）/ amount received (yuan)' })
  get amount(): number {
    return fenToYuan(this.amountFen);
  }

  @Field(() => String, { nullable: true, description: '方式（转账、承兑…）/ method' })
  @Column({ type: 'varchar', length: 50, nullable: true })
  method!: string | null;

  @Field(() => String, { nullable: true, description: '凭证号 / reference' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  reference!: string | null;

  /**
   * The ledger row this collection came from; unique so a re-import never counts it twice. Reports sum
   * payments only, never Activity.paymentAmountFen (see the rule on Activity.contractAmountFen).
   */
  @Field(() => ID, { nullable: true, description: '来源经营档案记录 / source ledger activity id' })
  @Index({ unique: true })
  @Column({ type: 'int', nullable: true })
  activityId!: number | null;

  @ManyToOne(() => Activity, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'activity_id' })
  activity?: Relation<Activity> | null;

  @Field(() => RecordSource, { description: '来源 / source' })
  @Column({ type: 'varchar', length: 16, default: RecordSource.MANUAL })
  source!: RecordSource;
}
