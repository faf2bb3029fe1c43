/**
 * Need-to-know over GraphQL: every field the classification (modules/privacy/data-classes.ts) lists
 * is wrapped once, after the schema is built, so every path to it — lists, single records, nested
 * relations, aliases, fragments — answers by the same rule (need-to-know.rules.ts): in full, noted in
 * the request's read log (one audit event per request), or masked — null, a name as 孙* — for a
 * caller who may not read it. Contacts' mobile and 🔒 fields keep their own reveal (contact-privacy.ts:
 * the mobile masked as 138****1234), which asks the same rule.
 */
import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { Account as AccountEntity } from '../modules/accounts/account.entity';
import { Assignment } from '../modules/ownership/assignment.entity';
import { noteSensitiveRead } from '../modules/audit/read-log';
import { PRIVACY_ACCOUNT_COLUMNS, PRIVATE_CONTACT_FIELDS } from '../modules/contacts/contact-privacy';
import { DataClass, classifiedFields } from '../modules/privacy/data-classes';
import { WITHIN_CALLERS_UNIT, maskName, mayRead, type AccountFacts, type ReadFacts } from '../modules/privacy/need-to-know.rules';
import { getMetadataStorage } from 'type-graphql';
import type { GraphQLContext } from './graphql-context';

/** The account's columns the rule reads: the same loader as the contacts' privacy rule (one query for both). */
const FACT_COLUMNS = PRIVACY_ACCOUNT_COLUMNS;

type Row = Record<string | symbol, unknown> & { id?: number; accountId?: number | null };

function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return typeof (v as PromiseLike<T> | null)?.then === 'function';
}

/** Account facts already worked out in this request, per account id: later fields of its rows decide at once. */
const knownFacts = new WeakMap<GraphQLContext, Map<number, AccountFacts | null>>();

/**
 * {@link accountFacts} without waiting, when nothing needs loading: the account worked out before in
 * this request, or primed (a page) and the caller no MANAGER (whose rule also reads assignments).
 * Undefined when it would take a query.
 */
function accountFactsNow(g: GraphQLContext, type: string, root: Row): AccountFacts | null | undefined {
  const accountId: number | null | undefined = type === 'Account' ? root.id : root.accountId;
  if (accountId === undefined) return undefined;
  if (accountId === null) return null;
  const known = knownFacts.get(g)?.get(accountId);
  if (known !== undefined || g.ctx.actor.role === 'MANAGER') return known;
  const account = g.loaders.peek(AccountEntity, accountId, FACT_COLUMNS);
  return account ? { id: account.id, ownerUnitId: account.ownerUnitId, managerId: account.managerId, crossRegionUnitIds: [] } : undefined;
}

/** The account a row belongs to (null: a figure over many accounts). */
async function accountFacts(g: GraphQLContext, type: string, entity: unknown, root: Row): Promise<AccountFacts | null> {
  let accountId: number | null | undefined = type === 'Account' ? root.id : root.accountId;
  // A lean read may have left the column out; the row's id finds it.
  if (accountId === undefined && entity && typeof root.id === 'number') {
    accountId = ((await g.loaders.byId(entity as new () => Row, ['id', 'accountId']).load(root.id)) as Row | null)?.accountId ?? null;
  }
  if (accountId == null) return null;
  const account = g.loaders.peek(AccountEntity, accountId, FACT_COLUMNS) ?? (await g.loaders.byId(AccountEntity, FACT_COLUMNS).load(accountId));
  if (!account) return null;
  const assignments = g.ctx.actor.role === 'MANAGER' ? await g.loaders.manyBy(Assignment, 'accountId').load(accountId) : [];
  const crossRegionUnitIds = assignments.filter((a) => !a.isPrimary && a.toDate === null).map((a) => a.unitId);
  const facts = { id: account.id, ownerUnitId: account.ownerUnitId, managerId: account.managerId, crossRegionUnitIds };
  let known = knownFacts.get(g);
  if (!known) knownFacts.set(g, (known = new Map()));
  known.set(accountId, facts);
  return facts;
}

function masked(type: string, field: string, value: unknown): unknown {
  return type === 'Contact' && field === 'name' && typeof value === 'string' ? maskName(value) : null;
}

/** Wraps every classified field of `schema`; returns how many. */
export function applyNeedToKnow(schema: GraphQLSchema): number {
  const entities = new Map(getMetadataStorage().objectTypes.map((o) => [o.name, o.target]));
  let wrapped = 0;
  for (const { type, field, dataClass } of classifiedFields()) {
    const t = schema.getType(type);
    const f = isObjectType(t) ? t.getFields()[field] : undefined;
    if (!f || dataClass === DataClass.INTERNAL) continue;
    if (type === 'Contact' && (PRIVATE_CONTACT_FIELDS as readonly string[]).includes(field)) continue;
    const inner: GraphQLFieldResolver<Row, GraphQLContext> = f.resolve ?? defaultFieldResolver;
    const entity = entities.get(type);
    const decide = (value: unknown, root: Row, g: GraphQLContext, facts: ReadFacts, account: AccountFacts | null): unknown => {
      const withinUnit = account === null && root[WITHIN_CALLERS_UNIT] === true && g.ctx.actor.unitId !== null;
      const subject = withinUnit ? { id: 0, ownerUnitId: g.ctx.actor.unitId, managerId: null } : account;
      if (!mayRead(g.ctx.actor, dataClass, subject, facts)) return masked(type, field, value);
      // Read in full: on the request's read log like personal data (an aggregate row as "*").
      noteSensitiveRead(g.ctx, type, typeof root.id === 'number' ? root.id : '*', field);
      return value;
    };
    // Synchronous once the request's facts and the row's account are known (most fields of a page):
    // a few hundred classified fields a page would otherwise each cost a chain of promises.
    const guard = (value: unknown, root: Row, g: GraphQLContext): unknown => {
      if (value === null || value === undefined) return value;
      const facts = g.services.needToKnow.loadedFacts(g.ctx);
      const account = facts && accountFactsNow(g, type, root);
      if (facts && account !== undefined) return decide(value, root, g, facts, account);
      return Promise.all([g.services.needToKnow.facts(g.ctx), accountFacts(g, type, entity, root)]).then(([f, a]) => decide(value, root, g, f, a));
    };
    f.resolve = (root, args, g, info) => {
      const value = inner(root, args, g, info);
      return isThenable(value) ? Promise.resolve(value).then((v) => guard(v, root, g)) : guard(value, root, g);
    };
    wrapped++;
  }
  return wrapped;
}
