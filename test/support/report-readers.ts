/**
 * Reading produced workbooks back for assertions: with exceljs, and with an independent reader —
 * Debian's python3-openpyxl (installed by .ci/run) — so a workbook exceljs writes and reads
 * consistently but other programs would misread cannot pass.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

/** True when the independent reader is installed (.ci/run installs it; locally `apt-get install python3-openpyxl`). */
export function openpyxlAvailable(): boolean {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import openpyxl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
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

/** True when LibreOffice is installed (.ci/run installs libreoffice-calc-nogui). */
export function libreOfficeAvailable(): boolean {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}
