/**
 * Reading produced workbooks back for assertions: with exceljs, and with an independent reader —
 * Debian's python3-openpyxl (installed by .ci/run) — so a workbook exceljs writes and reads
 * consistently but other programs would misread cannot pass.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';

/** The system Python that has python3-openpyxl (a pyenv shim on PATH may not). */
export const SYSTEM_PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export interface PyCell {
  /** As stored: a formula is `=SUM(…)`. Dates are ISO strings. */
  v: string | number | boolean | null;
  /** openpyxl data type: `n` number, `s` string, `f` formula, `d` date, `b` bool. */
  t: string;
  /** Number format. */
  nf: string;
  /** The cached value (data_only) — what a viewer that does not recalculate shows. */
  cached: string | number | boolean | null;
}

export interface PySheet {
  title: string;
  rows: PyCell[][];
  freeze: string | null;
  autoFilter: string | null;
  orientation: string | null;
  fitToPage: boolean | null;
  fitToWidth: number | null;
  fitToHeight: number | null;
  header: string | null;
  footer: string | null;
  merged: string[];
  /** Rows repeated on every printed page, e.g. `3:3`. */
  printTitleRows: string | null;
  /** Columns repeated on every printed page, e.g. `A:D`. */
  printTitleCols: string | null;
  printArea: string | null;
  scale: number | null;
  pageOrder: string | null;
  /** Manual column page breaks (0-based index of the column a new page starts with). */
  colBreaks: number[];
  /** The font name of every non-empty cell's style, deduplicated ('' for a style that names none). */
  fonts: string[];
  /** Row heights by row number (rows with a custom height). */
  heights: Record<string, number | null>;
  widths: Record<string, number | null>;
}

const SCRIPT = String.raw`
import json, sys, datetime, openpyxl
path = sys.argv[1]
wf = openpyxl.load_workbook(path)
wd = openpyxl.load_workbook(path, data_only=True)
def plain(v):
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    return v
out = []
for ws in wf.worksheets:
    wsd = wd[ws.title]
    rows = []
    for r in range(1, ws.max_row + 1):
        row = []
        for c in range(1, ws.max_column + 1):
            cell = ws.cell(r, c)
            row.append({'v': plain(cell.value), 't': cell.data_type, 'nf': cell.number_format, 'cached': plain(wsd.cell(r, c).value)})
        rows.append(row)
    pr = ws.sheet_properties.pageSetUpPr
    out.append({
        'title': ws.title, 'rows': rows, 'freeze': ws.freeze_panes, 'autoFilter': ws.auto_filter.ref,
        'orientation': ws.page_setup.orientation, 'fitToPage': pr.fitToPage if pr is not None else None,
        'fitToWidth': ws.page_setup.fitToWidth, 'fitToHeight': ws.page_setup.fitToHeight,
        'header': ws.oddHeader.center.text, 'footer': ws.oddFooter.center.text,
        'merged': [str(m) for m in ws.merged_cells.ranges],
        'printTitleRows': ws.print_title_rows,
        'printTitleCols': ws.print_title_cols, 'printArea': ws.print_area,
        'scale': ws.page_setup.scale, 'pageOrder': ws.page_setup.pageOrder,
        'colBreaks': [b.id for b in ws.col_breaks.brk],
        'fonts': sorted({ws.cell(r, c).font.name or '' for r in range(1, ws.max_row + 1) for c in range(1, ws.max_column + 1) if ws.cell(r, c).value is not None}),
        'heights': {str(k): v.height for k, v in ws.row_dimensions.items() if v.height is not None},
        'widths': {k: v.width for k, v in ws.column_dimensions.items()},
    })
json.dump(out, sys.stdout, ensure_ascii=False)
`;

/** Every sheet of the workbook as openpyxl reads it (values, types, formats, cached results, layout). */
export function readWithOpenpyxl(file: string): PySheet[] {
  const json = execFileSync(SYSTEM_PYTHON, ['-c', SCRIPT, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(json) as PySheet[];
}

/**
 * Opens `file` in LibreOffice Calc (headless) and saves it again as xlsx, as a user opening and saving
 * it would: returns the path of LibreOffice's copy. A workbook LibreOffice cannot open fails here.
 * Each call gets its own LibreOffice profile, so parallel test files do not fight over one.
 */
export function roundTripThroughLibreOffice(file: string): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-lo-'));
  const profile = `file://${path.join(work, 'profile')}`;
  const out = path.join(work, 'out');
  execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--norestore', '--convert-to', 'xlsx', '--outdir', out, file], { stdio: 'pipe', timeout: 120_000 });
  const converted = path.join(out, path.basename(file).replace(/\.[^.]+$/, '') + '.xlsx');
  if (!fs.existsSync(converted)) throw new Error(`LibreOffice did not convert ${file}`);
  return converted;
}

/** `file` printed to PDF by LibreOffice, as a newcomer would (`soffice --headless --convert-to pdf`): the PDF's path. */
export function pdfThroughLibreOffice(file: string): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-lo-'));
  const profile = `file://${path.join(work, 'profile')}`;
  const out = path.join(work, 'out');
  execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', out, file], { stdio: 'pipe', timeout: 180_000 });
  const converted = path.join(out, path.basename(file).replace(/\.[^.]+$/, '') + '.pdf');
  if (!fs.existsSync(converted)) throw new Error(`LibreOffice did not convert ${file} to PDF`);
  return converted;
}

