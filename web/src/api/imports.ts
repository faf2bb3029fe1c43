/**
 * The import API as the console uses it, in one place: the reviewed import (issue 12/13).
 *
 * Upload: `POST /imports/{annex}` → `202` with the job (the only step that needs the HTTP route: a file);
 * the server previews it in the background (`importJob.status` RUNNING → PREVIEW). The preview is
 * `importPreview` (per row: created / updated with each cell before → after, masked where the caller may
 * not read it / unchanged / error with its issues); `confirmImport(job, mode)` writes it in the background
 * with `rowsTotal` known from the start, so `importJob.progress` and `etaSeconds` drive the bar;
 * `GET /imports/{job}/errors.xlsx` is the rejected rows; `undoImport(job)` takes it back.
 * The one-shot `runImport` (`?wait=true`) stays for scripts and older callers.
 */
import { graphql } from '../gql';
import type { ImportAnnex, ImportMode } from '../gql/graphql';
import { gql, routeError } from './client';
import { download } from './downloads';
import { authHeader } from './session';

/** One rejected cell or warning, as the report gives it. */
export interface ImportIssue {
  sheet: string | null;
  row: number | null;
  cell: string | null;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

/** The JSON report of `POST /imports/{annex}` (the same as `kam import --json`). */
export interface ImportReport {
  job: number;
  annex: string;
  file: string;
  dryRun: boolean;
  mode: string;
  rows: { total: number; valid: number; invalid: number; created: number; updated: number; unchanged: number };
  errors: ImportIssue[];
  warnings: ImportIssue[];
  truncated: boolean;
  counts: { errors: number; warnings: number };
}

export interface ImportRun {
  report: ImportReport;
  /** The job id from `X-Import-Job`. */
  jobId: string | null;
}

/** The annex names the HTTP routes take (`/imports/summary`, `/templates/archive.xlsx`…). */
export const ANNEX_PATH: Record<ImportAnnex, string> = { SUMMARY: 'summary', ARCHIVE: 'archive', PERSONS: 'persons', LEDGER: 'ledger' };

const MODE_PARAM: Record<ImportMode, string> = { ATOMIC: 'atomic', SKIP_INVALID: 'skip-invalid' };

/**
 * Uploads the file to the import route; `onUpload` reports the bytes sent (XMLHttpRequest: fetch
 * cannot report upload progress). Resolves with the report, rejects with an ApiError.
 */
export function runImport(annex: ImportAnnex, file: File, options: { dryRun: boolean; mode: ImportMode; onUpload?(sent: number, total: number): void; signal?: AbortSignal }): Promise<ImportRun> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    // `wait=true`: the one-shot answer (the console's review step on the 202 job flow is still to come).
    const url = `/imports/${ANNEX_PATH[annex]}?wait=true&mode=${MODE_PARAM[options.mode]}${options.dryRun ? '&dryRun=true' : ''}`;
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(authHeader())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => options.onUpload?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new Error('network error'));
    xhr.onload = async () => {
      const res = new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': 'application/json' } });
      if (xhr.status >= 400) {
        reject(await routeError(res));
        return;
      }
      resolve({ report: JSON.parse(xhr.responseText) as ImportReport, jobId: xhr.getResponseHeader('x-import-job') });
    };
    options.signal?.addEventListener('abort', () => xhr.abort());
    const body = new FormData();
    body.append('file', file, file.name);
    xhr.send(body);
  });
}

export const RunningJobQuery = graphql(`
  query RunningImport($annexes: [ImportAnnex!]) {
    importJobs(first: 1, filter: { annexes: $annexes, statuses: [RUNNING] }, orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes { id fileName rowsProcessed rowsTotal startedAt heartbeatAt }
    }
  }
`);

/** The newest running (writing) import of an annex, for the progress bar while a run is under way. */
export async function runningJob(annex: ImportAnnex) {
  return (await gql(RunningJobQuery, { annexes: [annex] })).importJobs.nodes[0] ?? null;
}

/**
 * Seconds left at the observed rate, once the total is known (issue 12 makes `rowsTotal` known from
 * the start; today it is set when a run ends, so no estimate is shown for rows while writing).
 */
