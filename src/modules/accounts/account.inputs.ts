/** GraphQL inputs for accounts: the filter, the sort order, and create/update. */
import { Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { AccountStatus, CompanyScale, OwnershipType, Reputation } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { OrderInputType } from '../../common/pagination';
import { AccountSortField, type AccountFilter, type AccountInput } from './account.service';

registerEnumType(AccountSortField, {
  name: 'AccountOrderField',
  description: '大客户排序字段 / account sort fields',
  valuesConfig: {
    ID: { description: '编号顺序 / id (creation order)' },
    CODE: { description: '客户编号 / account code' },
    NAME: { description: '单位名称 / name' },
    CREATED_AT: { description: '创建时间 / created at' },
    UPDATED_AT: { description: '更新时间 / updated at' },
    REGISTERED_ON: { description: '建档日期 / registered on' },
    ANNUAL_SALES: { description: '年合作销售额 / annual sales' },
    EXPECTED_CONTRACT_VALUE: { description: '后续合同成交额 / expected contract value' },
  },
});

export const AccountOrder = OrderInputType<AccountSortField>(AccountSortField, 'Account');

@InputType('AccountFilter', { description: '大客户筛选（条件同时满足）/ account filter: every given criterion must hold' })
export class AccountFilterInput implements AccountFilter {
  @Field(() => [ID], { nullable: true, description: 'id' })
  ids?: string[] | null;

  @Field(() => [String], { nullable: true, description: '客户编号 / account codes' })
  codes?: string[] | null;

  @Field(() => [String], { nullable: true, description: '客户级别（编码、名称或别名，如 STRATEGIC、战略客户、重要级）/ tiers by code, name or alias' })
  tierCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: '管理层级（编码、名称或别名，如 公司级）/ management levels (code, name or alias)' })
  managementLevels?: string[] | null;

  @Field(() => [AccountStatus], { nullable: true, description: '状态 / statuses' })
  statuses?: AccountStatus[] | null;

  @Field(() => [ID], { nullable: true, description: '推荐单位（归属单位）/ owning units' })
  unitIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: '含下级单位 / include the units below unitIds' })
  includeSubUnits?: boolean | null;

  @Field(() => [ID], { nullable: true, description: '客户经理 / account managers (user ids)' })
  managerIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: '行业类别 / industries' })
  industries?: string[] | null;

  @Field(() => String, { nullable: true, description: '名称包含（不区分大小写、全半角）/ name contains' })
  nameContains?: string | null;

  @Field(() => String, { nullable: true, description: '名称或客户编号包含（搜索框）/ name or account code contains (a search box)' })
  search?: string | null;

  @Field(() => String, { nullable: true, description: '统一社会信用代码 / unified social credit code' })
  creditCode?: string | null;

  @Field(() => [ID], { nullable: true, description: '上级集团 / parent (group) accounts' })
  parentIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true 仅集团成员，false 仅顶层 / only group members (true) or only top-level accounts (false)' })
  hasParent?: boolean | null;

  @Field(() => Date, { nullable: true, description: '此时间后更新过（增量同步）/ updated at or after (incremental refresh)' })
  updatedSince?: Date | null;
}

/** Fields shared by create and update; on update, absent = unchanged and null = cleared. */
@InputType()
abstract class AccountFields implements AccountInput {
  @Field(() => ID, { nullable: true, description: '上级集团 / parent (group) account id' })
  parentId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '建档日期 / registered on' })
  registeredOn?: string | null;

  @Field(() => String, { nullable: true, description: '统一社会信用代码（18 位，或 9 位组织机构代码）/ unified social credit code' })
  creditCode?: string | null;

  @Field(() => OwnershipType, { nullable: true, description: '单位性质 / ownership' })
  ownership?: OwnershipType | null;

  @Field(() => String, { nullable: true, description: '单位性质（任意文字：词表中的词取其代码，其他照录）/ ownership in any words: a vocabulary word sets the code, any other word is kept as written' })
  ownershipLabel?: string | null;

  @Field(() => String, { nullable: true, description: '行业类别 / industry' })
  industry?: string | null;

  @Field(() => CompanyScale, { nullable: true, description: '规模 / scale' })
  scale?: CompanyScale | null;

  @Field(() => String, { nullable: true, description: '规模（任意文字：词表中的词取其代码，其他照录）/ scale in any words: a vocabulary word sets the code, any other word is kept as written' })
  scaleLabel?: string | null;

  @Field(() => String, { nullable: true, description: '主要产品 / main products' })
  mainProducts?: string | null;

  @Field(() => Reputation, { nullable: true, description: '信誉 / reputation' })
  reputation?: Reputation | null;

  @Field(() => String, { nullable: true, description: '信誉（任意文字：词表中的词取其代码，其他照录）/ reputation in any words: a vocabulary word sets the code, any other word is kept as written' })
  reputationLabel?: string | null;

  @Field(() => Float, { nullable: true, description: '资产状况（元）/ total assets (yuan)' })
  totalAssets?: number | null;

  @Field(() => String, { nullable: true, description: '股东结构 / shareholders' })
  shareholders?: string | null;

  @Field(() => String, { nullable: true, description: '地址 / address' })
  address?: string | null;

  @Field(() => String, { nullable: true, description: '邮编 / postal code' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: '电话 / phone' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: '传真 / fax' })
  fax?: string | null;

  @Field(() => String, { nullable: true, description: '邮箱 / email' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: '客户级别（编码、名称或别名）/ tier code, name or alias — COMMITTEE or ADMIN on update' })
  tierCode?: string | null;

  @Field(() => String, { nullable: true, description: '管理层级（公司级/分公司级）/ management level — COMMITTEE or ADMIN on update' })
  managementLevel?: string | null;

  @Field(() => AccountStatus, { nullable: true, description: '状态 / status — COMMITTEE or ADMIN on update' })
  status?: AccountStatus | null;

  @Field(() => ID, { nullable: true, description: '推荐单位 / owning unit id — COMMITTEE or ADMIN on update; a MANAGER creates for its own unit' })
  ownerUnitId?: string | null;

  @Field(() => ID, { nullable: true, description: '客户经理 / manager (user id) — COMMITTEE or ADMIN on update; a MANAGER creates accounts it manages' })
  managerId?: string | null;

  @Field(() => Float, { nullable: true, description: '后续合同成交额（元）/ expected follow-up contract value (yuan)' })
  expectedContractValue?: number | null;

  @Field(() => Float, { nullable: true, description: '年合作销售额估计（元）：仅供参考，定级按项目与经营档案记录的签约额 / the manager\'s estimate of annual sales (yuan): shown beside the recorded figure, never decides the tier' })
  annualSales?: number | null;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  notes?: string | null;
}

@InputType({ description: '新建大客户 / a new key account' })
export class CreateAccountInput extends AccountFields {
  @Field({ description: '客户编号（唯一）/ account code (unique)' })
  code!: string;

  @Field({ description: '单位名称 / name' })
  name!: string;
}

@InputType({ description: '修改大客户：只改给出的字段，null 为清空 / account changes: only the fields given; null clears' })
export class UpdateAccountInput extends AccountFields {
  @Field(() => String, { nullable: true, description: '客户编号 / account code' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '单位名称 / name' })
  name?: string | null;
}
