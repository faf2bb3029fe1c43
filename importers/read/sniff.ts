/**
 * Decides what a file is from its bytes (not its name) and refuses, in one clear line, what cannot
 * be imported: legacy .xls, password-protected workbooks, HTML or XML "spreadsheets", PDFs, binaries.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImportCode, ImportFileError } from './issues';

export type FileKind = 'zip' | 'text';

const SAVE_AS = '在 Excel 或 WPS 中打开并另存为 .xlsx（文件 → 另存为 → Excel 工作簿）/ open it in Excel or WPS and save it as .xlsx';

async function head(file: string, bytes: number): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Size check, then the format: a zip (xlsx and friends) or text (CSV). Throws {@link ImportFileError} for anything else. */
export async function sniffFile(file: string, maxBytes: number, displayName = path.basename(file)): Promise<{ kind: FileKind; size: number }> {
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch {
    throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, `cannot open ${displayName}: no such file`);
  }
  const name = displayName;
  if (size === 0) throw new ImportFileError(ImportCode.EMPTY_FILE, `${name} is empty (0 bytes)`);
  if (size > maxBytes) {
    throw new ImportFileError(ImportCode.FILE_TOO_LARGE, `${name} is ${mb(size)}, larger than the limit of ${mb(maxBytes)} (KAM_IMPORT_MAX_BYTES); split it into several files`);
  }
  const b = await head(file, Math.min(size, 65536));
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5 || b[2] === 7)) return { kind: 'zip', size };
  if (b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1) {
    const whole = size <= 16 * 1024 * 1024 ? await fs.readFile(file) : b;
    if (whole.includes(Buffer.from('EncryptedPackage', 'utf16le'))) {
      throw new ImportFileError(ImportCode.ENCRYPTED_FILE, `${name} is a password-protected workbook: remove the password (文件 → 信息 → 保护工作簿 → 用密码进行加密, clear it), save, and import again`);
    }
    throw new ImportFileError(ImportCode.LEGACY_XLS, `${name} is a legacy Excel 97–2003 workbook (.xls), which is not supported: ${SAVE_AS}`);
  }
  const text = b.toString('latin1', 0, Math.min(b.length, 2048)).replace(/^\uFEFF|^ï»¿/, '').trimStart().toLowerCase();
  if (text.startsWith('%pdf')) throw new ImportFileError(ImportCode.UNSUPPORTED_FORMAT, `${name} is a PDF document, not a spreadsheet: import the .xlsx or .csv it was made from`);
  if (/^(<!doctype html|<html|<table|<meta)/.test(text) || (/\.xls$/i.test(name) && text.startsWith('<'))) {
    throw new ImportFileError(ImportCode.UNSUPPORTED_FORMAT, `${name} is an HTML page saved with a spreadsheet name (as many systems export "Excel"): ${SAVE_AS}`);
  }
  if (text.startsWith('<?xml') && text.includes('urn:schemas-microsoft-com:office:spreadsheet')) {
    throw new ImportFileError(ImportCode.UNSUPPORTED_FORMAT, `${name} is an XML Spreadsheet 2003 file: ${SAVE_AS}`);
  }
  if (looksLikeText(b)) {
    if (/\.(csv|txt|tsv)$/i.test(name) || !/\.\w+$/.test(name)) return { kind: 'text', size };
    throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, `${name} is plain text, not an Excel workbook: if it is CSV, name it .csv; otherwise ${SAVE_AS}`);
  }
  const ext = path.extname(name).toLowerCase() || 'without extension';
  throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, `${name} (${ext}) is not a spreadsheet KAM Hub can read: import .xlsx, or .csv in UTF-8 or GBK`);
}

function looksLikeText(b: Buffer): boolean {
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return true; // UTF-16 with BOM
  let control = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32 && c !== 27)) control++;
  }
  return control <= b.length / 100;
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
