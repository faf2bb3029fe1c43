/**
 * Upload and download routes for the annex spreadsheets (plain HTTP: multipart through Apollo is
 * refused by its CSRF prevention, and a file belongs on disk, not in a GraphQL variable).
 *
 * - `POST /imports/{annex}?dryRun=true&mode=atomic|skip-invalid` — multipart/form-data with one file
 *   (or the raw file as the body, named by `X-File-Name`), streamed to a temp file under the size
 *   limit. Returns the import report (the same JSON as `kam import --json`) with status 200, and the
 *   job id in `X-Import-Job`; an unreadable file is 4xx with `{ error: { code, message } }`.
 * - `GET /templates/{annex}.xlsx` — the blank annex with dropdowns and an example row.
 *
 * ADMIN imports anything; a MANAGER imports for the accounts of their own unit (the importer rejects
 * other units' rows and may not create units or managers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import busboy from 'busboy';
import type { Services } from '../services';
import type { Logger } from '../common/logger';
import { DomainError, ErrorCode } from '../common/errors';
import { ImportMode, ImportModes } from '../common/enums';
import { ANNEX_CHOICES, findAnnex } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { buildTemplate } from '../../importers/write/template';
import { authorize, fail, type ContextFor } from './route-auth';
import { assertMayImport } from '../modules/auth/access.rules';
import { ImportCode, ImportFileError } from '../../importers/read/issues';

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
      fail(res, 404, ErrorCode.NOT_FOUND, `unknown annex "${req.params.annex}": use ${ANNEX_CHOICES}`);
      return;
    }
    const mode = ImportModes.lookup(String(req.query.mode ?? 'atomic'));
    if (!mode) {
      fail(res, 400, ErrorCode.VALIDATION_FAILED, `mode must be atomic or skip-invalid, got "${req.query.mode}"`);
      return;
    }
    const dryRun = /^(1|true|yes)$/i.test(String(req.query.dryRun ?? req.query.dry_run ?? ''));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-upload-'));
    const file = path.join(dir, randomUUID());
    try {
      const fileName = await receive(req, file, services.config.importMaxBytes);
      const { report, job } = await importAnnex(services, ctx, { annex, file, fileName, dryRun, mode: mode as ImportMode });
      res.setHeader('X-Import-Job', String(job.id));
      res.status(200).json(report);
    } catch (e) {
      if (e instanceof ImportFileError) fail(res, STATUS[e.code] ?? 400, e.code, e.message);
      else if (e instanceof DomainError && e.code === ErrorCode.IMPORT_IN_PROGRESS) fail(res, 409, e.code, e.message);
      else if (e instanceof DomainError && e.code === ErrorCode.VALIDATION_FAILED) fail(res, 400, e.code, e.message);
      else {
        logger.error('import failed', { requestId: ctx.requestId, error: e });
        res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', requestId: ctx.requestId } });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  router.get('/templates/:file', async (req, res) => {
    const ctx = await authorize(contextFor, req, res);
    if (!ctx) return;
    const m = /^(.+?)(\.xlsx)?$/.exec(String(req.params.file));
    const annex = m ? findAnnex(decodeURIComponent(m[1])) : undefined;
    if (!annex) {
      fail(res, 404, ErrorCode.NOT_FOUND, `unknown annex "${req.params.file}": use ${ANNEX_CHOICES}`);
      return;
    }
    const body = await buildTemplate(annex, await services.tiers.list(), await services.tiers.listManagementLevels());
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="${annex.annex}.xlsx"; filename*=UTF-8''${encodeURIComponent(annex.title)}.xlsx`);
    res.send(body);
  });

  return router;
}
