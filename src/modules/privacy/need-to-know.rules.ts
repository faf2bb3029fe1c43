/**
 * Need-to-know, as pure decisions: who reads a field of a given class on a given account in full.
 * Every door asks these — the GraphQL schema's field wrapper, the annex exports, the aggregates —
 * with facts it loaded (the account's owner and manager, the unit tree, the cross-region units, the
 * grants an ADMIN made), so the same caller sees the same thing everywhere.
 */
import type { Actor } from '../../common/context';
import { Role } from '../../common/enums';
import { managesAccount } from '../auth/access.rules';
import { DataClass } from './data-classes';

/** Roles that read confidential data of every account by their function. */
const CONFIDENTIAL_ROLES: readonly Role[] = [Role.ADMIN, Role.COMMITTEE, Role.FINANCE];
/** Roles that read personal data of every account (PIPL: the committee and administrators only). */
const PERSONAL_ROLES: readonly Role[] = [Role.ADMIN, Role.COMMITTEE];

/** How far a caller's confidential reading reaches. */
export type ConfidentialScope = 'all' | 'unit' | 'none';

/** The facts a decision reads (loaded once per request or per export page). */
export interface ReadFacts {
  /** Roles an ADMIN granted CONFIDENTIAL scope over every account. */
  grantedRoles: ReadonlySet<Role>;
  /** The unit and every unit above it (parent chain), for an account's owning unit. */
  unitsAbove(unitId: number): readonly number[];
  /** The caller has a valid confidentiality agreement (保密协议) on file, or needs none (agreement.rules). */
  agreementValid: boolean;
}

export interface AccountFacts {
  id: number;
  ownerUnitId: number | null;
  managerId: number | null;
  /** Units with an open cross-region assignment on the account. */
  crossRegionUnitIds?: readonly number[];
}

/** Does `role` read confidential data of every account by its function (so no grant can matter)? */
export function readsAllConfidentialByRole(role: Role | string): boolean {
  return (CONFIDENTIAL_ROLES as readonly string[]).includes(role);
}

export function confidentialScope(actor: Actor, facts: Pick<ReadFacts, 'grantedRoles'>): ConfidentialScope {
  if (actor.kind === 'anonymous') return 'none';
  if (CONFIDENTIAL_ROLES.includes(actor.role) || facts.grantedRoles.has(actor.role)) return 'all';
  return actor.role === Role.MANAGER && actor.unitId !== null ? 'unit' : 'none';
}

/** Is the account its caller's unit's: owned by the caller's unit or a unit below it, or worked on by it (cross-region)? */
export function inCallersUnit(actor: Actor, account: AccountFacts, facts: Pick<ReadFacts, 'unitsAbove'>): boolean {
  if (actor.unitId === null) return false;
  if (account.ownerUnitId !== null && facts.unitsAbove(account.ownerUnitId).includes(actor.unitId)) return true;
  return account.crossRegionUnitIds?.includes(actor.unitId) ?? false;
}

/**
 * May the caller read, in full, a field of class `cls` of `account` (null: a figure over many accounts,
 * which only callers reading every account's confidential data see in full)?
 */
export function mayRead(actor: Actor, cls: DataClass, account: AccountFacts | null, facts: ReadFacts): boolean {
  if (actor.kind === 'anonymous') return false;
  switch (cls) {
    case DataClass.INTERNAL:
      return true;
    case DataClass.CONFIDENTIAL: {
      const scope = confidentialScope(actor, facts);
      return scope === 'all' || (scope === 'unit' && account !== null && (managesAccount(actor, account) || inCallersUnit(actor, account, facts)));
    }
    case DataClass.PERSONAL:
    case DataClass.SENSITIVE:
      // Personal data in full also needs a confidentiality agreement on file (policy 002).
      return facts.agreementValid && mayReadPersonal(actor, account);
  }
}

/** Personal information (PIPL): ADMIN, COMMITTEE and the account's manager; no grant widens it. */
export function mayReadPersonal(actor: Actor, account: Pick<AccountFacts, 'managerId'> | null): boolean {
  if (actor.kind === 'anonymous') return false;
  if (PERSONAL_ROLES.includes(actor.role)) return true;
  return actor.role === Role.MANAGER && account !== null && managesAccount(actor, account);
}

/**
 * Marks an aggregate row (no account of its own) computed only over accounts of the caller's unit:
 * a manager sees its unit's figures when it filters to its unit.
 */
export const WITHIN_CALLERS_UNIT = Symbol('withinCallersUnit');

/** Are all these (resolved) owning units within the caller's unit — its own or below it? */
export function unitsWithinCallersUnit(actor: Actor, unitIds: readonly number[] | undefined, facts: Pick<ReadFacts, 'unitsAbove'>): boolean {
  if (actor.unitId === null || !unitIds?.length) return false;
  return unitIds.every((u) => facts.unitsAbove(u).includes(actor.unitId as number));
}

/** A person's name for a caller who may not read it: the surname and one mark per other character (孙丽 → 孙*). */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}
