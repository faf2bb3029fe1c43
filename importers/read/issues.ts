/**
 * What an import reports: rejected cells and rows as data (never exceptions), warnings, and the
 * few file-level failures that stop a file from being read at all.
 */

/**
 * Stable codes of the import layer. Cell and row errors reuse the domain's {@link ErrorCode}s
 * (INVALID_DATE, INVALID_ENUM, REQUIRED…); these are the ones only files and rows can have.
 */
export const ImportCode = {
  // File cannot be read (exit 2, HTTP 4xx)
  EMPTY_FILE: 'EMPTY_FILE',
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  LEGACY_XLS: 'LEGACY_XLS',
  ENCRYPTED_FILE: 'ENCRYPTED_FILE',
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  NOT_A_WORKBOOK: 'NOT_A_WORKBOOK',
  CORRUPT_FILE: 'CORRUPT_FILE',
  MISSING_PART: 'MISSING_PART',
  ZIP_BOMB: 'ZIP_BOMB',
  TIME_LIMIT: 'TIME_LIMIT',
  // File read, but it is not (all) the annex: file-level errors in the report (exit 1)
  HEADER_NOT_FOUND: 'HEADER_NOT_FOUND',
  MISSING_COLUMN: 'MISSING_COLUMN',
  // Rows
  DUPLICATE_ROW: 'DUPLICATE_ROW',
  /** The row names a person whose personal data was erased at their request (PIPL): not stored again. */
  ERASED_PERSON: 'ERASED_PERSON',
  UNKNOWN_ACCOUNT: 'UNKNOWN_ACCOUNT',
  AMBIGUOUS_ACCOUNT: 'AMBIGUOUS_ACCOUNT',
  UNKNOWN_UNIT: 'UNKNOWN_UNIT',
  UNKNOWN_MANAGER: 'UNKNOWN_MANAGER',
  AMBIGUOUS_MANAGER: 'AMBIGUOUS_MANAGER',
  TEXT_TOO_LONG: 'TEXT_TOO_LONG',
  INVALID_NUMBER: 'INVALID_NUMBER',
  EXCEL_ERROR: 'EXCEL_ERROR',
  // Warnings
  UNKNOWN_COLUMN: 'UNKNOWN_COLUMN',
  /** A descriptive column's word outside its vocabulary: kept as written, listed once with its count. */
  UNKNOWN_VALUE: 'UNKNOWN_VALUE',
  DUPLICATE_COLUMN: 'DUPLICATE_COLUMN',
  SHEET_SKIPPED: 'SHEET_SKIPPED',
  UNIT_CREATED: 'UNIT_CREATED',
  MANAGER_CREATED: 'MANAGER_CREATED',
  PROJECT_CREATED: 'PROJECT_CREATED',
  CODE_GENERATED: 'CODE_GENERATED',
  PARENT_NOT_FOUND: 'PARENT_NOT_FOUND',
  YEAR_ASSUMED: 'YEAR_ASSUMED',
  TOO_MANY_ISSUES: 'TOO_MANY_ISSUES',
} as const;
export type ImportCode = (typeof ImportCode)[keyof typeof ImportCode];

/** One rejected cell or row, or a warning — the shape of `errors[]` and `warnings[]` in every report. */
export interface IssueData {
  sheet: string | null;
  row: number | null;
  /** `D17`; null for a whole row or the whole file. */
  cell: string | null;
  /** The column header as written in the file. */
  column: string | null;
  value: string | null;
  code: string;
  message: string;
  /** How many rows the issue stands for (UNKNOWN_VALUE: the rows that wrote the word). */
  count?: number;
}

/** The file cannot be read: reported as one line (CLI exit 2, HTTP 4xx), nothing is imported. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    readonly code: ImportCode,
    message: string,
  ) {
    super(message);
  }
}

/** `0 → A`, `27 → AB`. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** `AB → 27` (0-based), or -1. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) {
    const c = letters.charCodeAt(i);
    if (c < 65 || c > 90) return -1;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}
