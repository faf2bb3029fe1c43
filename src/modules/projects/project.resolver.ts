import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';
import { ConnectionType, PageArgsType, type SortOrder } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Activity } from '../activities/activity.entity';
import { Project } from './project.entity';
import { Receivable } from './receivable.entity';
import { Payment } from './payment.entity';
import {
  CreatePaymentInput, CreateProjectInput, CreateReceivableInput, PaymentFilterInput, PaymentOrder, ProjectFilterInput, ProjectOrder,
  ReceivableFilterInput, ReceivableOrder, UpdatePaymentInput, UpdateProjectInput, UpdateReceivableInput,
} from './project.inputs';
import type { PaymentSortField, ProjectSortField, ReceivableSortField } from './project.service';

export const ProjectConnection = ConnectionType(Project, 'Project');
export const ReceivableConnection = ConnectionType(Receivable, 'Receivable');
export const PaymentConnection = ConnectionType(Payment, 'Payment');

@Resolver(() => Project)
export class ProjectResolver {
  @Authorized()
  @Query(() => ProjectConnection, { description: '合作项目列表 / projects, filtered, sorted, paged' })
  projects(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => ProjectFilterInput, { nullable: true }) filter?: ProjectFilterInput | null,
    @Arg('orderBy', () => ProjectOrder, { nullable: true }) orderBy?: SortOrder<ProjectSortField> | null,
  ) {
    return services.projects.listProjects(ctx, filter, page, orderBy, loaders.connectionColumns(Project, info));
  }

  @Authorized()
  @Query(() => Project, { nullable: true, description: '按 id 取一个项目 / one project by id' })
  project(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.projects.getProject(ctx, id).catch(nullIfNotFound);
  }

  @Authorized()
  @Mutation(() => Project, { description: '新增项目（ADMIN 或该客户的 MANAGER）/ add a project (ADMIN or the account\'s MANAGER)' })
  createProject(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateProjectInput) input: CreateProjectInput) {
    return services.projects.createProject(ctx, input);
  }

  @Authorized()
  @Mutation(() => Project, { description: '修改项目（ADMIN 或该客户的 MANAGER）/ change a project (ADMIN or the account\'s MANAGER)' })
  updateProject(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdateProjectInput) input: UpdateProjectInput,
  ) {
    return services.projects.updateProject(ctx, id, input, version);
  }

  @Authorized()
  @Mutation(() => ID, { description: '删除项目及其应收计划；有回款时拒绝（CONFLICT）（ADMIN 或该客户的 MANAGER）/ delete a project and its receivables; refused (CONFLICT) when it has payments' })
  async deleteProject(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.projects.deleteProject(ctx, id, version)).id;
  }

  @FieldResolver(() => Account, { description: '大客户 / account' })
  account(@Root() p: Project, @Ctx() { loaders }: GraphQLContext) {
    return loaders.byId(Account).load(p.accountId);
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '承接单位 / our unit' })
  unit(@Root() p: Project, @Ctx() { loaders }: GraphQLContext) {
    return p.unitId == null ? null : loaders.byId(OrgUnit).load(p.unitId);
  }

  @FieldResolver(() => User, { nullable: true, description: '项目负责人 / manager' })
  manager(@Root() p: Project, @Ctx() { loaders }: GraphQLContext) {
    return p.managerId == null ? null : loaders.byId(User).load(p.managerId);
  }

  @FieldResolver(() => [Receivable], { description: '应收计划（按应收日期）/ receivables by due date' })
  receivables(@Root() p: Project, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Receivable, 'projectId', { dueOn: 'ASC' }, loaders.columnsFor(Receivable, info)).load(p.id);
  }

  @FieldResolver(() => [Payment], { description: '回款（按回款日期）/ payments by date received' })
  payments(@Root() p: Project, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Payment, 'projectId', { receivedOn: 'ASC' }, loaders.columnsFor(Payment, info)).load(p.id);
  }

  @FieldResolver(() => [Activity], { description: '相关经营档案 / activities about this project' })
  activities(@Root() p: Project, @Ctx() { loaders }: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return loaders.manyBy(Activity, 'projectId', { occurredOn: 'DESC', id: 'DESC' }, loaders.columnsFor(Activity, info)).load(p.id);
  }
}

