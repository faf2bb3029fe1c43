/**
 * type-graphql calls each field resolver through a generic wrapper that, on every call, sorts and maps
 * the method's parameter metadata, converts the root and builds a middleware chain. A page of 50
 * accounts with their people resolves a few hundred relation fields; that wrapper was a measurable
 * share of a request. Field resolvers that take only `@Root()`, `@Ctx()` and `@Info()` — no arguments,
 * no `@Authorized`, no middlewares — are rebound here once, after the schema is built, to call their
 * method directly with the same values. Anything else keeps type-graphql's wrapper.
 *
 * Computed fields of entities (getters such as `annualSales`, 元 from `annualSalesFen`) get no
 * resolver at all: entity rows are always instances of their class (TypeORM or the lean reads create
 * them with its prototype), so the getter answers a plain property read, which graphql-jit compiles
 * into direct code instead of a resolver call with its resolve-info object.
 */
import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Kind = 'root' | 'context' | 'info';

export function bindSimpleFieldResolvers(schema: GraphQLSchema, resolverClasses: readonly unknown[], entityClasses: readonly unknown[]): number {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((o) => [o.target, o.name]));
  const instances = new Map<unknown, Record<string, (...args: unknown[]) => unknown>>();
  let bound = 0;
  for (const fr of storage.fieldResolvers) {
    if (fr.kind === 'internal' && entityClasses.includes(fr.target) && !fr.params?.length && fr.roles === undefined && !fr.middlewares?.length) {
      const getter = Object.getOwnPropertyDescriptor((fr.target as { prototype: object }).prototype, fr.methodName)?.get;
      const field = getter ? (schema.getType(typeNames.get(fr.target) ?? '') as GraphQLObjectType | undefined)?.getFields()[fr.schemaName] : undefined;
      if (field) {
        field.resolve = undefined;
        bound++;
      }
      continue;
    }
    if (fr.kind !== 'external' || !resolverClasses.includes(fr.target) || fr.roles !== undefined || fr.middlewares?.length) continue;
    const params = [...(fr.params ?? [])].sort((a, b) => a.index - b.index);
    if (!params.every((p) => p.kind === 'info' || ((p.kind === 'root' || p.kind === 'context') && !p.propertyName))) continue;
    const typeName = fr.getObjectType ? typeNames.get(fr.getObjectType()) : undefined;
    const field = typeName ? (schema.getType(typeName) as GraphQLObjectType | undefined)?.getFields()[fr.schemaName] : undefined;
    if (!field) continue;
    let instance = instances.get(fr.target);
    if (!instance) instances.set(fr.target, (instance = new (fr.target as new () => Record<string, (...args: unknown[]) => unknown>)()));
    const target = instance;
    const method = target[fr.methodName];
    const kinds = params.map((p) => p.kind as Kind);
    const signature = kinds.join(',');
    let resolve: GraphQLFieldResolver<unknown, unknown>;
    if (signature === 'root,context') resolve = (root, _args, ctx) => method.call(target, root, ctx);
    else if (signature === 'root,context,info') resolve = (root, _args, ctx, info) => method.call(target, root, ctx, info);
    else resolve = (root, _args, ctx, info) => method.apply(target, kinds.map((k) => (k === 'root' ? root : k === 'context' ? ctx : info)));
    field.resolve = resolve;
    bound++;
  }
  return bound;
}
