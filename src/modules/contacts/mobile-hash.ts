/**
 * Equality lookups on mobiles (imports match a person by account + 姓名 + 手机) go through a keyed hash,
 * so the mobile itself can be stored encrypted with a random IV. The HMAC key is derived (HKDF) from
 * the data keys: the newest key writes, and a lookup tries every configured key, so rows not yet
 * re-encrypted by `kam keys rotate` (which also rewrites their hash) are still found.
 */
import type { KeyRing } from '../../common/field-crypto';

/** The hash stored with a new or changed mobile. */
export function mobileLookupHash(ring: KeyRing, normalizedMobile: string): string {
  return ring.lookupHash(normalizedMobile);
}

/** Every hash the mobile may be stored under (one per configured key, newest first). */
export function mobileLookupHashes(ring: KeyRing, normalizedMobile: string): string[] {
  return ring.lookupHashes(normalizedMobile);
}
