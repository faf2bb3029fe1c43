/**
 * Executes operations with graphql-jit instead of graphql-js. graphql-js builds a resolve-info object,
 * an argument map and a path for every field of every row; on a page of 50 accounts with their
 * people and projects (~2,000 fields) that allocation, and the garbage collection it causes under
 * concurrent load, was the largest remaining cost of a request. graphql-jit compiles each operation
 * once into a function that reads plain fields directly and calls our resolvers as before.
 *
 * Apollo Server takes a custom executor only through its gateway interface; this "gateway" serves
 * our own schema. Parsing, validation (depth), plugins (auth, cost, request ids) and error formatting
 * stay Apollo's. Compiled operations are cached per parsed document (Apollo caches those per query).
 */
import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import type { TimeBudget } from '../common/context';
import type { GraphQLContext } from './graphql-context';
import { timeoutError, withinBudget } from './request-limits';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

export function jitGateway(schema: GraphQLSchema): Gateway {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>();
  const compile = (document: DocumentNode, operationName: string | null) => {
    let perDocument = compiled.get(document);
    if (!perDocument) compiled.set(document, (perDocument = new Map()));
    let entry = perDocument.get(operationName ?? '');
    if (!entry) {
      entry = compileQuery(schema, document, operationName ?? undefined);
      perDocument.set(operationName ?? '', entry);
    }
    return entry;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return {
        executor: async (rc) => {
          const query = compile(rc.document, rc.operationName);
          if (!isCompiledQuery(query)) return query;
          // A query past its time budget is answered at the deadline, whatever is still running.
          const budget = (rc.context as Partial<GraphQLContext>).ctx?.budget;
          const result = await withinBudget(Promise.resolve(query.query(undefined, rc.context, rc.request.variables ?? {})), budget, (): ExecutionResult => ({
            data: null,
            errors: [timeoutError(budget as TimeBudget)],
          }));
          return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
        },
      };
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors mimic graphql-js's but may lack `extensions`, which Apollo's error formatting
 * reads unconditionally: give Apollo genuine graphql-js errors, keeping message, locations, path and
 * the original error (our DomainErrors, mapped in one place by graphql-errors.ts).
 */
function asGraphQLError(e: GraphQLError): GraphQLError {
  const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions ?? {} });
  if (e.locations) Object.assign(error, { locations: e.locations });
  return error;
}
