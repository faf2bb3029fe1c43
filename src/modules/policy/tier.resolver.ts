import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../http/graphql-context';
import { Tier } from './tier.entity';
import { ManagementLevel } from './management-level.entity';

@Authorized()
@Resolver(() => Tier)
export class TierResolver {
  @Query(() => [Tier], { description: '客户级别（按级别排序）/ tiers, highest first' })
  tiers(@Ctx() { services }: GraphQLContext) {
    return services.tiers.list();
  }

  @Query(() => [ManagementLevel], { description: '管理层级 / management levels' })
  managementLevels(@Ctx() { services }: GraphQLContext) {
    return services.tiers.listManagementLevels();
  }
}
