/**
 * Field encryption at rest: AES-256-GCM with a fresh random 96-bit IV per write and the row's identity
 * as additional authenticated data, so a value copied to another row or another field fails to open.
 * Every stored value names its key: `enc:v1:<kid>:<iv>:<tag>:<ciphertext>` (base64url parts).
 *
 * Keys come from `KAM_DATA_KEYS` (`id:base64(32 bytes)`, comma separated): the last one encrypts, all
 * of them decrypt, so keys can be rotated without downtime (`kam keys rotate` re-encrypts old rows).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { DomainError, ErrorCode } from './errors';

export const ENCRYPTED_PREFIX = 'enc:v1:';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface DataKey {
  id: string;
  key: Buffer;
}

/** Thrown by {@link parseDataKeys}: one line naming what is wrong, never the key material. */
export class DataKeyError extends Error {
  override name = 'DataKeyError';
}

/** Parses `KAM_DATA_KEYS`; throws {@link DataKeyError} on a malformed entry. */
export function parseDataKeys(raw: string): DataKey[] {
  const keys: DataKey[] = [];
  for (const [i, entry] of raw.split(',').map((s) => s.trim()).filter(Boolean).entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id)) throw new DataKeyError(`KAM_DATA_KEYS entry ${i + 1}: expected id:base64key with an id of letters, digits, _ or - (at most 32)`);
    const material = entry.slice(colon + 1);
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(material)) throw new DataKeyError(`KAM_DATA_KEYS key "${id}": expected 32 bytes in base64 (kam keys generate makes one)`);
    if (keys.some((k) => k.id === id)) throw new DataKeyError(`KAM_DATA_KEYS: key id "${id}" appears twice`);
    keys.push({ id, key });
  }
  if (keys.length === 0) throw new DataKeyError('KAM_DATA_KEYS has no key');
  return keys;
}

/** A new key line for `KAM_DATA_KEYS`. */
export function generateDataKeyLine(id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`): string {
  if (!KEY_ID.test(id)) throw new DataKeyError(`key id "${id}": use letters, digits, _ or - (at most 32)`);
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/**
 * The development key: derived from a fixed, public string, so a development SQLite database stays
 * readable across restarts without a key file to lose. It protects nothing — production refuses it.
 */
export const DEVELOPMENT_KEY: DataKey = { id: 'dev', key: createHash('sha256').update('kam-hub development data key (public, never for real data)').digest() };

export interface SealedParts {
  kid: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** Splits a stored value; null when it is not an encrypted value at all (clear text from before encryption). */
export function parseSealed(stored: string): SealedParts | null {
  if (!stored.startsWith(ENCRYPTED_PREFIX)) return null;
  const parts = stored.slice(ENCRYPTED_PREFIX.length).split(':');
  if (parts.length !== 4) return { kid: parts[0] ?? '', iv: Buffer.alloc(0), tag: Buffer.alloc(0), ciphertext: Buffer.alloc(0) };
  const [kid, iv, tag, ciphertext] = parts;
  return { kid, iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), ciphertext: Buffer.from(ciphertext, 'base64url') };
}

/** The key id of a stored value, or null for clear text. */
export function keyIdOf(stored: string): string | null {
  return parseSealed(stored)?.kid ?? null;
}

/** Encrypts and decrypts with a set of keys; the last key encrypts. */
export class KeyRing {
  private readonly byId: Map<string, Buffer>;
  readonly activeKeyId: string;
  private readonly lookupKeys: Buffer[];

  constructor(
    readonly keys: DataKey[],
    /** True when no key was configured: the public {@link DEVELOPMENT_KEY}, or a generated development key. */
    readonly development = false,
    /** Where the generated development key is kept (development without KAM_DATA_KEYS). */
    readonly developmentKeyFile: string | null = null,
  ) {
    if (keys.length === 0) throw new DataKeyError('a key ring needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.activeKeyId = keys[keys.length - 1].id;
    // Newest first: the first is the one new hashes use.
    this.lookupKeys = [...keys].reverse().map((k) => Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'kam-hub lookup hash v1', 32)));
  }

  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** Encrypts `plaintext`, bound to `aad` (the row and field identity). */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.byId.get(this.activeKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${ENCRYPTED_PREFIX}${this.activeKeyId}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ciphertext.toString('base64url')}`;
  }

  /**
   * Decrypts a stored value bound to `aad`. A value that was altered, moved from another row or field,
   * or written in clear straight into the column throws DATA_INTEGRITY; one under a key no longer
   * configured throws DATA_KEY_UNKNOWN. Only `kam keys rotate` passes `allowClear`, to encrypt the
   * rows of a database that predates field encryption.
   */
  open(stored: string, aad: string, what: string, allowClear = false): string {
    const sealed = parseSealed(stored);
    if (!sealed) {
      if (allowClear) return stored;
      throw new DomainError(ErrorCode.DATA_INTEGRITY, `${what}: the stored value is not encrypted (written around the application; a database from before field encryption is encrypted by \`kam keys rotate\`)`);
    }
    const key = this.byId.get(sealed.kid);
    if (!key) throw new DomainError(ErrorCode.DATA_KEY_UNKNOWN, `${what}: encrypted with key "${sealed.kid}", which KAM_DATA_KEYS does not hold`, { keyId: sealed.kid });
    if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw integrity(what);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw integrity(what);
    }
  }

  /** Keyed hash for equality lookups, under the newest key. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.lookupKeys[0]).update(value).digest('hex');
  }

  /** The value's lookup hash under every key, newest first (rows not yet rotated carry an older one). */
  lookupHashes(value: string): string[] {
    return this.lookupKeys.map((k) => createHmac('sha256', k).update(value).digest('hex'));
  }
}

function integrity(what: string): DomainError {
  return new DomainError(ErrorCode.DATA_INTEGRITY, `${what}: the stored value failed its integrity check (altered, or copied from another record or field)`);
}

/** The key ring for a configuration: the configured keys, else the development key. */
export function keyRingFor(dataKeys: string | undefined): KeyRing {
  return dataKeys ? new KeyRing(parseDataKeys(dataKeys)) : new KeyRing([DEVELOPMENT_KEY], true);
}
