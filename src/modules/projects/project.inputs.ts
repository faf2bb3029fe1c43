/** GraphQL inputs for projects (合作项目), receivables (应收计划) and payments (回款). */
import { Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { ProjectStatus } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { OrderInputType } from '../../common/pagination';
import {
  PaymentSortField, ProjectSortField, ReceivableSortField,
  type PaymentFilter, type PaymentInput, type ProjectFilter, type ProjectInput, type ReceivableFilter, type ReceivableInput,
} from './project.service';

registerEnumType(ProjectSortField, {
  name: 'ProjectOrderField',
  description: '项目排序字段 / project sort fields',
  valuesConfig: {
    ID: { description: 'id' }, NAME: { description: '项目名称 / name' }, SIGNED_ON: { description: '签约日期 / signed on' },
    CONTRACT_AMOUNT: { description: '合同金额 / contract amount' }, UPDATED_AT: { description: '更新时间 / updated at' },
  },
});
registerEnumType(ReceivableSortField, {
  name: 'ReceivableOrderField',
  description: '应收排序字段 / receivable sort fields',
  valuesConfig: { ID: { description: 'id' }, DUE_ON: { description: '应收日期 / due on' }, AMOUNT: { description: '金额 / amount' }, UPDATED_AT: { description: '更新时间 / updated at' } },
});
registerEnumType(PaymentSortField, {
  name: 'PaymentOrderField',
  description: '回款排序字段 / payment sort fields',
  valuesConfig: { ID: { description: 'id' }, RECEIVED_ON: { description: '回款日期 / received on' }, AMOUNT: { description: '金额 / amount' }, UPDATED_AT: { description: '更新时间 / updated at' } },
});

export const ProjectOrder = OrderInputType<ProjectSortField>(ProjectSortField, 'Project');
export const ReceivableOrder = OrderInputType<ReceivableSortField>(ReceivableSortField, 'Receivable');
export const PaymentOrder = OrderInputType<PaymentSortField>(PaymentSortField, 'Payment');

@InputType('ProjectFilter', { description: '项目筛选 / project filter' })
export class ProjectFilterInput implements ProjectFilter {
  @Field(() => [ID], { nullable: true, description: '大客户 / accounts' })
  accountIds?: string[] | null;

  @Field(() => [ProjectStatus], { nullable: true, description: '状态 / statuses' })
  statuses?: ProjectStatus[] | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '签约日期起（含）/ signed on or after' })
  signedFrom?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '签约日期止（含）/ signed on or before' })
  signedTo?: string | null;

  @Field(() => [ID], { nullable: true, description: '承接单位 / our units' })
  unitIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: '项目负责人 / managers' })
  managerIds?: string[] | null;

  @Field(() => String, { nullable: true, description: '名称包含 / name contains' })
  nameContains?: string | null;

  @Field(() => Date, { nullable: true, description: '此时间后更新过 / updated at or after' })
  updatedSince?: Date | null;
}

@InputType('ReceivableFilter', { description: '应收筛选 / receivable filter' })
export class ReceivableFilterInput implements ReceivableFilter {
  @Field(() => [ID], { nullable: true, description: '大客户 / accounts' })
  accountIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: '项目 / projects' })
  projectIds?: string[] | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '应收日期起（含）/ due on or after' })
  dueFrom?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '应收日期止（含）/ due on or before' })
  dueTo?: string | null;

  @Field(() => Date, { nullable: true, description: '此时间后更新过 / updated at or after' })
  updatedSince?: Date | null;
}

@InputType('PaymentFilter', { description: '回款筛选 / payment filter' })
export class PaymentFilterInput implements PaymentFilter {
  @Field(() => [ID], { nullable: true, description: '大客户 / accounts' })
  accountIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: '项目 / projects' })
  projectIds?: string[] | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '回款日期起（含）/ received on or after' })
  receivedFrom?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '回款日期止（含）/ received on or before' })
  receivedTo?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true 仅经营档案记录的回款，false 仅其他 / only ledger collections (true) or only the others (false)' })
  fromLedger?: boolean | null;

  @Field(() => Date, { nullable: true, description: '此时间后更新过 / updated at or after' })
  updatedSince?: Date | null;
}

