/**
 * The one place a contact's sensitive personal information (PIPL) is encrypted, decrypted and read for a
 * caller. Every API read of 手机 and the 🔒 fields (家庭成员情况, 家庭住址, 兴趣爱好) goes through
 * {@link revealContactField}; every write seals them with {@link sealContactFields}; services that need the
 * clear values (an update merging a patch, an import comparing a row, a PIPL export) use
 * {@link openContactFields}. Nothing else touches these columns.
 *
 * Who sees what:
 * - ADMIN and COMMITTEE: everything;
 * - a MANAGER: everything for the accounts it manages;
 * - everyone else (ANALYST, FINANCE, other managers): the mobile masked (`138****1234`), the 🔒 fields null.
 * A person whose personal data was erased shows nulls to everyone.
 *
 * Every unmasked read is noted in the request's read log ({@link noteSensitiveRead}); the request's
 * end writes it as ONE audit event (`contact.read`: record ids and field names, never values).
 */
import type { Actor, RequestContext } from '../../common/context';
import type { KeyRing } from '../../common/field-crypto';
import { maskMobile } from '../../common/validation';
import type { Account } from '../accounts/account.entity';
import { noteSensitiveRead } from '../audit/read-log';
import { mayReadPersonal } from '../privacy/need-to-know.rules';
import { hasValidAgreement } from '../agreements/agreement.rules';
import { today } from '../../common/dates';
import type { Contact } from './contact.entity';

export const PRIVATE_CONTACT_FIELDS = ['mobile', 'familyInfo', 'homeAddress', 'hobbies'] as const;

/**
 * What the rules read of a person's account (loaders read just these): its manager for personal data,
 * its owning unit too for need-to-know (http/need-to-know.ts reads the same columns, so one query per
 * page serves both).
 */
export const PRIVACY_ACCOUNT_COLUMNS = ['id', 'ownerUnitId', 'managerId'] as const;
/** What it reads of the contact besides the field itself (`uid` binds the ciphertext to the row). */
export const PRIVACY_CONTACT_COLUMNS = ['id', 'uid', 'accountId', 'erasedAt'] as const;
export type PrivateContactField = (typeof PRIVATE_CONTACT_FIELDS)[number];

/** The table name bound into every contact ciphertext. */
const TABLE = 'contacts';

/**
 * The key ring every function here takes first is the services instance's (`services.keyRing`, made by
 * `createServices` from KAM_DATA_KEYS): two instances in one process (tests, tools) never share keys.
 */

/** Additional authenticated data: the table, the row's stable identity and the field. */
export function contactAad(uid: string, field: PrivateContactField): string {
  return `${TABLE}|${uid}|${field}`;
}

type Sealable = Partial<Pick<Contact, PrivateContactField>>;

/**
 * Encrypts the private fields present in `values` for the row `uid`. With `stored` (the row as it is
 * in the database) and `clear` (its decrypted values), a field whose clear value did not change keeps
 * its stored ciphertext, so an unchanged row is written unchanged.
 */
export function sealContactFields<T extends Sealable>(ring: KeyRing, uid: string, values: T, stored?: Sealable, clear?: Sealable): T {
  const out = { ...values };
  for (const f of PRIVATE_CONTACT_FIELDS) {
    const v = values[f];
    if (v === undefined || v === null) continue;
    if (stored && clear && clear[f] === v && stored[f] != null) out[f] = stored[f] as T[typeof f];
    else out[f] = ring.seal(v, contactAad(uid, f)) as T[typeof f];
  }
  return out;
}

/** Marks a contact whose private fields were already decrypted into it (a PIPL export): reading them opens nothing. */
const OPENED = Symbol('opened');

export function openedContact<T extends object>(contact: T): T {
  Object.defineProperty(contact, OPENED, { value: true, enumerable: false });
  return contact;
}

/** One decrypted private field (DATA_INTEGRITY when it was altered or moved from another row or field). */
export function openContactField(ring: KeyRing, contact: Pick<Contact, 'id' | 'uid'> & Sealable, field: PrivateContactField, allowClear = false): string | null {
  const v = contact[field];
  if (v === null || v === undefined) return null;
  if ((contact as { [OPENED]?: boolean })[OPENED]) return v;
  // A programming error, not bad data: the row was loaded without the columns the rule needs.
  if (!contact.uid) throw new Error(`contact ${contact.id}: load PRIVACY_CONTACT_COLUMNS (uid) to read ${field}`);
  return ring.open(v, contactAad(contact.uid, field), `contact ${contact.id} ${field}`, allowClear);
}

/** The private fields of a stored row, decrypted (for services that need the clear values; `allowClear` for key rotation only). */
export function openContactFields(ring: KeyRing, contact: Pick<Contact, 'id' | 'uid'> & Sealable, allowClear = false): Record<PrivateContactField, string | null> {
  return Object.fromEntries(PRIVATE_CONTACT_FIELDS.map((f) => [f, openContactField(ring, contact, f, allowClear)])) as Record<PrivateContactField, string | null>;
}

const ERASED_PREFIX = 'erased:';

/**
 * The tombstone an erased person's `name_key` becomes: a keyed hash of the old name key. It is not
 * reversible without the data keys and lets an import recognise (and refuse) a row that would bring
 * the person back; after the key it was made under leaves KAM_DATA_KEYS it no longer matches.
 */
export function erasedNameKey(ring: KeyRing, nameKey: string): string {
  return ERASED_PREFIX + ring.lookupHash(`erased-name|${nameKey}`);
}

/** The tombstones a name may have been stored under (one per configured key). */
export function erasedNameKeys(ring: KeyRing, nameKey: string): string[] {
  return ring.lookupHashes(`erased-name|${nameKey}`).map((h) => ERASED_PREFIX + h);
}

/** True when the actor may see a contact's personal information in full (the need-to-know rule for PERSONAL data). */
export function mayReadPrivate(actor: Actor, account: Pick<Account, 'managerId'> | null): boolean {
  return mayReadPersonal(actor, account);
}

/**
 * The value of a sensitive field as this caller may see it: full, masked (mobile) or null. A full value
 * is noted in the request's read log; callers outside GraphQL (exports) flush it with
 * `services.audit.flushReads(ctx)` when they are done. `contact` needs {@link PRIVACY_CONTACT_COLUMNS}.
 */
export function revealContactField(ring: KeyRing, ctx: RequestContext, contact: Contact, field: PrivateContactField, account: Pick<Account, 'managerId'> | null): string | null {
  if (contact.erasedAt) return null;
  if (contact[field] === null || contact[field] === undefined) return null;
  // Need-to-know by role, and a confidentiality agreement on file (保密协议, agreements/agreement.rules.ts).
  if (mayReadPrivate(ctx.actor, account) && hasValidAgreement(ctx.actor, ctx.confidentiality, today())) {
    const value = openContactField(ring, contact, field);
    noteSensitiveRead(ctx, 'Contact', contact.id, field);
    return value;
  }
  return field === 'mobile' ? maskMobile(openContactField(ring, contact, field) as string) : null;
}
