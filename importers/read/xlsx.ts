/**
 * Streaming .xlsx reader on yauzl (zip), saxes (the small XML parts) and {@link SheetXmlReader} (the
 * worksheets: see sheet-xml.ts for why not saxes there).
 *
 * Why not exceljs' streaming WorkbookReader: it unzips sequentially, so when the shared strings or
 * the workbook relations come after the sheets — which is how Excel and exceljs itself order the
 * parts — it copies every sheet to a temp file first; it only finds sheets named `sheetN.xml`; a
 * phonetic run (`<rPh>`) replaces the cell text; and it cannot tell a zip bomb from a big file.
 * Here the central directory is checked before anything is inflated (entry count, declared sizes,
 * ratios; yauzl also fails an entry that inflates past its declared size), the small parts are read
 * by random access, and each sheet is streamed once, in workbook order, row by row.
 */
import { say } from '../../src/common/messages';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { SaxesParser } from 'saxes';
import { SheetXmlReader, localName } from './sheet-xml';
import { ImportCode, ImportFileError } from './issues';
import { CellError, DateSerial, type CellValue, type RawRow, type WorkbookSource } from './source';

export interface ZipLimits {
  maxEntries: number;
  /** Sum of declared uncompressed sizes. */
  maxUncompressedBytes: number;
  /** Largest compression ratio for an entry above 10 MiB (deflate tops out near 1032:1; real XML stays far below 200:1). */
  maxRatio: number;
  /** Parts held in memory (shared strings, styles, workbook). */
  maxInMemoryPartBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxUncompressedBytes: 4 * 1024 ** 3,
  maxRatio: 400,
  maxInMemoryPartBytes: 512 * 1024 ** 2,
};

const MAX_CELL_TEXT = 1_000_000; // Excel's limit is 32,767 characters; beyond this the XML is not a workbook
const MAX_COLUMNS = 16_384;

function corrupt(name: string, e: unknown): ImportFileError {
  if (e instanceof ImportFileError) return e;
  const msg = (e as Error)?.message ?? String(e);
  if (/too many bytes|too few bytes|expected .* bytes/i.test(msg)) {
    return new ImportFileError(ImportCode.ZIP_BOMB, say(`${name}：某部分解压后的大小与压缩目录所记不符（文件损坏或被篡改），未导入任何内容`, `${name}: a part inflates to a different size than the zip directory declares (damaged or crafted file); nothing was imported`));
  }
  return new ImportFileError(ImportCode.CORRUPT_FILE, say(`${name} 已损坏或不完整（${msg.split('\n')[0]}）：请在 Excel 或 WPS 中打开、重新保存后再导入`, `${name} is damaged or truncated (${msg.split('\n')[0]}); open it in Excel or WPS, save it again and re-import`));
}

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

function readDirectory(zip: ZipFile, limits: ZipLimits): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    if (zip.entryCount > limits.maxEntries) {
      reject(new ImportFileError(ImportCode.ZIP_BOMB, say(`文件含 ${zip.entryCount} 个压缩条目（工作簿通常只有几十个），已拒绝`, `the file holds ${zip.entryCount} zip entries (a workbook has a few dozen); refused`)));
      return;
    }
    const entries = new Map<string, Entry>();
    let total = 0;
    zip.on('entry', (e: Entry) => {
      total += e.uncompressedSize;
      const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
      if (e.uncompressedSize > 10 * 1024 * 1024 && ratio > limits.maxRatio) {
        reject(new ImportFileError(ImportCode.ZIP_BOMB, say(`${e.fileName} 将以 ${Math.round(ratio)}:1 解压为 ${(e.uncompressedSize / 1024 ** 2).toFixed(0)} MB：压缩炸弹，已拒绝`, `${e.fileName} would inflate ${Math.round(ratio)}:1 to ${(e.uncompressedSize / 1024 ** 2).toFixed(0)} MB: a zip bomb, refused`)));
        return;
      }
      if (total > limits.maxUncompressedBytes) {
        reject(new ImportFileError(ImportCode.ZIP_BOMB, say(`工作簿解压后将超过 ${(limits.maxUncompressedBytes / 1024 ** 3).toFixed(1)} GB，已拒绝`, `the workbook would inflate to more than ${(limits.maxUncompressedBytes / 1024 ** 3).toFixed(1)} GB: refused`)));
        return;
      }
      entries.set(e.fileName.replace(/\\/g, '/').replace(/^\//, ''), e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function openStream(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))));
}

/** Feeds a zip entry through a SAX parser, chunk by chunk; `onChunk` runs after each chunk (to hand out rows). */
async function* saxChunks(stream: Readable, parser: SaxesParser, onBytes: (n: number) => void): AsyncGenerator<void> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onBytes(chunk.length);
    parser.write(decoder.write(chunk));
    yield;
  }
  const rest = decoder.end();
  if (rest) parser.write(rest);
  parser.close();
  yield;
}

async function parseSmallPart(zip: ZipFile, entry: Entry, setup: (p: SaxesParser) => void): Promise<void> {
  const parser = new SaxesParser();
  setup(parser);
  const stream = await openStream(zip, entry);
  for await (const _ of saxChunks(stream, parser, () => {})) {
    // handlers collect
  }
}

/** Built-in number formats that are dates, including the CJK ones (27–36, 50–58). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/**
 * A custom number format shows a date when, outside quoted text, escaped characters and brackets,
 * it uses y, m, d, h or s: `yyyy"年"m"月"d"日"` and LibreOffice's `yyyy\年m\月d\日` both are.
 */
export function isDateFormat(code: string): boolean {
  const stripped = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]/gi, '')
    .replace(/_.|\*./g, '');
  if (/^general$/i.test(stripped.trim())) return false;
  return /[ymdhse]/i.test(stripped.replace(/e[+-]/gi, '')) && !/^[#0.,%\s;()-]*$/.test(stripped);
}

