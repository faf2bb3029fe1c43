/**
 * What keeps one query from taking the server down: a maximum depth, an estimated cost limit, and
 * introspection only for authenticated callers (BI tools need it; strangers do not).
 */
import {
  GraphQLError, Kind, getNullableType, getVariableValues, isListType, visit,
  type ASTVisitor, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { ApolloServerPlugin } from '@apollo/server';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';
import type { GraphQLContext } from './graphql-context';

/**
 * Depth of the deepest field path, not counting introspection (`__schema`…): `{ a { b { c } } }` is 3.
 * Fragment depths are memoised and cycles ignored (graphql-js reports those itself), so a hostile
 * document costs linear time here.
 */
export function maxDepthRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const memo = new Map<string, number>();
    const depthOf = (set: SelectionSetNode, visiting: Set<string>): number => {
      let max = 0;
      for (const s of set.selections) {
        let d: number;
        if (s.kind === Kind.FIELD) {
          if (s.name.value.startsWith('__')) continue;
          d = 1 + (s.selectionSet ? depthOf(s.selectionSet, visiting) : 0);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          d = depthOf(s.selectionSet, visiting);
        } else {
          const name = s.name.value;
          const frag = fragments.get(name);
          if (!frag || visiting.has(name)) continue;
          if (!memo.has(name)) {
            visiting.add(name);
            memo.set(name, depthOf(frag.selectionSet, visiting));
            visiting.delete(name);
          }
          d = memo.get(name) as number;
        }
        if (d > max) max = d;
      }
      return max;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`the query is ${depth} levels deep; at most ${maxDepth} are allowed`, {
              nodes: [node],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_DEEP' },
            }),
          );
        }
      },
    };
  };
}

/** Rows a list without `first` (account → contacts…) is assumed to hold, for the cost estimate. */
export const ASSUMED_LIST_SIZE = 10;

/**
 * Cost of a field: 1 (or its `complexity` extension) plus its selection, times the rows it can return —
 * `first` (default {@link DEFAULT_PAGE_SIZE}) for connections, {@link ASSUMED_LIST_SIZE} for other lists.
 * A connection's `nodes`/`edges` are not multiplied again.
 */
export const kamCostEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const own = typeof field.extensions?.complexity === 'number' ? field.extensions.complexity : 1;
  if (field.args.some((a) => a.name === 'first')) {
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE_SIZE;
    return own + childComplexity * first;
  }
  if (isListType(getNullableType(field.type)) && !type.name.endsWith('Connection')) return own + childComplexity * ASSUMED_LIST_SIZE;
  return own + childComplexity;
};

/** Estimated cost of an operation with its variables. */
export function queryCost(schema: Parameters<typeof getComplexity>[0]['schema'], document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): number {
  return getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    // fieldExtensionsEstimator honours an explicit `complexity` function on a field; ours does the rest.
    estimators: [(args) => (typeof args.field.extensions?.complexity === 'function' ? fieldExtensionsEstimator()(args) : undefined), kamCostEstimator],
  });
}

/** "… Did you mean "codes"?" names schema fields; production callers who cannot introspect do not get them. */
function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

function selectsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/** Refuses operations over the cost limit and introspection by anonymous callers, before anything runs. */
export function protectionPlugin(maxCost: number, options: { hideSchemaDetails?: boolean } = {}): ApolloServerPlugin<GraphQLContext> {
  // Apollo reuses the parsed document of a query it has seen: what depends only on it is computed once.
  const introspects = new WeakMap<DocumentNode, boolean>();
  const staticCosts = new WeakMap<DocumentNode, Map<string, number>>();
  const costOf = (schema: Parameters<typeof queryCost>[0], document: DocumentNode, operation: OperationDefinitionNode | undefined, name: string | undefined, variables: Record<string, unknown> | undefined) => {
    if (!operation || operation.variableDefinitions?.length) return queryCost(schema, document, name, variables);
    let perDocument = staticCosts.get(document);
    if (!perDocument) staticCosts.set(document, (perDocument = new Map()));
    let cost = perDocument.get(name ?? '');
    if (cost === undefined) perDocument.set(name ?? '', (cost = queryCost(schema, document, name, variables)));
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema, contextValue }) {
          let introspection = introspects.get(document);
          if (introspection === undefined) introspects.set(document, (introspection = selectsIntrospection(document)));
          if (contextValue.ctx.actor.kind === 'anonymous' && introspection) {
            throw new GraphQLError('introspection requires authentication: send "Authorization: Bearer <API key or login token>"', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
          // Variables are checked here, before the cost (which depends on them) and before execution.
          const coerced = operation ? getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}) : { coerced: {} };
          if (coerced.errors?.length) {
            const message = coerced.errors[0].message;
            throw new GraphQLError(options.hideSchemaDetails ? withoutSuggestions(message) : message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
          const cost = costOf(schema, document, operation, request.operationName ?? undefined, request.variables);
          if (cost > maxCost) {
            throw new GraphQLError(`the query's estimated cost is ${cost}; at most ${maxCost} is allowed: ask for fewer rows (first) or fewer nested lists`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY', cost, maximumCost: maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
