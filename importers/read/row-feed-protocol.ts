/**
 * Messages between the importer (main thread) and the parse worker (`parse-worker.ts`). Everything is
 * structured-clone data: the layout's column specs travel as their keys (the main thread has the same
 * annex specs), and raw cells' DateSerial and CellError arrive as plain objects, revived by the feed.
 */
import type { ImportAnnex } from '../../src/common/enums';
import type { Language } from '../../src/common/messages';
import type { LabelRow } from './coerce';
import type { IssueData } from './issues';
import type { AppliedMapping, MappingRule } from './mappings';
import type { CellValue } from './source';

/**
 * Batches the worker may have posted that the importer has not taken: bounds the memory whatever the file's
 * size. One is enough to keep both threads busy (the worker parses the next batch while the importer writes
 * this one): bench:import, 200,000 rows into SQLite on 2 cores, 14.2–15.0 s whether 1, 2 or 3, peak RSS
 * 226 MB with 1 against 256 MB with 2 or 3.
 */
export const AHEAD = 1;

/** The worker's checkpoint found the time limit passed; the importer words the error. */
export const TIME_LIMIT_SIGNAL = 'time limit';

export interface WorkerStart {
  file: string;
  displayName: string;
  maxBytes: number;
  annex: ImportAnnex;
  language: Language;
}

export interface ParseRequest {
  tiers: LabelRow[];
  managementLevels: LabelRow[];
  mappings: MappingRule[];
  /** Epoch ms after which reading stops (TIME_LIMIT). */
  deadline: number;
  batchSize: number;
}

export interface WireColumn {
  key: string;
  col: number;
  label: string;
  scale: number;
  mapping?: MappingRule;
}

export interface WireLayout {
  index: number;
  sheet: string;
  headerRows: number[];
  dataStart: number;
  labels: string[];
  unknown: { col: number; label: string }[];
  columns: WireColumn[];
  duplicates: { col: number; label: string; first: WireColumn }[];
}

/** A parsed row: [layout index, row number, values, errors, raw cells]. */
export type WireRow = [number, number, Record<string, unknown>, IssueData[], CellValue[]];

export type FromWorker =
  | { t: 'open'; date1904: boolean }
  | { t: 'sheet'; layout: WireLayout }
  | { t: 'issue'; severity: 'error' | 'warning'; issue: IssueData }
  | { t: 'rows'; rows: WireRow[]; progress: number }
  | { t: 'mappings'; applied: AppliedMapping[] }
  | { t: 'done'; progress: number }
  | { t: 'error'; name: string; message: string; code: string | null; stack: string | null };

export type ToWorker = { t: 'parse'; request: ParseRequest } | { t: 'ack' };
