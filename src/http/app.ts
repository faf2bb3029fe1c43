/**
 * The HTTP surface: `/graphql` (Apollo Server), `/healthz`. Stateless: any number of instances can run
 * behind a load balancer; everything durable lives in the database.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type Request } from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Services } from '../services';
import type { Logger } from '../common/logger';
import { anonymousContext, type RequestContext } from '../common/context';
import { Loaders } from '../common/loaders';
import { DomainError } from '../common/errors';
import { kamSchema } from './schema';
import { createFormatError, requestIdPlugin } from './graphql-errors';
import { maxDepthRule, protectionPlugin } from './protection';
import { jitGateway } from './jit-executor';
import type { GraphQLContext } from './graphql-context';
import { importRouter } from './import-routes';
import { readAuditPlugin } from '../modules/audit/read-audit-plugin';
import { keyRing } from '../modules/contacts/contact-privacy';
import { reportRouter } from './report-routes';

export interface KamApp {
  app: Express;
  apollo: ApolloServer<GraphQLContext>;
}

function origin(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Authenticates a request: an anonymous context without credentials, UNAUTHENTICATED for bad ones. */
export async function requestContext(services: Services, req: Request): Promise<RequestContext> {
  const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
  const actor = await services.auth.authenticate(req.headers.authorization);
  if (!actor) return anonymousContext(origin(req), requestId);
  return { actor, requestId, origin: origin(req), userAgent: req.headers['user-agent'], reads: new Map() };
}

export async function createApp(services: Services, logger: Logger): Promise<KamApp> {
  const { config } = services;
  const app = express();
  app.disable('x-powered-by');
  // GraphQL answers POSTs, which nothing caches: hashing every response body for an ETag is waste.
  app.set('etag', false);
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);

  app.get('/healthz', async (_req, res) => {
    try {
      await services.ds.query('SELECT 1');
      res.json({ status: 'ok', database: services.ds.options.type });
    } catch (e) {
      logger.error('health check failed', { error: e });
      res.status(503).json({ status: 'unavailable', database: services.ds.options.type });
    }
  });

  app.use(importRouter(services, logger, (req) => requestContext(services, req)));
  app.use(reportRouter(services, logger, (req) => requestContext(services, req)));
  if (services.auth.ephemeralTokenSecret) {
    logger.warn('KAM_TOKEN_SECRET is not set: login tokens are signed with a random key made for this process; they stop working at restart and are not accepted by other instances');
  }

  if (keyRing().development) {
    logger.warn('KAM_DATA_KEYS is not set: personal data is encrypted with the public development key, which protects nothing (production refuses to start without keys; kam keys generate makes one)');
  }

  const apollo = new ApolloServer<GraphQLContext>({
    gateway: jitGateway(await kamSchema()),
    formatError: createFormatError(logger, config.env === 'development', services.ds),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // BI tools need introspection; protectionPlugin refuses it to callers without credentials.
    introspection: true,
    // No "Did you mean …?" in production: the schema is only for callers who may introspect it.
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    validationRules: [maxDepthRule(config.maxQueryDepth)],
    // Compact JSON: Apollo pretty-prints by default, a third more bytes and time on large pages.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      requestIdPlugin(),
      // Sensitive reads: one audit event per request, written before the response leaves.
      readAuditPlugin(logger),
      protectionPlugin(config.maxQueryCost, { hideSchemaDetails: config.env === 'production' }),
      // We send no cache hints; the plugin would otherwise wrap every field resolver of every request.
      ApolloServerPluginCacheControlDisabled(),
      ...(config.env === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        let ctx: RequestContext;
        try {
          ctx = await requestContext(services, req);
        } catch (e) {
          if (e instanceof DomainError) {
            const { GraphQLError } = await import('graphql');
            throw new GraphQLError(e.message, { extensions: { code: 'UNAUTHENTICATED', reason: e.code, http: { status: 401 } } });
          }
          throw e;
        }
        return { ctx, services, loaders: new Loaders(services.ds) };
      },
    }),
  );
  return { app, apollo };
}
