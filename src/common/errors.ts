/**
 * Domain errors carry a stable {@link ErrorCode}. Services throw them; exactly one place
 * (`src/http/graphql-errors.ts`) turns them into GraphQL error codes, and the CLI prints their message.
 */

/** Stable codes. Never rename one: clients and import reports depend on them. */
export const ErrorCode = {
  // Bad input
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  REQUIRED: 'REQUIRED',
  INVALID_CREDIT_CODE: 'INVALID_CREDIT_CODE',
  INVALID_ORG_CODE: 'INVALID_ORG_CODE',
  INVALID_MOBILE: 'INVALID_MOBILE',
  INVALID_PHONE: 'INVALID_PHONE',
  INVALID_EMAIL: 'INVALID_EMAIL',
  INVALID_POSTAL_CODE: 'INVALID_POSTAL_CODE',
  INVALID_ENUM: 'INVALID_ENUM',
  INVALID_DATE: 'INVALID_DATE',
  /** A date that describes the past (a visit, a consent, a payment, an evaluation) lies in the future. */
  DATE_IN_FUTURE: 'DATE_IN_FUTURE',
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  INVALID_CURSOR: 'INVALID_CURSOR',
  PAGE_SIZE_TOO_LARGE: 'PAGE_SIZE_TOO_LARGE',
  /** An incremental read (`changes`, a feed's `updatedSince`) from before the oldest tombstone kept: reload in full. */
  CHANGES_EXPIRED: 'CHANGES_EXPIRED',
  UNKNOWN_TIER: 'UNKNOWN_TIER',
  /** Sensitive personal information (家庭成员情况, 家庭住址, 兴趣爱好) without a consent record. */
  CONSENT_REQUIRED: 'CONSENT_REQUIRED',
  // Missing things
  NOT_FOUND: 'NOT_FOUND',
  // State conflicts
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  OWNERSHIP_CONFLICT: 'OWNERSHIP_CONFLICT',
  INVALID_STATE: 'INVALID_STATE',
  IN_USE: 'IN_USE',
  /** A review, recommendation or decision was already approved/rejected. */
  ALREADY_DECIDED: 'ALREADY_DECIDED',
  /** A proposal no longer matches the record it was made for (e.g. the tier changed since). */
  STALE_PROPOSAL: 'STALE_PROPOSAL',
  /** A user who still holds accounts, team roles, open actions or complaints leaves without a handover (工作交接). */
  HANDOVER_REQUIRED: 'HANDOVER_REQUIRED',
  /** A database constraint refused the write (a duplicate or a dangling reference the checks did not catch). */
  CONSTRAINT_VIOLATION: 'CONSTRAINT_VIOLATION',
  // Access
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  /** Too many wrong passwords: the login is locked for a while. */
  LOGIN_LOCKED: 'LOGIN_LOCKED',
  /** Too many failed logins or credentials from one client address: wait `retryAfterSeconds`. */
  LOGIN_RATE_LIMITED: 'LOGIN_RATE_LIMITED',
  /** Personal data read in full, exported or written by someone without a valid confidentiality agreement (保密协议) on file. */
  AGREEMENT_REQUIRED: 'AGREEMENT_REQUIRED',
  /** Another writing import of the same annex is running (one at a time, across every instance). */
  IMPORT_IN_PROGRESS: 'IMPORT_IN_PROGRESS',
  /** An import's preview waited longer than KAM_IMPORT_PREVIEW_HOURS for its confirmation: upload the file again. */
  IMPORT_EXPIRED: 'IMPORT_EXPIRED',
  /** The import was already confirmed (or is no longer a preview awaiting confirmation). */
  IMPORT_ALREADY_CONFIRMED: 'IMPORT_ALREADY_CONFIRMED',
  // Resource limits
  /** The caller (API key, login or address) already has KAM_MAX_CONCURRENT_REQUESTS requests running: retry after `retryAfterSeconds`. */
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  /** A query ran past its time budget (KAM_QUERY_TIME_LIMIT) and was stopped, in the database too. */
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  /** The server lacks an optional program a feature needs (LibreOffice for PDF): the message names what to install. */
  PDF_UNAVAILABLE: 'PDF_UNAVAILABLE',
  // Data at rest
  /** An encrypted value failed its integrity check: altered, or moved from another record or field. */
  DATA_INTEGRITY: 'DATA_INTEGRITY',
  /** An encrypted value names a key KAM_DATA_KEYS no longer holds. */
  DATA_KEY_UNKNOWN: 'DATA_KEY_UNKNOWN',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorDetails {
  /** The input field (GraphQL argument path or column) the error is about. */
  field?: string;
  [key: string]: unknown;
}

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string, key: string | number) =>
  new DomainError(ErrorCode.NOT_FOUND, `${what} ${JSON.stringify(String(key))} not found`, { entity: what, key });

export const invalid = (field: string, message: string, code: ErrorCode = ErrorCode.VALIDATION_FAILED) =>
  new DomainError(code, `${field}: ${message}`, { field });

export function assertUnreachable(value: never): never {
  throw new Error(`Unreachable: ${String(value)}`);
}
