import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../../common/enums';
import type { GraphQLContext } from '../../http/graphql-context';
import { User } from '../org/user.entity';

@ObjectType({ simpleResolvers: true, description: '登录结果 / a login: the token to send as "Authorization: Bearer <token>"' })
export class LoginPayload {
  @Field({ description: '登录令牌 / login token' })
  token!: string;

  @Field({ description: '到期时间 / expires at' })
  expiresAt!: Date;

  @Field(() => User, { description: '登录的用户 / the user logged in' })
  user!: User;
}

@ObjectType({ simpleResolvers: true, description: '当前调用者 / who is calling' })
export class Viewer {
  @Field({ description: '身份（登录名、apikey:名称）/ identity (login, apikey:<name>)' })
  name!: string;

  @Field(() => Role, { description: '角色 / role' })
  role!: Role;

  @Field({ description: '凭据类型：user（登录令牌）或 apikey / credential kind: user (login token) or apikey' })
  kind!: string;

  @Field(() => User, { nullable: true, description: '对应用户 / the user acted as' })
  user?: User | null;
}

@Resolver()
export class AuthResolver {
  @Mutation(() => LoginPayload, { description: '用登录名和密码登录，取得有时效的令牌 / log in with login and password for an expiring token' })
  login(@Ctx() { ctx, services }: GraphQLContext, @Arg('login') login: string, @Arg('password') password: string) {
    return services.auth.login(ctx, login, password);
  }

  @Authorized()
  @Query(() => Viewer, { description: '当前调用者 / who is calling' })
  async me(@Ctx() { ctx, loaders }: GraphQLContext): Promise<Viewer> {
    const { actor } = ctx;
    return { name: actor.name, role: actor.role, kind: actor.kind, user: actor.userId == null ? null : await loaders.byId(User).load(actor.userId) };
  }

  @Authorized()
  @Mutation(() => User, { description: '设置用户密码并解除锁定（ADMIN）/ set a user\'s password and lift a lockout (ADMIN)' })
  setUserPassword(@Ctx() { ctx, services }: GraphQLContext, @Arg('userId', () => ID) userId: string, @Arg('password') password: string) {
    return services.auth.setPassword(ctx, userId, password);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: '修改自己的密码（登录用户）/ change your own password (logged-in users)' })
  async changeMyPassword(@Ctx() { ctx, services }: GraphQLContext, @Arg('currentPassword') currentPassword: string, @Arg('newPassword') newPassword: string) {
    await services.auth.changeOwnPassword(ctx, currentPassword, newPassword);
    return true;
  }
}
