import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ImportAnnex, Role } from '../../common/enums';
import type { GraphQLContext } from '../../http/graphql-context';
import { VERSION_DESCRIPTION, nullIfNotFound } from '../../common/graphql-types';
import { ImportMapping, ImportMappingKind } from './import-mapping.entity';
import type { ImportMappingInput as MappingInput } from './import-mapping.service';

@InputType({ description: '导入映射 / an import mapping to save' })
export class ImportMappingInput implements MappingInput {
  @Field(() => ImportMappingKind, { description: 'HEADER 列标题别名 / VALUE 取值映射' })
  kind!: ImportMappingKind;

  @Field(() => ImportAnnex, { nullable: true, description: '附件（空 = 所有附件）/ annex (null: every annex)' })
  annex?: ImportAnnex | null;

  @Field({ description: '列：键（role）或标题（角色）/ the column, by key (role) or header (角色)' })
  column!: string;

  @Field({ description: '文件中的写法（关键人、3、联系人职务）/ the text as written in the files' })
  fromText!: string;

  @Field(() => String, { nullable: true, description: '取值映射的目标：代码或标签（决策者）；在职、信息采集同意写 是/否 / VALUE: the value by code or label; 是/否 for 在职 and 信息采集同意' })
  toValue?: string | null;

  @Field(() => ID, { nullable: true, description: '适用单位（空 = 全局）/ the unit whose files it applies to (null: global)' })
  unitId?: string | null;

  @Field(() => String, { nullable: true, description: '备注 / note' })
  note?: string | null;
}

@InputType({ description: '导入映射筛选 / import mapping filter' })
export class ImportMappingFilterInput {
  @Field(() => ImportMappingKind, { nullable: true })
  kind?: ImportMappingKind | null;

  @Field(() => ImportAnnex, { nullable: true, description: '附件（含适用于所有附件的映射）/ annex (mappings for every annex included)' })
  annex?: ImportAnnex | null;

  @Field(() => ID, { nullable: true, description: '单位 / unit' })
  unitId?: string | null;
}

@ObjectType({ description: '内置映射（分值、是/否）：同一写法保存的映射优先 / a built-in mapping (scales, yes/no words); a saved mapping for the same word wins' })
export class BuiltInImportMapping {
  @Field(() => ImportAnnex, { nullable: true })
  annex!: ImportAnnex | null;

  @Field({ description: '列键 / column key' })
  column!: string;

  @Field({ description: '写法 / text as written' })
  fromText!: string;

  @Field({ description: '映射到的值（代码，或 true/false）/ the value (code, or true/false)' })
  toValue!: string;

  @Field({ description: '所属内置集合 / built-in set' })
  set!: string;
}

/** 导入映射: the header aliases and value mappings imports apply (ADMIN). */
@Authorized(Role.ADMIN)
@Resolver()
export class ImportMappingResolver {
  @Query(() => [ImportMapping], { description: '已保存的导入映射（ADMIN）/ saved import mappings (ADMIN)' })
  importMappings(@Ctx() { ctx, services }: GraphQLContext, @Arg('filter', () => ImportMappingFilterInput, { nullable: true }) filter?: ImportMappingFilterInput | null) {
    return services.importMappings.list(ctx, filter);
  }

  @Query(() => ImportMapping, { nullable: true, description: '按 id 取一条导入映射（ADMIN）/ one saved import mapping by id (ADMIN)' })
  importMapping(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.importMappings.get(ctx, id).catch(nullIfNotFound);
  }

  @Query(() => [BuiltInImportMapping], { description: '内置映射：1–5 分值与 是/否 写法（ADMIN）/ the built-in mappings: 1–5 scales and yes/no words (ADMIN)' })
  builtInImportMappings(@Ctx() { services }: GraphQLContext, @Arg('annex', () => ImportAnnex, { nullable: true }) annex?: ImportAnnex | null) {
    return services.importMappings.builtIn(annex);
  }

  @Mutation(() => ImportMapping, { description: '保存导入映射（同一范围同一写法则替换）（ADMIN）/ save an import mapping (replaces the one for the same word and scope) (ADMIN)' })
  saveImportMapping(@Ctx() { ctx, services }: GraphQLContext, @Arg('input', () => ImportMappingInput) input: ImportMappingInput) {
    return services.importMappings.save(ctx, input);
  }

  @Mutation(() => ImportMapping, { description: '修改导入映射（ADMIN）/ change an import mapping (ADMIN)' })
  updateImportMapping(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number,
    @Arg('input', () => ImportMappingInput) input: ImportMappingInput,
  ) {
    return services.importMappings.update(ctx, id, input, version);
  }

  @Mutation(() => ID, { description: '删除导入映射（ADMIN）/ delete an import mapping (ADMIN)' })
  async deleteImportMapping(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('version', () => Int, { description: VERSION_DESCRIPTION }) version: number) {
    return (await services.importMappings.delete(ctx, id, version)).id;
  }
}
