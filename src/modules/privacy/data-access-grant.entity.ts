import { Column, Entity, Index } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { TimestampColumn, VersionedRecord } from '../../db/columns';
import { Role } from '../../common/enums';
import { DataClass } from './data-classes';

/**
 * An ADMIN's grant of a data class's scope over every account to a role (e.g. ANALYST reads the
 * confidential figures of all units for BI). Personal data is never granted: PIPL keeps it to the
 * people responsible. Revoking keeps the row (who granted what, when, until when).
 */
@ObjectType({ description: '数据访问授权：某角色可读全部客户的某类数据 / a role granted a data class over every account' })
@Entity('data_access_grants')
@Index(['role', 'dataClass'])
export class DataAccessGrant extends VersionedRecord {
  @Field(() => Role, { description: '角色 / role' })
  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Field(() => DataClass, { description: '数据分级 / data class' })
  @Column({ type: 'varchar', length: 16 })
  dataClass!: DataClass;

  @Field({ description: '授权理由 / why' })
  @Column({ type: 'text' })
  note!: string;

  @Field(() => ID, { nullable: true, description: '授权人 / granted by (user id)' })
  @Column({ type: 'int', nullable: true })
  grantedById!: number | null;

  @Field({ description: '授权人 / granted by' })
  @Column({ type: 'varchar', length: 200 })
  grantedByName!: string;

  @Field(() => Date, { nullable: true, description: '撤销时间 / revoked at' })
  @TimestampColumn()
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true, description: '撤销人 / revoked by' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  revokedByName!: string | null;
}