@Resolver(() => Receivable)
export class ReceivableResolver {
  @Authorized()
  @Query(() => ReceivableConnection, { description: '应收计划列表 / receivables, filtered, sorted, paged' })
  receivables(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => ReceivableFilterInput, { nullable: true }) filter?: ReceivableFilterInput | null,
    @Arg('orderBy', () => ReceivableOrder, { nullable: true }) orderBy?: SortOrder<ReceivableSortField> | null,
  ) {
    return services.projects.listReceivables(ctx, filter, page, orderBy, loaders.connectionColumns(Receivable, info));
  }

  @Authorized()
  @Query(() => Receivable, { nullable: true, description: '按 id 取一条应收 / one receivable by id' })
  receivable(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.projects.getReceivable(ctx, id).catch(nullIfNotFound);
  }

  @Authorized()
  @Mutation(() => Receivable, { description: '新增应收计划（ADMIN、FINANCE）/ add a receivable (ADMIN, FINANCE)' })
  createReceivable(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateReceivableInput) input: CreateReceivableInput) {
    return services.projects.createReceivable(ctx, input);
  }

  @Authorized()
  @Mutation(() => Receivable, { description: '修改应收计划（ADMIN、FINANCE）/ change a receivable (ADMIN, FINANCE)' })
  updateReceivable(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdateReceivableInput) input: UpdateReceivableInput,
  ) {
    return services.projects.updateReceivable(ctx, id, input, version);
  }

  @Authorized()
  @Mutation(() => ID, { description: '删除应收计划（ADMIN、FINANCE）/ delete a receivable (ADMIN, FINANCE)' })
  async deleteReceivable(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.projects.deleteReceivable(ctx, id, version)).id;
  }

  @FieldResolver(() => Account, { description: '大客户 / account' })
  account(@Root() r: Receivable, @Ctx() { loaders }: GraphQLContext) {
    return loaders.byId(Account).load(r.accountId);
  }

  @FieldResolver(() => Project, { nullable: true, description: '项目 / project' })
  project(@Root() r: Receivable, @Ctx() { loaders }: GraphQLContext) {
    return r.projectId == null ? null : loaders.byId(Project).load(r.projectId);
  }
}

@Resolver(() => Payment)
export class PaymentResolver {
  @Authorized()
  @Query(() => PaymentConnection, { description: '回款列表 / payments, filtered, sorted, paged' })
  payments(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => PaymentFilterInput, { nullable: true }) filter?: PaymentFilterInput | null,
    @Arg('orderBy', () => PaymentOrder, { nullable: true }) orderBy?: SortOrder<PaymentSortField> | null,
  ) {
    return services.projects.listPayments(ctx, filter, page, orderBy, loaders.connectionColumns(Payment, info));
  }

  @Authorized()
  @Query(() => Payment, { nullable: true, description: '按 id 取一条回款 / one payment by id' })
  payment(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.projects.getPayment(ctx, id).catch(nullIfNotFound);
  }

  @Authorized()
  @Mutation(() => Payment, { description: '新增回款（ADMIN、FINANCE）/ record a payment (ADMIN, FINANCE)' })
  createPayment(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreatePaymentInput) input: CreatePaymentInput) {
    return services.projects.createPayment(ctx, input);
  }

  @Authorized()
  @Mutation(() => Payment, { description: '修改回款（ADMIN、FINANCE；经营档案中的回款请改该记录）/ change a payment (ADMIN, FINANCE; a ledger collection is changed through its activity)' })
  updatePayment(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdatePaymentInput) input: UpdatePaymentInput,
  ) {
    return services.projects.updatePayment(ctx, id, input, version);
  }

  @Authorized()
  @Mutation(() => ID, { description: '删除回款（ADMIN、FINANCE；经营档案中的回款请改该记录）/ delete a payment (ADMIN, FINANCE; not a ledger collection)' })
  async deletePayment(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.projects.deletePayment(ctx, id, version)).id;
  }

  @FieldResolver(() => Account, { description: '大客户 / account' })
  account(@Root() p: Payment, @Ctx() { loaders }: GraphQLContext) {
    return loaders.byId(Account).load(p.accountId);
  }

  @FieldResolver(() => Project, { nullable: true, description: '项目 / project' })
  project(@Root() p: Payment, @Ctx() { loaders }: GraphQLContext) {
    return p.projectId == null ? null : loaders.byId(Project).load(p.projectId);
  }

  @FieldResolver(() => Activity, { nullable: true, description: '来源经营档案记录 / the ledger activity it was recorded with' })
  activity(@Root() p: Payment, @Ctx() { loaders }: GraphQLContext) {
    return p.activityId == null ? null : loaders.byId(Activity).load(p.activityId);
  }
}
