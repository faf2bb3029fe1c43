/**
 * `--errors-out F.xlsx`: the rejected rows, streamed as they are found, under their sheet's header as
 * written, with 原行号 and an added 错误说明 column. Fixing the rows in this file and importing it again
 * (both added columns are ignored on import) is the way to finish an import.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { CellError, DateSerial, serialToIsoDate, type CellValue } from '../read/source';
import { columnLetter } from '../read/issues';
import type { ParsedRow } from '../read/parser';

export const ERROR_COLUMN = '错误说明';
export const SOURCE_ROW_COLUMN = '原行号';

export class ErrorsWorkbook {
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private sheet: ExcelJS.Worksheet | null = null;
  private sheetName: string | null = null;
  private width = 0;
  rows = 0;

  constructor(file: string, private readonly date1904: boolean) {
    // Created owner-only (0600) before exceljs opens it: rejected rows may hold personal data.
    fs.writeFileSync(file, '', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  }

  add(row: ParsedRow): void {
    if (this.sheetName !== row.sheet) {
      this.sheet?.commit();
      this.sheetName = row.sheet;
      const ws = this.wb.addWorksheet(uniqueName(row.sheet), { views: [{ state: 'frozen', ySplit: 1 }] });
      this.width = Math.max(row.layout.labels.length, ...row.layout.columns.map((c) => c.col + 1));
      const header = Array.from({ length: this.width }, (_, i) => row.layout.labels[i] || columnLetter(i));
      const h = ws.addRow([...header, SOURCE_ROW_COLUMN, ERROR_COLUMN]);
      h.font = { bold: true };
      h.commit();
      ws.getColumn(this.width + 2).width = 60;
      this.sheet = ws;
    }
    const cells = Array.from({ length: this.width }, (_, i) => toExcel(row.raw[i] ?? null, this.date1904));
    const message = row.errors.map((e) => `${e.cell ? `${e.cell} ` : ''}${e.column ? `${e.column}：` : ''}${e.message}`).join('；\n');
    const r = this.sheet!.addRow([...cells, `${row.sheet}!${row.row}`, message]);
    row.raw.forEach((v, i) => {
      if (v instanceof DateSerial) r.getCell(i + 1).numFmt = 'yyyy-mm-dd';
    });
    r.getCell(this.width + 2).font = { color: { argb: 'FFC00000' } };
    r.commit();
    this.rows++;
  }

  async close(): Promise<void> {
    if (!this.sheet) {
      const ws = this.wb.addWorksheet('错误');
      ws.addRow([ERROR_COLUMN]).commit();
      ws.addRow(['没有被拒绝的行 / no rejected rows']).commit();
      ws.commit();
    } else this.sheet.commit();
    await this.wb.commit();
  }
}

const used = new Set<string>();
function uniqueName(name: string): string {
  const clean = name.replace(/[\\/*?:[\]]/g, '_').slice(0, 31) || 'Sheet';
  used.add(clean);
  return clean;
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
