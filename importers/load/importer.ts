/**
 * The annex importer: file → parser → loaders → report. Orchestrates one run as an ImportJob; reads
 * reference data once; validates every row through the services; writes in batches inside one
 * transaction; never throws for a bad row.
 *
 * Modes: `atomic` (default) — any rejected row and nothing is written (the transaction is rolled back
 * as soon as the first row is rejected, and the rest of the file is still checked so every error is
 * reported); `skip-invalid` — valid rows are written, rejected ones reported; `dryRun` — nothing is
 * written, and the report says what would be created, updated or left unchanged.
 *
 * Crash safety: both modes write in one transaction committed at the end, so a killed process leaves
 * all or nothing of the file; the job it left RUNNING is found by ImportService.recoverInterrupted.
 * The job's unique lock key keeps a second writing import of the annex out while this one runs.
 */
import { say } from '../../src/common/messages';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { QueryRunner } from 'typeorm';
import type { RequestContext } from '../../src/common/context';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { ImportMode, ImportStatus } from '../../src/common/enums';
import { today as todayDate } from '../../src/common/dates';
import { assertMayImport } from '../../src/modules/auth/access.rules';
import type { ImportJob } from '../../src/modules/imports/import-job.entity';
import { HEARTBEAT_MS, MAX_STORED_ISSUES } from '../../src/modules/imports/import.service';
import type { AnnexSpec } from '../annexes/spec';
import { ImportCode, ImportFileError, type IssueData } from '../read/issues';
import type { ParsedRow } from '../read/parser';
import type { AppliedMapping, MappingRule } from '../read/mappings';
import { openRowFeed, type RowFeed } from '../read/row-feed';
import { AccountsLoader } from './accounts-loader';
import { PersonsLoader } from './persons-loader';
import { LedgerLoader } from './ledger-loader';
import { AccountDirectory, OrgDirectory, em, type AnnexLoader, type ImportServices, type LoadState, type RowOutcome } from './context';
import { JobRecorder } from './job-recorder';
import { ErrorsWorkbook } from '../write/errors-workbook';
import { HeapGuard } from '../../src/common/heap';
import { dbKind } from '../../src/db/data-source';
import { takeSqliteTurn } from '../../src/db/transaction';

export interface ImportOptions {
  annex: AnnexSpec;
  /** The file on disk (an upload is streamed to disk first). */
  file: string;
  /** The name users know the file by; defaults to the file's base name. */
  fileName?: string;
  dryRun?: boolean;
  mode?: ImportMode;
  /** Write the rejected rows with an added 错误说明 column to this .xlsx. */
  errorsOut?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Give up (TIME_LIMIT) after this long; default from the configuration. */
  timeLimitMs?: number;
  /** The day the import runs (for 评价年度 and assignment dates); default today. */
  today?: string;
  batchSize?: number;
  /**
   * Run this job (already RUNNING: a preview of an upload, or a confirmed import) instead of starting
   * a new one; see ImportService.stage and confirm.
   */
  job?: ImportJob;
  /** Keep what each row would do (create / update / unchanged / error, with before → after) for review. */
  preview?: boolean;
  /** Keep the rejected rows workbook with the job (served as `GET /imports/{job}/errors.xlsx`). */
  keepErrors?: boolean;
  /** Mappings of a `--map` file (validated by parseMappingFile); they win over the saved ones. */
  mappings?: MappingRule[];
  /** The unit the file comes from: its saved mappings apply (default: the caller's unit). */
  unitId?: number | null;
  /**
   * Read and validate the file in a worker thread while this one writes (default: KAM_IMPORT_PARSE_WORKER;
   * `auto` is files of at least PARSE_WORKER_MIN_BYTES on a machine of PARSE_WORKER_MIN_CORES cores).
   */
  parseInWorker?: boolean;
}

export interface ImportProgress {
  rowsProcessed: number;
  /** Share of the file read, 0…1. */
  fraction: number;
}

