import { Column, Entity, Index } from 'typeorm';
import { Field, Int, ObjectType } from 'type-graphql';
import { VersionedRecord } from '../../db/columns';

/**
 * 服务团队角色 (policy 003: every strategic account gets a team): 客户经理, 驻厂业务代表, 技术, 质量, 售后,
 * 设计, 法务… — data, not an enum: a company renames or adds roles. The account manager's seat is the
 * ownership's (`fromOwnership`): the committee fills it through the assignment, never the team.
 */
@ObjectType({ simpleResolvers: true, description: '服务团队角色 / a role in an account\'s service team (data)' })
@Entity('team_roles')
export class TeamRole extends VersionedRecord {
  @Field({ description: '编码，如 TECHNICAL / code' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Field({ description: '名称，如 技术负责人 / name' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Int, { description: '排序 / display order' })
  @Column({ type: 'int' })
  rank!: number;

  @Field(() => [String], { description: '别名 / aliases' })
  @Column({ type: 'simple-json' })
  aliases!: string[];

  @Field(() => String, { nullable: true, description: '职责 / what the role does' })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field({ description: '由归属决定（客户经理）：只能经委员会改派 / held by the account\'s owner-manager (changed only by the committee\'s reassignment)' })
  @Column({ type: 'boolean', default: false })
  fromOwnership!: boolean;

  @Field({ description: '启用 / active' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
