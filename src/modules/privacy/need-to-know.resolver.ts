/** Need-to-know over GraphQL: the classification everyone may read, and the grants ADMIN makes. */
import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../../common/enums';
import { toId } from '../../common/ids';
import type { GraphQLContext } from '../../http/graphql-context';
import { DataAccessGrant } from './data-access-grant.entity';
import { DataClass, classifiedFields } from './data-classes';

@ObjectType('DataClassificationEntry', { description: '一个字段的数据分级 / the class of one field' })
export class DataClassificationEntry {
  @Field({ description: 'GraphQL 类型 / type' })
  type!: string;

  @Field({ description: '字段 / field' })
  field!: string;

  @Field(() => DataClass, { description: '分级 / class' })
  dataClass!: DataClass;
}

@Resolver()
export class NeedToKnowResolver {
  @Authorized()
  @Query(() => [DataClassificationEntry], {
    description: '数据分级表：企业机密仅 ADMIN、COMMITTEE、FINANCE 与本单位可读，个人信息仅 ADMIN、COMMITTEE 与本客户经理可读 / the classification every door applies; unlisted fields are INTERNAL',
  })
  dataClassification() {
    return classifiedFields();
  }

  @Authorized(Role.ADMIN, Role.COMMITTEE)
  @Query(() => [DataAccessGrant], { description: '数据访问授权（ADMIN、COMMITTEE）/ data access grants' })
  dataAccessGrants(@Ctx() { ctx, services }: GraphQLContext, @Arg('includeRevoked', () => Boolean, { nullable: true }) includeRevoked?: boolean | null) {
    return services.needToKnow.listGrants(ctx, includeRevoked ?? false);
  }

  @Authorized(Role.ADMIN, Role.COMMITTEE)
  @Query(() => DataAccessGrant, { nullable: true, description: '一条数据访问授权（ADMIN、COMMITTEE）/ one data access grant' })
  dataAccessGrant(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.needToKnow.getGrant(ctx, toId(id, 'id'));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DataAccessGrant, { description: '授予某角色读取全部客户企业机密的权限（ADMIN，须说明理由，留痕）/ grant a role a data class over every account (ADMIN, with a reason; audited)' })
  grantDataAccess(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('role', () => Role) role: Role,
    @Arg('dataClass', () => DataClass) dataClass: DataClass,
    @Arg('note', () => String, { description: '理由 / why' }) note: string,
  ) {
    return services.needToKnow.grant(ctx, { role, dataClass, note });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DataAccessGrant, { description: '撤销数据访问授权（ADMIN）/ revoke a grant (ADMIN)' })
  revokeDataAccess(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', () => String, { description: '理由 / why' }) note: string) {
    return services.needToKnow.revoke(ctx, toId(id, 'id'), note);
  }
}
