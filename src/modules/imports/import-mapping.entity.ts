import { Column, Entity, Index } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedRecord } from '../../db/columns';
import { ImportAnnex } from '../../common/enums';

/** What a saved mapping maps: a header as a branch writes it, or a value in a column. */
export enum ImportMappingKind {
  HEADER = 'HEADER',
  VALUE = 'VALUE',
}
registerEnumType(ImportMappingKind, {
  name: 'ImportMappingKind',
  description: '映射类型 / what a saved import mapping maps',
  valuesConfig: {
    HEADER: { description: '列标题别名 / a header alias: the header as written means a column of the annex' },
    VALUE: { description: '取值映射 / a value mapping: a word in a column means a value of its vocabulary' },
  },
});

/**
 * A mapping an admin confirmed for imports (关键人 → 决策者, "3" → 一般, 联系人职务 → 职务): global, or for one
 * unit's files; for one annex or every annex. Later imports apply it and name it in their report.
 */
@ObjectType({ simpleResolvers: true, description: '导入映射（管理员确认的列标题别名或取值映射）/ a saved import mapping (header alias or value mapping)' })
@Entity('import_mappings')
export class ImportMapping extends VersionedRecord {
  @Field(() => ImportMappingKind, { description: '类型 / kind' })
  @Column({ type: 'varchar', length: 8 })
  kind!: ImportMappingKind;

  @Field(() => ImportAnnex, { nullable: true, description: '附件（空 = 所有附件）/ annex (null: every annex)' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  annex!: ImportAnnex | null;

  @Field({ description: '列（附件规格中的键，如 role）：取值映射的列，或标题别名指向的列 / the column key (role, closeness…): the column a value belongs to, or the column a header means' })
  @Column({ type: 'varchar', length: 64 })
  column!: string;

  @Field({ description: '原文（文件中的写法）/ the text as written in the files' })
  @Column({ type: 'varchar', length: 200 })
  fromText!: string;

  @Field(() => String, { nullable: true, description: '映射到的值（代码）；标题别名为空 / the value (code) it maps to; null for a header alias' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  toValue!: string | null;

  @Field(() => ID, { nullable: true, description: '适用单位（空 = 全局）/ the unit whose files it applies to (null: global)' })
  @Column({ type: 'int', nullable: true })
  unitId!: number | null;

  @Field(() => String, { nullable: true, description: '备注 / note' })
  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  @Field({ description: '创建人 / created by' })
  @Column({ type: 'varchar', length: 100 })
  createdBy!: string;

  /** One mapping per scope and word: kind, annex, column (values), matching key of the text, unit. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 255 })
  scopeKey!: string;
}
