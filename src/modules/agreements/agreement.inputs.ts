/** GraphQL inputs and results of confidentiality agreements (保密协议). */
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../common/scalars';
import { User } from '../org/user.entity';
import { ConfidentialityAgreement } from './agreement.entity';
import { AgreementStatus } from './agreement.rules';

@InputType({ description: '登记保密协议 / record a signed confidentiality agreement' })
export class RecordConfidentialityAgreementInput {
  @Field(() => ID, { description: '签署人 / the user who signed' })
  userId!: string;

  @Field(() => String, { nullable: true, description: '协议版本（缺省为现行版本）/ document version (default: the version in force)' })
  documentVersion?: string | null;

  @Field(() => LocalDateScalar, { description: '签署日期 / signed on' })
  signedOn!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '有效期至（空为长期）/ valid until' })
  expiresOn?: string | null;

  @Field(() => String, { nullable: true, description: '存档编号或位置 / where the document is kept' })
  documentRef?: string | null;

  @Field(() => String, { nullable: true, description: '备注 / note' })
  note?: string | null;
}

@InputType({ description: '保密协议登记簿筛选 / register filter' })
export class ConfidentialityRegisterFilterInput {
  @Field(() => [AgreementStatus], { nullable: true, description: '只列这些状态 / only these statuses' })
  statuses?: AgreementStatus[] | null;

  @Field(() => Int, { nullable: true, description: '多少天内到期算“即将到期”（默认 30）/ days ahead that count as expiring (default 30)' })
  withinDays?: number | null;
}

@ObjectType({ description: '保密协议状况 / where someone stands on the confidentiality agreement' })
export class ConfidentialityStanding {
  @Field(() => AgreementStatus, { description: '状态 / status' })
  status!: AgreementStatus;

  @Field({ description: '可查看完整个人信息 / may read personal data in full (given the role allows it)' })
  valid!: boolean;

  @Field(() => ConfidentialityAgreement, { nullable: true, description: '据以判断的协议 / the agreement the status rests on' })
  agreement!: ConfidentialityAgreement | null;

  @Field(() => String, { nullable: true, description: '说明（个人信息为何脱敏）/ why personal data is masked, when it is' })
  notice!: string | null;
}

@ObjectType({ description: '保密协议登记簿的一行 / one active user in the register' })
export class ConfidentialityRegisterRow extends ConfidentialityStanding {
  @Field(() => User, { description: '用户 / user' })
  user!: User;

  @Field(() => Int, { nullable: true, description: '距到期天数（负数为已过期）/ days to expiry (negative: expired)' })
  daysLeft!: number | null;
}
