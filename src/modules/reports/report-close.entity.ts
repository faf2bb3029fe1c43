import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseRecord, TimestampColumn, VersionedRecord } from '../../db/columns';

/** 月结状态 / where a report month stands. */
export enum ReportCloseStatus {
  /** 已结账: figures frozen in the snapshot. */
  CLOSED = 'CLOSED',
  /** 已反结账: reopened by an ADMIN with a reason; the report is live again until closed again. */
  REOPENED = 'REOPENED',
}
registerEnumType(ReportCloseStatus, {
  name: 'ReportCloseStatus',
  description: '月结状态 / month-end close status',
  valuesConfig: { CLOSED: { description: '已结账（数字已冻结）/ closed, figures frozen' }, REOPENED: { description: '已反结账（按实时数据）/ reopened, live figures' } },
});

/**
 * 月结 (month-end close): one row per month, unique on `month`, so closing is exactly once across
 * every instance (the server's own close on KAM_REPORT_CLOSE_DAY and a person's race for the same
 * row; the loser sees it closed). The frozen report lives in {@link ReportSnapshotPart} rows.
 */
@ObjectType('ReportMonthClose', { simpleResolvers: true, description: '月报结账记录 / the month-end close of a monthly report' })
@Entity('report_month_closes')
export class ReportMonthClose extends VersionedRecord {
  @Field({ description: '月份 YYYY-MM / month' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 7 })
  month!: string;

  @Field(() => ReportCloseStatus, { description: '状态 / status' })
  @Column({ type: 'varchar', length: 16 })
  status!: ReportCloseStatus;

  @Field({ description: '结账时间 / closed at' })
  @TimestampColumn({ nullable: false })
  closedAt!: Date;

  @Field({ description: '结账人（系统自动结账为 system）/ who closed it (system when the server did)' })
  @Column({ type: 'varchar', length: 200 })
  closedBy!: string;

  @Field(() => Date, { nullable: true, description: '反结账时间 / reopened at' })
  @TimestampColumn()
  reopenedAt!: Date | null;

  @Field(() => String, { nullable: true, description: '反结账人 / reopened by' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  reopenedBy!: string | null;

  @Field(() => String, { nullable: true, description: '反结账原因 / why it was reopened' })
  @Column({ type: 'text', nullable: true })
  reopenReason!: string | null;

  @Field(() => Int, { description: '冻结的明细行数 / account rows frozen' })
  @Column({ type: 'int', default: 0 })
  rowCount!: number;

  /** SHA-256 of the snapshot's JSON: a damaged snapshot is refused, never shown as figures. */
  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ type: 'int', default: 0 })
  parts!: number;
}

/**
 * The frozen report as gzip + base64 text in 60,000-character parts: plain TEXT on both databases
 * (MySQL's TEXT holds 64 KiB), whatever the number of accounts.
 */
@Entity('report_snapshot_parts')
@Index(['closeId', 'seq'], { unique: true })
export class ReportSnapshotPart extends BaseRecord {
  @Column({ type: 'int' })
  closeId!: number;

  @ManyToOne(() => ReportMonthClose, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'close_id' })
  close?: Relation<ReportMonthClose>;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'text' })
  data!: string;
}
