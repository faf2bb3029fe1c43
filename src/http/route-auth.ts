/**
 * Authentication for the plain HTTP routes (uploads, downloads): the same Bearer credentials as
 * /graphql, answered as `{ error: { code, message } }` — 401 without or with a bad credential, 429 with
 * `Retry-After` while the client's address is throttled for failed credentials or the caller already has
 * KAM_MAX_CONCURRENT_REQUESTS requests running.
 */
import type { Request, Response } from 'express';
import type { RequestContext } from '../common/context';
import { DomainError, ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';

export type ContextFor = (req: Request) => Promise<RequestContext>;

export function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** The caller's context, or null after answering 401/429 (anonymous callers are refused too). */
export async function authorize(contextFor: ContextFor, req: Request, res: Response): Promise<RequestContext | null> {
  let ctx: RequestContext;
  try {
    ctx = await contextFor(req);
  } catch (e) {
    if (e instanceof DomainError && (e.code === ErrorCode.LOGIN_RATE_LIMITED || e.code === ErrorCode.TOO_MANY_REQUESTS)) {
      res.setHeader('Retry-After', String(e.details.retryAfterSeconds ?? 60));
      fail(res, 429, e.code, e.message);
      return null;
    }
    if (e instanceof DomainError) {
      fail(res, 401, ErrorCode.UNAUTHENTICATED, e.message);
      return null;
    }
    throw e;
  }
  if (ctx.actor.kind === 'anonymous') {
    fail(res, 401, ErrorCode.UNAUTHENTICATED, 'authentication required: send "Authorization: Bearer <API key or login token>"');
    return null;
  }
  return ctx;
}

/**
 * Wraps a download route: authorizes the caller, runs the handler, and answers its errors — as JSON with
 * the code's HTTP status (`statusOf`, else 400) before the first byte, by aborting the response after it.
 */
export function downloadRoute(contextFor: ContextFor, logger: Logger, what: string, statusOf: Partial<Record<string, number>>) {
  return (handler: (ctx: RequestContext, req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    const ctx = await authorize(contextFor, req, res);
    if (!ctx) return;
    try {
      await handler(ctx, req, res);
    } catch (e) {
      if (res.headersSent) {
        logger.error(`${what} failed while streaming`, { requestId: ctx.requestId, error: e });
        res.destroy(e as Error);
      } else if (e instanceof DomainError) fail(res, statusOf[e.code] ?? 400, e.code, e.message);
      else {
        logger.error(`${what} failed`, { requestId: ctx.requestId, error: e });
        fail(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      }
    }
  };
}
