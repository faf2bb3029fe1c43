/**
 * What operators see of the HTTP surface: one access-log line per request, and `GET /metrics` in the
 * Prometheus text format (prom-client), guarded by its own bearer token (`KAM_METRICS_TOKEN`).
 *
 * The access log names the caller by API key name or user id — never a credential, a login, an address
 * or a query string (they can carry personal data or tokens). Metrics are labelled by route *pattern*
 * (`/imports/:annex`), never by raw path, so their number stays bounded whatever clients send.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import client from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Actor } from '../common/context';
import type { Logger } from '../common/logger';
import type { ImportJobObserver } from '../modules/imports/import.service';
import { poolStats } from '../db/pool-stats';
import { replicaRouter } from '../db/replicas';

/** Seconds: from a fast GraphQL read to a large import or report. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export class Metrics {
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({ name: 'kam_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry] });
  readonly duration = new client.Histogram({ name: 'kam_http_request_duration_seconds', help: 'Time from the request arriving to the response finishing, by method and route pattern', labelNames: ['method', 'route'] as const, buckets: DURATION_BUCKETS, registers: [this.registry] });
  readonly inFlight = new client.Gauge({ name: 'kam_http_requests_in_flight', help: 'Requests being answered now', registers: [this.registry] });
  readonly importJobs = new client.Counter({ name: 'kam_import_jobs_total', help: 'Annex import jobs this instance finished, by annex, final status and whether it was a dry run', labelNames: ['annex', 'status', 'dry_run'] as const, registers: [this.registry] });
  readonly importRows = new client.Counter({ name: 'kam_import_rows_total', help: 'Rows of the annex imports this instance finished, by annex and outcome (created, updated, unchanged, invalid)', labelNames: ['annex', 'outcome'] as const, registers: [this.registry] });
  readonly importsRunning = new client.Gauge({ name: 'kam_import_jobs_running', help: 'Annex imports running on this instance', registers: [this.registry] });

  constructor(ds: DataSource) {
    client.collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    this.replicaMetrics(ds);
    const registry = this.registry;
    new client.Gauge({
      name: 'kam_db_pool_connections',
      help: 'Database pool connections by pool (primary, replica) and state (busy, idle)',
      labelNames: ['pool', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const p of poolStats(ds)) {
          this.set({ pool: p.pool, state: 'busy' }, p.busy);
          this.set({ pool: p.pool, state: 'idle' }, p.idle);
        }
      },
    });
    new client.Gauge({
      name: 'kam_db_pool_waiting',
      help: 'Queries waiting for a free database connection, by pool',
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const p of poolStats(ds)) this.set({ pool: p.pool }, p.waiting);
      },
    });
    new client.Gauge({
      name: 'kam_db_pool_max_connections',
      help: 'The most connections each database pool opens',
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const p of poolStats(ds)) this.set({ pool: p.pool }, p.max);
      },
    });
  }

  private replicaMetrics(ds: DataSource): void {
    const registry = this.registry;
    new client.Gauge({
      name: 'kam_db_replica_up',
      help: 'Read replicas: 1 when fit for reads (reachable, replicating, within KAM_REPLICA_MAX_LAG_SECONDS), else 0',
      labelNames: ['replica'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of replicaRouter(ds)?.states ?? []) this.set({ replica: s.name }, s.inUse ? 1 : 0);
      },
    });
    new client.Gauge({
      name: 'kam_db_replica_lag_seconds',
      help: 'Seconds each read replica was behind the primary at its last check (absent when unknown)',
      labelNames: ['replica'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of replicaRouter(ds)?.states ?? []) if (s.lagSeconds !== null) this.set({ replica: s.name }, s.lagSeconds);
      },
    });
    new client.Gauge({
      name: 'kam_db_reads_total',
      help: 'Reads (SELECTs outside transactions) by where they went: replica, primary, or fallback (a replica failed, the primary answered)',
      labelNames: ['target'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const counts = replicaRouter(ds)?.counts;
        if (counts) for (const [target, n] of Object.entries(counts)) this.set({ target }, n);
      },
    });
  }

  /** Counts the import jobs that start and finish in this process. */
  readonly importObserver: ImportJobObserver = {
    started: () => this.importsRunning.inc(),
    finished: (job) => {
      this.importsRunning.dec();
      this.importJobs.inc({ annex: job.annex, status: job.status, dry_run: String(job.dryRun) });
      const rows = { created: job.rowsCreated, updated: job.rowsUpdated, unchanged: job.rowsUnchanged, invalid: job.rowsInvalid };
      for (const [outcome, n] of Object.entries(rows)) if (n) this.importRows.inc({ annex: job.annex, outcome }, n);
    },
  };
}

/** The caller an access-log line names: API key name or user id, nothing else. */
export function setCaller(res: Response, actor: Actor): void {
  res.locals.kamActor = actor;
}

function callerFields(res: Response): Record<string, unknown> {
  const actor = res.locals.kamActor as Actor | undefined;
  if (!actor || actor.kind === 'anonymous') return {};
  if (actor.kind === 'apikey') return { keyName: actor.name.replace(/^apikey:/, ''), ...(actor.userId ? { userId: actor.userId } : {}) };
  return actor.userId ? { userId: actor.userId } : {};
}

/** The route pattern that answered (`/imports/:annex`); `unmatched` for 404s, `/assets/*` for static files. */
export function routeOf(req: Request, res: Response): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  if (req.baseUrl) return req.baseUrl;
  if (res.statusCode === 404) return 'unmatched';
  if (route) return 'console';
  const first = /^\/[^/]*/.exec(req.path)?.[0] ?? '/';
  return req.path === first ? first : `${first}/*`;
}

const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * One `info` line per request when its response is done (or the client went away): method, route
 * pattern, status, duration, request id, caller; GraphQL requests add their operation name.
 */
export function accessLog(logger: Logger, metrics: Metrics, requestIdOf: (req: Request) => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    metrics.inFlight.inc();
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      metrics.inFlight.dec();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeOf(req, res);
      // A response cut off before it was sent is logged as the client saw it: no status.
      const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
      metrics.requests.inc({ method: req.method, route, status: String(status) });
      metrics.duration.observe({ method: req.method, route }, seconds);
      const body = req.body as { operationName?: unknown } | undefined;
      const operation = typeof body?.operationName === 'string' && OPERATION_NAME.test(body.operationName) ? body.operationName : undefined;
      logger.info('request', {
        method: req.method,
        route,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        requestId: requestIdOf(req),
        ...(operation ? { operation } : {}),
        ...callerFields(res),
      });
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * `GET /metrics` for a scraper holding `KAM_METRICS_TOKEN` (`Authorization: Bearer …`). Without the
 * variable the route is off (404 saying how to turn it on); a wrong or missing token is 401.
 */
export function metricsRouter(metrics: Metrics, token: string | undefined): Router {
  const router = express.Router();
  const expected = token ? sha256(token) : null;
  router.get('/metrics', async (req, res) => {
    if (!expected) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'metrics are off: set KAM_METRICS_TOKEN to a secret and scrape /metrics with "Authorization: Bearer <token>"' } });
      return;
    }
    const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(sha256(given), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="kam-metrics"');
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'send the metrics token: Authorization: Bearer <KAM_METRICS_TOKEN>' } });
      return;
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}
