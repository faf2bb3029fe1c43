import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../common/enums';
import { toId } from '../../common/ids';
import { LocalDateScalar } from '../../common/scalars';
import type { GraphQLContext } from '../../http/graphql-context';
import { Viewer } from '../auth/auth.resolver';
import { Account } from '../accounts/account.entity';
import { Contact } from '../contacts/contact.entity';
import { PRIVACY_ACCOUNT_COLUMNS, mayReadPrivate } from '../contacts/contact-privacy';
import { User } from '../org/user.entity';
import { ConfidentialityAgreement } from './agreement.entity';
import { ConfidentialityRegisterFilterInput, ConfidentialityRegisterRow, ConfidentialityStanding, RecordConfidentialityAgreementInput } from './agreement.inputs';
import { AgreementStatus } from './agreement.rules';

const VALID = [AgreementStatus.VALID, AgreementStatus.EXPIRING, AgreementStatus.NOT_REQUIRED];

/** 保密协议: the register (ADMIN), each caller's own standing, and why a person's data is masked. */
@Resolver(() => ConfidentialityAgreement)
export class AgreementResolver {
  @Authorized()
  @Query(() => [ConfidentialityAgreement], { description: '某用户的保密协议（本人或 ADMIN）/ a user\'s agreements, newest first (the user or an ADMIN)' })
  confidentialityAgreements(@Ctx() { ctx, services }: GraphQLContext, @Arg('userId', () => ID) userId: string) {
    return services.agreements.list(ctx, toId(userId, 'userId'));
  }

  @Authorized(Role.ADMIN)
  @Query(() => [ConfidentialityRegisterRow], { description: '保密协议登记簿：未签、过期、即将到期者在前（ADMIN）/ every active user\'s standing, the ones to chase first (ADMIN)' })
  async confidentialityRegister(@Ctx() { ctx, services }: GraphQLContext, @Arg('filter', () => ConfidentialityRegisterFilterInput, { nullable: true }) filter?: ConfidentialityRegisterFilterInput | null) {
    return (await services.agreements.register(ctx, filter ?? {})).map((r) => ({ ...r, valid: VALID.includes(r.status) }));
  }

  @Authorized()
  @Query(() => String, { nullable: true, description: '现行保密协议版本（空为任何版本）/ the agreement version in force (null: any)' })
  confidentialityRequiredVersion(@Ctx() { ctx, services }: GraphQLContext) {
    return services.settings.get(ctx, 'confidentiality.requiredVersion');
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ConfidentialityAgreement, { description: '登记已签署的保密协议（ADMIN）/ record a signed agreement (ADMIN)' })
  recordConfidentialityAgreement(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => RecordConfidentialityAgreementInput) input: RecordConfidentialityAgreementInput) {
    return services.agreements.record(ctx, { ...input, userId: toId(input.userId, 'userId') });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ConfidentialityAgreement, { description: '撤销保密协议（ADMIN，须说明原因）/ revoke an agreement (ADMIN, with a reason)' })
  revokeConfidentialityAgreement(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('revokedOn', () => LocalDateScalar, { nullable: true }) revokedOn?: string | null,
  ) {
    return services.agreements.revoke(ctx, toId(id, 'id'), reason, revokedOn);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => String, { nullable: true, description: '设置现行保密协议版本（ADMIN；空为任何版本）/ set the version in force (ADMIN; null = any)' })
  setConfidentialityRequiredVersion(@Ctx() { ctx, services }: GraphQLContext, @Arg('version', () => String, { nullable: true }) version: string | null) {
    return services.agreements.setRequiredVersion(ctx, version);
  }

  @FieldResolver(() => User, { nullable: true, description: '签署人 / the user' })
  user(@Root() a: ConfidentialityAgreement, @Ctx() { loaders }: GraphQLContext) {
    return loaders.one(User, a.userId);
  }
}

@Resolver(() => Viewer)
export class ViewerConfidentialityResolver {
  @FieldResolver(() => ConfidentialityStanding, { description: '我的保密协议状况（个人信息为何脱敏）/ your confidentiality agreement standing and why personal data is masked' })
  confidentiality(@Ctx() { ctx, services }: GraphQLContext): ConfidentialityStanding {
    const s = services.agreements.standing(ctx);
    return { status: s.status, valid: VALID.includes(s.status), agreement: s.agreement as ConfidentialityAgreement | null, notice: s.notice };
  }
}

@Resolver(() => Contact)
export class ContactPrivacyNoticeResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: '个人信息为何对你脱敏（角色或保密协议）；完整可见时为空 / why this person\'s personal data is masked for you (role or confidentiality agreement); null when you see it in full',
  })
  async privacyNotice(@Root() c: Contact, @Ctx() { ctx, services, loaders }: GraphQLContext): Promise<string | null> {
    if (c.erasedAt) return '个人信息已应本人要求删除 / erased at the person\'s request';
    const account = loaders.peek(Account, c.accountId, PRIVACY_ACCOUNT_COLUMNS) ?? (await loaders.byId(Account, PRIVACY_ACCOUNT_COLUMNS).load(c.accountId));
    if (!mayReadPrivate(ctx.actor, account)) return '手机脱敏、家庭信息隐藏：仅 ADMIN、COMMITTEE 和本客户的客户经理可见 / masked: only ADMIN, COMMITTEE and the account\'s manager see personal data';
    return services.agreements.standing(ctx).notice;
  }
}
