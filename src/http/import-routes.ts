/**
 * Upload and download routes for the annex spreadsheets (plain HTTP: multipart through Apollo is
 * refused by its CSRF prevention, and a file belongs on disk, not in a GraphQL variable).
 *
 * - `POST /imports/{annex}?mode=atomic|skip-invalid` — multipart/form-data with one file (or the raw
 *   file as the body, named by `X-File-Name`), streamed to a temp file under the size limit, kept with a
 *   new job and answered at once: `202` with the job (`Location: /imports/{job}`). The preview runs
 *   after the answer; nothing is written until the job is confirmed.
 * - `POST /imports/{annex}?wait=true[&dryRun=true]` — scripts: the run's report (the same JSON as
 *   `kam import --json`, with `"job"`) when it ends, status 200, the job id in `X-Import-Job`.
 * - `GET /imports/{job}` — state, `rowsTotal`, `rowsProcessed`, `progress`, `etaSeconds`, counts.
 * - `GET /imports/{job}/preview?outcome=created,updated,unchanged,error&offset=&limit=` — per row what
 *   it would do, updates cell by cell before → after, each value as the caller may read it.
 * - `POST /imports/{job}/preview` — preview again (after mappings were saved); `202`.
 * - `POST /imports/{job}/confirm[?mode=skip-invalid][&wait=true]` — run it; `202` (or the report).
 * - `POST /imports/{job}/undo` — undo a finished import (see ImportReviewService.undo).
 * - `GET /imports/{job}/errors.xlsx` — the rejected rows, bad cells highlighted and commented.
 * - `GET /templates/{annex}.xlsx` — the blank annex with dropdowns and an example row.
 *
 * ADMIN imports anything; a MANAGER imports for the accounts of their own unit (the importer rejects
 * other units' rows and may not create units or managers).
 */
import { say } from '../common/messages';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import busboy from 'busboy';
import type { Services } from '../services';
import type { Logger } from '../common/logger';
import { DomainError, ErrorCode } from '../common/errors';
import { ImportMode, ImportModes, ImportStatus } from '../common/enums';
import type { RequestContext } from '../common/context';
import { jobView } from '../modules/imports/import-review.service';
import type { PreviewOutcome } from '../modules/imports/import-row.entity';
import { runInBackground, stageImport } from '../../importers/load/job-runner';
import { ANNEX_CHOICES, findAnnex } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { buildTemplate } from '../../importers/write/template';
import { authorize, fail, type ContextFor } from './route-auth';
import { assertMayImport } from '../modules/auth/access.rules';
import { ImportCode, ImportFileError } from '../../importers/read/issues';

/** HTTP status of the domain errors an import route answers with. */
const DOMAIN_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.AGREEMENT_REQUIRED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.IMPORT_IN_PROGRESS]: 409,
  [ErrorCode.IMPORT_ALREADY_CONFIRMED]: 409,
  [ErrorCode.INVALID_STATE]: 409,
  [ErrorCode.IMPORT_EXPIRED]: 410,
};

const flag = (v: unknown) => /^(1|true|yes)$/i.test(String(v ?? ''));

const STATUS: Partial<Record<string, number>> = {
  [ImportCode.FILE_TOO_LARGE]: 413,
  [ImportCode.LEGACY_XLS]: 415,
  [ImportCode.UNSUPPORTED_FORMAT]: 415,
  [ImportCode.NOT_A_WORKBOOK]: 415,
  [ImportCode.ENCRYPTED_FILE]: 415,
  [ImportCode.TIME_LIMIT]: 422,
};

/** The file name a raw upload declares in `X-File-Name` (URL-encoded); a malformed one is bad input, not a crash. */
function declaredFileName(req: Request): string {
  const raw = String(req.headers['x-file-name'] ?? 'upload');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'X-File-Name: not a URL-encoded file name (encode it with encodeURIComponent)', { field: 'X-File-Name' });
  }
}

/**
 * Streams the upload to `dest`; resolves with the original file name, or rejects with FILE_TOO_LARGE,
 * or when the client goes away mid-upload (the caller then removes what was written).
 */
function receive(req: Request, dest: string, maxBytes: number): Promise<string> {
  const cutOff = new Promise<never>((_resolve, reject) => {
    const abort = () => reject(new ImportFileError(ImportCode.CORRUPT_FILE, 'the upload was cut off before the end of the file'));
    req.once('aborted', abort);
    req.once('close', () => {
      if (!req.complete) abort();
    });
  });
  cutOff.catch(() => undefined);
  return Promise.race([receiveBody(req, dest, maxBytes), cutOff]);
}

