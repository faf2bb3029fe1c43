/**
 * Blank annex workbooks: title, 填报单位 line, the header (two levels where the annex groups columns),
 * one example row marked 示例 in 序号 (the importer skips it), dropdowns on enum columns fed from a
 * hidden 选项 sheet, and date / amount formats. Validations cover the rows people fill (1,000), never
 * whole columns: a validation over A1:XFD1048576 makes readers expand a million cells.
 */
import ExcelJS from 'exceljs';
import type { Tier } from '../../src/modules/tiers/tier.entity';
import type { ManagementLevel } from '../../src/modules/tiers/management-level.entity';
import type { AnnexSpec, ColumnSpec } from '../annexes/spec';
import { columnLetter } from '../read/issues';

export const TEMPLATE_ROWS = 1000;
export const EXAMPLE_MARK = '示例';

export function headerText(c: ColumnSpec): string {
  return c.type === 'amount' && c.unit ? `${c.header}（${c.unit}）` : c.header;
}

/** The dropdown of a column (its labels), or null when the column takes free input. */
export function choices(c: ColumnSpec, tiers: readonly Tier[], levels: readonly ManagementLevel[]): string[] | null {
  switch (c.type) {
    case 'enum':
      return c.vocabulary!.values.map((v) => c.vocabulary!.label(v));
    case 'tier':
      return tiers.filter((t) => t.active !== false).map((t) => t.name);
    case 'managementLevel':
      return levels.map((l) => l.name);
    case 'active':
      return ['在职', '离职'];
    case 'consent':
      return ['同意', '不同意', '书面', '口头', '邮件'];
    default:
      return null;
  }
}

/** The blank annex as an .xlsx buffer. */
export async function buildTemplate(spec: AnnexSpec, tiers: readonly Tier[], levels: readonly ManagementLevel[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'KAM Hub';
  const ws = wb.addWorksheet(spec.title.replace(/^附件\d\s*/, ''), { views: [{ state: 'frozen', ySplit: 4 }] });
  const lists = wb.addWorksheet('选项', { state: 'hidden' });
  const cols = spec.columns;
  const n = cols.length;
  ws.mergeCells(1, 1, 1, n);
  ws.getCell(1, 1).value = spec.title;
  ws.getCell(1, 1).font = { bold: true, size: 16 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.getCell(2, 1).value = '填报单位：';
  ws.getCell(2, Math.max(2, n - 2)).value = '填报日期：';
  const hasGroups = cols.some((c) => c.group);
  const border: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
  let i = 0;
  while (i < n) {
    const c = cols[i];
    if (c.group && hasGroups) {
      let j = i;
      while (j + 1 < n && cols[j + 1].group === c.group) j++;
      if (j > i) ws.mergeCells(3, i + 1, 3, j + 1);
      ws.getCell(3, i + 1).value = c.group;
      for (let k = i; k <= j; k++) ws.getCell(4, k + 1).value = headerText(cols[k]);
      i = j + 1;
    } else {
      ws.getCell(3, i + 1).value = headerText(c);
      if (hasGroups) ws.mergeCells(3, i + 1, 4, i + 1);
      i++;
    }
  }
  for (const r of [3, 4]) {
    for (let k = 1; k <= n; k++) {
      const cell = ws.getCell(r, k);
      cell.font = { bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
      cell.border = border;
    }
  }
  const first = 5;
  cols.forEach((c, k) => {
    const col = ws.getColumn(k + 1);
    col.width = c.width ?? 12;
    if (c.type === 'date') col.numFmt = 'yyyy-mm-dd';
    if (c.type === 'datetime') col.numFmt = 'yyyy-mm-dd hh:mm';
    if (c.type === 'amount') col.numFmt = '#,##0.00';
    if (['text', 'phone', 'mobile', 'creditCode', 'postalCode'].includes(c.type)) col.numFmt = '@';
    const example = c.type === 'ignore' ? EXAMPLE_MARK : c.example;
    if (example !== undefined) {
      const cell = ws.getCell(first, k + 1);
      cell.value = c.type === 'date' && typeof example === 'string' ? new Date(`${example}T00:00:00Z`) : example;
      cell.font = { italic: true, color: { argb: 'FF808080' } };
    }
  });
  // Dropdowns for enum columns, listed on the hidden sheet.
  let listCol = 0;
  cols.forEach((c, k) => {
    const values = choices(c, tiers, levels);
    if (!values?.length) return;
    listCol++;
    values.forEach((v, r) => (lists.getCell(r + 1, listCol).value = v));
    const letter = columnLetter(listCol - 1);
    const range = `${columnLetter(k)}${first}:${columnLetter(k)}${first + TEMPLATE_ROWS - 1}`;
    // exceljs keeps range-keyed validations as one sqref; its typings lack `dataValidations`.
    (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(range, {
      type: 'list',
      allowBlank: true,
      formulae: [`'选项'!$${letter}$1:$${letter}$${values.length}`],
      showErrorMessage: true,
      // Open vocabularies take any word (kept as written): the list suggests, it does not refuse.
      errorStyle: c.open || c.type === 'consent' ? 'information' : 'warning',
      errorTitle: c.header,
      error: c.open || c.type === 'consent' ? `建议从下拉列表选择 ${c.header}；其他写法将照录并在导入报告中列出` : `请从下拉列表选择 ${c.header}`,
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
