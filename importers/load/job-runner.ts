/**
 * Import jobs that outlive their request: an upload is kept with its job and previewed (a dry run
 * that records what each row would do), and a confirmed job runs from the stored file — on whichever
 * instance the confirmation reached. HTTP routes, GraphQL resolvers and the CLI call these, and the
 * services decide every transition (ImportService, ImportReviewService).
 */
import { say } from '../../src/common/messages';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RequestContext } from '../../src/common/context';
import { ImportMode, ImportStatus } from '../../src/common/enums';
import type { Logger } from '../../src/common/logger';
import { ImportJob } from '../../src/modules/imports/import-job.entity';
import { findAnnex } from '../annexes';
import type { AnnexSpec } from '../annexes/spec';
import { ImportCode, ImportFileError } from '../read/issues';
import { openWorkbook } from '../read/open';
import { assertMayImport } from '../../src/modules/auth/access.rules';
import type { ImportServices } from './context';
import { importAnnex, type ImportResult } from './importer';

/** Records the upload as a job (RUNNING: its preview comes next) and keeps the file with it. */
export async function stageImport(services: ImportServices, ctx: RequestContext, input: { annex: AnnexSpec; file: string; fileName: string; mode: ImportMode }): Promise<ImportJob> {
  assertMayImport(ctx);
  // A file that cannot be read (legacy .xls, encrypted, damaged, a zip bomb) is refused now, not after the 202.
  const probe = await openWorkbook(input.file, { displayName: input.fileName, maxBytes: services.config.importMaxBytes });
  await probe.close();
  const size = fs.statSync(input.file).size;
  const sha256 = createHash('sha256');
  for await (const b of fs.createReadStream(input.file)) sha256.update(b as Buffer);
  const job = await services.imports.start(ctx, { annex: input.annex.annex, fileName: input.fileName.slice(0, 255), sha256: sha256.digest('hex'), sizeBytes: Math.min(size, 2 ** 31 - 1), mode: input.mode, dryRun: true });
  try {
    await services.imports.storeFile(job.id, 'source', input.file);
  } catch (e) {
    await services.imports.finish(job.id, ImportStatus.FAILED, { rowsTotal: 0, rowsValid: 0, rowsInvalid: 0, rowsCreated: 0, rowsUpdated: 0, rowsUnchanged: 0 }, [], `the upload could not be stored: ${(e as Error).message}`.slice(0, 2000));
    throw e;
  }
  return job;
}

/**
 * Runs a RUNNING job from its stored file: its preview (`preview: true`, a dry run keeping each row's
 * outcome) or the confirmed import. Resolves with the report; a job whose file is gone fails.
 */
export async function runStoredJob(services: ImportServices, ctx: RequestContext, jobId: number, preview: boolean): Promise<ImportResult> {
  const job = await services.ds.manager.findOneByOrFail(ImportJob, { id: jobId });
  const annex = findAnnex(job.annex)!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-job-'));
  const file = path.join(dir, 'upload');
  try {
    if (!(await services.imports.writeFile(job.id, 'source', file))) {
      const message = say(`导入 #${job.id} 上传的文件已不再保存：请重新上传`, `the upload of import #${job.id} is no longer kept: upload the file again`);
      await services.imports.finish(job.id, ImportStatus.FAILED, { rowsTotal: job.rowsTotal, rowsValid: 0, rowsInvalid: 0, rowsCreated: 0, rowsUpdated: 0, rowsUnchanged: 0 }, [], message);
      throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, message);
    }
    return await importAnnex(services, ctx, { annex, file, fileName: job.fileName, dryRun: preview, mode: job.mode, job, preview, keepErrors: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a stored job's run after the response: failures are on the job (FAILED, its message) and in the log. */
export function runInBackground(services: ImportServices, ctx: RequestContext, jobId: number, preview: boolean, logger: Logger): Promise<ImportResult | null> {
  // The request is over by the time the run needs its context: no transaction, no time budget.
  const own: RequestContext = { ...ctx, em: undefined, budget: undefined };
  return runStoredJob(services, own, jobId, preview).catch((e: unknown) => {
    if (!(e instanceof ImportFileError)) logger.error('import job failed', { jobId, requestId: ctx.requestId, error: e });
    return null;
  });
}
