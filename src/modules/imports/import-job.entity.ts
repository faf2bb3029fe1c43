import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BaseRecord, TimestampColumn } from '../../db/columns';
import { ImportAnnex, ImportMode, ImportStatus } from '../../common/enums';
import { OrgUnit } from '../org/org-unit.entity';

/** 导入记录: one run of an annex import (dry-run or real). Job state lives here, not in memory. */
@ObjectType({ simpleResolvers: true, description: '导入记录 / import job' })
@Entity('import_jobs')
@Index(['status', 'createdAt'])
export class ImportJob extends BaseRecord {
  @Field(() => ImportAnnex, { description: '附件 / annex' })
  @Column({ type: 'varchar', length: 16 })
  annex!: ImportAnnex;

  @Field({ description: '文件名 / file name' })
  @Column({ type: 'varchar', length: 255 })
  fileName!: string;

  @Field({ description: '文件 SHA-256 / file hash' })
  @Index()
  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Field(() => Int, { description: '文件大小（字节）/ file size in bytes' })
  @Column({ type: 'int', default: 0 })
  sizeBytes!: number;

  @Field(() => ImportMode, { description: '模式 / mode' })
  @Column({ type: 'varchar', length: 16 })
  mode!: ImportMode;

  @Field({ description: '试运行（不写入）/ dry run (writes nothing)' })
  @Column({ type: 'boolean', default: false })
  dryRun!: boolean;

  @Field(() => ImportStatus, { description: '状态 / status' })
  @Column({ type: 'varchar', length: 16, default: ImportStatus.PENDING })
  status!: ImportStatus;

  @Field(() => Int, { description: '数据行数 / data rows read' })
  @Column({ type: 'int', default: 0 })
  rowsTotal!: number;

  @Field(() => Int, { description: '有效行 / valid rows' })
  @Column({ type: 'int', default: 0 })
  rowsValid!: number;

  @Field(() => Int, { description: '错误行 / rejected rows' })
  @Column({ type: 'int', default: 0 })
  rowsInvalid!: number;

  @Field(() => Int, { description: '新增 / created' })
  @Column({ type: 'int', default: 0 })
  rowsCreated!: number;

  @Field(() => Int, { description: '更新 / updated' })
  @Column({ type: 'int', default: 0 })
  rowsUpdated!: number;

  @Field(() => Int, { description: '未变化 / unchanged' })
  @Column({ type: 'int', default: 0 })
  rowsUnchanged!: number;

  @Field(() => Int, { description: '已处理行（进度）/ rows processed so far (progress)' })
  @Column({ type: 'int', default: 0 })
  rowsProcessed!: number;

  @Field(() => String, { nullable: true, description: '文件级错误 / file-level error message' })
  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Field({ description: '操作人 / actor' })
  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  /** The user who uploaded the file (null: the CLI or an API key): may confirm it, and undo it within KAM_IMPORT_UNDO_DAYS. */
  @Column({ type: 'int', nullable: true })
  actorUserId!: number | null;

  @Field(() => Int, { description: '错误总数（列表可能截断）/ errors found, even when the list stops at 10,000' })
  @Column({ type: 'int', default: 0 })
  errorCount!: number;

  @Field(() => Int, { description: '警告总数 / warnings found' })
  @Column({ type: 'int', default: 0 })
  warningCount!: number;

  @Field(() => Date, { nullable: true, description: '预览有效期至（逾期须重新上传）/ the preview awaits confirmation until then' })
  @TimestampColumn()
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: '确认时间 / confirmed at' })
  @TimestampColumn()
  confirmedAt!: Date | null;

  @Field(() => String, { nullable: true, description: '确认人 / confirmed by' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  confirmedBy!: string | null;

  @Field(() => Date, { nullable: true, description: '撤销时间 / undone at' })
  @TimestampColumn()
  undoneAt!: Date | null;

  @Field(() => String, { nullable: true, description: '撤销人 / undone by' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  undoneBy!: string | null;

  @Field(() => ID, { nullable: true, description: '填报单位 / unit the file comes from' })
  @Column({ type: 'int', nullable: true })
  unitId!: number | null;

  @ManyToOne(() => OrgUnit, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<OrgUnit> | null;

  @Field(() => Date, { nullable: true, description: '开始 / started at' })
  @TimestampColumn()
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: '结束 / finished at' })
  @TimestampColumn()
  finishedAt!: Date | null;

  /** Last sign of life of the process running the job; a stale RUNNING job was interrupted. */
  @Field(() => Date, { nullable: true, description: '最近心跳（进度更新时间）/ last progress update' })
  @TimestampColumn()
  heartbeatAt!: Date | null;

  /**
   * `host:pid` of the process running the job: a RUNNING job whose process is gone from this host is
   * recognised as interrupted at once, without waiting for its heartbeat to expire.
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  runner!: string | null;

  /**
   * Held while a writing run is RUNNING (`import:<annex group>`), cleared when it ends or is found
   * interrupted. Unique: the database itself refuses a second writing import of the same annex.
   */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  lockKey!: string | null;
}
