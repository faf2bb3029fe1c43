/** GraphQL inputs for units (单位) and users (用户). */
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { OrgUnitKind, Role } from '../../common/enums';
import { OrderInputType } from '../../common/pagination';
import { UnitSortField, UserSortField, type CreateUnitInput, type CreateUserInput, type UnitFilter, type UpdateUnitInput, type UpdateUserInput, type UserFilter } from './org.service';

registerEnumType(UnitSortField, {
  name: 'OrgUnitOrderField',
  description: '单位排序字段 / unit sort fields',
  valuesConfig: { ID: { description: 'id' }, CODE: { description: '单位编码 / code' }, NAME: { description: '单位名称 / name' } },
});
registerEnumType(UserSortField, {
  name: 'UserOrderField',
  description: '用户排序字段 / user sort fields',
  valuesConfig: { ID: { description: 'id' }, NAME: { description: '姓名 / name' }, LOGIN: { description: '登录名 / login' } },
});

export const OrgUnitOrder = OrderInputType<UnitSortField>(UnitSortField, 'OrgUnit');
export const UserOrder = OrderInputType<UserSortField>(UserSortField, 'User');

@InputType('OrgUnitFilter', { description: '单位筛选 / unit filter' })
export class OrgUnitFilterInput implements UnitFilter {
  @Field(() => [OrgUnitKind], { nullable: true, description: '单位类型 / kinds' })
  kinds?: OrgUnitKind[] | null;

  @Field(() => [ID], { nullable: true, description: '上级单位 / parent units' })
  parentIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: '启用 / active' })
  active?: boolean | null;
}

@InputType('UserFilter', { description: '用户筛选 / user filter' })
export class UserFilterInput implements UserFilter {
  @Field(() => [Role], { nullable: true, description: '角色 / roles' })
  roles?: Role[] | null;

  @Field(() => [ID], { nullable: true, description: '所属单位 / units' })
  unitIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: '在职 / active' })
  active?: boolean | null;

  @Field(() => String, { nullable: true, description: '姓名包含 / name contains' })
  nameContains?: string | null;
}

@InputType({ description: '新建单位 / a new unit' })
export class CreateOrgUnitInput implements CreateUnitInput {
  @Field({ description: '单位编码（唯一）/ code (unique)' })
  code!: string;

  @Field({ description: '单位名称（唯一）/ name (unique)' })
  name!: string;

  @Field(() => OrgUnitKind, { nullable: true, description: '单位类型（默认分公司）/ kind (default BRANCH)' })
  kind?: OrgUnitKind | null;

  @Field(() => ID, { nullable: true, description: '上级单位 / parent unit' })
  parentId?: string | null;
}

@InputType({ description: '修改单位：只改给出的字段 / unit changes: only the fields given' })
export class UpdateOrgUnitInput implements UpdateUnitInput {
  @Field(() => String, { nullable: true, description: '单位编码 / code' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '单位名称 / name' })
  name?: string | null;

  @Field(() => OrgUnitKind, { nullable: true, description: '单位类型 / kind' })
  kind?: OrgUnitKind | null;

  @Field(() => ID, { nullable: true, description: '上级单位 / parent unit' })
  parentId?: string | null;

  @Field(() => Boolean, { nullable: true, description: '启用 / active' })
  active?: boolean | null;
}

@InputType('CreateUserInput', { description: '新建用户 / a new user' })
export class CreateUserGqlInput implements CreateUserInput {
  @Field(() => String, { nullable: true, description: '登录名（唯一；无则不能登录）/ login (unique; none = cannot log in)' })
  login?: string | null;

  @Field({ description: '姓名 / name' })
  name!: string;

  @Field(() => Role, { description: '角色 / role' })
  role!: Role;

  @Field(() => ID, { nullable: true, description: '所属单位 / unit' })
  unitId?: string | null;

  @Field(() => String, { nullable: true, description: '电话 / phone' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: '邮箱 / email' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: '初始密码（至少 10 位）/ initial password (at least 10 characters)' })
  password?: string | null;

  @Field(() => Boolean, { nullable: true, description: '在职（默认是）/ active (default true)' })
  active?: boolean;
}

@InputType('UpdateUserInput', { description: '修改用户：只改给出的字段（密码用 setUserPassword）/ user changes: only the fields given (passwords: setUserPassword)' })
export class UpdateUserGqlInput implements UpdateUserInput {
  @Field(() => String, { nullable: true, description: '登录名 / login' })
  login?: string | null;

  @Field(() => String, { nullable: true, description: '姓名 / name' })
  name?: string | null;

  @Field(() => Role, { nullable: true, description: '角色（下次登录生效）/ role (applies from the next login)' })
  role?: Role | null;

  @Field(() => ID, { nullable: true, description: '所属单位 / unit' })
  unitId?: string | null;

  @Field(() => String, { nullable: true, description: '电话 / phone' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: '邮箱 / email' })
  email?: string | null;

  @Field(() => Boolean, { nullable: true, description: '在职；停用后 API 密钥失效，登录令牌至多在有效期内仍可用 / active; deactivating stops API keys at once and login tokens within their lifetime' })
  active?: boolean | null;
}
