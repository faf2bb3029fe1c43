/**
 * The import API as the console uses it, in one place so the review step of issue 12 plugs in here.
 *
 * Today: `POST /imports/{annex}?dryRun=true` answers the full report (counts, every rejected cell with
 * sheet, cell, header, value, code and message, and warnings) without writing — the preview; confirming
 * posts the same file again without `dryRun`. The request is held open while the server works, so the
 * progress shown is the upload's (bytes) and then the job's `rowsProcessed` from `importJobs`.
 *
 * Later (issue 12): upload → 202 with a job id → `preview(job)` per row → `mapValues` → `confirm(job)` →
 * progress with `rowsTotal` known from the start (the ETA below then appears by itself) → `undoImport`;
 * `GET /imports/{job}/errors.xlsx`. Those become functions here beside the ones below.
 */
import { graphql } from '../gql';
import type { ImportAnnex, ImportMode } from '../gql/graphql';
import { gql, routeError } from './client';
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
