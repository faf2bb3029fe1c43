import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { DateColumn, MoneyColumn, VersionedRecord } from '../../db/columns';
import { LocalDateScalar } from '../../common/scalars';
import { fenToYuan } from '../../common/money';
import { Account } from '../accounts/account.entity';
import { Project } from './project.entity';

/** 应收计划: an amount due on a date (usually for a project). */
@ObjectType({ simpleResolvers: true, description: '应收计划 / receivable: an amount due on a date' })
@Entity('receivables')
@Index(['accountId', 'dueOn'])
export class Receivable extends VersionedRecord {
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

  @ManyToOne(() => Project, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project> | null;

  @Field(() => LocalDateScalar, { description: '应收日期 / due on' })
  @DateColumn({ nullable: false })
  dueOn!: string;

  @MoneyColumn({ nullable: false })
  amountFen!: number;

  @Field(() => Float, { nullable: true, description: '应收金额（元）/ amount due (yuan)' })
  get amount(): number {
    return fenToYuan(this.amountFen);
  }

  @Field(() => String, { nullable: true, description: '说明（如 进度款、质保金）/ description' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;
}
