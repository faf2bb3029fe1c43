import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../common/enums';
import type { GraphQLContext } from '../../http/graphql-context';
import { Contact } from '../contacts/contact.entity';
import { RecordConsentInput } from './consent.inputs';
import { toId } from '../../common/ids';

/** 信息采集同意: record and withdraw a related person's consent. */
@Resolver()
export class ConsentResolver {
  @Authorized(Role.MANAGER)
  @Mutation(() => Contact, { description: '记录信息采集同意（客户经理限本人客户）/ record a person\'s consent (a manager for its own accounts)' })
  recordContactConsent(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => RecordConsentInput) input: RecordConsentInput) {
    return services.consent.record(ctx, toId(input.contactId, 'contactId'), { consentAt: input.consentAt, source: input.source, scope: input.scope });
  }

  @Authorized(Role.MANAGER, Role.COMMITTEE)
  @Mutation(() => Contact, { description: '撤回同意并删除家庭、住址、爱好信息 / withdraw consent and erase family, home address and hobbies' })
  withdrawContactConsent(@Ctx() { ctx, services }: GraphQLContext, @Arg('contactId', () => ID) contactId: string, @Arg('note', () => String, { nullable: true }) note?: string | null) {
    return services.consent.withdraw(ctx, toId(contactId, 'contactId'), note);
  }
}
