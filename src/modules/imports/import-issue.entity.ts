import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BaseRecord } from '../../db/columns';
import { ImportJob } from './import-job.entity';

/** One rejected cell or row (severity error) or a warning of an import job. */
@ObjectType({ description: '导入问题（错误或警告）/ an import error or warning' })
@Entity('import_issues')
@Index(['jobId', 'severity'])
export class ImportIssue extends BaseRecord {
  @Field(() => ID, { description: '导入记录 / job id' })
  @Column({ type: 'int' })
  jobId!: number;

  @ManyToOne(() => ImportJob, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<ImportJob>;

  @Field({ description: 'error 或 warning / severity' })
  @Column({ type: 'varchar', length: 8 })
  severity!: 'error' | 'warning';

  @Field(() => String, { nullable: true, description: '工作表 / sheet' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  sheet!: string | null;

  @Field(() => Int, { nullable: true, description: '行号 / row number' })
  @Column({ type: 'int', nullable: true })
  row!: number | null;

  @Field(() => String, { nullable: true, description: '单元格，如 D17 / cell reference' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  cell!: string | null;

  @Field(() => String, { nullable: true, description: '列标题（原文）/ column header as written' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  column!: string | null;

  @Field(() => String, { nullable: true, description: '单元格内容 / value' })
  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Field({ description: '错误代码 / stable code' })
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Field({ description: '说明 / message' })
  @Column({ type: 'text' })
  message!: string;
}