export function etaSeconds(done: number, total: number, elapsedSeconds: number): number | null {
  if (!total || done <= 0 || done >= total || elapsedSeconds <= 0) return null;
  return ((total - done) * elapsedSeconds) / done;
}

/** The rejected cells as a CSV (UTF-8 with BOM, so Excel opens the Chinese text) for whoever fixes the file. */
export function issuesCsv(issues: ImportIssue[]): Blob {
  const head = ['工作表', '行', '单元格', '列标题', '单元格内容', '代码', '说明'];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [head, ...issues.map((i) => [i.sheet, i.row, i.cell, i.column, i.value, i.code, i.message])].map((r) => r.map(cell).join(','));
  return new Blob(['\uFEFF' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
}

/** The job as `POST /imports/{annex}` answers it (202): the rest is read through GraphQL. */
export interface StagedJob {
  job: number;
  status: string;
}

/**
 * Uploads the file for review: `202` with the job id at once; the server previews it in the background.
 * `onUpload` reports the bytes sent. Rejects with an ApiError (a refused file, IMPORT_IN_PROGRESS…).
 */
export function uploadImport(annex: ImportAnnex, file: File, options: { mode: ImportMode; onUpload?(sent: number, total: number): void; signal?: AbortSignal }): Promise<StagedJob> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/imports/${ANNEX_PATH[annex]}?mode=${MODE_PARAM[options.mode]}`);
    for (const [k, v] of Object.entries(authHeader())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => options.onUpload?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new Error('network error'));
    xhr.onload = async () => {
      if (xhr.status >= 400) {
        reject(await routeError(new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': 'application/json' } })));
        return;
      }
      resolve(JSON.parse(xhr.responseText) as StagedJob);
    };
    options.signal?.addEventListener('abort', () => xhr.abort());
    const body = new FormData();
    body.append('file', file, file.name);
    xhr.send(body);
  });
}

export const ImportJobQuery = graphql(`
  query ImportJobState($id: ID!) {
    importJob(id: $id) {
      id annex fileName status mode actor message expiresAt
      rowsTotal rowsProcessed rowsValid rowsInvalid rowsCreated rowsUpdated rowsUnchanged
      progress etaSeconds errorCount warningCount
      warnings(first: 200) { id sheet row cell column value code message }
    }
  }
`);

/** The job's state and progress (polled while it previews or writes). */
export async function importJob(id: string) {
  return (await gql(ImportJobQuery, { id })).importJob;
}

export const ImportPreviewQuery = graphql(`
  query ImportPreviewRows($job: ID!, $outcomes: [ImportRowOutcome!], $offset: Int!, $first: Int!) {
    importPreview(job: $job, outcomes: $outcomes, offset: $offset, first: $first) {
      total truncated
      rows {
        sheet row outcome label accountId
        changes { entity field before after masked }
        errors { id sheet row cell column value code message }
      }
    }
  }
`);

export const ConfirmImportMutation = graphql(`
  mutation ConfirmImport($job: ID!, $mode: ImportMode) {
    confirmImport(job: $job, mode: $mode) { id status rowsTotal }
  }
`);

export const UndoImportMutation = graphql(`
  mutation UndoImport($job: ID!) {
    undoImport(job: $job) { removed restored kept { entity id reason message } job { id status } }
  }
`);

export const PreviewAgainMutation = graphql(`
  mutation PreviewImportAgain($job: ID!) {
    previewImportAgain(job: $job) { id status }
  }
`);

/** Previews the job's file again (after an administrator saved value mappings); poll the job for the end. */
export async function previewImportAgain(job: string) {
  return (await gql(PreviewAgainMutation, { job })).previewImportAgain;
}

/** Writes the previewed import in the background (`mode` may switch to SKIP_INVALID). */
export async function confirmImport(job: string, mode: ImportMode) {
  return (await gql(ConfirmImportMutation, { job, mode })).confirmImport;
}

/** Takes a finished import back; what it kept (changed or referred to since) is listed. */
export async function undoImport(job: string) {
  return (await gql(UndoImportMutation, { job })).undoImport;
}

/** The rejected rows as a workbook (bad cells highlighted and commented), under the server's file name. */
export function downloadErrorsWorkbook(job: string): Promise<string> {
  return download(`/imports/${job}/errors.xlsx`, `import-${job}-errors.xlsx`);
}
