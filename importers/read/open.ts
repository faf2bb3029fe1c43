import path from 'node:path';
import { sniffFile } from './sniff';
import { openXlsx, DEFAULT_ZIP_LIMITS, type ZipLimits } from './xlsx';
import { openCsv } from './csv';
import type { WorkbookSource } from './source';

export interface OpenOptions {
  /** The name the user knows the file by (an upload's original name); defaults to the path's base name. */
  displayName?: string;
  maxBytes: number;
  zipLimits?: ZipLimits;
}

/** Opens an annex file whatever it is: .xlsx streamed, CSV decoded; anything else is refused with one clear line. */
export async function openWorkbook(file: string, options: OpenOptions): Promise<WorkbookSource & { size: number }> {
  const displayName = options.displayName ?? path.basename(file);
  const { kind, size } = await sniffFile(file, options.maxBytes, displayName);
  const source = kind === 'zip' ? await openXlsx(file, displayName, options.zipLimits ?? DEFAULT_ZIP_LIMITS) : await openCsv(file, displayName, size);
  return Object.assign(source, { size });
}
