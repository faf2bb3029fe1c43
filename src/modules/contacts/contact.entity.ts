import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateColumn, TimestampColumn, VersionedRecord } from '../../db/columns';
import { Closeness, ContactRole, Gender, RecordSource } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { Account } from '../accounts/account.entity';

/**
 * 大客户相关人员: a person at an account. 🔒 fields (family, home address, hobbies) and the mobile
 * are sensitive personal information under PIPL: stored only with consent, never exposed without
 * need-to-know. They are nullable in GraphQL so a refusal never nulls the parent.
 */
@ObjectType({ simpleResolvers: true, description: '大客户相关人员 / a related person at an account' })
@Entity('contacts')
@Index(['accountId', 'nameKey'])
export class Contact extends VersionedRecord {
  /** Stable identity that never changes (used as additional authenticated data for encryption). */
  @Field({ description: '稳定标识 / stable identifier' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 36 })
  uid!: string;

  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field({ description: '姓名 / name' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  nameKey!: string;

  @Field(() => Gender, { nullable: true, description: '性别 / gender' })
  @Column({ type: 'varchar', length: 8, nullable: true })
  gender!: Gender | null;

  @Field(() => String, { nullable: true, description: '性别（原文或标签）/ gender as a label: the vocabulary\'s label, or the word as written when it is not in the vocabulary' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  genderLabel!: string | null;

  @Field(() => String, { nullable: true, description: '职务 / title' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true, description: '部门 / department' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  department!: string | null;

  @Field(() => ContactRole, { nullable: true, description: '角色 / role in the buying process' })
  @Column({ type: 'varchar', length: 32, nullable: true })
  role!: ContactRole | null;

  @Field(() => String, { nullable: true, description: '角色（原文或标签）/ role as a label: the vocabulary\'s label, or the word as written when it is not in the vocabulary' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  roleLabel!: string | null;

  @Field(() => String, { nullable: true, description: '办公电话 / office phone' })
  @Column({ type: 'varchar', length: 40, nullable: true })
  officePhone!: string | null;

  /** 手机 — sensitive; exposed through a resolver that masks by role. */
  @Column({ type: 'text', nullable: true })
  mobile!: string | null;

  /** Keyed hash of the normalised mobile, for equality lookups (imports match persons by it). */
  @Index()
  @Column({ type: 'varchar', length: 64, nullable: true })
  mobileHash!: string | null;

  @Field(() => String, { nullable: true, description: '邮箱 / email' })
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '生日 / birthday' })
  @DateColumn()
  birthday!: string | null;

  /** 家庭成员情况 🔒 */
  @Column({ type: 'text', nullable: true })
  familyInfo!: string | null;

  /** 家庭住址 🔒 */
  @Column({ type: 'text', nullable: true })
  homeAddress!: string | null;

  /** 兴趣爱好 🔒 */
  @Column({ type: 'text', nullable: true })
  hobbies!: string | null;

  @Field(() => Closeness, { nullable: true, description: '关系亲密度 / closeness' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  closeness!: Closeness | null;

  @Field(() => String, { nullable: true, description: '关系亲密度（原文或标签）/ closeness as a label: the vocabulary\'s label, or the word as written when it is not in the vocabulary' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  closenessLabel!: string | null;

  @Field(() => Date, { nullable: true, description: '信息采集同意时间 / consent given at' })
  @TimestampColumn()
  consentAt!: Date | null;

  @Field(() => String, { nullable: true, description: '同意方式 / how consent was obtained' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  consentSource!: string | null;

  @Field(() => String, { nullable: true, description: '同意范围 / consent scope' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  consentScope!: string | null;

  @Field({ description: '在职 / still at the account (false = 离职)' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Field(() => LocalDateScalar, { nullable: true, description: '离职日期 / left on' })
  @DateColumn()
  leftOn!: string | null;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Field(() => Date, { nullable: true, description: '个人信息已删除时间 / personal data erased at' })
  @TimestampColumn()
  erasedAt!: Date | null;

  @Field(() => RecordSource, { description: '来源 / source' })
  @Column({ type: 'varchar', length: 16, default: RecordSource.MANUAL })
  source!: RecordSource;
}
