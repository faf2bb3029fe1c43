import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../http/graphql-context';
import { Tier } from './tier.entity';
import { ManagementLevel } from './management-level.entity';

@Resolver(() => Tier)
export class TierResolver {
  @Authorized()
  @Query(() => [Tier], { description: '客户级别（按级别排序）/ tiers, highest first' })
  tiers(@Ctx() { services }: GraphQLContext) {
    return services.tiers.list();
  }

  @Authorized()
  @Query(() => Tier, { nullable: true, description: '按 id 或编码、名称、别名取一个客户级别 / one tier by id, or by code, name or alias' })
  async tier(
    @Ctx() { services, loaders }: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('code', () => String, { nullable: true, description: '编码、名称或别名 / code, name or alias' }) code?: string | null,
  ) {
    if (id != null) return /^\d+$/.test(id) ? loaders.byId(Tier).load(Number(id)) : null;
    return code != null ? ((await services.tiers.lookup(code)) ?? null) : null;
  }

  @Authorized()
  @Query(() => [ManagementLevel], { description: '管理层级 / management levels' })
  managementLevels(@Ctx() { services }: GraphQLContext) {
    return services.tiers.listManagementLevels();
  }

  @Authorized()
  @Query(() => ManagementLevel, { nullable: true, description: '按 id 取一个管理层级 / one management level by id' })
  managementLevel(@Ctx() { loaders }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return /^\d+$/.test(id) ? loaders.byId(ManagementLevel).load(Number(id)) : null;
  }
}