function receiveBody(req: Request, dest: string, maxBytes: number): Promise<string> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
    let seen = 0;
    req.on('data', (b: Buffer) => {
      seen += b.length;
      if (seen > maxBytes) req.destroy(tooLarge(maxBytes));
    });
    const name = declaredFileName(req);
    return pipeline(req, fs.createWriteStream(dest)).then(() => {
      if (seen > maxBytes) throw tooLarge(maxBytes);
      return name;
    });
  }
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 20 }, defParamCharset: 'utf8' });
    } catch (e) {
      reject(new ImportFileError(ImportCode.NOT_A_WORKBOOK, `malformed upload: ${(e as Error).message}`));
      return;
    }
    let name: string | null = null;
    let writing: Promise<void> | null = null;
    let over = false;
    bb.on('file', (_field, stream, info) => {
      name = info.filename || 'upload';
      stream.on('limit', () => {
        over = true;
        stream.resume();
      });
      writing = pipeline(stream, fs.createWriteStream(dest));
    });
    bb.on('error', (e) => reject(new ImportFileError(ImportCode.CORRUPT_FILE, `the upload was cut off (${(e as Error).message})`)));
    bb.on('close', () => {
      if (!writing || name === null) {
        reject(new ImportFileError(ImportCode.EMPTY_FILE, 'the request carries no file: send it as multipart/form-data field "file"'));
        return;
      }
      writing.then(() => (over ? reject(tooLarge(maxBytes)) : resolve(name as string)), reject);
    });
    req.pipe(bb);
  });
}

function tooLarge(maxBytes: number): ImportFileError {
  return new ImportFileError(ImportCode.FILE_TOO_LARGE, `the upload is larger than the limit of ${(maxBytes / 1024 / 1024).toFixed(0)} MB (KAM_IMPORT_MAX_BYTES); split it into several files`);
}

