/**
 * The one place where errors become GraphQL errors. Domain codes map to the GraphQL codes clients
 * switch on; database constraint violations become CONFLICT with a clean message; anything unexpected
 * becomes INTERNAL_SERVER_ERROR with the details only in the log, under the request id the client gets.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { DataSource } from 'typeorm';
import { ArgumentValidationError } from 'type-graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import { DomainError, ErrorCode, assertUnreachable } from '../common/errors';
import type { Logger } from '../common/logger';
import { translateConstraintError } from '../db/constraint-errors';
import type { GraphQLContext } from './graphql-context';

export type GraphQLErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'CONFLICT' | 'TOO_MANY_REQUESTS' | 'TIMEOUT' | 'INTERNAL_SERVER_ERROR';

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
    case ErrorCode.DATE_IN_FUTURE:
    case ErrorCode.INVALID_AMOUNT:
    case ErrorCode.INVALID_CURSOR:
    case ErrorCode.PAGE_SIZE_TOO_LARGE:
    case ErrorCode.CHANGES_EXPIRED:
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
    case ErrorCode.CONSTRAINT_VIOLATION:
    case ErrorCode.IMPORT_IN_PROGRESS:
    case ErrorCode.IMPORT_EXPIRED:
    case ErrorCode.IMPORT_ALREADY_CONFIRMED:
    case ErrorCode.HANDOVER_REQUIRED:
      return 'CONFLICT';
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.LOGIN_LOCKED:
    case ErrorCode.LOGIN_RATE_LIMITED:
      return 'UNAUTHENTICATED';
    case ErrorCode.FORBIDDEN:
    case ErrorCode.AGREEMENT_REQUIRED:
      return 'FORBIDDEN';
    case ErrorCode.TOO_MANY_REQUESTS:
      return 'TOO_MANY_REQUESTS';
    case ErrorCode.QUERY_TIMEOUT:
      return 'TIMEOUT';
    case ErrorCode.PDF_UNAVAILABLE: // PDF is an HTTP download (501) and a CLI option, never a GraphQL field
      return 'INTERNAL_SERVER_ERROR';
    case ErrorCode.DATA_INTEGRITY:
    case ErrorCode.DATA_KEY_UNKNOWN:
      return 'INTERNAL_SERVER_ERROR';
    default:
      return assertUnreachable(code);
  }
}

/** Request ids of errors seen during a request, so the formatted error can carry its request's id. */
const requestIds = new WeakMap<object, string>();

/** Apollo `formatError`: shapes every error a client sees. */
export function createFormatError(logger: Logger, exposeInternals: boolean, ds?: DataSource) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    const original = translateConstraintError(unwrapped, ds) ?? unwrapped;
    if (original instanceof DomainError) {
      const { field, retryAfterSeconds } = original.details;
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: graphqlCodeFor(original.code), reason: original.code, ...(field ? { field } : {}), ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}) },
      };
    }
    if (original instanceof ArgumentValidationError) {
      return { ...formatted, extensions: { code: 'BAD_USER_INPUT', reason: ErrorCode.VALIDATION_FAILED } };
    }
    // Errors graphql-js, Apollo or our protections raise themselves (syntax, validation, bad variables,
    // depth, cost) already carry a code.
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { reason, field, cost, maximumCost } = formatted.extensions ?? {};
      const extra = Object.fromEntries(Object.entries({ reason, field, cost, maximumCost }).filter(([, v]) => v !== undefined));
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code, ...extra } };
    }
    const requestId = typeof error === 'object' && error !== null ? requestIds.get(error) : undefined;
    logger.error('unexpected error in a GraphQL request', { requestId, path: formatted.path, error: original });
    return {
      message: exposeInternals && original instanceof Error ? `Internal server error: ${original.message}` : 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
    };
  };
}

/**
 * Tags each error of a request with the request's id (for {@link createFormatError}) and answers
 * every response with an `x-request-id` header, so a user's report can be matched to the log.
 */
export function requestIdPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const e of errors) requestIds.set(e, contextValue.ctx.requestId);
        },
        async willSendResponse({ response, contextValue }) {
          response.http.headers.set('x-request-id', contextValue.ctx.requestId);
        },
      };
    },
  };
}
