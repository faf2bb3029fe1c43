/**
 * The one place a contact's sensitive personal information (PIPL) is read for a caller. Every API
 * read of 手机 and the 🔒 fields (家庭成员情况, 家庭住址, 兴趣爱好) goes through {@link revealContactField};
 * encryption at rest and read auditing belong here too, so nothing else ever touches these columns.
 *
 * Who sees what:
 * - ADMIN and COMMITTEE: everything;
 * - a MANAGER: everything for the accounts it manages;
 * - everyone else (ANALYST, FINANCE, other managers): the mobile masked (`138****1234`), the 🔒 fields null.
 * A person whose personal data was erased shows nulls to everyone.
 */
import type { Actor, RequestContext } from '../../common/context';
import { Role } from '../../common/enums';
import { maskMobile } from '../../common/validation';
import type { Account } from '../accounts/account.entity';
import { managesAccount } from '../auth/access.service';
import type { Contact } from './contact.entity';

export const PRIVATE_CONTACT_FIELDS = ['mobile', 'familyInfo', 'homeAddress', 'hobbies'] as const;

/** What the rule reads of the account (loaders read just these). */
export const PRIVACY_ACCOUNT_COLUMNS = ['id', 'managerId'] as const;
/** What it reads of the contact besides the field itself. */
export const PRIVACY_CONTACT_COLUMNS = ['accountId', 'erasedAt'] as const;
export type PrivateContactField = (typeof PRIVATE_CONTACT_FIELDS)[number];

/** True when the actor may see a contact's personal information in full. */
export function mayReadPrivate(actor: Actor, account: Pick<Account, 'managerId'> | null): boolean {
  if (actor.kind === 'anonymous') return false;
  if (actor.role === Role.ADMIN || actor.role === Role.COMMITTEE) return true;
  return actor.role === Role.MANAGER && account !== null && managesAccount(actor, account);
}

/** The value of a sensitive field as this caller may see it: full, masked (mobile) or null. */
export function revealContactField(ctx: RequestContext, contact: Contact, field: PrivateContactField, account: Pick<Account, 'managerId'> | null): string | null {
  if (contact.erasedAt) return null;
  const value = contact[field];
  if (value === null || value === undefined) return null;
  if (mayReadPrivate(ctx.actor, account)) return value;
  return field === 'mobile' ? maskMobile(value) : null;
}