export function importRouter(services: Services, logger: Logger, contextFor: ContextFor): Router {
  const router = Router();

  /** Answers a failure of an import route: file errors and domain errors by their code, anything else 500. */
  const failWith = (res: Response, ctx: RequestContext, e: unknown) => {
    if (e instanceof ImportFileError) fail(res, STATUS[e.code] ?? 400, e.code, e.message);
    else if (e instanceof DomainError && DOMAIN_STATUS[e.code]) fail(res, DOMAIN_STATUS[e.code]!, e.code, e.message);
    else {
      logger.error('import route failed', { requestId: ctx.requestId, error: e });
      res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', requestId: ctx.requestId } });
    }
  };

  router.post('/imports/:annex', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    if (!ctx) return;
    try {
      assertMayImport(ctx);
    } catch (e) {
      fail(res, 403, ErrorCode.FORBIDDEN, (e as Error).message);
      return;
    }
    const annex = findAnnex(String(req.params.annex));
    if (!annex) {
      fail(res, 404, ErrorCode.NOT_FOUND, say(`未知的附件 "${req.params.annex}"：可用 ${ANNEX_CHOICES}`, `unknown annex "${req.params.annex}": use ${ANNEX_CHOICES}`));
      return;
    }
    const mode = ImportModes.lookup(String(req.query.mode ?? 'atomic'));
    if (!mode) {
      fail(res, 400, ErrorCode.VALIDATION_FAILED, say(`mode 应为 atomic 或 skip-invalid，实为 "${req.query.mode}"`, `mode must be atomic or skip-invalid, got "${req.query.mode}"`));
      return;
    }
    const dryRun = flag(req.query.dryRun ?? req.query.dry_run);
    const wait = flag(req.query.wait);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-upload-'));
    const file = path.join(dir, randomUUID());
    try {
      const fileName = await receive(req, file, services.config.importMaxBytes);
      if (wait) {
        // Scripts: one request, the run's report when it ends (the rejected rows kept as errors.xlsx).
        const { report, job } = await importAnnex(services, ctx, { annex, file, fileName, dryRun, mode: mode as ImportMode, keepErrors: true });
        res.setHeader('X-Import-Job', String(job.id));
        res.status(200).json(report);
        return;
      }
      // Review before commit: the upload is kept with a job and previewed after this answer.
      const job = await stageImport(services, ctx, { annex, file, fileName, mode: mode as ImportMode });
      void runInBackground(services, ctx, job.id, true, logger);
      res.setHeader('X-Import-Job', String(job.id));
      res.setHeader('Location', `/imports/${job.id}`);
      res.status(202).json(jobView(job));
    } catch (e) {
      failWith(res, ctx, e);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The job `:job` names (a number), or null after answering 404. */
  const jobId = (req: Request, res: Response): number | null => {
    const id = String(req.params.job);
    if (/^\d{1,10}$/.test(id)) return Number(id);
    fail(res, 404, ErrorCode.NOT_FOUND, say(`没有导入任务 "${id}"`, `no import job "${id}"`));
    return null;
  };

  router.get('/imports/:job', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    const id = ctx && jobId(req, res);
    if (!ctx || id === null) return;
    try {
      res.json(jobView(await services.imports.get(ctx, id)));
    } catch (e) {
      failWith(res, ctx, e);
    }
  });

  router.get('/imports/:job/preview', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    const id = ctx && jobId(req, res);
    if (!ctx || id === null) return;
    try {
      const outcomes = String(req.query.outcome ?? '').split(',').filter(Boolean);
      const bad = outcomes.find((o) => !['created', 'updated', 'unchanged', 'error'].includes(o));
      if (bad) throw new DomainError(ErrorCode.VALIDATION_FAILED, `outcome must be created, updated, unchanged or error (comma separated), got "${bad}"`, { field: 'outcome' });
      const page = await services.importReview.preview(ctx, id, { outcomes: outcomes as PreviewOutcome[], offset: Number(req.query.offset ?? 0) || 0, first: Number(req.query.limit ?? 100) || 100 });
      const rows = page.rows.map((r) => ({ ...r, errors: r.errors.map((i) => ({ sheet: i.sheet, row: i.row, cell: i.cell, column: i.column, value: i.value, code: i.code, message: i.message })) }));
      res.json({ job: jobView(await services.imports.get(ctx, id)), ...page, rows });
    } catch (e) {
      failWith(res, ctx, e);
    }
  });

  router.post('/imports/:job/preview', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    const id = ctx && jobId(req, res);
    if (!ctx || id === null) return;
    try {
      const job = await services.importReview.restartPreview(ctx, id);
      void runInBackground(services, ctx, job.id, true, logger);
      res.status(202).json(jobView(job));
    } catch (e) {
      failWith(res, ctx, e);
    }
  });

  router.post('/imports/:job/confirm', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    const id = ctx && jobId(req, res);
    if (!ctx || id === null) return;
    try {
      const job = await services.importReview.confirm(ctx, id, req.query.mode ? String(req.query.mode) : null);
      const run = runInBackground(services, ctx, job.id, false, logger);
      if (flag(req.query.wait)) {
        const result = await run;
        if (!result) res.status(422).json({ error: { code: 'IMPORT_FAILED', message: (await services.imports.get(ctx, id)).message ?? 'the import failed' }, job: jobView(await services.imports.get(ctx, id)) });
        else res.status(200).json(result.report);
        return;
      }
      res.setHeader('Location', `/imports/${job.id}`);
      res.status(202).json(jobView(job));
    } catch (e) {
      failWith(res, ctx, e);
    }
  });

  router.post('/imports/:job/undo', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    const id = ctx && jobId(req, res);
    if (!ctx || id === null) return;
    try {
      const r = await services.importReview.undo(ctx, id);
      res.json({ job: r.job.id, status: r.job.status, removed: r.removed, restored: r.restored, kept: r.kept });
    } catch (e) {
      failWith(res, ctx, e);
    }
  });

  router.get('/imports/:job/errors.xlsx', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    const id = ctx && jobId(req, res);
    if (!ctx || id === null) return;
    try {
      const job = await services.imports.get(ctx, id);
      if (!(await services.imports.hasFile(job.id, 'errors'))) {
        const retention = services.imports.fileRetention;
        const purged = job.rowsInvalid + job.errorCount > 0 && job.finishedAt !== null && Date.now() - job.finishedAt.getTime() > retention * 86_400_000;
        fail(res, 404, ErrorCode.NOT_FOUND, job.status === ImportStatus.RUNNING ? say(`导入 #${job.id} 仍在运行`, `import #${job.id} is still running`)
          : purged ? say(`导入 #${job.id} 的错误行工作簿已删除：导入结束 ${retention} 天后不再保存文件（KAM_IMPORT_FILE_RETENTION_DAYS），导入记录仍在`, `the errors workbook of import #${job.id} was deleted: files are kept ${retention} days after an import ends (KAM_IMPORT_FILE_RETENTION_DAYS); the job record stays`)
          : say(`导入 #${job.id} 没有被拒绝的行`, `import #${job.id} has no rejected rows`));
        return;
      }
      const base = job.fileName.replace(/\.[^.]*$/, '');
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="import-${job.id}-errors.xlsx"; filename*=UTF-8''${encodeURIComponent(`${base}-错误行.xlsx`)}`);
      res.setHeader('Cache-Control', 'no-store');
      await services.imports.writeFile(job.id, 'errors', res);
      res.end();
    } catch (e) {
      if (res.headersSent) res.destroy();
      else failWith(res, ctx, e);
    }
  });

  router.get('/templates/:file', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    if (!ctx) return;
    const m = /^(.+?)(\.xlsx)?$/.exec(String(req.params.file));
    const annex = m ? findAnnex(decodeURIComponent(m[1])) : undefined;
    if (!annex) {
      fail(res, 404, ErrorCode.NOT_FOUND, say(`未知的附件 "${req.params.file}"：可用 ${ANNEX_CHOICES}`, `unknown annex "${req.params.file}": use ${ANNEX_CHOICES}`));
      return;
    }
    const body = await buildTemplate(annex, await services.tiers.list(), await services.tiers.listManagementLevels());
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="${annex.annex}.xlsx"; filename*=UTF-8''${encodeURIComponent(annex.title)}.xlsx`);
    res.send(body);
  });

  return router;
}
