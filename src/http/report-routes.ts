/**
 * Download routes for finance and the archives (plain HTTP, streamed; same Bearer auth as /graphql):
 *
 * - `GET /reports/monthly/{YYYY-MM}.xlsx` — the monthly 战略客户业务状况报告表 (FINANCE, COMMITTEE,
 *   ADMIN). A malformed or future month is 400 before anything is streamed. A closed month is its
 *   month-end snapshot.
 * - `GET /reports/monthly/{YYYY-MM}.pdf` — the same workbook converted to PDF by LibreOffice; 501
 *   naming what to install when the server has no LibreOffice.
 * - `POST /reports/monthly/{YYYY-MM}.xlsx` with the company's own layout (.xlsx) as the body — the
 *   layout filled with the month's figures (placeholders `{{本月签约}}`…, an account row).
 * - `GET /exports/{annex}.xlsx` / `.csv` — an annex in its own layout (any authenticated role; a
 *   person's private fields follow the privacy rule). Query: `tier=STRATEGIC,KEY`, `from`, `to`
 *   (ledger dates). CSV is UTF-8 with a BOM.
 *
 * File names go out as RFC 5987 `filename*=UTF-8''…` with an ASCII fallback. Errors are
 * `{ error: { code, message } }` with 400/401/403/404; once streaming started, a failure aborts the
 * response (the client sees a truncated download, never a half-valid file presented as complete).
 */
import { PassThrough } from 'node:stream';
import { Router, raw } from 'express';
import { MAX_TEMPLATE_BYTES } from '../modules/reports/report-template';
import type { Services } from '../services';
import type { Logger } from '../common/logger';
import { DomainError, ErrorCode } from '../common/errors';
import { findAnnex, ANNEX_CHOICES } from '../../importers/annexes';
import { monthlyReportFileName } from '../modules/reports/monthly-workbook';
import { annexFileName, type ExportFormat } from '../../importers/write/annex-export';
import { contentDisposition } from '../modules/reports/cell-values';
import { downloadRoute, type ContextFor } from './route-auth';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PDF = 'application/pdf';

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.PDF_UNAVAILABLE]: 501,
};

export function reportRouter(services: Services, logger: Logger, contextFor: ContextFor): Router {
  const router = Router();

  /** Runs a download: errors before the first byte become JSON, after it abort the response. */
  const download = downloadRoute(contextFor, logger, 'download', STATUS);

  router.get(
    '/reports/monthly/:file',
    download(async (ctx, req, res) => {
      const m = /^(.*?)(\.xlsx|\.pdf)?$/.exec(String(req.params.file))!;
      const pdf = m[2] === '.pdf';
      const report = await services.reports.monthlyReport(ctx, decodeURIComponent(m[1]));
      if (pdf) {
        // Converted in full before the first byte: a failed conversion is a JSON error, not a broken file.
        const chunks: Buffer[] = [];
        const sink = new PassThrough();
        sink.on('data', (c: Buffer) => chunks.push(c));
        await services.reports.writePdf(ctx, report, sink);
        const body = Buffer.concat(chunks);
        res.setHeader('Content-Type', PDF);
        res.setHeader('Content-Length', String(body.length));
        res.setHeader('Content-Disposition', contentDisposition(monthlyReportFileName(report.period.month).replace(/\.xlsx$/, '.pdf'), `monthly-report-${report.period.month}.pdf`));
        res.setHeader('Cache-Control', 'no-store');
        res.end(body);
        return;
      }
      const name = monthlyReportFileName(report.period.month);
      res.setHeader('Content-Type', XLSX);
      res.setHeader('Content-Disposition', contentDisposition(name, `monthly-report-${report.period.month}.xlsx`));
      res.setHeader('Cache-Control', 'no-store');
      await services.reports.writeWorkbook(ctx, report, res);
    }),
  );

  // The company's own layout: POST the template (.xlsx, raw body), get it back filled.
  router.post(
    '/reports/monthly/:file',
    raw({ type: () => true, limit: MAX_TEMPLATE_BYTES }),
    download(async (ctx, req, res) => {
      const m = /^(.*?)(\.xlsx)?$/.exec(String(req.params.file))!;
      const template = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!template.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'template: send the company\'s report layout (.xlsx) as the request body', { field: 'template' });
      const report = await services.reports.monthlyReport(ctx, decodeURIComponent(m[1]));
      const filled = await services.reports.fillTemplate(ctx, report, template);
      res.setHeader('Content-Type', XLSX);
      res.setHeader('Content-Disposition', contentDisposition(monthlyReportFileName(report.period.month), `monthly-report-${report.period.month}.xlsx`));
      res.setHeader('Cache-Control', 'no-store');
      res.end(filled);
    }),
  );

  router.get(
    '/exports/:file',
    download(async (ctx, req, res) => {
      const m = /^(.+?)\.(xlsx|csv)$/.exec(String(req.params.file));
      const spec = m ? findAnnex(decodeURIComponent(m[1])) : undefined;
      if (!m || !spec) throw new DomainError(ErrorCode.NOT_FOUND, `unknown export "${req.params.file}": use /exports/{annex}.xlsx or .csv with annex ${ANNEX_CHOICES}`);
      const format = m[2] as ExportFormat;
      const q = req.query as Record<string, string | undefined>;
      const tiers = q.tier ? String(q.tier).split(',').map((t) => t.trim()).filter(Boolean) : null;
      const prepared = await services.exports.prepare(ctx, spec.annex, { accounts: tiers ? { tierCodes: tiers } : null, from: q.from ?? null, to: q.to ?? null });
      const name = annexFileName(spec, format);
      res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX);
      res.setHeader('Content-Disposition', contentDisposition(name, `${spec.annex.toLowerCase()}.${format}`));
      res.setHeader('Cache-Control', 'no-store');
      await services.exports.write(ctx, prepared, res, format);
    }),
  );

  return router;
}
