import { Column, Entity, Index } from 'typeorm';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MoneyColumn, VersionedRecord } from '../../db/columns';
import { fenToYuan } from '../../common/money';
import { OrgUnitKind } from '../../common/enums';

/** 管理层级 (公司级 / 分公司级): who manages the account, by follow-up contract value. Data. */
@ObjectType({ simpleResolvers: true, description: '管理层级 / management level (公司级, 分公司级)' })
@Entity('management_levels')
export class ManagementLevel extends VersionedRecord {
  @Field({ description: '编码 / code, e.g. COMPANY' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Field({ description: '名称 / name, e.g. 公司级' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Int, { description: '排序，1 为最高 / rank, 1 = highest' })
  @Column({ type: 'int' })
  rank!: number;

  @Field(() => [String], { description: '别名 / aliases' })
  @Column({ type: 'simple-json' })
  aliases!: string[];

  @MoneyColumn()
  minExpectedContractFen!: number | null;

  @Field(() => Float, { nullable: true, description: '后续合同成交额门槛（元）/ follow-up contract value threshold (yuan)' })
  get minExpectedContractValue(): number | null {
    return fenToYuan(this.minExpectedContractFen);
  }

  @Field({ description: '门槛按集团合并计算 / threshold applies to the sum over the group hierarchy' })
  @Column({ type: 'boolean', default: false })
  sumOverGroup!: boolean;

  /**
   * Which unit leads accounts of this level (policy 004): the nearest unit of this kind above the
   * owning unit — 公司级 accounts are led by the head office (COMPANY), 分公司级 by their branch.
   */
  @Field(() => OrgUnitKind, { description: '牵头单位类型：公司级由总公司、分公司级由分公司牵头 / the kind of unit that leads accounts of this level' })
  @Column({ type: 'varchar', length: 16, default: OrgUnitKind.BRANCH })
  leadUnitKind!: OrgUnitKind;

  @Field({ description: '启用（停用后不再建议）/ active (an inactive level is never suggested)' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
