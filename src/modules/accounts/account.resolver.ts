import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { DomainError, ErrorCode } from '../../common/errors';
import { ConnectionType } from '../../common/pagination';
import type { GraphQLContext } from '../../http/graphql-context';
import { Tier } from '../policy/tier.entity';
import { ManagementLevel } from '../policy/management-level.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Account } from './account.entity';

export const AccountConnection = ConnectionType(Account, 'Account');

@ArgsType()
export class PageArgsType {
  @Field(() => Int, { nullable: true, description: '每页条数（默认 100，上限见配置）/ page size (default 100)' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: '上一页的 endCursor / the previous page\'s endCursor' })
  after?: string | null;
}

@Authorized()
@Resolver(() => Account)
export class AccountResolver {
  @Query(() => AccountConnection, { description: '大客户列表 / key accounts, paged with keyset cursors' })
  accounts(@Ctx() { ctx, services }: GraphQLContext, @Args() page: PageArgsType) {
    return services.accounts.list(ctx, {}, page);
  }

  @Query(() => Account, { nullable: true, description: '按 id 或客户编号取一个大客户 / one account by id or code' })
  account(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('code', () => String, { nullable: true, description: '客户编号 / account code' }) code?: string | null,
  ) {
    if ((id == null) === (code == null)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'account: give exactly one of id or code', { field: 'id' });
    return id != null ? services.accounts.get(ctx, Number(id)).catch(nullIfNotFound) : services.accounts.findByCode(ctx, code as string);
  }

  @FieldResolver(() => Tier, { nullable: true, description: '客户级别 / tier' })
  tier(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return a.tierId == null ? null : loaders.byId(Tier).load(a.tierId);
  }

  @FieldResolver(() => ManagementLevel, { nullable: true, description: '管理层级 / management level' })
  managementLevel(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return a.managementLevelId == null ? null : loaders.byId(ManagementLevel).load(a.managementLevelId);
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: '推荐单位 / owning unit' })
  ownerUnit(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return a.ownerUnitId == null ? null : loaders.byId(OrgUnit).load(a.ownerUnitId);
  }

  @FieldResolver(() => User, { nullable: true, description: '客户经理 / account manager' })
  manager(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return a.managerId == null ? null : loaders.byId(User).load(a.managerId);
  }

  @FieldResolver(() => Account, { nullable: true, description: '上级集团 / parent group account' })
  parent(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return a.parentId == null ? null : loaders.byId(Account).load(a.parentId);
  }

  @FieldResolver(() => [Account], { description: '下属单位 / accounts whose parent is this one' })
  children(@Root() a: Account, @Ctx() { loaders }: GraphQLContext) {
    return loaders.manyBy(Account, 'parentId').load(a.id);
  }
}

function nullIfNotFound(e: unknown): null {
  if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) return null;
  throw e;
}
