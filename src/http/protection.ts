/**
 * What keeps one query from taking the server down: a maximum depth, an estimated cost limit that
 * prices aggregates by the rows they scan, and introspection only for authenticated callers (BI tools
 * need it; strangers do not). The time budget, per-caller limits and heavy-read pool back it up
 * (request-limits.ts, src/db/heavy-reads.ts).
 */
import {
  GraphQLError, Kind, getNamedType, getNullableType, getVariableValues, isListType, visit,
  type ASTVisitor, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { ApolloServerPlugin } from '@apollo/server';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';
import { today } from '../common/dates';
import type { SizedTable, TableSizes, TableSizesSnapshot } from '../db/table-sizes';
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
 * An aggregate (or a `totalCount`) costs one unit per this many rows it scans. Calibrated on a large
 * company (3,000 accounts, 60,000 activities, 6,000 projects, 18,000 receivables and payments) on both
 * databases: an aggregate scans a row in 1–3 µs, a list returns a field of a row in about 10–20 µs, so
 * 25 rows scanned weigh about one field returned, and the default limit (100,000) lets one request scan
 * about 2.5 million rows — a dashboard of a few aggregates over such a company, not thirty.
 */
export const ROWS_PER_COST_UNIT = 25;

/** What an expensive root field scans, and how many rows (groups) it returns, from its arguments. */
interface Price {
  scanned: number;
  /** Groups returned, when the arguments tell (their selection is priced per group). */
  groups?: number;
}

type Pricer = (sizes: TableSizesSnapshot, args: Record<string, unknown>) => Price;

/** Months from `from` to `to` (both `YYYY-MM-DD`, defaults as the aggregates take them), at least 1. */
function monthsIn(from: unknown, to: unknown): number {
  const end = typeof to === 'string' && /^\d{4}-\d{2}/.test(to) ? to : today();
  const start = typeof from === 'string' && /^\d{4}-\d{2}/.test(from) ? from : `${end.slice(0, 4)}-01-01`;
  const n = (Number(end.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(end.slice(5, 7)) - Number(start.slice(5, 7)) + 1;
  return Math.max(1, Math.min(n, 1200));
}

/** Groups a grouping yields: the product of each dimension's distinct values, at most `cap`. */
function groupsOf(groupBy: unknown, cardinality: Record<string, number>, cap: number): number {
  const dims = [...new Set(Array.isArray(groupBy) ? (groupBy as string[]) : [])];
  return Math.max(1, Math.min(cap, dims.reduce((n, d) => n * Math.max(1, cardinality[d] ?? ASSUMED_LIST_SIZE), 1)));
}

/** Cadence rules that apply to an account (rules spread over the tiers). */
const rulesPerAccount = (s: TableSizesSnapshot) => Math.max(1, Math.ceil(s.cadence_rules / Math.max(1, s.tiers)));

/**
 * accountStats' statement without MONTH (analytics.service.ts): the accounts, the period's signings (activities,
 * projects), collections, and receivables and payments to date.
 */
function accountStatsScan(s: TableSizesSnapshot): number {
  return s.accounts + s.activities + 2 * s.projects + s.payments + s.receivables + s.payments;
}

/**
 * accountStats by MONTH: one pass over the signings, payments and receivables (twice, with their projects) and the
 * accounts (twice), plus per month the rows of each account's running balances — at most one per account and
 * month, each grouped, windowed and joined again: about three scanned rows' worth (measured on MariaDB: 123,000 of
 * them, 10,000 accounts over 36 months, take 0.8 s, 6.5 µs each against 1–3 µs per scanned row) — and every
 * receivable compared with the months' as-of dates.
 */
function accountStatsByMonthScan(s: TableSizesSnapshot, months: number): number {
  return 2 * s.accounts + s.activities + 3 * s.projects + s.payments + 2 * s.receivables + months * (3 * s.accounts + s.receivables);
}

/** Visit compliance: every active account against each rule of its tier, the last activity of each found by index. */
const complianceScan = (s: TableSizesSnapshot) => s.assignments + rulesPerAccount(s) * (s.accounts + s.activities);

/** The root fields whose cost is the rows they scan. Every aggregate and report figure of the API is here. */
export const SCAN_PRICED_FIELDS: Readonly<Record<string, Pricer>> = {
  'Query.accountStats': (s, a) => {
    const groupBy = Array.isArray(a.groupBy) ? a.groupBy : [];
    const months = groupBy.includes('MONTH') ? monthsIn(a.from, a.to) : 1;
    const groups = groupsOf(groupBy, { TIER: s.tiers, UNIT: s.org_units, MANAGER: s.users, INDUSTRY: ASSUMED_LIST_SIZE, MONTH: months, ACCOUNT: s.accounts }, s.accounts * months);
    if (!groupBy.includes('MONTH')) return { scanned: accountStatsScan(s), groups };
    // The total is read off the months' rows, unless the balances are asked as of another date than the period's end.
    const to = typeof a.to === 'string' ? a.to : today();
    const totalApart = typeof a.asOf === 'string' && a.asOf !== to;
    return { scanned: accountStatsByMonthScan(s, months) + (totalApart ? accountStatsScan(s) : 0), groups };
  },
  'Query.activityStats': (s, a) => ({
    // The join of accounts and activities, grouped (COUNT DISTINCT per group weighs about as much again).
    scanned: s.accounts + 2 * s.activities,
    groups: groupsOf(a.groupBy, { TYPE: ASSUMED_LIST_SIZE, MONTH: monthsIn(a.from, a.to), MANAGER: s.users, ACCOUNT: s.accounts, TIER: s.tiers, UNIT: s.org_units }, s.activities),
  }),
  'Query.projectStats': (s, a) => ({
    scanned: s.accounts + s.projects,
    groups: groupsOf(a.groupBy, { STATUS: 5, MONTH: monthsIn(a.signedFrom, a.signedTo), UNIT: s.org_units, MANAGER: s.users, ACCOUNT: s.accounts, TIER: s.tiers }, s.projects),
  }),
  // A page and its totalCount each compute every item (the items are ordered and filtered in SQL).
  'Query.visitCompliance': (s) => ({ scanned: 2 * complianceScan(s) }),
  'Query.visitComplianceSummary': (s) => ({ scanned: complianceScan(s) }),
  'Query.yearEndReview': (s, a) => {
    const first = typeof a.first === 'number' && a.first > 0 ? a.first : DEFAULT_PAGE_SIZE;
    const perAccount = (s.activities + s.projects + s.payments) / Math.max(1, s.accounts);
    return { scanned: s.credit_evaluations + first * (1 + rulesPerAccount(s)) * (1 + perAccount) };
  },
  // Three accountStats by ACCOUNT (month, year to date, last year), overdue visits, the month's activities.
  'Query.monthlyReport': (s) => ({ scanned: 6 * accountStatsScan(s) + complianceScan(s) + s.activities + s.contacts + s.credit_evaluations }),
};

/** The table a root connection lists, for pricing its `totalCount` (a COUNT over the filtered table). */
const CONNECTION_TABLES: Readonly<Record<string, SizedTable>> = {
  AccountConnection: 'accounts', ActivityConnection: 'activities', ContactConnection: 'contacts', ProjectConnection: 'projects',
  ReceivableConnection: 'receivables', PaymentConnection: 'payments', CreditEvaluationConnection: 'credit_evaluations',
  AuditEventConnection: 'audit_events', AssignmentConnection: 'assignments', UserConnection: 'users', OrgUnitConnection: 'org_units',
  ImportJobConnection: 'import_jobs',
};

/** Whether a selection asks for `totalCount` (a fragment spread may: counted as if it did). */
function selectsTotalCount(set: SelectionSetNode | undefined): boolean {
  return !!set?.selections.some((s) => (s.kind === Kind.FIELD ? s.name.value === 'totalCount' : s.kind === Kind.INLINE_FRAGMENT ? selectsTotalCount(s.selectionSet) : true));
}

const units = (rows: number) => Math.ceil(rows / ROWS_PER_COST_UNIT);

/**
 * Cost of a field: 1 (or its `complexity` extension) plus its selection, times the rows it can return —
 * `first` (default {@link DEFAULT_PAGE_SIZE}) for connections, {@link ASSUMED_LIST_SIZE} for other lists.
 * A connection's `nodes`/`edges` are not multiplied again. With table sizes, the aggregates of
 * {@link SCAN_PRICED_FIELDS} cost the rows they scan (their groups' selection priced per group), and a
 * root connection's `totalCount` the rows of its table, both at one unit per {@link ROWS_PER_COST_UNIT}.
 */
export function costEstimator(sizes?: () => TableSizesSnapshot): ComplexityEstimator {
  return ({ type, field, node, args, childComplexity }) => {
    let own = typeof field.extensions?.complexity === 'number' ? field.extensions.complexity : 1;
    let groups: number | undefined;
    const snapshot = type.name === 'Query' ? sizes?.() : undefined;
    if (snapshot) {
      const pricer = SCAN_PRICED_FIELDS[`${type.name}.${field.name}`];
      if (pricer) {
        const price = pricer(snapshot, args);
        own += units(price.scanned);
        groups = price.groups;
      } else {
        const table = CONNECTION_TABLES[getNamedType(field.type).name];
        if (table && selectsTotalCount(node.selectionSet)) own += units(snapshot[table]);
      }
    }
    if (field.args.some((a) => a.name === 'first')) {
      const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE_SIZE;
      return own + childComplexity * first;
    }
    const list = isListType(getNullableType(field.type)) && !type.name.endsWith('Connection');
    if (groups !== undefined) return own + childComplexity * (list ? groups : Math.max(1, Math.ceil(groups / ASSUMED_LIST_SIZE)));
    if (list) return own + childComplexity * ASSUMED_LIST_SIZE;
    return own + childComplexity;
  };
}

/** The estimate without table sizes (every field as if its tables were empty). */
export const kamCostEstimator: ComplexityEstimator = costEstimator();

/** Estimated cost of an operation with its variables; with `sizes`, expensive fields are priced by the rows they scan. */
export function queryCost(
  schema: Parameters<typeof getComplexity>[0]['schema'],
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  sizes?: () => TableSizesSnapshot,
): number {
  const estimator = sizes ? costEstimator(sizes) : kamCostEstimator;
  return getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    // fieldExtensionsEstimator honours an explicit `complexity` function on a field; ours does the rest.
    estimators: [(args) => (typeof args.field.extensions?.complexity === 'function' ? fieldExtensionsEstimator()(args) : undefined), estimator],
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

export interface ProtectionOptions {
  hideSchemaDetails?: boolean;
  /** Row counts to price aggregates by (without: every table counts as empty). */
  tableSizes?: TableSizes;
}

/** Refuses operations over the cost limit and introspection by anonymous callers, before anything runs. */
export function protectionPlugin(maxCost: number, options: ProtectionOptions = {}): ApolloServerPlugin<GraphQLContext> {
  // Apollo reuses the parsed document of a query it has seen: what depends only on it (and on the
  // table sizes, while they stay the same) is computed once.
  const introspects = new WeakMap<DocumentNode, boolean>();
  const staticCosts = new WeakMap<DocumentNode, Map<string, { version: number; cost: number }>>();
  const { tableSizes } = options;
  const sizes = tableSizes ? () => tableSizes.current() : undefined;
  const costOf = (schema: Parameters<typeof queryCost>[0], document: DocumentNode, operation: OperationDefinitionNode | undefined, name: string | undefined, variables: Record<string, unknown> | undefined) => {
    if (!operation || operation.variableDefinitions?.length) return queryCost(schema, document, name, variables, sizes);
    sizes?.();
    const version = tableSizes?.version ?? 0;
    let perDocument = staticCosts.get(document);
    if (!perDocument) staticCosts.set(document, (perDocument = new Map()));
    let cached = perDocument.get(name ?? '');
    if (cached?.version !== version) perDocument.set(name ?? '', (cached = { version, cost: queryCost(schema, document, name, variables, sizes) }));
    return cached.cost;
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
