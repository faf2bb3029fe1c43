import { Column, Entity, Index } from 'typeorm';
import { Field, ObjectType } from 'type-graphql';
import { VersionedRecord } from '../../db/columns';

/**
 * 沟通频次方案: a set of cadence rules a company follows — policy 003's (strategic accounts by role:
 * the account manager monthly, technical every six months, quality quarterly) or policy 002's (重要大客户:
 * face to face monthly, phone or email every two weeks) as shipped, or its own. Exactly one is active;
 * compliance is always measured against the active one.
 */
@ObjectType({ simpleResolvers: true, description: '沟通频次方案（如制度003、制度002）/ a cadence scheme; exactly one is active' })
@Entity('cadence_profiles')
export class CadenceProfile extends VersionedRecord {
  @Field({ description: '编码 / code, e.g. POLICY_003' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Field({ description: '名称 / name' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true, description: '说明 / description' })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field({ description: '现行方案 / the scheme in force' })
  @Column({ type: 'boolean', default: false })
  active!: boolean;
}
