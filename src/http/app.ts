/**
 * The HTTP surface: `/graphql` (Apollo Server), `/healthz`, the import and report routes, and the
 * console with GraphiQL (`/`, `/graphiql`; see console-routes.ts). Stateless: any number of instances can run
 * behind a load balancer; everything durable lives in the database.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Services } from '../services';
import type { Logger } from '../common/logger';
import { anonymousContext, callerKey, type RequestContext } from '../common/context';
import { Loaders } from '../common/loaders';
import { DomainError, ErrorCode } from '../common/errors';
import { kamSchema } from './schema';
import { createFormatError, requestIdPlugin } from './graphql-errors';
import { maxDepthRule, protectionPlugin } from './protection';
import { jitGateway } from './jit-executor';
import type { GraphQLContext } from './graphql-context';
import { importRouter } from './import-routes';
import { readAuditPlugin } from '../modules/audit/read-audit-plugin';
import { reportRouter } from './report-routes';
import { feedRouter } from './feed-routes';
import { consoleRouter } from './console-routes';
import { CallerLimits, budgetFor, budgetPlugin } from './request-limits';
import { TableSizes } from '../db/table-sizes';
import { graphqlCodeFor } from './graphql-errors';
import { Metrics, accessLog, metricsRouter, setCaller } from './telemetry';
import { readRoutingPlugin, readRoutingScope, routeHttpReads } from './read-routing';

export interface KamApp {
  app: Express;
  apollo: ApolloServer<GraphQLContext>;
  metrics: Metrics;
}

function origin(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Authenticates a request: an anonymous context without credentials, UNAUTHENTICATED for bad ones. */
export async function requestContext(services: Services, req: Request): Promise<RequestContext> {
  const requestId = requestIdOf(req);
  const actor = await services.auth.authenticate(req.headers.authorization, origin(req));
  if (!actor) return anonymousContext(origin(req), requestId);
  const ctx: RequestContext = { actor, requestId, origin: origin(req), userAgent: req.headers['user-agent'], reads: new Map() };
  // The confidentiality agreement facts the privacy rule reads, once per request (agreements module).
  ctx.confidentiality = await services.agreements.factsFor(ctx, actor);
  return ctx;
}

/** The request's id: the caller's `x-request-id` when it is a plain token, else a fresh one (kept on the request). */
function requestIdOf(req: Request): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given)) return given;
  const id = randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

/**
 * Security headers, caching and CORS for every response. API answers are JSON and spreadsheets, so in
 * production their content security policy forbids everything; the console's pages set their own
 * (same-origin only, console-routes.ts) in every mode. Apollo's landing page (which loads Apollo
 * Sandbox from a CDN) is disabled everywhere: GraphiQL is served from this origin instead.
 * HSTS only in production, where KAM Hub runs behind a TLS-terminating proxy.
 */
function hardening(app: Express, services: Services): void {
  const { config } = services;
  const production = config.env === 'production';
  app.use(
    helmet({
      contentSecurityPolicy: production ? { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } } : false,
      strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  app.use((req, res, next) => {
    // API answers and downloads are personal and business data: no browser or proxy keeps a copy.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('x-request-id', requestIdOf(req));
    next();
  });
  if (config.corsOrigins.length) {
    app.use(
      cors({
        origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
        methods: ['GET', 'POST'],
        allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-file-name', 'apollo-require-preflight'],
        exposedHeaders: ['x-request-id', 'x-import-job', 'retry-after', 'content-disposition'],
        maxAge: 600,
      }),
    );
  }
}

/** JSON for unknown routes and for errors no route handled: never Express's HTML page with a stack. */
function errorHandlers(app: Express, logger: Logger): void {
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { code: ErrorCode.NOT_FOUND, message: `no such route: ${req.method} ${req.path}` } });
  });
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser and friends: a malformed or oversized request, said without internals.
      const type = (err as { type?: unknown }).type;
      res.status(status).json({ error: { code: 'BAD_REQUEST', message: type === 'entity.too.large' ? 'the request body is too large' : type === 'entity.parse.failed' ? 'the request body is not valid JSON' : 'malformed request' } });
      return;
    }
    const requestId = requestIdOf(req);
    logger.error('unexpected error in an HTTP request', { requestId, method: req.method, path: req.path, error: err });
    res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', requestId } });
  });
}

