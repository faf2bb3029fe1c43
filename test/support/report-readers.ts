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

export type Reader = 'openpyxl' | 'libreoffice';

const INSTALL: Record<Reader, string> = { openpyxl: 'python3-openpyxl', libreoffice: 'libreoffice-calc-nogui' };
const PROBE: Record<Reader, [string, string[]]> = { openpyxl: [SYSTEM_PYTHON, ['-c', 'import openpyxl']], libreoffice: ['soffice', ['--version']] };
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