/** One run of text on a PDF page, as poppler's pdftohtml reads it: position and size in points. */
export interface PdfText {
  page: number;
  top: number;
  left: number;
  width: number;
  height: number;
  /** Font size in points as printed (after the page's scale). */
  size: number;
  font: string;
  text: string;
}

export interface PdfPages {
  pages: { number: number; width: number; height: number }[];
  texts: PdfText[];
  /** Font names embedded (pdffonts). */
  fonts: string[];
}

/** Every text run of the PDF with its printed size and box (pdftohtml -xml), and its fonts (pdffonts). */
export function readPdf(file: string): PdfPages {
  const xml = execFileSync('pdftohtml', ['-xml', '-i', '-zoom', '1', '-stdout', '-q', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const specs = new Map<string, { size: number; family: string }>();
  for (const m of xml.matchAll(/<fontspec id="(\d+)" size="(-?[\d.]+)" family="([^"]*)"/g)) specs.set(m[1], { size: Number(m[2]), family: m[3] });
  const pages: PdfPages['pages'] = [];
  const texts: PdfText[] = [];
  const unescape = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  for (const page of xml.split(/<page /).slice(1)) {
    const head = /number="(\d+)"[^>]*height="([\d.]+)" width="([\d.]+)"/.exec(page)!;
    const number = Number(head[1]);
    pages.push({ number, height: Number(head[2]), width: Number(head[3]) });
    for (const m of page.matchAll(/<text top="(-?[\d.]+)" left="(-?[\d.]+)" width="([\d.]+)" height="([\d.]+)" font="(\d+)">(.*?)<\/text>/g)) {
      const spec = specs.get(m[5])!;
      texts.push({ page: number, top: Number(m[1]), left: Number(m[2]), width: Number(m[3]), height: Number(m[4]), size: spec.size, font: spec.family, text: unescape(m[6]) });
    }
  }
  const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).map((l) => l.split(/\s+/)[0]).filter(Boolean);
  return { pages, texts, fonts };
}

export type Reader = 'openpyxl' | 'libreoffice' | 'poppler';

const INSTALL: Record<Reader, string> = { openpyxl: 'python3-openpyxl', libreoffice: 'libreoffice-calc-nogui', poppler: 'poppler-utils' };
const PROBE: Record<Reader, [string, string[]]> = { openpyxl: [SYSTEM_PYTHON, ['-c', 'import openpyxl']], libreoffice: ['soffice', ['--version']], poppler: ['pdftohtml', ['-v']] };
const found = new Map<Reader, boolean>();

/** True when the reader is installed (probed once per test file). */
export function readerAvailable(reader: Reader): boolean {
  let ok = found.get(reader);
  if (ok === undefined) {
    try {
      execFileSync(PROBE[reader][0], PROBE[reader][1], { stdio: 'ignore', timeout: 60_000 });
      ok = true;
    } catch {
      ok = false;
    }
    found.set(reader, ok);
  }
  return ok;
}

/**
 * KAM_TEST_REQUIRE_READERS=1 (set by .ci/run, which installs them): a missing reader fails its tests.
 * Without it — `npm test` on a bare machine — those tests are skipped and the run says which and why,
 * as the MySQL suite is.
 */
export const READERS_REQUIRED = loadConfig().testRequireReaders;

/** `it` for a test that reads workbooks back with independent readers. */
export function itWithReaders(readers: Reader[], name: string, fn: () => unknown): void {
  const missing = readers.filter((r) => !readerAvailable(r));
  if (missing.length === 0) {
    it(name, fn as jest.ProvidesCallback);
    return;
  }
  const why = `${missing.join(' and ')} missing: apt-get install -y ${missing.map((r) => INSTALL[r]).join(' ')} (.ci/run installs them)`;
  if (READERS_REQUIRED) {
    it(name, () => {
      throw new Error(why);
    });
  } else {
    process.stdout.write(`[kam] SKIPPED "${name}": ${why}\n`);
    it.skip(name, fn as jest.ProvidesCallback);
  }
}
