import { Column, Entity, Index } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseRecord, TimestampColumn } from '../../db/columns';

/**
 * 删除记录: what a deletion leaves behind, so an incremental refresh (GraphQL `changes`, the feeds'
 * deletions, the BI views) removes the row too. Written in the deleting transaction (db/deletions.ts),
 * kept for KAM_TOMBSTONE_RETENTION_DAYS.
 */
@ObjectType({ simpleResolvers: true, description: '删除记录 / tombstone: a deleted record (entity, id, when, by whom)' })
@Entity('tombstones')
@Index(['entity', 'deletedAt'])
export class Tombstone extends BaseRecord {
  @Field({ description: '对象类型，如 Activity / entity type' })
  @Column({ type: 'varchar', length: 64 })
  entity!: string;

  @Field(() => ID, { description: '被删除记录的标识 / id of the deleted record' })
  @Column({ type: 'int' })
  entityId!: number;

  @Field({ description: '删除时间 / deleted at' })
  @Index()
  @TimestampColumn({ nullable: false })
  deletedAt!: Date;

  @Field(() => String, { nullable: true, description: '删除人（登录名、API 密钥或系统任务）/ deleted by (login, api key or system task)' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  deletedBy!: string | null;
}