@InputType()
abstract class ProjectFields implements Partial<ProjectInput> {
  @Field(() => String, { nullable: true, description: '项目编号（唯一）/ project code (unique)' })
  code?: string | null;

  @Field(() => Float, { nullable: true, description: '合同金额（元）/ contract amount (yuan)' })
  contractAmount?: number | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '签约日期 / signed on' })
  signedOn?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '开工日期 / start' })
  startOn?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '完工日期 / end' })
  endOn?: string | null;

  @Field(() => String, { nullable: true, description: '项目地点 / location' })
  location?: string | null;

  @Field(() => ID, { nullable: true, description: '承接单位 / our unit id' })
  unitId?: string | null;

  @Field(() => ID, { nullable: true, description: '项目负责人 / manager (user id)' })
  managerId?: string | null;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  notes?: string | null;
}

@InputType({ description: '新增项目 / a new project' })
export class CreateProjectInput extends ProjectFields implements ProjectInput {
  @Field(() => ID, { description: '大客户 / account id' })
  accountId!: string;

  @Field({ description: '项目名称（同一客户下唯一）/ name (unique per account)' })
  name!: string;

  @Field(() => ProjectStatus, { description: '状态 / status' })
  status!: ProjectStatus;
}

@InputType({ description: '修改项目：只改给出的字段，null 为清空 / project changes: only the fields given; null clears' })
export class UpdateProjectInput extends ProjectFields {
  @Field(() => String, { nullable: true, description: '项目名称 / name' })
  name?: string;

  @Field(() => ProjectStatus, { nullable: true, description: '状态 / status' })
  status?: ProjectStatus;
}

@InputType({ description: '新增应收计划 / a new receivable' })
export class CreateReceivableInput implements ReceivableInput {
  @Field(() => ID, { description: '大客户 / account id' })
  accountId!: string;

  @Field(() => ID, { nullable: true, description: '项目（须属于该客户）/ project (of that account)' })
  projectId?: string | null;

  @Field(() => LocalDateScalar, { description: '应收日期 / due on' })
  dueOn!: string;

  @Field(() => Float, { description: '应收金额（元，> 0）/ amount due (yuan, > 0)' })
  amount!: number;

  @Field(() => String, { nullable: true, description: '说明（如 进度款、质保金）/ description' })
  description?: string | null;
}

@InputType({ description: '修改应收计划：只改给出的字段 / receivable changes: only the fields given' })
export class UpdateReceivableInput {
  @Field(() => ID, { nullable: true, description: '项目 / project' })
  projectId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '应收日期 / due on' })
  dueOn?: string;

  @Field(() => Float, { nullable: true, description: '应收金额（元）/ amount (yuan)' })
  amount?: number;

  @Field(() => String, { nullable: true, description: '说明 / description' })
  description?: string | null;
}

@InputType({ description: '新增回款 / a new payment' })
export class CreatePaymentInput implements PaymentInput {
  @Field(() => ID, { description: '大客户 / account id' })
  accountId!: string;

  @Field(() => ID, { nullable: true, description: '项目（须属于该客户）/ project (of that account)' })
  projectId?: string | null;

  @Field(() => LocalDateScalar, { description: '回款日期 / received on' })
  receivedOn!: string;

  @Field(() => Float, { description: '回款金额（元，> 0）/ amount (yuan, > 0)' })
  amount!: number;

  @Field(() => String, { nullable: true, description: '方式（转账、承兑…）/ method' })
  method?: string | null;

  @Field(() => String, { nullable: true, description: '凭证号 / reference' })
  reference?: string | null;
}

@InputType({ description: '修改回款：只改给出的字段 / payment changes: only the fields given' })
export class UpdatePaymentInput {
  @Field(() => ID, { nullable: true, description: '项目 / project' })
  projectId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '回款日期 / received on' })
  receivedOn?: string;

  @Field(() => Float, { nullable: true, description: '回款金额（元）/ amount (yuan)' })
  amount?: number;

  @Field(() => String, { nullable: true, description: '方式 / method' })
  method?: string | null;

  @Field(() => String, { nullable: true, description: '凭证号 / reference' })
  reference?: string | null;
}