interface WorkbookInfo {
  date1904: boolean;
  sheets: { name: string; path: string; hidden: boolean }[];
  sharedStrings: string[] | null;
  dateStyles: boolean[];
}

async function readWorkbookInfo(zip: ZipFile, entries: Map<string, Entry>, name: string, limits: ZipLimits): Promise<WorkbookInfo> {
  const get = (p: string) => entries.get(p) ?? [...entries.entries()].find(([k]) => k.toLowerCase() === p.toLowerCase())?.[1];
  if (entries.has('mimetype') && [...entries.keys()].some((k) => k === 'content.xml')) {
    throw new ImportFileError(ImportCode.UNSUPPORTED_FORMAT, say(`${name} 是 OpenDocument 表格（.ods）：请另存为 .xlsx（文件 → 另存为 → Excel 2007-365）`, `${name} is an OpenDocument spreadsheet (.ods): save it as .xlsx (文件 → 另存为 → Excel 2007-365)`));
  }
  if (get('xl/workbook.bin')) throw new ImportFileError(ImportCode.UNSUPPORTED_FORMAT, say(`${name} 是二进制 Excel 工作簿（.xlsb）：请另存为 .xlsx`, `${name} is a binary Excel workbook (.xlsb): save it as .xlsx`));
  if (get('word/document.xml')) throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, say(`${name} 是 Word 文档，不是工作簿`, `${name} is a Word document, not a workbook`));
  if (get('ppt/presentation.xml')) throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, say(`${name} 是 PowerPoint 演示文稿，不是工作簿`, `${name} is a PowerPoint presentation, not a workbook`));
  for (const e of entries.values()) {
    if (e.isEncrypted()) throw new ImportFileError(ImportCode.ENCRYPTED_FILE, say(`${name} 含加密的压缩条目：请取消密码后保存`, `${name} has encrypted zip entries: save it without a password`));
    if (!e.fileName.startsWith('xl/worksheets/') && e.uncompressedSize > limits.maxInMemoryPartBytes) {
      throw new ImportFileError(ImportCode.ZIP_BOMB, say(`${e.fileName} 解压后将达 ${(e.uncompressedSize / 1024 ** 2).toFixed(0)} MB，已拒绝`, `${e.fileName} would inflate to ${(e.uncompressedSize / 1024 ** 2).toFixed(0)} MB: refused`));
    }
  }
  // The main part is named by the package relationships; xl/workbook.xml is the usual place.
  let workbookPath = 'xl/workbook.xml';
  const rootRels = get('_rels/.rels');
  if (rootRels) {
    await parseSmallPart(zip, rootRels, (p) =>
      p.on('opentag', (t) => {
        const a = t.attributes as Record<string, string>;
        if (localName(t.name) === 'Relationship' && /\/officeDocument$/.test(a.Type ?? '')) workbookPath = a.Target.replace(/^\//, '');
      }),
    );
  }
  const wbEntry = get(workbookPath);
  if (!wbEntry) {
    const hasXl = [...entries.keys()].some((k) => k.startsWith('xl/'));
    if (!hasXl) throw new ImportFileError(ImportCode.NOT_A_WORKBOOK, say(`${name} 是压缩包，不是 Excel 工作簿`, `${name} is a zip archive, not an Excel workbook`));
    throw new ImportFileError(ImportCode.MISSING_PART, say(`${name} 已损坏：缺少工作簿部分（${workbookPath}）；请在 Excel 或 WPS 中打开、重新保存后再导入`, `${name} is damaged: its workbook part (${workbookPath}) is missing; open it in Excel or WPS, save it again and re-import`));
  }
  const base = path.posix.dirname(workbookPath);
  const rels = new Map<string, { target: string; type: string }>();
  const relsEntry = get(path.posix.join(base, '_rels', `${path.posix.basename(workbookPath)}.rels`));
  if (relsEntry) {
    await parseSmallPart(zip, relsEntry, (p) =>
      p.on('opentag', (t) => {
        const a = t.attributes as Record<string, string>;
        if (localName(t.name) === 'Relationship') rels.set(a.Id, { target: a.Target, type: a.Type ?? '' });
      }),
    );
  }
  const resolve = (target: string) => (target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(base, target)));
  let date1904 = false;
  const sheets: WorkbookInfo['sheets'] = [];
  await parseSmallPart(zip, wbEntry, (p) =>
    p.on('opentag', (t) => {
      const a = t.attributes as Record<string, string>;
      const n = localName(t.name);
      if (n === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
      if (n === 'sheet') {
        const rid = a['r:id'] ?? Object.entries(a).find(([k]) => localName(k) === 'id' && k.includes(':'))?.[1];
        const rel = rid ? rels.get(rid) : undefined;
        if (rel && /chartsheet|dialogsheet|macrosheet/i.test(rel.type)) return;
        const target = rel ? resolve(rel.target) : `${base}/worksheets/sheet${sheets.length + 1}.xml`;
        sheets.push({ name: a.name ?? `Sheet${sheets.length + 1}`, path: target, hidden: a.state === 'hidden' || a.state === 'veryHidden' });
      }
    }),
  );
  if (sheets.length === 0) throw new ImportFileError(ImportCode.MISSING_PART, say(`${name} 没有工作表`, `${name} has no worksheets`));
  for (const s of sheets) {
    if (!get(s.path)) throw new ImportFileError(ImportCode.MISSING_PART, say(`${name} 已损坏：缺少工作表「${s.name}」（${s.path}）；请在 Excel 或 WPS 中重新保存`, `${name} is damaged: worksheet "${s.name}" (${s.path}) is missing; save it again in Excel or WPS`));
  }
  // Styles: which cell formats show dates.
  const dateStyles: boolean[] = [];
  const relOf = (suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix));
  const stylesRel = relOf('/styles');
  const stylesEntry = get(stylesRel ? resolve(stylesRel.target) : `${base}/styles.xml`);
  if (stylesEntry) {
    const custom = new Map<number, boolean>();
    let inCellXfs = false;
    await parseSmallPart(zip, stylesEntry, (p) => {
      p.on('opentag', (t) => {
        const a = t.attributes as Record<string, string>;
        const n = localName(t.name);
        if (n === 'numFmt') custom.set(Number(a.numFmtId), isDateFormat(a.formatCode ?? ''));
        else if (n === 'cellXfs') inCellXfs = true;
        else if (n === 'xf' && inCellXfs) {
          const id = Number(a.numFmtId ?? 0);
          dateStyles.push(custom.get(id) ?? BUILTIN_DATE_FORMATS.has(id));
        }
      });
      p.on('closetag', (t) => {
        if (localName(t.name) === 'cellXfs') inCellXfs = false;
      });
    });
  }
  // Shared strings: the only part whose size grows with the data and must be held in memory.
  let sharedStrings: string[] | null = null;
  const ssRel = relOf('/sharedStrings');
  const ssEntry = get(ssRel ? resolve(ssRel.target) : `${base}/sharedStrings.xml`);
  if (ssEntry) {
    const list: string[] = [];
    sharedStrings = list;
    let text = '';
    let inT = false;
    let phonetic = 0;
    await parseSmallPart(zip, ssEntry, (p) => {
      p.on('opentag', (t) => {
        const n = localName(t.name);
        if (n === 'si') text = '';
        else if (n === 'rPh') phonetic++;
        else if (n === 't' && phonetic === 0) inT = true;
      });
      p.on('text', (s) => {
        if (inT) text += s;
      });
      p.on('cdata', (s) => {
        if (inT) text += s;
      });
      p.on('closetag', (t) => {
        const n = localName(t.name);
        if (n === 't') inT = false;
        else if (n === 'rPh') phonetic--;
        else if (n === 'si') list.push(text);
      });
    });
  }
  return { date1904, sheets, sharedStrings, dateStyles };
}

