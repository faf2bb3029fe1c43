/**
 * The console's only way to the server: `POST /graphql` with the session's bearer credential, and the
 * plain HTTP routes (uploads, downloads) through {@link authFetch}. No private endpoints: whatever the
 * console does, a script with the same credential can do.
 */
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import type { TypedDocumentString } from '../gql/graphql';
import { authHeader, endSession, getSession } from './session';

/** An error the API answered: GraphQL `extensions.code` / `reason` / `field`, or an HTTP route's `error.code`. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** GraphQL code (BAD_USER_INPUT, FORBIDDEN, CONFLICT…) or the route's error code. */
    readonly code: string,
    /** The domain code (LOGIN_LOCKED, VERSION_CONFLICT, OWNERSHIP_CONFLICT…). */
    readonly reason?: string,
    readonly field?: string,
    readonly status?: number,
    /** Everything else the error carried (e.g. `retryAfterSeconds`). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string; field?: string; [k: string]: unknown } }[];
}

/** A credential the server no longer accepts ends the session (the sign-in page says why). */
function onUnauthenticated(e: ApiError): void {
  if (e.code === 'UNAUTHENTICATED' && getSession() && e.reason !== 'LOGIN_LOCKED' && e.reason !== 'LOGIN_RATE_LIMITED') endSession('rejected');
}

export async function gql<R, V>(doc: TypedDocumentString<R, V>, variables?: V, credential?: string): Promise<R> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : authHeader()) },
      body: JSON.stringify({ query: doc.toString(), variables: variables ?? {} }),
    });
  } catch (e) {
    throw new ApiError((e as Error).message, 'NETWORK');
  }
  let body: GraphQLResponse<R>;
  try {
    body = (await res.json()) as GraphQLResponse<R>;
  } catch {
    throw new ApiError(`HTTP ${res.status}`, 'NETWORK', undefined, undefined, res.status);
  }
  const first = body.errors?.[0];
  if (first) {
    const e = new ApiError(first.message, first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.extensions?.reason, first.extensions?.field, res.status, first.extensions ?? {});
    if (!credential) onUnauthenticated(e);
    throw e;
  }
  return body.data as R;
}

/** `fetch` with the session's credential; a JSON `{ error }` answer becomes an {@link ApiError}. */
export async function authFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, { ...init, headers: { ...authHeader(), ...(init.headers ?? {}) } });
  if (!res.ok) throw await routeError(res);
  return res;
}

export async function routeError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    /* not JSON: keep the status */
  }
  const e = new ApiError(message, code, code, undefined, res.status);
  if (res.status === 401) onUnauthenticated(new ApiError(message, 'UNAUTHENTICATED', code));
  return e;
}

function operationName(doc: TypedDocumentString<unknown, unknown>): string {
  return /(?:query|mutation)\s+(\w+)/.exec(doc.toString())?.[1] ?? doc.toString();
}

/** A query, cached under its operation name and variables. */
export function useGql<R, V>(doc: TypedDocumentString<R, V>, variables: V, options: Omit<UseQueryOptions<R, ApiError>, 'queryKey' | 'queryFn'> = {}) {
  return useQuery<R, ApiError>({ queryKey: [operationName(doc as TypedDocumentString<unknown, unknown>), variables], queryFn: () => gql(doc, variables), ...options });
}

/** A mutation; on success every cached query is refreshed (lists, counters and details stay true). */
export function useGqlMutation<R, V>(doc: TypedDocumentString<R, V>) {
  const qc = useQueryClient();
  return useMutation<R, ApiError, V>({
    mutationFn: (variables: V) => gql(doc, variables),
    onSuccess: () => qc.invalidateQueries(),
  });
}
