/**
 * Login tokens: `kamt_<payload>.<signature>`, the payload base64url JSON claims, the signature an
 * HMAC-SHA256 over the prefix and payload with KAM_TOKEN_SECRET. Verified without any lookup, so any
 * number of instances sharing the secret accept each other's tokens.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, ErrorCode } from '../../common/errors';
import { Roles, type Role } from '../../common/enums';

export const TOKEN_PREFIX = 'kamt_';

export interface TokenClaims {
  /** User id. */
  sub: number;
  login: string;
  role: Role;
  unit: number | null;
  /** Issued at / expires at, in seconds since the epoch. */
  iat: number;
  exp: number;
}

let processSecret: Buffer | undefined;

/**
 * The signing key: the configured secret, or (development and test only — config refuses production
 * without one) a random key made once per process. Tokens signed with it die with the process and
 * are not accepted by other instances.
 */
export function signingKey(configured: string | undefined): { key: Buffer; ephemeral: boolean } {
  if (configured) return { key: Buffer.from(configured, 'utf8'), ephemeral: false };
  processSecret ??= randomBytes(32);
  return { key: processSecret, ephemeral: true };
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

export function signToken(key: Buffer, claims: TokenClaims): string {
  const body = TOKEN_PREFIX + Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

const invalid = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'the login token is invalid; log in again');

/** The claims of a genuine, unexpired token; UNAUTHENTICATED otherwise. */
export function verifyToken(key: Buffer, token: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims {
  const dot = token.lastIndexOf('.');
  if (!token.startsWith(TOKEN_PREFIX) || dot < 0) throw invalid();
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(body.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    throw invalid();
  }
  if (!Number.isInteger(claims.sub) || typeof claims.exp !== 'number' || Roles.lookup(String(claims.role)) !== claims.role) throw invalid();
  if (claims.exp <= nowSeconds) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'the login token has expired; log in again');
  return claims;
}
