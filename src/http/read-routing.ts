/**
 * Which requests read from replicas (src/db/replicas.ts): GraphQL queries and GET downloads, unless
 * their caller wrote lately (read-your-own-writes). Everything else — mutations, uploads, logins — stays
 * on the primary and starts its caller's stay there. Without replicas all of this does nothing.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { callerKey, type RequestContext } from '../common/context';
import { readRouting, replicaRouter } from '../db/replicas';
import type { GraphQLContext } from './graphql-context';

/**
 * Opens the request's routing scope (reads on the primary until decided otherwise). Mounted before
 * the routes, and again after a body parser: stream callbacks do not carry the async context.
 * Without replicas there is nothing to route and no scope is opened: an AsyncLocalStorage in use
 * makes every promise of every request pay Node's async hooks.
 */
export function readRoutingScope(ds: DataSource): (req: Request, res: Response, next: NextFunction) => void {
  return (_req, _res, next) => {
    if (!replicaRouter(ds)) next();
    else readRouting.run({ replica: false }, next);
  };
}

/** HTTP routes: a GET may read from a replica; anything else is a write of its caller. */
export function routeHttpReads(ds: DataSource, req: Request, res: Response, ctx: RequestContext): void {
  const router = replicaRouter(ds);
  const scope = readRouting.getStore();
  if (!router || !scope) return;
  const caller = callerKey(ctx);
  if (req.method === 'GET' || req.method === 'HEAD') {
    scope.replica = router.mayUseReplica(caller);
    return;
  }
  router.noteWrite(caller);
  res.once('finish', () => router.noteWrite(caller));
}

/** GraphQL: a query may read from a replica; a mutation is a write of its caller (from start and end). */
export function readRoutingPlugin(ds: DataSource): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const router = replicaRouter(ds);
      if (!router) return;
      return {
        async didResolveOperation({ operation, contextValue }) {
          const scope = readRouting.getStore();
          const caller = callerKey(contextValue.ctx);
          if (operation?.operation === 'query') {
            if (scope) scope.replica = router.mayUseReplica(caller);
          } else {
            router.noteWrite(caller);
          }
        },
        async willSendResponse({ operation, contextValue }) {
          if (operation && operation.operation !== 'query') router.noteWrite(callerKey(contextValue.ctx));
        },
      };
    },
  };
}
