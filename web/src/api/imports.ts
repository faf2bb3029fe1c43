/**
 * The import API as the console uses it, in one place: the reviewed import (issue 12/13).
 *
 * Upload: `POST /imports/{annex}` → `202` with the job (the only step that needs the HTTP route: a file);
 * the server previews it in the background (`importJob.status` RUNNING → PREVIEW). The preview is
 * `importPreview` (per row: created / updated with each cell before → after, masked where the caller may
 * not read it / unchanged / error with its issues); `confirmImport(job, mode)` writes it in the background
 * with `rowsTotal` known from the start, so `importJob.progress` and `etaSeconds` drive the bar;
 * `GET /imports/{job}/errors.xlsx` is the rejected rows; `undoImport(job)` takes it back.
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

/** The annex names the HTTP routes take (`/imports/summary`, `/templates/archive.xlsx`…). */
export const ANNEX_PATH: Record<ImportAnnex, string> = { SUMMARY: 'summary', ARCHIVE: 'archive', PERSONS: 'persons', LEDGER: 'ledger' };

const MODE_PARAM: Record<ImportMode, string> = { ATOMIC: 'atomic', SKIP_INVALID: 'skip-invalid' };

/** Seconds left at the observed rate (the upload's bytes; the run's ETA comes from the server's job). */
export function etaSeconds(done: number, total: number, elapsedSeconds: number): number | null {
  if (!total || done <= 0 || done >= total || elapsedSeconds <= 0) return null;
  return ((total - done) * elapsedSeconds) / done;
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