/** Opens an .xlsx for streaming. Throws {@link ImportFileError} for damaged, crafted or foreign files. */
export async function openXlsx(file: string, displayName: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<WorkbookSource> {
  let zip: ZipFile;
  try {
    zip = await openZip(file);
  } catch (e) {
    throw corrupt(displayName, e);
  }
  let info: WorkbookInfo;
  let entries: Map<string, Entry>;
  try {
    entries = await readDirectory(zip, limits);
    info = await readWorkbookInfo(zip, entries, displayName, limits);
  } catch (e) {
    zip.close();
    throw corrupt(displayName, e);
  }
  const sheetBytes = info.sheets.reduce((s, x) => s + (entries.get(x.path)?.uncompressedSize ?? 0), 0) || 1;
  let bytesDone = 0;
  return {
    format: 'xlsx',
    description: 'xlsx',
    date1904: info.date1904,
    progress: () => Math.min(1, bytesDone / sheetBytes),
    close: async () => zip.close(),
    sheets: async function* () {
      for (const sheet of info.sheets) {
        const entry = entries.get(sheet.path) ?? [...entries.entries()].find(([k]) => k.toLowerCase() === sheet.path.toLowerCase())?.[1];
        if (!entry) continue;
        yield { name: sheet.name, hidden: sheet.hidden, rows: sheetRows(zip, entry, info, displayName, (n) => (bytesDone += n)) };
      }
    },
  };
}

async function* sheetRows(zip: ZipFile, entry: Entry, info: WorkbookInfo, displayName: string, onBytes: (n: number) => void): AsyncGenerator<RawRow> {
  const out: RawRow[] = [];
  const reader = new SheetXmlReader(out, {
    cell: (type, text, style) => cellValue(type, text, style, info, displayName),
    maxCellText: MAX_CELL_TEXT,
    maxColumns: MAX_COLUMNS,
    refuse: (what, ref) =>
      what === 'cell-ref'
        ? new ImportFileError(ImportCode.CORRUPT_FILE, say(`${displayName}：单元格引用「${ref}」超出工作表范围`, `${displayName}: cell reference "${ref}" is outside a worksheet`))
        : new ImportFileError(ImportCode.CORRUPT_FILE, say(`${displayName}：某单元格的文字超过 Excel 的上限`, `${displayName}: a cell holds more text than Excel allows`)),
  });
  let stream: Readable;
  try {
    stream = await openStream(zip, entry);
  } catch (e) {
    throw corrupt(displayName, e);
  }
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onBytes(chunk.length);
      reader.write(decoder.write(chunk));
      if (out.length) {
        const batch = out.splice(0, out.length);
        for (const r of batch) yield r;
      }
    }
    reader.write(decoder.end());
    reader.end();
    for (const r of out.splice(0, out.length)) yield r;
  } catch (e) {
    stream.destroy();
    throw corrupt(displayName, e);
  }
}

function cellValue(type: string, text: string, style: number, info: WorkbookInfo, displayName: string): CellValue {
  switch (type) {
    case 's': {
      if (!info.sharedStrings) throw new ImportFileError(ImportCode.MISSING_PART, say(`${displayName} 已损坏：缺少共享字符串部分；请在 Excel 或 WPS 中重新保存`, `${displayName} is damaged: its shared strings part is missing; save it again in Excel or WPS`));
      const s = info.sharedStrings[Number(text)];
      return s === undefined ? null : s;
    }
    case 'str':
    case 'inlineStr':
      return text;
    case 'b':
      return text.trim() === '1' || text.trim().toLowerCase() === 'true';
    case 'e':
      return new CellError(text.trim());
    case 'd': {
      const m = /^(\d{4}-\d{2}-\d{2})/.exec(text.trim());
      return m ? m[1] : text;
    }
    default: {
      const t = text.trim();
      if (t === '') return null;
      const num = Number(t);
      if (!Number.isFinite(num)) return t;
      return info.dateStyles[style] ? new DateSerial(num) : num;
    }
  }
}
