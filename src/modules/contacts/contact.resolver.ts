import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';
import { toId } from '../../common/ids';
import { ConnectionType, PageArgsType, type SortOrder } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { Contact } from './contact.entity';
import { ContactFilterInput, ContactOrder, CreateContactInput, UpdateContactInput } from './contact.inputs';
import type { ContactSortField } from './contact.service';
import { PRIVACY_ACCOUNT_COLUMNS, PRIVACY_CONTACT_COLUMNS, PRIVATE_CONTACT_FIELDS, revealContactField, type PrivateContactField } from './contact-privacy';
import { DataClass, classifiedFields } from '../privacy/data-classes';

export const ContactConnection = ConnectionType(Contact, 'Contact');

/** A person's fields the need-to-know and privacy rules decide per caller (data-classes.ts, contact-privacy.ts). */
const GUARDED_CONTACT_FIELDS = new Set<string>([...classifiedFields().filter((f) => f.type === 'Contact' && f.dataClass !== DataClass.INTERNAL).map((f) => f.field), ...PRIVATE_CONTACT_FIELDS]);

/** A private field as this caller may see it; synchronous when the account is already loaded (a page). */
function reveal({ ctx, loaders, services }: GraphQLContext, c: Contact, field: PrivateContactField): string | null | Promise<string | null> {
  if (c[field] == null) return null;
  const account = loaders.peek(Account, c.accountId, PRIVACY_ACCOUNT_COLUMNS);
  if (account) return revealContactField(services.keyRing, ctx, c, field, account);
  return loaders.byId(Account, PRIVACY_ACCOUNT_COLUMNS).load(c.accountId).then((a) => revealContactField(services.keyRing, ctx, c, field, a));
}

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized()
  @Query(() => ContactConnection, { description: '相关人员列表 / related persons, filtered, sorted, paged' })
  async contacts(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => ContactFilterInput, { nullable: true }) filter?: ContactFilterInput | null,
    @Arg('orderBy', () => ContactOrder, { nullable: true }) orderBy?: SortOrder<ContactSortField> | null,
  ) {
    const columns = loaders.connectionColumns(Contact, info, PRIVACY_CONTACT_COLUMNS);
    if (!columns.some((c) => GUARDED_CONTACT_FIELDS.has(c))) return services.contacts.list(ctx, filter, page, orderBy, columns);
    // Every guarded field of every person asks the request's need-to-know facts and the person's account:
    // both loaded before the fields resolve, each field then decides at once instead of waiting in turn.
    const [connection] = await Promise.all([services.contacts.list(ctx, filter, page, orderBy, columns), services.needToKnow.facts(ctx)]);
    const accounts = await loaders.byId(Account, PRIVACY_ACCOUNT_COLUMNS).loadMany([...new Set(connection.nodes.map((c) => c.accountId))]);
    loaders.prime(Account, accounts.filter((a): a is Account => a instanceof Account), PRIVACY_ACCOUNT_COLUMNS);
    return connection;
  }

  @Authorized()
  @Query(() => Contact, { nullable: true, description: '按 id 取一个相关人员 / one contact by id' })
  contact(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.contacts.get(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized()
  @Mutation(() => Contact, { description: '新增相关人员（ADMIN 或该客户的 MANAGER）/ add a person (ADMIN or the account\'s MANAGER)' })
  createContact(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateContactInput) input: CreateContactInput) {
    return services.contacts.create(ctx, input);
  }

  @Authorized()
  @Mutation(() => Contact, { description: '修改相关人员（ADMIN 或该客户的 MANAGER）/ change a person (ADMIN or the account\'s MANAGER)' })
  updateContact(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdateContactInput) input: UpdateContactInput,
  ) {
    return services.contacts.update(ctx, id, input, version);
  }

  @Authorized()
  @Mutation(() => ID, { description: '删除相关人员（ADMIN 或该客户的 MANAGER）/ delete a person (ADMIN or the account\'s MANAGER)' })
  async deleteContact(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.contacts.delete(ctx, id, version)).id;
  }

  @FieldResolver(() => Account, { description: '大客户 / account' })
  account(@Root() c: Contact, @Ctx() { loaders }: GraphQLContext) {
    return loaders.byId(Account).load(c.accountId);
  }

  @FieldResolver(() => String, { nullable: true, description: '手机（无权查看时脱敏为 138****1234）/ mobile (masked unless you may see it)' })
  mobile(@Root() c: Contact, @Ctx() context: GraphQLContext) {
    return reveal(context, c, 'mobile');
  }

  @FieldResolver(() => String, { nullable: true, description: '家庭成员情况 🔒（仅 ADMIN、COMMITTEE、本客户经理可见）/ family — ADMIN, COMMITTEE and the account\'s manager only' })
  familyInfo(@Root() c: Contact, @Ctx() context: GraphQLContext) {
    return reveal(context, c, 'familyInfo');
  }

  @FieldResolver(() => String, { nullable: true, description: '家庭住址 🔒（仅 ADMIN、COMMITTEE、本客户经理可见）/ home address — ADMIN, COMMITTEE and the account\'s manager only' })
  homeAddress(@Root() c: Contact, @Ctx() context: GraphQLContext) {
    return reveal(context, c, 'homeAddress');
  }

  @FieldResolver(() => String, { nullable: true, description: '兴趣爱好 🔒（仅 ADMIN、COMMITTEE、本客户经理可见）/ hobbies — ADMIN, COMMITTEE and the account\'s manager only' })
  hobbies(@Root() c: Contact, @Ctx() context: GraphQLContext) {
    return reveal(context, c, 'hobbies');
  }
}
