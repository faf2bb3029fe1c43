import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DomainError, ErrorCode } from '../../common/errors';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';
import { toId } from '../../common/ids';
import { ConnectionType, PageArgsType } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Tier } from '../tiers/tier.entity';
import { ManagementLevel } from '../tiers/management-level.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Contact } from '../contacts/contact.entity';
import { CreditEvaluation } from '../credit/credit-evaluation.entity';
import { Project } from '../projects/project.entity';
import { Receivable } from '../projects/receivable.entity';
import { Payment } from '../projects/payment.entity';
import { Activity } from '../activities/activity.entity';
import { Account } from './account.entity';
import { PRIVACY_ACCOUNT_COLUMNS, PRIVACY_CONTACT_COLUMNS } from '../contacts/contact-privacy';
import { AccountFilterInput, AccountOrder, CreateAccountInput, UpdateAccountInput } from './account.inputs';
import type { AccountSortField } from './account.service';
import type { SortOrder } from '../../common/pagination';

export const AccountConnection = ConnectionType(Account, 'Account');

@Resolver(() => Account)
export class AccountResolver {
  @Authorized()
  @Query(() => AccountConnection, { description: '大客户列表 / key accounts, filtered, sorted, paged with keyset cursors' })
  async accounts(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => AccountFilterInput, { nullable: true }) filter?: AccountFilterInput | null,
    @Arg('orderBy', () => AccountOrder, { nullable: true, description: '排序（默认按 id）/ sort order (default by id)' }) orderBy?: SortOrder<AccountSortField> | null,
  ) {
    const columns = loaders.connectionColumns(Account, info);
    // The request's need-to-know facts beside the page: the classified fields of the accounts and their
    // people and projects then decide at once instead of each waiting for them.
    const [connection] = await Promise.all([services.accounts.list(ctx, filter ?? {}, page, orderBy, columns), services.needToKnow.facts(ctx)]);
    // Partial rows: primed for the columns read (the need-to-know rule's owner and manager among them:
    // every foreign key is) and for the columns the privacy rule reads (contacts of these accounts).
    loaders.prime(Account, connection.nodes, columns);
    loaders.prime(Account, connection.nodes, PRIVACY_ACCOUNT_COLUMNS);
    return connection;
  }

  @Authorized()
  @Query(() => Account, { nullable: true, description: '按 id 或客户编号取一个大客户 / one account by id or code' })
  account(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('code', () => String, { nullable: true, description: '客户编号 / account code' }) code?: string | null,
  ) {
    if ((id == null) === (code == null)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'account: give exactly one of id or code', { field: 'id' });
    return id != null ? services.accounts.get(ctx, toId(id, 'id')).catch(nullIfNotFound) : services.accounts.findByCode(ctx, code as string);
  }

  @Authorized()
  @Mutation(() => Account, {
    description:
      '新建大客户：ADMIN；MANAGER 新建即为本单位推荐（待审批，由委员会批准）；同一公司（信用代码或名称相同）不可重复建档 / create an account: ADMIN; a MANAGER\'s new account is its unit\'s recommendation (CANDIDATE, approved by the committee); never a second account for the same company',
  })
  createAccount(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateAccountInput) input: CreateAccountInput) {
    return services.accounts.create(ctx, input);
  }

  @Authorized()
  @Mutation(() => Account, {
    description:
      '修改大客户：ADMIN 或本客户的 MANAGER 修改档案字段；级别、管理层级、归属、状态由委员会经复核、调整归属等程序决定，决定后不可直接修改（首次定级、暂停/恢复除外）/ change an account: ADMIN or its MANAGER change its archive fields; tier, management level, ownership and status are the committee\'s, changed through reviews, reassignment and termination once decided (a first tier or level, suspending and resuming excepted)',
  })
  updateAccount(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdateAccountInput) input: UpdateAccountInput,
  ) {
    return services.accounts.update(ctx, toId(id, 'id'), input, version);
  }

  @Authorized()
  @Mutation(() => ID, {
    description:
      '删除误建的大客户（ADMIN）；有项目、应收、回款或经营记录时拒绝（CONFLICT），请改为终止合作 / delete an account entered by mistake (ADMIN); refused (CONFLICT) once it has projects, receivables, payments or activities — set status TERMINATED instead',
  })
  async deleteAccount(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.accounts.delete(ctx, toId(id, 'id'), version)).id;
  }

  @FieldResolver(() => Tier, { nullable: true, description: '客户级别 / tier' })
  tier(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return a.tierId == null ? null : loaders.byId(Tier, loaders.columnsFor(Tier, info)).load(a.tierId);
  }

  @FieldResolver(() => ManagementLevel, { nullable: true, description: '管理层级 / management level' })
  managementLevel(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return a.managementLevelId == null ? null : loaders.byId(ManagementLevel, loaders.columnsFor(ManagementLevel, info)).load(a.managementLevelId);
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '推荐单位 / owning unit' })
  ownerUnit(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return a.ownerUnitId == null ? null : loaders.byId(OrgUnit, loaders.columnsFor(OrgUnit, info)).load(a.ownerUnitId);
  }

  @FieldResolver(() => User, { nullable: true, description: '客户经理 / account manager' })
  manager(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return a.managerId == null ? null : loaders.byId(User, loaders.columnsFor(User, info)).load(a.managerId);
  }

  @FieldResolver(() => Account, { nullable: true, description: '上级集团 / parent group account' })
  parent(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return a.parentId == null ? null : loaders.byId(Account).load(a.parentId);
  }

  @FieldResolver(() => [Account], { description: '下属单位 / accounts whose parent is this one' })
  children(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Account, 'parentId', {}, loaders.columnsFor(Account, info)).load(a.id);
  }

  @FieldResolver(() => [Contact], { description: '相关人员 / related persons' })
  contacts(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Contact, 'accountId', {}, loaders.columnsFor(Contact, info, PRIVACY_CONTACT_COLUMNS)).load(a.id);
  }

  @FieldResolver(() => [Project], { description: '合作项目 / projects' })
  projects(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Project, 'accountId', {}, loaders.columnsFor(Project, info)).load(a.id);
  }

  @FieldResolver(() => [CreditEvaluation], { description: '信用评价（最近年度在前）/ credit evaluations, latest year first' })
  creditEvaluations(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(CreditEvaluation, 'accountId', { year: 'DESC' }, loaders.columnsFor(CreditEvaluation, info)).load(a.id);
  }

  @FieldResolver(() => [Activity], { description: '经营档案（最近在前）/ activities, latest first' })
  activities(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Activity, 'accountId', { occurredOn: 'DESC', id: 'DESC' }, loaders.columnsFor(Activity, info)).load(a.id);
  }

  @FieldResolver(() => [Receivable], { description: '应收计划（按应收日期）/ receivables by due date' })
  receivables(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Receivable, 'accountId', { dueOn: 'ASC' }, loaders.columnsFor(Receivable, info)).load(a.id);
  }

  @FieldResolver(() => [Payment], { description: '回款（按回款日期）/ payments by date received' })
  payments(@Root() a: Account, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Payment, 'accountId', { receivedOn: 'ASC' }, loaders.columnsFor(Payment, info)).load(a.id);
  }
}
