import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateColumn, VersionedRecord } from '../../db/columns';
import { LocalDateScalar } from '../../common/scalars';
import { User } from '../org/user.entity';

/**
 * 保密协议: an agreement a user signed (policy 002: everyone who touches key-account information). The
 * file itself stays in HR's archive; KAM Hub keeps when it was signed, which version, until when, and
 * where the paper is. Never deleted: a mistaken record is revoked, so the history stays.
 */
@ObjectType({ simpleResolvers: true, description: '保密协议 / a confidentiality agreement on file' })
@Entity('confidentiality_agreements')
@Index(['userId', 'signedOn'])
export class ConfidentialityAgreement extends VersionedRecord {
  @Field(() => ID, { description: '签署人 / the user who signed' })
  @Column({ type: 'int' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field({ description: '协议版本，如 2026版 / version of the agreement document' })
  @Column({ type: 'varchar', length: 50 })
  documentVersion!: string;

  @Field(() => LocalDateScalar, { description: '签署日期 / signed on' })
  @DateColumn({ nullable: false })
  signedOn!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '有效期至（空为长期）/ valid until (null = no expiry)' })
  @DateColumn()
  expiresOn!: string | null;

  @Field(() => String, { nullable: true, description: '存档编号或位置 / where the signed document is kept' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  documentRef!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '撤销日期 / revoked on' })
  @DateColumn()
  revokedOn!: string | null;

  @Field(() => String, { nullable: true, description: '撤销原因 / why it was revoked' })
  @Column({ type: 'text', nullable: true })
  revokeReason!: string | null;

  @Field(() => String, { nullable: true, description: '备注 / note' })
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Field(() => ID, { nullable: true, description: '登记人 / recorded by' })
  @Column({ type: 'int', nullable: true })
  recordedById!: number | null;
}
