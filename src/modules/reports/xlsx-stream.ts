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
