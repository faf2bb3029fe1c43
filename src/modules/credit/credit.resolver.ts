import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';
import { ConnectionType, PageArgsType, type SortOrder } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { CreditEvaluation } from './credit-evaluation.entity';
import { CreateCreditEvaluationInput, CreditEvaluationFilterInput, CreditEvaluationOrder, UpdateCreditEvaluationInput } from './credit.inputs';
import type { CreditEvaluationSortField } from './credit.service';

export const CreditEvaluationConnection = ConnectionType(CreditEvaluation, 'CreditEvaluation');

@Resolver(() => CreditEvaluation)
export class CreditEvaluationResolver {
  @Authorized()
  @Query(() => CreditEvaluationConnection, { description: '信用评价列表 / credit evaluations, filtered, sorted, paged' })
  creditEvaluations(
    @Ctx() { ctx, services, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: PageArgsType,
    @Arg('filter', () => CreditEvaluationFilterInput, { nullable: true }) filter?: CreditEvaluationFilterInput | null,
    @Arg('orderBy', () => CreditEvaluationOrder, { nullable: true }) orderBy?: SortOrder<CreditEvaluationSortField> | null,
  ) {
    return services.credit.list(ctx, filter, page, orderBy, loaders.connectionColumns(CreditEvaluation, info));
  }

  @Authorized()
  @Query(() => CreditEvaluation, { nullable: true, description: '按 id 取一条信用评价 / one evaluation by id' })
  creditEvaluation(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.credit.get(ctx, id).catch(nullIfNotFound);
  }

  @Authorized()
  @Mutation(() => CreditEvaluation, { description: '新增信用评价，每客户每年一条（ADMIN 或该客户的 MANAGER）/ add an evaluation, one per account and year (ADMIN or the account\'s MANAGER)' })
  createCreditEvaluation(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => CreateCreditEvaluationInput) input: CreateCreditEvaluationInput) {
    return services.credit.create(ctx, input);
  }

  @Authorized()
  @Mutation(() => CreditEvaluation, { description: '修改信用评价（ADMIN 或该客户的 MANAGER）/ change an evaluation (ADMIN or the account\'s MANAGER)' })
  updateCreditEvaluation(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => UpdateCreditEvaluationInput) input: UpdateCreditEvaluationInput,
  ) {
    return services.credit.update(ctx, id, input, version);
  }

  @Authorized()
  @Mutation(() => ID, { description: '删除信用评价（ADMIN 或该客户的 MANAGER）/ delete an evaluation (ADMIN or the account\'s MANAGER)' })
  async deleteCreditEvaluation(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
  ) {
    return (await services.credit.delete(ctx, id, version)).id;
  }

  @FieldResolver(() => Account, { description: '大客户 / account' })
  account(@Root() e: CreditEvaluation, @Ctx() { loaders }: GraphQLContext) {
    return loaders.byId(Account).load(e.accountId);
  }

  @FieldResolver(() => User, { nullable: true, description: '确认人 / confirmed by' })
  decidedBy(@Root() e: CreditEvaluation, @Ctx() { loaders }: GraphQLContext) {
    return e.decidedById == null ? null : loaders.byId(User).load(e.decidedById);
  }
}
