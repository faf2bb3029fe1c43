import { Column, Entity, Index } from 'typeorm';
import { Field, ObjectType } from 'type-graphql';
import { BaseRecord, TimestampColumn } from '../../db/columns';

/** 访问记录: append-only record of a policy action, a sensitive read, an import or a download. Never holds personal values. */
@ObjectType({ simpleResolvers: true, description: '访问记录 / audit event (append-only; never holds personal values)' })
@Entity('audit_events')
@Index(['entity', 'entityId'])
export class AuditEvent extends BaseRecord {
  @Field({ description: '时间 / when' })
  @Index()
  @TimestampColumn({ nullable: false })
  at!: Date;

  @Field({ description: '操作人 / actor (user login, api key name or cli)' })
  @Index()
  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  @Field(() => String, { nullable: true, description: '操作人角色 / actor role' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  actorRole!: string | null;

  @Field({ description: '动作，如 account.reassign、contact.read / action' })
  @Index()
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Field({ description: '对象类型 / entity type' })
  @Column({ type: 'varchar', length: 64 })
  entity!: string;

  @Field(() => String, { nullable: true, description: '对象标识（多个以逗号分隔）/ entity id(s)' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  entityId!: string | null;

  @Field(() => [String], { description: '涉及记录 / record ids touched (reads of many records)' })
  @Column({ type: 'simple-array', nullable: true })
  recordIds!: string[];

  @Field(() => [String], { description: '涉及字段 / fields touched' })
  @Column({ type: 'simple-array', nullable: true })
  fields!: string[];

  @Field(() => String, { nullable: true, description: '变更前（JSON）/ before' })
  @Column({ type: 'text', nullable: true })
  before!: string | null;

  @Field(() => String, { nullable: true, description: '变更后（JSON）/ after' })
  @Column({ type: 'text', nullable: true })
  after!: string | null;

  @Field(() => String, { nullable: true, description: '来源（IP、cli）/ origin' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  origin!: string | null;

  @Field(() => String, { nullable: true, description: '客户端（User-Agent）/ client user agent' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  userAgent!: string | null;

  @Field(() => String, { nullable: true, description: '请求标识 / request id' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;
}
