/**
 * Backpressure for exceljs' streaming WorkbookWriter, which has none (exceljs#734): a committed row
 * is written into the sheet's zip entry without regard for whether the zip keeps up, so a fast
 * producer (SQLite answers synchronously) piles the whole sheet up in memory ahead of the deflater.
 * Writers call {@link keepUp} every few hundred rows; it waits until the entry's buffer is back under
 * a limit, so memory stays flat however many rows are written.
 */
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';

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
