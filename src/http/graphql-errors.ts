/**
 * The one place where errors become GraphQL errors. Domain codes map to the GraphQL codes clients
 * switch on; anything unexpected becomes INTERNAL_SERVER_ERROR with the details only in the log.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, ErrorCode, assertUnreachable } from '../common/errors';
import type { Logger } from '../common/logger';

export type GraphQLErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'CONFLICT' | 'INTERNAL_SERVER_ERROR';

export function graphqlCodeFor(code: ErrorCode): GraphQLErrorCode {
  switch (code) {
    case ErrorCode.VALIDATION_FAILED:
    case ErrorCode.REQUIRED:
    case ErrorCode.INVALID_CREDIT_CODE:
    case ErrorCode.INVALID_ORG_CODE:
    case ErrorCode.INVALID_MOBILE:
    case ErrorCode.INVALID_PHONE:
    case ErrorCode.INVALID_EMAIL:
    case ErrorCode.INVALID_POSTAL_CODE:
    case ErrorCode.INVALID_ENUM:
    case ErrorCode.INVALID_DATE:
    case ErrorCode.INVALID_AMOUNT:
    case ErrorCode.INVALID_CURSOR:
    case ErrorCode.PAGE_SIZE_TOO_LARGE:
    case ErrorCode.UNKNOWN_TIER:
    case ErrorCode.CONSENT_REQUIRED:
      return 'BAD_USER_INPUT';
    case ErrorCode.NOT_FOUND:
      return 'NOT_FOUND';
    case ErrorCode.ALREADY_EXISTS:
    case ErrorCode.VERSION_CONFLICT:
    case ErrorCode.OWNERSHIP_CONFLICT:
    case ErrorCode.INVALID_STATE:
    case ErrorCode.IN_USE:
    case ErrorCode.ALREADY_DECIDED:
    case ErrorCode.STALE_PROPOSAL:
      return 'CONFLICT';
    case ErrorCode.UNAUTHENTICATED:
      return 'UNAUTHENTICATED';
    case ErrorCode.FORBIDDEN:
      return 'FORBIDDEN';
    default:
      return assertUnreachable(code);
  }
}

/** Apollo `formatError`: shapes every error a client sees. */
export function createFormatError(logger: Logger, exposeInternals: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: graphqlCodeFor(original.code), reason: original.code, ...(original.details.field ? { field: original.details.field } : {}) },
      };
    }
    if (original instanceof ArgumentValidationError) {
      return { ...formatted, extensions: { code: 'BAD_USER_INPUT', reason: ErrorCode.VALIDATION_FAILED } };
    }
    // Errors graphql-js or Apollo raise themselves (syntax, validation, bad variables) already carry a code.
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    const requestId = (formatted.extensions?.requestId as string | undefined) ?? undefined;
    logger.error('unexpected error in a GraphQL request', { requestId, path: formatted.path, error: original });
    return {
      message: exposeInternals && original instanceof Error ? `Internal server error: ${original.message}` : 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
    };
  };
}
