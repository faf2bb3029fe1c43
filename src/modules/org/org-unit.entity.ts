import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { VersionedRecord } from '../../db/columns';
import { OrgUnitKind } from '../../common/enums';

@ObjectType({ simpleResolvers: true, description: '单位（公司/分公司/部门）/ organisational unit' })
@Entity('org_units')
export class OrgUnit extends VersionedRecord {
  @Field({ description: '单位编码 / unit code' })
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Field({ description: '单位名称 / unit name' })
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Normalised name for matching 推荐单位 in imports. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 200 })
  nameKey!: string;

  @Field(() => OrgUnitKind, { description: '单位类型 / kind' })
  @Column({ type: 'varchar', length: 16, default: OrgUnitKind.BRANCH })
  kind!: OrgUnitKind;

  @Field(() => ID, { nullable: true, description: '上级单位 / parent unit id' })
  @Index()
  @Column({ type: 'int', nullable: true })
  parentId!: number | null;

  @ManyToOne(() => OrgUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Relation<OrgUnit> | null;

  @Field({ description: '启用 / active' })
  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
