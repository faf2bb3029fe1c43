/**
 * The rejected rows workbook (`--errors-out F.xlsx`, `GET /imports/{job}/errors.xlsx`): the rejected
 * rows, streamed as they are found, under their sheet's header as written, each bad cell highlighted
 * with a comment giving the reason, the annex's dropdowns on its enum columns, 原行号 (the row in the
 * original file) and an added 错误说明 column. Fixing the rows in this file and importing it again
 * (both added columns are ignored on import) is the way to finish an import.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Tier } from '../../src/modules/tiers/tier.entity';
import type { ManagementLevel } from '../../src/modules/tiers/management-level.entity';
import type { AnnexSpec } from '../annexes/spec';
import { CellError, DateSerial, serialToIsoDate, type CellValue } from '../read/source';
import { columnLetter } from '../read/issues';
import type { ParsedRow } from '../read/parser';
import { choices } from './template';

export const ERROR_COLUMN = '错误说明';
export const SOURCE_ROW_COLUMN = '原行号';
/** Rows below the last rejected one that keep the dropdowns (rows added while fixing). */
const DROPDOWN_SPARE_ROWS = 200;
const BAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };

interface Dropdown {
  col: number;
  header: string;
  values: string[];
}

export class ErrorsWorkbook {
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private sheet: ExcelJS.Worksheet | null = null;
  private sheetName: string | null = null;
  private width = 0;
  private sheetRows = 0;
  private dropdowns: Dropdown[] = [];
  /** Dropdown lists already on the hidden 选项 sheet, by content → its column there. */
  private readonly lists = new Map<string, { letter: string; size: number }>();
  private readonly used = new Set<string>();
  rows = 0;

  constructor(
    file: string,
    private readonly date1904: boolean,
    private readonly spec?: AnnexSpec,
    private readonly tiers: readonly Tier[] = [],
    private readonly levels: readonly ManagementLevel[] = [],
  ) {
    // Created owner-only (0600) before exceljs opens it: rejected rows may hold personal data.
    fs.writeFileSync(file, '', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  }

  add(row: ParsedRow): void {
    if (this.sheetName !== row.sheet) {
      this.commitSheet();
      this.sheetName = row.sheet;
      const ws = this.wb.addWorksheet(this.uniqueName(row.sheet), { views: [{ state: 'frozen', ySplit: 1 }] });
      this.width = Math.max(row.layout.labels.length, ...row.layout.columns.map((c) => c.col + 1));
      const header = Array.from({ length: this.width }, (_, i) => row.layout.labels[i] || columnLetter(i));
      const h = ws.addRow([...header, SOURCE_ROW_COLUMN, ERROR_COLUMN]);
      h.font = { bold: true };
      h.commit();
      ws.getColumn(this.width + 2).width = 60;
      this.sheet = ws;
      this.sheetRows = 0;
      this.dropdowns = this.spec
        ? row.layout.columns.flatMap((m) => {
            const values = choices(m.spec, this.tiers, this.levels);
            return values?.length ? [{ col: m.col, header: m.spec.header, values }] : [];
          })
        : [];
    }
    const cells = Array.from({ length: this.width }, (_, i) => toExcel(row.raw[i] ?? null, this.date1904));
    // The reason in the configured language, its stable code beside it (as the console and the CLI show it).
    const message = row.errors.map((e) => `${e.cell ? `${e.cell} ` : ''}${e.column ? `${e.column}：` : ''}${e.message}（${e.code}）`).join('；\n');
    const r = this.sheet!.addRow([...cells, `${row.sheet}!${row.row}`, message]);
    row.raw.forEach((v, i) => {
      if (v instanceof DateSerial) r.getCell(i + 1).numFmt = 'yyyy-mm-dd';
    });
    // Each bad cell: highlighted, with the reason as its comment (several errors on one cell share it).
    const byCol = new Map<number, string[]>();
    for (const e of row.errors) {
      const col = e.cell ? columnIndex(e.cell) : null;
      if (col === null || col >= this.width) continue;
      byCol.set(col, [...(byCol.get(col) ?? []), `${e.code}：${e.message}`]);
    }
    for (const [col, reasons] of byCol) {
      const cell = r.getCell(col + 1);
      cell.fill = BAD_FILL;
      cell.note = { texts: [{ text: reasons.join('\n') }] };
    }
    r.getCell(this.width + 2).font = { color: { argb: 'FFC00000' } };
    r.commit();
    this.rows++;
    this.sheetRows++;
  }

  async close(): Promise<void> {
    if (!this.sheet) {
      const ws = this.wb.addWorksheet('错误');
      ws.addRow([ERROR_COLUMN]).commit();
      ws.addRow(['没有被拒绝的行 / no rejected rows']).commit();
      ws.commit();
    } else this.commitSheet();
    if (this.lists.size) {
      const ws = this.wb.addWorksheet('选项', { state: 'hidden' });
      const columns = [...this.lists.entries()];
      const height = Math.max(...columns.map(([k]) => JSON.parse(k).length as number));
      for (let r = 0; r < height; r++) ws.addRow(columns.map(([k]) => (JSON.parse(k) as string[])[r] ?? null)).commit();
      ws.commit();
    }
    await this.wb.commit();
  }

  /** The dropdowns of the sheet's enum columns (before it is committed: validations are written then). */
  private commitSheet(): void {
    if (!this.sheet) return;
    const last = this.sheetRows + 1 + DROPDOWN_SPARE_ROWS;
    for (const d of this.dropdowns) {
      const list = this.listFor(d.values);
      // exceljs keeps range-keyed validations as one sqref; its typings lack `dataValidations`.
      (this.sheet as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(`${columnLetter(d.col)}2:${columnLetter(d.col)}${last}`, {
        type: 'list',
        allowBlank: true,
        formulae: [`'选项'!$${list.letter}$1:$${list.letter}$${list.size}`],
        showErrorMessage: true,
        errorStyle: 'warning',
        errorTitle: d.header,
        error: `请从下拉列表选择 ${d.header}`,
      });
    }
    this.sheet.commit();
  }

  private listFor(values: string[]): { letter: string; size: number } {
    const key = JSON.stringify(values);
    let list = this.lists.get(key);
    if (!list) {
      list = { letter: columnLetter(this.lists.size), size: values.length };
      this.lists.set(key, list);
    }
    return list;
  }

  private uniqueName(name: string): string {
    const clean = name.replace(/[\\/*?:[\]]/g, '_').slice(0, 31) || 'Sheet';
    let out = clean;
    for (let i = 2; this.used.has(out) || out === '选项'; i++) out = `${clean.slice(0, 28)}(${i})`;
    this.used.add(out);
    return out;
  }
}

/** 0-based column of a cell reference (`D17` → 3). */
function columnIndex(ref: string): number | null {
  const m = /^([A-Z]+)\d+$/.exec(ref);
  if (!m) return null;
  let n = 0;
  for (const ch of m[1]) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function toExcel(v: CellValue, date1904: boolean): ExcelJS.CellValue {
  if (v === null) return null;
  if (v instanceof CellError) return v.text;
  if (v instanceof DateSerial) {
    const iso = serialToIsoDate(v.serial, date1904);
    return iso ? new Date(`${iso}T00:00:00Z`) : v.serial;
  }
  return v;
}
