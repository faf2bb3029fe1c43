/**
 * Backpressure for exceljs' streaming WorkbookWriter, which has none (exceljs#734): a committed row
 * is written into the sheet's zip entry without regard for whether the zip keeps up, so a fast
 * producer (SQLite answers synchronously) piles the whole sheet up in memory ahead of the deflater.
 * Writers call {@link keepUp} every few hundred rows; it waits until the entry's buffer is back under
 * a limit, so memory stays flat however many rows are written.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { columnLetter } from '../../../importers/read/issues';

/** Bytes a sheet may have written ahead of the zip. */
export const AHEAD_LIMIT = 4 << 20;

interface BufferedStream {
  _writableState?: { length: number };
  _readableState?: { length: number };
}

/** What the sheet's zip entry holds unconsumed (0 when exceljs' internals are not as expected). */
function ahead(ws: ExcelJS.Worksheet): number {
  const entry = (ws as unknown as { stream?: { pipes?: BufferedStream[] } }).stream?.pipes?.[0];
  return (entry?._writableState?.length ?? 0) + (entry?._readableState?.length ?? 0);
}

/** The output went away (the HTTP client disconnected): the writer stops instead of waiting forever. */
export class OutputClosedError extends Error {
  override name = 'OutputClosedError';
  constructor() {
    super('the output was closed before the workbook was complete (download cancelled)');
  }
}

/**
 * Resolves once the sheet's zip entry has consumed all but {@link AHEAD_LIMIT} bytes; rejects with
 * {@link OutputClosedError} when `out` was destroyed meanwhile (the zip would never drain).
 */
