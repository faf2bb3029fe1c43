/**
 * Flat feeds for BI tools that speak CSV or JSON, not GraphQL (Power Query, Excel "From Web",
 * Metabase uploads, scripts) — same Bearer auth (an API key), the same need-to-know masking and read
 * audit as /graphql:
 *
 * - `GET /feeds/{entity}.csv` / `.jsonl` — one row per record: ids, codes with their Chinese labels,
 *   references with code and name, amounts in 元 with their 万元 view, `createdAt`, `updatedAt`.
 *   Query: `updatedSince` (ISO 8601; rows changed at or after it), `after` (keyset: ids above it),
 *   `limit` (rows; all when absent), `header=zh` (CSV: Chinese column headers).
 * - `GET /feeds/visit-compliance.csv?asOf=YYYY-MM-DD` and `GET /feeds/monthly-figures.csv?from=YYYY-MM&to=YYYY-MM`
 *   — computed figures (拜访达标 per account and rule; signed, collected, receivable and overdue per account
 *   and month), reloaded in full; `after` pages by account id.
 * - `GET /feeds/{entity}/deleted.csv` / `.jsonl` — the tombstones (entity, id, deletedAt, deletedBy),
 *   `since` as above.
 *
 * Every response carries `X-Kam-Until`: the moment reading started — the next refresh's
 * `updatedSince` / `since`. Rows are read 1,000 at a time and written as the client takes them, so
 * memory stays flat at a million rows. CSV is UTF-8 with a BOM (Excel opens Chinese correctly).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import type { Services } from '../services';
import type { Logger } from '../common/logger';
import { DomainError, ErrorCode } from '../common/errors';
import { BI_ENTITY_NAMES, DERIVED_FEED_NAMES, type BiColumn } from '../modules/bi/bi-catalog';
import { biEntityName, derivedFeedName, parseMoment, type FlatRow } from '../modules/bi/bi.service';
import { csvText } from '../modules/reports/cell-values';
import { downloadRoute, type ContextFor } from './route-auth';

type Format = 'csv' | 'jsonl';
const CONTENT_TYPE: Record<Format, string> = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' };
const STATUS: Partial<Record<string, number>> = { [ErrorCode.UNAUTHENTICATED]: 401, [ErrorCode.FORBIDDEN]: 403, [ErrorCode.NOT_FOUND]: 404, [ErrorCode.CHANGES_EXPIRED]: 410 };
const MAX_LIMIT = 10_000_000;

function file(raw: string): { name: string; format: Format } {
  const m = /^(.+?)\.(csv|jsonl)$/.exec(raw);
  if (!m) throw new DomainError(ErrorCode.NOT_FOUND, `unknown feed "${raw}": use /feeds/{entity}.csv or .jsonl with entity one of ${[...BI_ENTITY_NAMES, ...DERIVED_FEED_NAMES].join(', ')}`);
  return { name: decodeURIComponent(m[1]), format: m[2] as Format };
}

function positiveInt(raw: unknown, field: string, max: number): number | null {
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: "${String(raw)}" is not a whole number between 0 and ${max}`, { field });
  return n;
}

/**
 * A flat value as CSV text: lists joined (codes by `,`, labels by `、`), booleans as true/false, and user
 * text neutralised against formulas (`=…` → `'=…`) as in the annex exports — Excel opens feeds too.
 * Amounts and ids are never touched (a negative amount stays a number).
 */
function csvCell(c: Pick<BiColumn, 'kind'>, v: unknown): unknown {
  if (Array.isArray(v)) return v.join(c.kind === 'label' ? '、' : ',');
  if (c.kind === 'text' && typeof v === 'string') return csvText(v);
  return v;
}

/**
 * Streams the pages as CSV (csv-stringify, one call per page of 1,000 rows: the header and the BOM with
 * the first) or JSONL; `pipeline` waits for the client to take each chunk, so memory stays flat.
 */
