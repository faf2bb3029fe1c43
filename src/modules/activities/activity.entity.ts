import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { DateColumn, MoneyColumn, VersionedRecord, ListColumn } from '../../db/columns';
import { ActivityType, IntelTag, RecordSource } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { fenToYuan } from '../../common/money';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { Project } from '../projects/project.entity';
import { Channel } from './channel';

/** 经营档案 / 重要记录: a visit, exchange, meeting… logged by an account manager. */
@ObjectType({ simpleResolvers: true, description: '经营档案记录 / activity: a visit, exchange or other event with an account' })
@Entity('activities')
@Index(['accountId', 'occurredOn'])
@Index(['managerId', 'occurredOn'])
@Index(['type', 'occurredOn'])
// The aggregates (analytics.service.ts) read a period's range of this index alone: activityStats whatever it groups
// or filters by, and the ledger signings of 签约额 (a planner that picks it for their date range reads no row).
// MySQL finds those few signings by range on the second index instead.
@Index(['occurredOn', 'type', 'managerId', 'accountId', 'contractAmountFen', 'projectId'])
@Index(['contractAmountFen', 'occurredOn'])
export class Activity extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => ID, { nullable: true, description: '客户经理 / manager (user id)' })
  @Column({ type: 'int', nullable: true })
  managerId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id' })
  manager?: Relation<User> | null;

  @Field(() => LocalDateScalar, { description: '日期 / date' })
  @DateColumn({ nullable: false })
  occurredOn!: string;

  @Field(() => ActivityType, { description: '类型 / type' })
  @Column({ type: 'varchar', length: 32 })
  type!: ActivityType;

  @Field(() => String, { nullable: true, description: '我方人员 / our participants' })
  @Column({ type: 'varchar', length: 300, nullable: true })
  participants!: string | null;

  /**
   * The users who took part on our side (ids; the activity's manager counts too): what the per-role
   * visit rules read — a technical exchange counts for the account's technical owner only if they were there.
   */
  @Field(() => [ID], { description: '我方参与人员（用户）/ our participants as users (the per-role visit rules count them)' })
  @ListColumn()
  participantIds!: string[];

  @Field(() => Channel, { nullable: true, description: '沟通方式（面谈、电话、邮件…）/ how it took place' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  channel!: Channel | null;

  @Field(() => String, { nullable: true, description: '客户方人员 / counterparts at the account' })
  @Column({ type: 'varchar', length: 300, nullable: true })
  counterparts!: string | null;

  @Field(() => String, { nullable: true, description: '主题 / subject' })
  @Column({ type: 'varchar', length: 300, nullable: true })
  subject!: string | null;

  @Field(() => String, { nullable: true, description: '内容摘要 / summary' })
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Field(() => String, { nullable: true, description: '结果 / outcome' })
  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Field(() => String, { nullable: true, description: '下一步 / next action' })
  @Column({ type: 'text', nullable: true })
  nextAction!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '下一步期限 / next action due' })
  @DateColumn()
  nextActionDue!: string | null;

  @Field(() => ID, { nullable: true, description: '项目 / project id' })
  @Index()
  @Column({ type: 'int', nullable: true })
  projectId!: number | null;

  @ManyToOne(() => Project, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project> | null;

  @Field(() => [IntelTag], { description: '情报标签 / intelligence tags' })
  @Column({ type: 'simple-array', nullable: true })
  intelTags!: IntelTag[];

  /** 情报类别 written outside the vocabulary (a branch's own words), kept as written, separated by 、. */
  @Field(() => String, { nullable: true, description: '情报类别（文字）：词表以外的情报类别，照录，以「、」分隔 / intelligence categories outside the vocabulary, as written' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  intelTagsOther!: string | null;

  /**
   * 合同金额 of a ledger row: a signing (签约), counted once in reports.
   *
   * THE RULE for signings and collections (annex import, reports, API alike):
   * - Signed amount of an account or project = Σ Activity.contractAmountFen (attached to
   *   `projectId` when the ledger row named a project, else to the account)
   *   + Σ Project.contractAmountFen of projects that NO activity with a contractAmountFen points to.
   *   A project signed through the ledger is thus counted from the ledger row, never twice.
   * - Collected amount = Σ Payment.amountFen, nothing else. A ledger 回款金额 becomes exactly one
   *   Payment whose `activityId` is this activity (unique); `paymentAmountFen` only mirrors it for display.
   * Re-importing a ledger updates these rows in place (natural key), so nothing is counted twice.
   */
  @MoneyColumn()
  contractAmountFen!: number | null;

  @Field(() => Float, { nullable: true, description: '合同金额（元）/ contract amount signed (yuan)' })
  get contractAmount(): number | null {
    return fenToYuan(this.contractAmountFen);
  }

  /** 回款金额 of a ledger row, for display; reports sum the Payment it created (see contractAmountFen). */
  @MoneyColumn()
  paymentAmountFen!: number | null;

  @Field(() => Float, { nullable: true, description: '回款金额（元）/ amount collected (yuan)' })
  get paymentAmount(): number | null {
    return fenToYuan(this.paymentAmountFen);
  }

  /** SHA-256 of account + date + type + content: a ledger row's natural key, so re-imports never duplicate. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  naturalKey!: string;

  @Field(() => RecordSource, { description: '来源 / source' })
  @Column({ type: 'varchar', length: 16, default: RecordSource.MANUAL })
  source!: RecordSource;
}