export async function keepUp(ws: ExcelJS.Worksheet, out: Writable): Promise<void> {
  for (;;) {
    if (out.destroyed) throw new OutputClosedError();
    if (ahead(ws) <= AHEAD_LIMIT) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

interface DefinedNameModel {
  name: string;
  ranges: string[];
  localSheetId?: number;
}

type FilterRef = string | { from: string | { row: number; column: number }; to: string | { row: number; column: number } };

/** `A3:T73` or exceljs' `{ from, to }` as the absolute reference a defined name holds. */
function absoluteRange(sheetName: string, ref: FilterRef): string {
  const cell = (c: string | { row: number; column: number }) => {
    const [, col, row] = typeof c === 'string' ? (/^\$?([A-Z]+)\$?(\d+)$/.exec(c) ?? []) : [null, columnLetter(c.column - 1), String(c.row)];
    return `$${col}$${row}`;
  };
  const [from, to] = typeof ref === 'string' ? ref.split(':') : [ref.from, ref.to];
  return `'${sheetName.replace(/'/g, "''")}'!${cell(from)}:${cell(to ?? from)}`;
}

/**
 * A streaming workbook writer (styles on, no shared strings: exceljs' shared-string table can hit V8's
 * string limit on big sheets) that also names each sheet's filter range. exceljs writes a sheet's
 * `<autoFilter>` but not the sheet-scoped `_xlnm._FilterDatabase` name Excel writes beside it, and
 * LibreOffice drops a filter that has no such name when it opens the file.
 */
export function streamingWorkbook(out: Writable): ExcelJS.stream.xlsx.WorkbookWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'KAM Hub';
  // The writer renders workbook.xml from `_definedNames.model` when it commits, after every sheet; the
  // sheet index is the one exceljs gives `localSheetId` for print titles (worksheets without gaps).
  const internal = wb as unknown as { _definedNames: { model: DefinedNameModel[] }; _worksheets: ({ name: string; autoFilter?: FilterRef } | undefined)[] };
  const names = internal._definedNames;
  internal._definedNames = Object.create(names, {
    model: {
      get: (): DefinedNameModel[] => [
        ...names.model,
        ...internal._worksheets
          .filter((ws) => ws !== undefined)
          .flatMap((ws, localSheetId) => (ws.autoFilter ? [{ name: '_xlnm._FilterDatabase', localSheetId, ranges: [absoluteRange(ws.name, ws.autoFilter)] }] : [])),
      ],
    },
  });
  return wb;
}

/** exceljs' own XML escaping and date serials: a row written by {@link RowWriter} is the row exceljs writes. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exceljsUtils = require('exceljs/lib/utils/utils') as { xmlEncode(text: string): string; dateToExcel(d: Date, date1904?: boolean): number };

/** exceljs' value types (its `Enums.ValueType`), for registering a column's style as exceljs would. */
const VALUE_TYPE = { Null: 0, Number: 2, String: 3, Date: 4 } as const;

interface StreamingSheet {
  _workbook: { styles: { addStyleModel(style: Partial<ExcelJS.Style>, cellType?: number): number } };
  _rows: unknown[];
  _rowZero: number;
  startedData: boolean;
  _writeColumns(): void;
  _writeOpenSheetData(): void;
  stream: { write(xml: string): void };
}

/**
 * Data rows written straight into a streaming sheet's XML, one shared style per column: the same bytes
 * exceljs writes for the row through its Row and Cell objects (`<row>` with height and spans, then a
 * `<c>` per cell: number, inline string `t="str"`, date serial, or an empty styled cell), without
 * building those objects and their models for every row — on a 10,000-account report that building
 * was most of the writer's time. Values are numbers, strings, Dates or null; rows come in order, after
 * every row before them was committed. Rows written with exceljs may follow.
 */
export class RowWriter {
  private readonly sheet: StreamingSheet;
  private readonly styleIds: (number | undefined)[];
  private readonly columns: string[];

  constructor(ws: ExcelJS.Worksheet, private readonly styles: readonly Partial<ExcelJS.Style>[]) {
    this.sheet = ws as unknown as StreamingSheet;
    this.styleIds = styles.map(() => undefined);
    this.columns = styles.map((_, i) => columnLetter(i));
  }

  /** Row `n` (1-based) with `values` in the columns from A, and its height in points when given. */
  write(n: number, values: readonly ExcelJS.CellValue[], height?: number): void {
    const ws = this.sheet;
    if (ws._rows.length || n !== ws._rowZero) throw new Error(`RowWriter: row ${n} is not the sheet's next row (${ws._rowZero}) or rows are pending`);
    if (!ws.startedData) {
      ws._writeColumns();
      ws._writeOpenSheetData();
      ws.startedData = true;
    }
    const encode = exceljsUtils.xmlEncode;
    let xml = `<row r="${n}"${height ? ` ht="${height}" customHeight="1"` : ''} spans="1:${values.length}" x14ac:dyDescent="0.25">`;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const s = this.styleIds[i] ?? this.register(i, v);
      const cell = `<c r="${this.columns[i]}${n}"${s ? ` s="${s}"` : ''}`;
      if (v === null || v === undefined) {
        if (s) xml += `${cell}/>`;
      } else if (typeof v === 'number') xml += `${cell}><v>${encode(String(v))}</v></c>`;
      else if (typeof v === 'string') xml += `${cell} t="str"><v>${encode(v)}</v></c>`;
      else if (v instanceof Date) xml += `${cell}><v>${exceljsUtils.dateToExcel(v)}</v></c>`;
      else throw new Error(`RowWriter: unsupported value in ${this.columns[i]}${n} (numbers, strings, dates and null only)`);
    }
    ws.stream.write(`${xml}</row>`);
    ws._rowZero = n + 1;
  }

  /** A column's style id, registered on its first cell as exceljs registers it (by the cell's value type). */
  private register(i: number, v: ExcelJS.CellValue): number {
    const type = v === null || v === undefined ? VALUE_TYPE.Null : typeof v === 'number' ? VALUE_TYPE.Number : typeof v === 'string' ? VALUE_TYPE.String : VALUE_TYPE.Date;
    const id = this.sheet._workbook.styles.addStyleModel(this.styles[i], type);
    this.styleIds[i] = id;
    return id;
  }
}
