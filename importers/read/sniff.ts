/**
 * Decides what a file is from its bytes (not its name) and refuses, in one clear line, what cannot
 * be imported: legacy .xls, password-protected workbooks, HTML or XML "spreadsheets", PDFs, binaries.
 */
import { say } from '../../src/common/messages';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImportCode, ImportFileError } from './issues';

export type FileKind = 'zip' | 'text';

const saveAs = () => say('请在 Excel 或 WPS 中打开并另存为 .xlsx（文件 → 另存为 → Excel 工作簿）', 'open it in Excel or WPS and save it as .xlsx (文件 → 另存为 → Excel 工作簿)');

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
    throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, say(`无法打开 ${displayName}：文件不存在`, `cannot open ${displayName}: no such file`));
  }
  const name = displayName;
  if (size === 0) throw new ImportFileError(ImportCode.EMPTY_FILE, say(`${name} 是空文件（0 字节）`, `${name} is empty (0 bytes)`));
  if (size > maxBytes) {
    throw new ImportFileError(ImportCode.FILE_TOO_LARGE, say(`${name} 大小为 ${mb(size)}，超过上限 ${mb(maxBytes)}（KAM_IMPORT_MAX_BYTES）：请拆分为多个文件`, `${name} is ${mb(size)}, larger than the limit of ${mb(maxBytes)} (KAM_IMPORT_MAX_BYTES); split it into several files`));
  }
  const b = await head(file, Math.min(size, 65536));
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5 || b[2] === 7)) return { kind: 'zip', size };
  if (b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1) {
    const whole = size <= 16 * 1024 * 1024 ? await fs.readFile(file) : b;
    if (whole.includes(Buffer.from('EncryptedPackage', 'utf16le'))) {
      throw new ImportFileError(ImportCode.ENCRYPTED_FILE, say(`${name} 是有密码保护的工作簿：请取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空）、保存后再导入`, `${name} is a password-protected workbook: remove the password (文件 → 信息 → 保护工作簿 → 用密码进行加密, clear it), save, and import again`));
    }
    throw new ImportFileError(ImportCode.LEGACY_XLS, say(`${name} 是旧版 Excel 97–2003 工作簿（.xls），不受支持：${saveAs()}`, `${name} is a legacy Excel 97–2003 workbook (.xls), which is not supported: ${saveAs()}`));
  }
  const text = b.toString('latin1', 0, Math.min(b.length, 2048)).replace(/^\uFEFF|^ï»¿/, '').trimStart().toLowerCase();
  if (text.startsWith('%pdf')) throw new ImportFileError(ImportCode.UNSUPPORTED_FORMAT, say(`${name} 是 PDF 文档，不是表格：请导入生成它的 .xlsx 或 .csv`, `${name} is a PDF document, not a spreadsheet: import the .xlsx or .csv it was made from`));
  if (/^(<!doctype html|<html|<table|<meta)/.test(text) || (/\.xls$/i.test(name) && text.startsWith('<'))) {
    throw new ImportFileError(ImportCode.UNSUPPORTED_FORMAT, say(`${name} 是以表格文件名保存的 HTML 网页（许多系统导出的“Excel”即如此）：${saveAs()}`, `${name} is an HTML page saved with a spreadsheet name (as many systems export "Excel"): ${saveAs()}`));
  }
  if (text.startsWith('<?xml') && text.includes('urn:schemas-microsoft-com:office:spreadsheet')) {
    throw new ImportFileError(ImportCode.UNSUPPORTED_FORMAT, say(`${name} 是 XML 电子表格 2003 文件：${saveAs()}`, `${name} is an XML Spreadsheet 2003 file: ${saveAs()}`));
  }
  if (looksLikeText(b)) {
    if (/\.(csv|txt|tsv)$/i.test(name) || !/\.\w+$/.test(name)) return { kind: 'text', size };
    throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, say(`${name} 是纯文本，不是 Excel 工作簿：如是 CSV，请将扩展名改为 .csv；否则${saveAs()}`, `${name} is plain text, not an Excel workbook: if it is CSV, name it .csv; otherwise ${saveAs()}`));
  }
  const ext = path.extname(name).toLowerCase() || 'without extension';
  throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, say(`${name}（${ext}）不是 KAM Hub 能读取的表格：请导入 .xlsx，或 UTF-8 / GBK 编码的 .csv`, `${name} (${ext}) is not a spreadsheet KAM Hub can read: import .xlsx, or .csv in UTF-8 or GBK`));
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
