/**
 * Chinese labels beside codes, for every enum field of every object type: `type` → `typeLabel`
 * (`EXECUTIVE_VISIT` → 高层拜访), `intelTags` → `intelTagsLabel` (one label per code). The fields are
 * generated once, after the schema is built, from the vocabularies' registered labels (common/enums.ts),
 * so a new enum field gets its label without anyone writing it. A label resolves through the code
 * field's own resolver — need-to-know included — so a masked code has a masked (null) label.
 */
import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  defaultFieldResolver,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLOutputType,
} from 'graphql';
import { chineseTitle, enumLabel } from '../common/enum-labels';

/** The name of the label field beside an enum field. */
export const labelFieldName = (field: string): string => `${field}Label`;

function labelType(t: GraphQLOutputType): GraphQLOutputType {
  if (isNonNullType(t)) return new GraphQLNonNull(labelType(t.ofType) as never);
  if (isListType(t)) return new GraphQLList(labelType(t.ofType));
  return GraphQLString;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Adds `<field>Label` beside every enum-typed field of every object type of `schema` (in place, like
 * the need-to-know wrapper); returns the coordinates added, `Type.fieldLabel`.
 */
export function addEnumLabels(schema: GraphQLSchema): string[] {
  const added: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = type.getFields() as Record<string, GraphQLField<unknown, unknown>>;
    for (const [name, field] of Object.entries(fields)) {
      const named = getNamedType(field.type);
      if (!isEnumType(named) || named.name.startsWith('__')) continue;
      const labelName = labelFieldName(name);
      if (fields[labelName]) continue;
      const enumType: GraphQLEnumType = named;
      const toLabel = (v: unknown): unknown => (Array.isArray(v) ? v.map(toLabel) : typeof v === 'string' ? enumLabel(enumType, v) : v);
      const codeOf: GraphQLFieldResolver<unknown, unknown> = (root, _args, ctx, info) => (field.resolve ?? defaultFieldResolver)(root, {}, ctx, { ...info, fieldName: name });
      fields[labelName] = {
        name: labelName,
        description: `${chineseTitle(field.description ?? '') || name}（中文名称）/ Chinese label of ${name}`,
        type: labelType(field.type),
        args: [],
        resolve: (root, args, ctx, info) => {
          const code = codeOf(root, args, ctx, info);
          return isThenable(code) ? Promise.resolve(code).then(toLabel) : toLabel(code);
        },
        deprecationReason: field.deprecationReason,
        extensions: {},
        astNode: undefined,
      };
      added.push(`${type.name}.${labelName}`);
    }
  }
  return added;
}
