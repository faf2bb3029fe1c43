/** PIPL rights over GraphQL: export everything held on a person, erase their personal data (ADMIN). */
import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../../common/enums';
import { toId } from '../../common/ids';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { Contact } from '../contacts/contact.entity';
import type { ConsentRecord, PersonDataExport } from './privacy.service';

@ObjectType('ConsentRecord', { description: '信息采集同意记录 / a consent given or withdrawn' })
export class ConsentRecordType implements ConsentRecord {
  @Field(() => String, { description: 'RECORDED 同意 / WITHDRAWN 撤回' })
  action!: 'RECORDED' | 'WITHDRAWN';

  @Field({ description: '记录时间 / recorded at' })
  at!: Date;

  @Field({ description: '记录人 / recorded by' })
  actor!: string;

  @Field(() => Date, { nullable: true, description: '同意时间 / consent given at' })
  consentAt!: Date | null;

  @Field(() => String, { nullable: true, description: '同意方式 / how' })
  source!: string | null;

  @Field(() => String, { nullable: true, description: '同意范围 / scope' })
  scope!: string | null;
}

@ObjectType('PersonDataExport', { description: '个人信息导出（PIPL 查阅复制权）/ everything held on a person (PIPL access right)' })
export class PersonDataExportType implements PersonDataExport {
  @Field({ description: '导出时间 / exported at' })
  exportedAt!: Date;

  @Field(() => Contact, { description: '人员（全部字段明文）/ the person, every field in clear' })
  person!: Contact;

  @Field(() => Account, { description: '所属大客户 / account' })
  account!: Account;

  @Field(() => [ConsentRecordType], { description: '同意记录 / consent history' })
  consents!: ConsentRecord[];

  @Field(() => [Activity], { description: '提及此人的经营记录 / activities naming the person' })
  activities!: Activity[];

  @Field(() => [AuditEvent], { description: '谁查看过此人的个人信息 / who read the person\'s personal data' })
  reads!: AuditEvent[];

  @Field(() => [AuditEvent], { description: '其他访问记录（修改、导入、同意、导出）/ other audit events about the person' })
  changes!: AuditEvent[];
}

@Resolver()
export class PrivacyResolver {
  @Authorized(Role.ADMIN)
  @Query(() => PersonDataExportType, { description: '导出一个人员的全部个人信息及查阅记录（ADMIN）/ export everything held on a person and who read it (ADMIN)' })
  exportPersonData(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.privacy.exportPersonData(ctx, toId(id, 'id'));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Contact, { description: '删除一个人员的个人信息（保留匿名占位，可重复调用）（ADMIN）/ erase a person\'s personal data, keeping an anonymous stub; idempotent (ADMIN)' })
  erasePerson(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('reason', { description: '原因 / why' }) reason: string) {
    return services.privacy.erasePerson(ctx, toId(id, 'id'), reason);
  }
}