export async function createApp(services: Services, logger: Logger): Promise<KamApp> {
  const { config } = services;
  const app = express();
  app.disable('x-powered-by');
  // GraphQL answers POSTs, which nothing caches: hashing every response body for an ETag is waste.
  app.set('etag', false);
  // Whose X-Forwarded-For to believe: req.ip (audit origin, rate limits) comes from it.
  app.set('trust proxy', config.trustProxy);
  // First, so that every request — refused, failed or unknown — is in the access log and the metrics.
  const metrics = new Metrics(services.ds);
  services.imports.observe(metrics.importObserver);
  app.use(accessLog(logger, metrics, requestIdOf));
  app.use(readRoutingScope(services.ds));
  hardening(app, services);
  app.use(metricsRouter(metrics, config.metricsToken));
  const recovered = await services.imports.recoverInterrupted();
  if (recovered.length) logger.warn('import jobs left running by a stopped process were marked FAILED', { jobs: recovered });

  app.get('/healthz', async (_req, res) => {
    try {
      await services.ds.query('SELECT 1');
      res.json({ status: 'ok', database: services.ds.options.type });
    } catch (e) {
      logger.error('health check failed', { error: e });
      res.status(503).json({ status: 'unavailable', database: services.ds.options.type });
    }
  });

  // Per caller, counted from authentication until the response is done (uploads and downloads too).
  const limits = new CallerLimits(config.maxConcurrentRequests);
  // `route`: an HTTP route, whose method says whether it writes (GraphQL decides per operation: readRoutingPlugin).
  const limited = async (req: Request, res: Response, route = true): Promise<RequestContext> => {
    const ctx = await requestContext(services, req);
    setCaller(res, ctx.actor);
    if (route) routeHttpReads(services.ds, req, res, ctx);
    const release = limits.enter(callerKey(ctx));
    if (res.closed) release();
    else res.once('close', release);
    return ctx;
  };
  app.use(importRouter(services, logger, (req) => limited(req, req.res as Response)));
  app.use(reportRouter(services, logger, (req) => limited(req, req.res as Response)));
  app.use(feedRouter(services, logger, (req) => limited(req, req.res as Response)));
  app.use(consoleRouter());
  if (services.auth.ephemeralTokenSecret) {
    logger.warn('KAM_TOKEN_SECRET is not set: login tokens are signed with a random key made for this process; they stop working at restart and are not accepted by other instances');
  }

  const ring = services.keyRing;
  if (ring.developmentKeyFile) {
    logger.warn(`KAM_DATA_KEYS is not set: personal data is encrypted with a development key generated in ${ring.developmentKeyFile}; keep that file with the database (production refuses to start without KAM_DATA_KEYS; kam keys generate makes one)`);
  } else if (ring.development) {
    logger.warn('KAM_DATA_KEYS is not set: personal data is encrypted with the public development key, which protects nothing (production refuses to start without keys; kam keys generate makes one)');
  }

  // Aggregates are priced by the rows they scan: counted now, recounted in the background as they age.
  const tableSizes = new TableSizes(services.reads, { logger });
  await tableSizes.refresh();

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
      protectionPlugin(config.maxQueryCost, { hideSchemaDetails: config.env === 'production', tableSizes }),
      budgetPlugin(),
      // Queries read from replicas (when there are), mutations keep their caller on the primary a while.
      readRoutingPlugin(services.ds),
      // We send no cache hints; the plugin would otherwise wrap every field resolver of every request.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads its sandbox from a CDN (offline: "cannot be loaded") and sends
      // telemetry; browsers opening /graphql are sent to the self-hosted GraphiQL instead.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    readRoutingScope(services.ds),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        let ctx: RequestContext;
        try {
          ctx = await limited(req, res, false);
        } catch (e) {
          if (e instanceof DomainError) {
            const { GraphQLError } = await import('graphql');
            const retry = e.code === ErrorCode.LOGIN_RATE_LIMITED || e.code === ErrorCode.TOO_MANY_REQUESTS ? Number(e.details.retryAfterSeconds) : null;
            const http = retry ? { status: 429, headers: new Map([['retry-after', String(retry)]]) } : { status: 401 };
            const code = e.code === ErrorCode.TOO_MANY_REQUESTS ? graphqlCodeFor(e.code) : 'UNAUTHENTICATED';
            throw new GraphQLError(e.message, { extensions: { code, reason: e.code, ...(retry ? { retryAfterSeconds: retry } : {}), http } });
          }
          throw e;
        }
        // Queries get the time budget (budgetPlugin takes it off mutations once the operation is known).
        ctx.budget = budgetFor(config.queryTimeLimitSeconds);
        return { ctx, services, loaders: new Loaders(services.ds) };
      },
    }),
  );
  errorHandlers(app, logger);
  return { app, apollo, metrics };
}
