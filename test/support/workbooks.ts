/**
 * Fixture workbooks built in test code by two independent writers: exceljs, and a hand-assembled
 * OOXML package (our own zip writer) laid out the way Excel and LibreOffice write theirs — shared
 * strings after the sheets, inline strings, namespace prefixes, phonetic runs, Chinese date formats.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';

export function tmpFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-wb-'));
  return path.join(dir, name);
}

export type Cell = string | number | boolean | Date | null | undefined;

export interface ExcelJsSheet {
  name?: string;
  rows: Cell[][];
  merges?: string[];
  numFmts?: Record<string, string>;
  hiddenColumns?: number[];
  state?: 'visible' | 'hidden';
}

/** A workbook written by exceljs. */
export async function exceljsWorkbook(file: string, sheets: ExcelJsSheet[]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  sheets.forEach((s, i) => {
    const ws = wb.addWorksheet(s.name ?? `Sheet${i + 1}`, { state: s.state ?? 'visible' });
    for (const r of s.rows) ws.addRow(r.map((c) => (c === undefined ? null : c)));
    for (const m of s.merges ?? []) ws.mergeCells(m);
    for (const [ref, fmt] of Object.entries(s.numFmts ?? {})) ws.getCell(ref).numFmt = fmt;
    for (const c of s.hiddenColumns ?? []) ws.getColumn(c).hidden = true;
  });
  await wb.xlsx.writeFile(file);
  return file;
}

/** A minimal zip writer (deflate, or stored), with data as given: lets tests lie in headers too. */
export function zip(entries: { name: string; data: Buffer | string; store?: boolean; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const body = e.store ? raw : zlib.deflateRawSync(raw);
    const crc = zlib.crc32(raw);
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.store ? 0 : 8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.store ? 0 : 8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colName(i: number): string {
  let n = i + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A cell for {@link handXlsx}: a number with a style (1 = CJK built-in date 31, 2 = LibreOffice `yyyy\年m\月d\日`). */
export interface StyledNumber {
  n: number;
  style: 1 | 2;
}

export interface HandSheet {
  name: string;
  rows: (string | number | StyledNumber | null)[][];
  hidden?: boolean;
}

export interface HandOptions {
  /** Strings as inline strings instead of the shared-string table. */
  inline?: boolean;
  date1904?: boolean;
  /** Prefix every spreadsheetML element (`x:row`), as the .NET OpenXML SDK does. */
  prefix?: boolean;
  /** Drop a part, to build damaged files. */
  omit?: string[];
  /** Put 拼音 phonetic runs after the text of shared strings, as Excel does for East Asian input. */
  phonetic?: boolean;
}

/**
 * An .xlsx assembled by hand, in Excel's part order: the sheets come before the shared strings and
 * the styles, so a sequential reader would have to buffer them.
 */
export function handXlsx(file: string, sheets: HandSheet[], o: HandOptions = {}): string {
  const p = o.prefix ? 'x:' : '';
  const ns = o.prefix ? 'xmlns:x' : 'xmlns';
  const strings: string[] = [];
  const sst = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const sheetXml = sheets.map((s) => {
    const rows = s.rows
      .map((r, ri) => {
        const cells = r
          .map((v, ci) => {
            if (v === null || v === undefined) return '';
            const ref = `${colName(ci)}${ri + 1}`;
            if (typeof v === 'number') return `<${p}c r="${ref}"><${p}v>${v}</${p}v></${p}c>`;
            if (typeof v === 'object') return `<${p}c r="${ref}" s="${v.style}"><${p}v>${v.n}</${p}v></${p}c>`;
            if (o.inline) return `<${p}c r="${ref}" t="inlineStr"><${p}is><${p}t xml:space="preserve">${esc(v)}</${p}t></${p}is></${p}c>`;
            return `<${p}c r="${ref}" t="s"><${p}v>${sst(v)}</${p}v></${p}c>`;
          })
          .join('');
        return `<${p}row r="${ri + 1}">${cells}</${p}row>`;
      })
      .join('');
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${p}worksheet ${ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${p}dimension ref="A1"/><${p}sheetData>${rows}</${p}sheetData></${p}worksheet>`;
  });
  const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const parts: { name: string; data: string }[] = [
    { name: '[Content_Types].xml', data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>` },
    { name: '_rels/.rels', data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${R}/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><${p}workbook ${ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${R}"><${p}workbookPr${o.date1904 ? ' date1904="1"' : ''}/><${p}sheets>${sheets.map((s, i) => `<${p}sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"${s.hidden ? ' state="hidden"' : ''}/>`).join('')}</${p}sheets></${p}workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${R}/worksheet" Target="worksheets/Data${i + 1}.xml"/>`).join('')}<Relationship Id="rS" Type="${R}/styles" Target="styles.xml"/><Relationship Id="rT" Type="${R}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    },
    ...sheetXml.map((x, i) => ({ name: `xl/worksheets/Data${i + 1}.xml`, data: x })),
    {
      name: 'xl/styles.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><${p}styleSheet ${ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${p}numFmts count="1"><${p}numFmt numFmtId="164" formatCode="yyyy\\年m\\月d\\日"/></${p}numFmts><${p}cellXfs count="3"><${p}xf numFmtId="0"/><${p}xf numFmtId="31" applyNumberFormat="1"/><${p}xf numFmtId="164" applyNumberFormat="1"/></${p}cellXfs></${p}styleSheet>`,
    },
    {
      name: 'xl/sharedStrings.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><${p}sst ${ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}">${strings.map((s) => `<${p}si><${p}t xml:space="preserve">${esc(s)}</${p}t>${o.phonetic ? `<${p}rPh sb="0" eb="1"><${p}t>pinyin</${p}t></${p}rPh>` : ''}</${p}si>`).join('')}</${p}sst>`,
    },
  ];
  fs.writeFileSync(file, zip(parts.filter((x) => !(o.omit ?? []).includes(x.name))));
  return file;
}

/** One part of a zip (an .xlsx) as text. */
export async function zipEntry(file: string, name: string): Promise<string> {
  const yauzl = await import('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, z) => {
      if (err) return reject(err);
      z.on('entry', (e: import('yauzl').Entry) => {
        if (e.fileName !== name) return z.readEntry();
        z.openReadStream(e, (err2, stream) => {
          if (err2) return reject(err2);
          const parts: Buffer[] = [];
          stream.on('data', (b: Buffer) => parts.push(b));
          stream.on('end', () => {
            z.close();
            resolve(Buffer.concat(parts).toString('utf8'));
          });
        });
      });
      z.on('end', () => reject(new Error(`${name} not in ${file}`)));
      z.readEntry();
    });
  });
}
