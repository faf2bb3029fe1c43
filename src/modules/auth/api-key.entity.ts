import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseRecord, TimestampColumn } from '../../db/columns';
import { Role } from '../../common/enums';
import { User } from '../org/user.entity';

/** An API key: only its SHA-256 is stored; the secret is shown once when created. */
@ObjectType({ description: 'API 密钥 / API key (the secret itself is never stored)' })
@Entity('api_keys')
export class ApiKey extends BaseRecord {
  @Field({ description: '名称 / name' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Role, { description: '角色 / role' })
  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  keyHash!: string;

  @Field({ description: '密钥前缀，用于识别 / first characters, to recognise a key' })
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Field(() => ID, { nullable: true, description: '代表的用户 / user the key acts as' })
  @Column({ type: 'int', nullable: true })
  userId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User> | null;

  @Field(() => Date, { nullable: true, description: '最近使用 / last used at' })
  @TimestampColumn()
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: '到期 / expires at' })
  @TimestampColumn()
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: '吊销 / revoked at' })
  @TimestampColumn()
  revokedAt!: Date | null;
}