export interface ImportRows {
  total: number;
  valid: number;
  invalid: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** The report every interface returns (CLI `--json`, HTTP): exactly this shape. */
export interface ImportReport {
  /** The import job (`importJob(id)`, `GET /imports/{job}`, `kam import undo <job>`). */
  job: number;
  annex: string;
  file: string;
  dryRun: boolean;
  mode: ImportMode;
  rows: ImportRows;
  errors: IssueData[];
  warnings: IssueData[];
  /** The error or warning list stops at 10,000; `counts` has the full numbers. */
  truncated: boolean;
  counts: { errors: number; warnings: number };
  /** Each mapping that read a header or a word (saved, --map file, built-in scale or yes/no), with its row count. */
  mappings: AppliedMapping[];
}

export interface ImportResult {
  report: ImportReport;
  job: ImportJob;
}

const MAX_REPORTED = MAX_STORED_ISSUES;

/** Streams the file's SHA-256 (the job records which file it was). */
function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (b) => h.update(b))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

/** Imports one annex file. Throws {@link ImportFileError} (the job is recorded as FAILED) when the file cannot be read. */
export async function importAnnex(services: ImportServices, ctx: RequestContext, options: ImportOptions): Promise<ImportResult> {
  assertMayImport(ctx);
  const mode = options.mode ?? ImportMode.ATOMIC;
  const dryRun = options.dryRun ?? false;
  const fileName = options.fileName ?? path.basename(options.file);
  let size: number;
  try {
    size = fs.statSync(options.file).size;
  } catch {
    throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, say(`无法打开 ${fileName}：文件不存在`, `cannot open ${fileName}: no such file`));
  }
  const fileHash = await sha256(options.file);
  const job = options.job ?? (await services.imports.start(ctx, { annex: options.annex.annex, fileName: fileName.slice(0, 255), sha256: fileHash, sizeBytes: Math.min(size, 2 ** 31 - 1), mode, dryRun }));
  const recorder = new JobRecorder(services, job.id, !dryRun, !!options.preview);
  // A sign of life even while one batch waits on the database: other instances judge the job by it.
  const beat = setInterval(() => void services.imports.heartbeat(job.id).catch(() => undefined), HEARTBEAT_MS);
  beat.unref();
  /** The one audit event of this run: who, from where, which file, what it did — never row values. */
  const audit = (auditCtx: RequestContext, status: ImportStatus) =>
    services.audit.record(auditCtx, { action: 'import.run', entity: 'ImportJob', entityId: job.id, after: { annex: options.annex.annex, file: fileName, sha256: fileHash, mode, dryRun, status, ...counts } });
  const counts: ImportRows = { total: 0, valid: 0, invalid: 0, created: 0, updated: 0, unchanged: 0 };
  const errors: IssueData[] = [];
  const warnings: IssueData[] = [];
  const applied: AppliedMapping[] = [];
  let errorCount = 0;
  let warningCount = 0;
  let source: RowFeed | undefined;
  let qr: QueryRunner | undefined;
  let releaseTurn = () => undefined as void;
  /** Whether this run's own transaction (on `qr`) is still open: on SQLite `qr` is the process's one runner, shared once the turn is given back. */
  let ownTransaction = false;
  /** Commits or rolls back this run's own transaction, once, and gives the SQLite turn back. */
  const endTransaction = async (commit: boolean) => {
    if (!ownTransaction) return;
    ownTransaction = false;
    try {
      if (commit) await qr!.commitTransaction();
      else await qr!.rollbackTransaction();
    } finally {
      releaseTurn();
    }
  };
  let errorsOut: ErrorsWorkbook | undefined;
  let keptErrors: string | undefined;
  const joined = !!ctx.em?.queryRunner?.isTransactionActive;
  let pending: Promise<void> = Promise.resolve();
  // The progress heartbeat runs on its own connection, outside the transaction: the batches do not
  // wait for it (one at a time; the run awaits the last before it finishes, so a failure still fails it).
  let progressBeat: Promise<void> = Promise.resolve();
  let progressBeatBusy = false;
  let drainOnError: (() => Promise<void>) | undefined;
  let closeLoader: (() => void) | undefined;
  const state: LoadState = {
    services,
    base: ctx,
    tx: null,
    dryRun,
    today: options.today ?? todayDate(),
    tiers: [],
    managementLevels: [],
    record: recorder,
    origin: { fileName, jobId: job.id },
    warn: (w) => {
      warningCount++;
      if (warnings.length < MAX_REPORTED) warnings.push(w);
    },
  };
  const addError = (e: IssueData) => {
    errorCount++;
    if (errors.length < MAX_REPORTED) errors.push(e);
  };
  try {
    source = await openRowFeed(options.file, { spec: options.annex, displayName: fileName, maxBytes: services.config.importMaxBytes, threaded: options.parseInWorker ?? workerSetting(services.config.importParseWorker), database: dbKind(services.ds) });
    state.tiers = await services.tiers.list();
    state.managementLevels = await services.tiers.listManagementLevels();
    recorder.tiers = state.tiers;
    recorder.managementLevels = state.managementLevels;
    recorder.manager = () => em(state);
    const saved = await services.importMappings.rulesFor(options.annex.annex, options.unitId !== undefined ? options.unitId : ctx.actor.unitId);
    const mappings = [...(options.mappings ?? []), ...saved];
    if (!dryRun) {
      if (joined) state.tx = ctx;
      else {
        // (on SQLite, in turn with the process's other transactions: they share its one connection)
        releaseTurn = await takeSqliteTurn(services.ds);
        qr = services.ds.createQueryRunner();
        await qr.connect();
        await qr.startTransaction();
        ownTransaction = true;
        state.tx = { ...ctx, em: qr.manager };
      }
    }
    const org = new OrgDirectory(state);
    await org.load();
    const accounts = new AccountDirectory(state);
    const annex = options.annex.annex;
    const loader: AnnexLoader =
      annex === 'summary' || annex === 'archive' ? new AccountsLoader(state, org, annex === 'archive')
      : annex === 'persons' ? new PersonsLoader(state, accounts)
      : new LedgerLoader(state, accounts, org);
    drainOnError = () => loader.drain();
    closeLoader = () => loader.close();
    const limitMs = options.timeLimitMs ?? services.config.importTimeLimitSeconds * 1000;
    const deadline = Date.now() + limitMs;
    const checkDeadline = () => {
      if (Date.now() > deadline) {
        throw new ImportFileError(ImportCode.TIME_LIMIT, say(`${fileName}：读到第 ${counts.total} 行时导入已超过 ${Math.round(limitMs / 1000)} 秒（KAM_IMPORT_TIME_LIMIT），未导入任何内容——请拆分文件`, `${fileName}: the import took longer than ${Math.round(limitMs / 1000)} s (KAM_IMPORT_TIME_LIMIT) after ${counts.total} rows; nothing was imported — split the file`));
      }
    };
    const errorsFile = options.errorsOut ?? (options.keepErrors ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kam-errors-')), 'errors.xlsx') : undefined);
    if (errorsFile) errorsOut = new ErrorsWorkbook(errorsFile, source.date1904, options.annex, state.tiers, state.managementLevels);
    keptErrors = options.errorsOut ? undefined : errorsFile;
    const batchSize = options.batchSize ?? 1000;
    let batches = 0;
    let lastBeat = Date.now();
    // Every batch leaves its rows behind as old-generation garbage: collected as the run goes, not at V8's leisure.
    const heap = new HeapGuard();
    let rejected = false;

    const rollbackEarly = async () => {
      // Atomic: the first rejected row decides; the rest of the file is still checked.
      await loader.drain().catch(() => undefined);
      await endTransaction(false);
      recorder.discardWritten();
      state.tx = null;
      rejected = true;
      await org.load();
      accounts.clear();
    };
    // One batch is with the database while the parser reads the next: the loaders run strictly in
    // order (each waits for the previous), parsing and the next batch's lookups overlap with its writes. A large
    // file may be parsed in a worker thread (read/row-feed.ts), one batch ahead of the loaders.
    const settle = async (rows: ParsedRow[], outcomes: (RowOutcome | null)[], batchNo: number) => {
      let batchRejected = false;
      rows.forEach((row, i) => {
        counts.total++;
        if (row.errors.length) {
          counts.invalid++;
          batchRejected = true;
          for (const e of row.errors) addError(e);
          errorsOut?.add(row);
          recorder.settle(row, 'error');
          return;
        }
        counts.valid++;
        const o = outcomes[i];
        if (o) counts[o]++;
        recorder.settle(row, o ?? 'unchanged');
      });
      await recorder.flushPreview();
      if (batchRejected && mode === ImportMode.ATOMIC && !rejected) await rollbackEarly();
      const now = Date.now();
      if (now - lastBeat > 1000 && !progressBeatBusy) {
        lastBeat = now;
        // A confirmed run knows its rows from the preview; any other estimates them from the share of the file read.
        const fraction = source!.progress();
        const estimate = options.job && !options.preview ? undefined : fraction > 0 ? Math.max(counts.total, Math.round(counts.total / fraction)) : undefined;
        progressBeatBusy = true;
        progressBeat = services.imports.heartbeat(job.id, counts.total, estimate).finally(() => (progressBeatBusy = false));
        progressBeat.catch(() => undefined);
      }
      heap.check();
      options.onProgress?.({ rowsProcessed: counts.total, fraction: source!.progress() });
      if (batchNo === services.config.testImportPauseAtBatch) await pauseForKillTest(loader, batchNo);
    };
    let parsedRows = 0;
    let expected = !loader.expect;
    const flush = async (rows: ParsedRow[]) => {
      parsedRows += rows.length;
      if (!expected && parsedRows >= 10_000) {
        // The rows the file holds, by the share of it read, told once: what the loader keeps per row is sized
        // for the whole file rather than grown by doubling. Told once a twentieth is read, where what the
        // reader holds ahead (a CSV's buffers, an inflated block) no longer skews the share much.
        const fraction = source!.progress();
        if (fraction >= 0.05) {
          expected = true;
          loader.expect!(Math.round(parsedRows / fraction));
        }
      }
      // Announced before the batch being processed queues its writes: the loader's lookups of this one run ahead of them.
      loader.lookahead?.(rows);
      await pending;
      const batchNo = ++batches;
      pending = loader.process(rows).then((outcomes) => settle(rows, outcomes, batchNo));
      // Surface a failure at once rather than at the next batch; the caller awaits `pending` anyway.
      pending.catch(() => undefined);
    };
    const listener = {
      issue: (severity: 'error' | 'warning', issue: IssueData) => {
        if (severity === 'error') addError(issue);
        else state.warn(issue);
      },
      mappings: (a: AppliedMapping[]) => applied.push(...a),
    };
    // The time limit is checked while reading too: a sheet of a million blank rows yields no batch.
    const feed = source.batches({ tiers: state.tiers, managementLevels: state.managementLevels, mappings, checkpoint: checkDeadline, deadline, batchSize }, listener);
    for await (const rows of feed) {
      await flush(rows);
      if (rows.length >= batchSize) checkDeadline();
    }
    await pending;
    await progressBeat;
    // File-level errors (missing columns, no header) reject an atomic run too.
    if (errorCount > 0 && mode === ImportMode.ATOMIC && !rejected) await rollbackEarly();
    await loader.drain();
    await loader.finish();
    if (loader instanceof AccountsLoader) loader.summaryWarnings();
    if (state.tx) await recorder.flushWritten(em(state));
    await recorder.flushPreview(true);
    await endTransaction(true);
    if (joined && rejected && !dryRun) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, say(`${fileName}：${errorCount} 个错误，第一个：${errors[0] ? `${errors[0].cell ?? ''} ${errors[0].message}` : ''}`, `${fileName}: ${errorCount} error(s), first: ${errors[0] ? `${errors[0].cell ?? ''} ${errors[0].message}` : ''}`));
    }
    if (rejected && !dryRun) {
      // Nothing was written: the report says so rather than what would have been.
      counts.created = 0;
      counts.updated = 0;
      counts.unchanged = 0;
    }
    if (errorCount > errors.length) {
      warnings.push({ sheet: null, row: null, cell: null, column: null, value: null, code: ImportCode.TOO_MANY_ISSUES, message: say(`共 ${errorCount} 个错误，只列出前 ${errors.length} 个`, `${errorCount} errors; the first ${errors.length} are listed`) });
    }
    if (warningCount > warnings.length + 1) {
      warnings.push({ sheet: null, row: null, cell: null, column: null, value: null, code: ImportCode.TOO_MANY_ISSUES, message: say(`共 ${warningCount} 个警告，只列出前 ${MAX_REPORTED} 个`, `${warningCount} warnings; the first ${MAX_REPORTED} are listed`) });
    }
    const rejectedRows = errorsOut?.rows ?? 0;
    await errorsOut?.close();
    errorsOut = undefined;
    if (keptErrors && rejectedRows > 0) await services.imports.storeFile(job.id, 'errors', keptErrors);
    const status = options.preview ? ImportStatus.PREVIEW : errorCount > 0 ? ImportStatus.REJECTED : ImportStatus.SUCCEEDED;
    const finished = await services.imports.finish(job.id, status, jobCounts(counts), [...errors.map((e) => ({ ...e, severity: 'error' as const })), ...warnings.map((w) => ({ ...w, severity: 'warning' as const }))], null, { errorCount, warningCount });
    await audit(ctx, status);
    return {
      job: finished,
      report: {
        job: job.id, annex: options.annex.annex, file: fileName, dryRun, mode, rows: counts, errors, warnings, mappings: applied,
        truncated: errorCount > errors.length || warningCount > MAX_REPORTED, counts: { errors: errorCount, warnings: warningCount },
      },
    };
  } catch (e) {
    await pending.catch(() => undefined);
    await progressBeat.catch(() => undefined);
    await drainOnError?.().catch(() => undefined);
    await endTransaction(false).catch(() => undefined);
    const fileError = e instanceof ImportFileError ? e : null;
    await services.imports
      .finish(job.id, ImportStatus.FAILED, jobCounts({ ...counts, created: 0, updated: 0, unchanged: 0 }), [], (fileError?.message ?? (e as Error).message ?? String(e)).slice(0, 2000))
      .catch(() => undefined);
    counts.created = counts.updated = counts.unchanged = 0;
    // The caller's own transaction (joined) is failing too; its audit would be rolled back with it.
    if (!joined) await audit({ ...ctx, em: undefined }, ImportStatus.FAILED).catch(() => undefined);
    throw e;
  } finally {
    clearInterval(beat);
    closeLoader?.();
    releaseTurn();
    await qr?.release();
    await source?.close();
    if (errorsOut) await errorsOut.close().catch(() => undefined);
    if (keptErrors) fs.rmSync(path.dirname(keptErrors), { recursive: true, force: true });
  }
}

function jobCounts(c: ImportRows) {
  return { rowsTotal: c.total, rowsValid: c.valid, rowsInvalid: c.invalid, rowsCreated: c.created, rowsUpdated: c.updated, rowsUnchanged: c.unchanged };
}

/**
 * The kill test's hook (KAM_TEST_IMPORT_PAUSE_AT_BATCH, accepted only when NODE_ENV=test): once batch
 * `batchNo` is written into the still-open transaction, say so on stderr and wait to be killed.
 */
async function pauseForKillTest(loader: AnnexLoader, batchNo: number): Promise<never> {
  await loader.drain();
  process.stderr.write(`kam: import paused after batch ${batchNo} (KAM_TEST_IMPORT_PAUSE_AT_BATCH)\n`);
  return new Promise<never>(() => {
    setInterval(() => undefined, 60_000);
  });
}

/** KAM_IMPORT_PARSE_WORKER as the feed's option: `auto` leaves the choice to the file's size and the machine. */
function workerSetting(setting: 'auto' | 'on' | 'off'): boolean | undefined {
  return setting === 'auto' ? undefined : setting === 'on';
}
