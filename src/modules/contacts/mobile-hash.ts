/**
 * Equality lookups on mobiles (imports match a person by account + 姓名 + 手机) go through a keyed hash,
 * so the mobile itself can be stored encrypted with a random IV.
 */
import { createHmac } from 'node:crypto';

let lookupKey: Buffer = Buffer.from('kam-hub mobile lookup key (development)');

/** Sets the HMAC key (derived from the configured data keys at start-up). */
export function setMobileLookupKey(key: Buffer): void {
  lookupKey = key;
}

export function mobileLookupHash(normalizedMobile: string): string {
  return createHmac('sha256', lookupKey).update(normalizedMobile).digest('hex');
}
