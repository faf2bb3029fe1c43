/**
 * What readers hand the parser: sheets of raw rows, streamed. A cell is what the file stores —
 * a string, a number, a boolean, an Excel error — plus {@link DateSerial} for a number shown with a
 * date format (the column type decides what it means; a date column accepts plain numbers too).
 */

/** A number stored under a date number format (Excel serial day). */
export class DateSerial {
  constructor(readonly serial: number) {}
}

/** An Excel error value such as `#N/A` or `#REF!`. */
export class CellError {
  constructor(readonly text: string) {}
}

export type CellValue = string | number | boolean | DateSerial | CellError | null;

export interface RawRow {
  /** 1-based row number as Excel shows it (the record number for CSV). */
  number: number;
  /** cells[0] is column A. */
  cells: CellValue[];
}

export interface SheetSource {
  name: string;
  hidden: boolean;
  rows: AsyncIterable<RawRow>;
}

export interface WorkbookSource {
  format: 'xlsx' | 'csv';
  /** For messages: `xlsx`, `CSV (GB18030, comma)`. */
  description: string;
  /** Serial day 0 is 1904-01-01 (old Mac workbooks) rather than 1899-12-30. */
  date1904: boolean;
  sheets(): AsyncIterable<SheetSource>;
  /** Share of the file read so far, 0…1 (for progress bars). */
  progress(): number;
  close(): Promise<void>;
}

/** Displays a cell as text (for reports and for text columns). */
export function cellText(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof CellError) return value.text;
  return serialToIsoDate(value.serial, false) ?? numberText(value.serial);
}

/** Excel keeps 15 significant digits; `0.1+0.2` computed by a formula reads as 0.3. */
export function numberText(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
  return String(Number(n.toPrecision(15)));
}

/** Excel serial day → `YYYY-MM-DD` (the 1900 leap-year bug included), or null when out of range. */
export function serialToIsoDate(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  const day = Math.floor(serial + 1e-9);
  let ms: number;
  if (date1904) ms = Date.UTC(1904, 0, 1) + day * 86_400_000;
  else if (day < 60) ms = Date.UTC(1899, 11, 31) + day * 86_400_000;
  else if (day === 60) return null; // 1900-02-29 does not exist
  else ms = Date.UTC(1899, 11, 30) + day * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Fraction of a day in an Excel serial → milliseconds (for date-time cells). */
export function serialTimeMs(serial: number): number {
  return Math.round((serial - Math.floor(serial + 1e-9)) * 86_400_000);
}
