/** GraphQL inputs for contacts (大客户相关人员). */
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Closeness, ContactRole, Gender } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { OrderInputType } from '../../common/pagination';
import { ContactSortField, type ContactFilter, type ContactInput } from './contact.service';

registerEnumType(ContactSortField, {
  name: 'ContactOrderField',
  description: '相关人员排序字段 / contact sort fields',
  valuesConfig: { ID: { description: 'id' }, NAME: { description: '姓名 / name' }, UPDATED_AT: { description: '更新时间 / updated at' } },
});

export const ContactOrder = OrderInputType<ContactSortField>(ContactSortField, 'Contact');

@InputType('ContactFilter', { description: '相关人员筛选 / contact filter' })
export class ContactFilterInput implements ContactFilter {
  @Field(() => [ID], { nullable: true, description: '大客户 / accounts' })
  accountIds?: string[] | null;

  @Field(() => [ContactRole], { nullable: true, description: '角色 / roles' })
  roles?: ContactRole[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true 在职，false 离职 / still at the account (true) or left (false)' })
  active?: boolean | null;

  @Field(() => String, { nullable: true, description: '姓名包含 / name contains' })
  nameContains?: string | null;

  @Field(() => Date, { nullable: true, description: '此时间后更新过 / updated at or after' })
  updatedSince?: Date | null;
}

@InputType()
abstract class ContactFields implements Partial<ContactInput> {
  @Field(() => Gender, { nullable: true, description: '性别 / gender' })
  gender?: Gender | null;

  @Field(() => String, { nullable: true, description: '性别（任意文字：词表中的词取其代码，其他照录）/ gender in any words: a vocabulary word sets the code, any other word is kept as written' })
  genderLabel?: string | null;

  @Field(() => String, { nullable: true, description: '职务 / title' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: '部门 / department' })
  department?: string | null;

  @Field(() => ContactRole, { nullable: true, description: '角色 / role in the buying process' })
  role?: ContactRole | null;

  @Field(() => String, { nullable: true, description: '角色（任意文字：词表中的词取其代码，其他照录）/ role in any words: a vocabulary word sets the code, any other word is kept as written' })
  roleLabel?: string | null;

  @Field(() => String, { nullable: true, description: '办公电话 / office phone' })
  officePhone?: string | null;

  @Field(() => String, { nullable: true, description: '手机 / mobile' })
  mobile?: string | null;

  @Field(() => String, { nullable: true, description: '邮箱 / email' })
  email?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '生日 / birthday' })
  birthday?: string | null;

  @Field(() => String, { nullable: true, description: '家庭成员情况 🔒（需信息采集同意）/ family (needs consent)' })
  familyInfo?: string | null;

  @Field(() => String, { nullable: true, description: '家庭住址 🔒（需信息采集同意）/ home address (needs consent)' })
  homeAddress?: string | null;

  @Field(() => String, { nullable: true, description: '兴趣爱好 🔒（需信息采集同意）/ hobbies (needs consent)' })
  hobbies?: string | null;

  @Field(() => Closeness, { nullable: true, description: '关系亲密度 / closeness' })
  closeness?: Closeness | null;

  @Field(() => String, { nullable: true, description: '关系亲密度（任意文字：词表中的词取其代码，其他照录）/ closeness in any words: a vocabulary word sets the code, any other word is kept as written' })
  closenessLabel?: string | null;

  @Field(() => Date, { nullable: true, description: '信息采集同意时间 / consent given at' })
  consentAt?: Date | null;

  @Field(() => String, { nullable: true, description: '同意方式 / how consent was obtained' })
  consentSource?: string | null;

  @Field(() => String, { nullable: true, description: '同意范围 / consent scope' })
  consentScope?: string | null;

  @Field(() => Boolean, { nullable: true, description: '在职 / still at the account' })
  active?: boolean;

  @Field(() => LocalDateScalar, { nullable: true, description: '离职日期 / left on' })
  leftOn?: string | null;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  notes?: string | null;
}

@InputType({ description: '新增相关人员 / a new related person' })
export class CreateContactInput extends ContactFields implements ContactInput {
  @Field(() => ID, { description: '大客户 / account id' })
  accountId!: string;

  @Field({ description: '姓名 / name' })
  name!: string;
}

@InputType({ description: '修改相关人员：只改给出的字段，null 为清空 / contact changes: only the fields given; null clears' })
export class UpdateContactInput extends ContactFields {
  @Field(() => String, { nullable: true, description: '姓名 / name' })
  name?: string;
}
