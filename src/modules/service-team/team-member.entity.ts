import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseRecord, DateColumn } from '../../db/columns';
import { LocalDateScalar } from '../../common/scalars';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { TeamRole } from './team-role.entity';

/**
 * 服务团队成员: who held a role on an account, from when until when. Never updated but to close it, so
 * the history answers "who was the technical owner on 5 March" — which the per-role visit rules need.
 */
@ObjectType({ description: '服务团队成员（含历史）/ a person in a role on an account\'s service team, with history' })
@Entity('account_team_members')
@Index(['accountId', 'roleId', 'toDate'])
@Index(['userId', 'toDate'])
export class TeamMember extends BaseRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => ID, { description: '角色 / role id' })
  @Column({ type: 'int' })
  roleId!: number;

  @ManyToOne(() => TeamRole, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'role_id' })
  role?: Relation<TeamRole>;

  @Field(() => ID, { description: '人员 / user id' })
  @Column({ type: 'int' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field(() => LocalDateScalar, { description: '起始日期 / from' })
  @DateColumn({ nullable: false })
  fromDate!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '截止日期（空为当前）/ to (null = current)' })
  @DateColumn()
  toDate!: string | null;

  @Field(() => String, { nullable: true, description: '说明 / note' })
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Field(() => ID, { nullable: true, description: '指派人 / assigned by' })
  @Column({ type: 'int', nullable: true })
  assignedById!: number | null;
}