async function send(res: Response, format: Format, columns: { key: string; header: string; kind: BiColumn['kind'] }[], rows: AsyncIterable<FlatRow[]>): Promise<void> {
  res.setHeader('Content-Type', CONTENT_TYPE[format]);
  res.setHeader('Cache-Control', 'no-store');
  async function* chunks(): AsyncGenerator<string> {
    let first = true;
    for await (const page of rows) {
      if (format === 'jsonl') {
        if (page.length) yield page.map((r) => JSON.stringify(r)).join('\n') + '\n';
        continue;
      }
      yield stringify(
        page.map((r) => columns.map((c) => csvCell(c, r[c.key]))),
        { bom: first, header: first, columns: columns.map((c) => ({ key: c.key, header: c.header })), cast: { boolean: (b: boolean) => (b ? 'true' : 'false') } },
      );
      first = false;
    }
    // No rows at all: a CSV still has its BOM and header, so the tool sees the columns.
    if (first && format === 'csv') yield stringify([], { bom: true, header: true, columns: columns.map((c) => ({ key: c.key, header: c.header })) });
  }
  await pipeline(Readable.from(chunks(), { objectMode: false }), res);
}

export function feedRouter(services: Services, logger: Logger, contextFor: ContextFor): Router {
  const router = Router();

  const handle = downloadRoute(contextFor, logger, 'feed', STATUS);

  router.get(
    '/feeds/:file',
    handle(async (ctx, req, res) => {
      const { name, format } = file(String(req.params.file));
      const q = req.query as Record<string, string | undefined>;
      const until = new Date();
      const query = {
        updatedSince: q.updatedSince ? parseMoment(q.updatedSince, 'updatedSince') : null,
        after: positiveInt(q.after, 'after', Number.MAX_SAFE_INTEGER),
        limit: positiveInt(q.limit, 'limit', MAX_LIMIT),
      };
      const zh = q.header === 'zh';
      const derived = derivedFeedName(name);
      const header = (cols: BiColumn[]) => cols.map((c) => ({ key: c.name, header: zh ? c.title : c.name, kind: c.kind }));
      res.setHeader('X-Kam-Until', until.toISOString());
      if (derived) {
        const r = await services.bi.prepareDerived(ctx, derived, { asOf: q.asOf, from: q.from, to: q.to, updatedSince: q.updatedSince, after: query.after });
        res.setHeader('Content-Disposition', `inline; filename="${derived}.${format}"`);
        await send(res, format, header(r.feed.columns), services.bi.derivedFeed(ctx, r));
        return;
      }
      const entity = await services.bi.prepareFeed(ctx, biEntityName(name), query);
      res.setHeader('Content-Disposition', `inline; filename="${entity.name}.${format}"`);
      await send(res, format, header(entity.columns), services.bi.feed(ctx, entity, query));
    }),
  );

  router.get(
    '/feeds/:entity/:file',
    handle(async (ctx, req, res) => {
      const { name, format } = file(String(req.params.file));
      if (name !== 'deleted') throw new DomainError(ErrorCode.NOT_FOUND, `unknown feed "${req.params.entity}/${req.params.file}": use /feeds/{entity}/deleted.csv or .jsonl`);
      const q = req.query as Record<string, string | undefined>;
      const until = new Date();
      const since = q.since ? parseMoment(q.since, 'since') : null;
      const tombstones = await services.bi.deletions(ctx, biEntityName(String(req.params.entity)), since);
      res.setHeader('X-Kam-Until', until.toISOString());
      const rows = tombstones.map((t) => ({ entity: t.entity, id: t.entityId, deletedAt: t.deletedAt.toISOString(), deletedBy: t.deletedBy }));
      const columns = (['entity', 'id', 'deletedAt', 'deletedBy'] as const).map((key) => ({ key, header: key, kind: 'text' as const }));
      await send(res, format, columns, (async function* () {
        yield rows;
      })());
    }),
  );

  return router;
}
