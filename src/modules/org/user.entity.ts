import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { TimestampColumn, VersionedRecord } from '../../db/columns';
import { Role } from '../../common/enums';
import { OrgUnit } from './org-unit.entity';

@ObjectType({ simpleResolvers: true, description: '用户 / 客户经理 — user or account manager' })
@Entity('users')
@Index(['unitId', 'nameKey'])
export class User extends VersionedRecord {
  @Field(() => String, { nullable: true, description: '登录名 / login (null for managers known only from imports)' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  login!: string | null;

  @Field({ description: '姓名 / name' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  nameKey!: string;

  @Field(() => Role, { description: '角色 / role' })
  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Field(() => ID, { nullable: true, description: '所属单位 / unit id' })
  @Column({ type: 'int', nullable: true })
  unitId!: number | null;

  @ManyToOne(() => OrgUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<OrgUnit> | null;

  @Field(() => String, { nullable: true, description: '电话 / phone' })
  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: '邮箱 / email' })
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Field({ description: '在职 / active' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** scrypt hash `scrypt$N$r$p$salt$hash`; null = cannot log in. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'int', default: 0 })
  failedLogins!: number;

  @TimestampColumn()
  lockedUntil!: Date | null;
}
