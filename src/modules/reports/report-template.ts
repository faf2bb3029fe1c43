/**
 * The company's own 附件一 layout (自定义报表模板): finance gives its workbook — its title, fonts, widths,
 * merges, borders and print setup — with placeholders in the cells, and gets it back filled with the
 * month's figures. Nothing of the template's formatting is rewritten: only placeholder cells change,
 * and the account row template is repeated.
 *
 * - Report placeholders anywhere: `{{本月签约}}`, `{{本年累计回款}}`… (the total, 万元), `{{战略.本月签约}}`
 *   (one tier, by its name), `{{客户数}}`, `{{报告月份}}`, `{{数据截至}}`, `{{编制单位}}`, `{{制表人}}`,
 *   `{{审核人}}`, `{{负责人}}`, `{{生成时间}}`.
 * - The account row: the first row holding an account placeholder (`{{客户编号}}`, `{{客户名称}}`,
 *   `{{序号}}`, `{{本月签约}}` on that row means the account's…) is written once per account; rows below it
 *   move down with their merges, the print area grows, and a `SUM` over the row template's cells
 *   (`SUM(E6:E6)`) spans every account row.
 * - A cell that is just one placeholder gets a typed value (a number in 万元 or a count, a date); one
 *   with text around it gets text (money as `12.34`). An unknown placeholder is refused with the list of
 *   known ones, before anything is written.
 */
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { DomainError, ErrorCode } from '../../common/errors';
import { columnLetter } from '../../../importers/read/issues';
import { businessTime, dateCell, fenToWan, textCell } from './cell-values';
import type { ReportSignatures } from './monthly-workbook';
import { fenToWanText, type MonthlyReport, type ReportAccountRow, type ReportMoney } from './report-types';

/** Largest template accepted (a layout is a few dozen KB). */
export const MAX_TEMPLATE_BYTES = 5 * 1024 * 1024;
const MAX_TEMPLATE_INFLATED = 64 * 1024 * 1024;

const MONEY: [string, keyof ReportMoney][] = [
  ['本月签约', 'signedMonthFen'],
  ['本年累计签约', 'signedYtdFen'],
  ['上年同期累计', 'signedPrevYtdFen'],
  ['本月回款', 'receivedMonthFen'],
  ['本年累计回款', 'receivedYtdFen'],
  ['应收余额', 'receivableFen'],
  ['逾期金额', 'overdueFen'],
];

type Value = { kind: 'wan'; fen: number } | { kind: 'number'; n: number | null } | { kind: 'text'; s: string | null } | { kind: 'date'; d: string | null };

/** What an account row's placeholders stand for. */
function accountValues(a: ReportAccountRow): Map<string, Value> {
  const m = new Map<string, Value>([
    ['序号', { kind: 'number', n: a.seq }],
    ['客户编号', { kind: 'text', s: a.code }],
    ['客户名称', { kind: 'text', s: a.name }],
    ['级别', { kind: 'text', s: a.tierName }],
    ['推荐单位', { kind: 'text', s: a.unitName }],
    ['客户经理', { kind: 'text', s: a.managerName }],
    ['同比', { kind: 'number', n: a.signedYoy }],
    ['本月拜访次数', { kind: 'number', n: a.visits }],
    ['最近高层拜访', { kind: 'date', d: a.lastExecutiveVisitOn }],
    ['拜访合规', { kind: 'text', s: a.cadenceCompliant ? '合规' : `逾期：${a.cadenceOverdue.join('、')}` }],
    ['信用等级', { kind: 'text', s: a.creditRating }],
    ['本月重要事项', { kind: 'text', s: a.events.join('\n') }],
    ['风险提示', { kind: 'text', s: a.risks.join('\n') }],
  ]);
  for (const [label, key] of MONEY) m.set(label, { kind: 'wan', fen: a[key] });
  return m;
}

/** What the report-wide placeholders stand for. */
function reportValues(r: MonthlyReport, sig: ReportSignatures): Map<string, Value> {
  const [y, mo] = r.period.month.split('-');
  const m = new Map<string, Value>([
    ['报告月份', { kind: 'text', s: `${y}年${Number(mo)}月` }],
    ['数据截至', { kind: 'date', d: r.period.asOf }],
    ['编制单位', { kind: 'text', s: sig.company }],
    ['制表人', { kind: 'text', s: sig.preparer }],
    ['审核人', { kind: 'text', s: sig.reviewer }],
    ['负责人', { kind: 'text', s: sig.principal }],
    ['生成时间', { kind: 'text', s: businessTime(r.generatedAt) }],
    ['客户数', { kind: 'number', n: r.total.accounts }],
    ['同比', { kind: 'number', n: r.total.signedYoy }],
  ]);
  for (const [label, key] of MONEY) m.set(label, { kind: 'wan', fen: r.total[key] });
  for (const t of r.tiers) {
    m.set(`${t.tierName}.客户数`, { kind: 'number', n: t.accounts });
    m.set(`${t.tierName}.同比`, { kind: 'number', n: t.signedYoy });
    for (const [label, key] of MONEY) m.set(`${t.tierName}.${label}`, { kind: 'wan', fen: t[key] });
  }
  return m;
}

const ACCOUNT_ONLY = new Set(['序号', '客户编号', '客户名称', '级别', '推荐单位', '客户经理', '本月拜访次数', '最近高层拜访', '拜访合规', '信用等级', '本月重要事项', '风险提示']);
const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

function typed(v: Value): ExcelJS.CellValue {
  switch (v.kind) {
    case 'wan':
      return fenToWan(v.fen);
    case 'number':
      return v.n;
    case 'date':
      return dateCell(v.d);
    case 'text':
      return textCell(v.s);
  }
}

function text(v: Value): string {
  switch (v.kind) {
    case 'wan':
      return fenToWanText(v.fen);
    case 'number':
      return v.n === null ? '' : String(v.n);
    case 'date':
      return v.d ?? '';
    case 'text':
      return v.s ?? '';
  }
}

/** The cell's text when it holds placeholders (rich text flattened), else null. */
function placeholderText(cell: ExcelJS.Cell): string | null {
  const v = cell.value;
  const s = typeof v === 'string' ? v : v && typeof v === 'object' && 'richText' in v ? v.richText.map((p) => p.text).join('') : null;
  return s && s.includes('{{') ? s : null;
}

function fill(cell: ExcelJS.Cell, s: string, values: Map<string, Value>): void {
  const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(s.trim());
  if (whole) {
    cell.value = typed(values.get(whole[1])!);
    return;
  }
  cell.value = textCell(s.replace(PLACEHOLDER, (_, name: string) => text(values.get(name)!)));
}

function refuse(message: string): never {
  throw new DomainError(ErrorCode.VALIDATION_FAILED, `template: ${message}`, { field: 'template' });
}

/** Checks the zip's directory before exceljs inflates anything (entry count, declared sizes). */
function checkZip(buffer: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(new DomainError(ErrorCode.VALIDATION_FAILED, 'template: not an .xlsx workbook (save it from Excel, WPS or LibreOffice as .xlsx)', { field: 'template' }));
      if (zip.entryCount > 2000) return reject(new DomainError(ErrorCode.VALIDATION_FAILED, 'template: too many parts for a report layout', { field: 'template' }));
      let total = 0;
      let sheets = 0;
      zip.on('entry', (e: yauzl.Entry) => {
        total += e.uncompressedSize;
        if (/^xl\/worksheets\/[^/]+\.xml$/.test(e.fileName)) sheets++;
        if (total > MAX_TEMPLATE_INFLATED) {
          zip.close();
          reject(new DomainError(ErrorCode.VALIDATION_FAILED, 'template: inflates beyond 64 MB; a report layout is far smaller', { field: 'template' }));
          return;
        }
        zip.readEntry();
      });
      zip.on('end', () => (sheets ? resolve() : reject(new DomainError(ErrorCode.VALIDATION_FAILED, 'template: the workbook has no worksheet', { field: 'template' }))));
      zip.on('error', () => reject(new DomainError(ErrorCode.VALIDATION_FAILED, 'template: the workbook is damaged', { field: 'template' })));
      zip.readEntry();
    });
  });
}

/** Shifts the row of every `A12`-style reference below `after` by `by` in a formula. */
function shiftFormula(formula: string, templateRow: number, lastRow: number): string {
  const by = lastRow - templateRow;
  return formula
    .replace(/(\$?[A-Z]{1,3})\$?(\d+):(\$?[A-Z]{1,3})\$?(\d+)/g, (m, c1: string, r1: string, c2: string, r2: string) => {
      // A range over the template row (SUM(E6:E6)) spans every account row.
      if (Number(r1) === templateRow && Number(r2) === templateRow) return `${c1}${r1}:${c2}${lastRow}`;
      const s = (r: string) => (Number(r) > templateRow ? Number(r) + by : Number(r));
      return `${c1}${s(r1)}:${c2}${s(r2)}`;
    })
    .replace(/(^|[^A-Z$:\d])(\$?[A-Z]{1,3})(\$?)(\d+)(?![\d:(])/g, (m, pre: string, col: string, dollar: string, row: string) => (Number(row) > templateRow ? `${pre}${col}${dollar}${Number(row) + by}` : m));
}

/**
 * Fills `template` (an .xlsx) with the report and returns the workbook. VALIDATION_FAILED (field
 * `template`) for a file that is not a workbook, has no placeholder, or names an unknown one.
 */
export async function fillReportTemplate(template: Buffer, r: MonthlyReport, sig: ReportSignatures): Promise<Buffer> {
  if (template.length > MAX_TEMPLATE_BYTES) refuse(`${(template.length / 1024 ** 2).toFixed(1)} MB; a report layout is at most ${MAX_TEMPLATE_BYTES / 1024 ** 2} MB`);
  await checkZip(template);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(template as unknown as ArrayBuffer);
  } catch (e) {
    refuse(`the workbook could not be read (${(e as Error).message.split('\n')[0]}); save it again as .xlsx`);
  }
  const report = reportValues(r, sig);
  const known = new Set([...report.keys(), ...ACCOUNT_ONLY]);
  let found = 0;
  for (const ws of wb.worksheets) {
    // 1. Find the placeholders; the first row with an account-only one is the row template.
    let templateRow: number | null = null;
    const cells: { row: number; col: number; text: string }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const s = placeholderText(cell);
        if (!s) return;
        for (const m of s.matchAll(PLACEHOLDER)) {
          if (!known.has(m[1])) refuse(`${ws.name}!${columnLetter(col - 1)}${rowNumber}: unknown placeholder {{${m[1]}}}; known: ${[...known].map((k) => `{{${k}}}`).join(' ')}`);
          if (ACCOUNT_ONLY.has(m[1]) && templateRow === null) templateRow = rowNumber;
        }
        cells.push({ row: rowNumber, col, text: s });
      });
    });
    found += cells.length;
    // 2. Report-wide placeholders (outside the row template).
    for (const c of cells) if (c.row !== templateRow) fill(ws.getCell(c.row, c.col), c.text, report);
    if (templateRow === null) continue;
    const tpl: number = templateRow;
    // 3. The row template, once per account: merges and the print area below it move down.
    const n = r.rows.length;
    const last = tpl + Math.max(n, 1) - 1;
    const merges = ((ws.model as unknown as { merges?: string[] }).merges ?? []).map((m) => /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(m)!).filter(Boolean);
    const below = merges.filter((m) => Number(m[2]) > tpl);
    for (const m of below) ws.unMergeCells(m[0]);
    const height = ws.getRow(tpl).height;
    if (n > 1) ws.duplicateRow(tpl, n - 1, true);
    for (const m of below) ws.mergeCells(`${m[1]}${Number(m[2]) + last - tpl}:${m[3]}${Number(m[4]) + last - tpl}`);
    const rowCells = cells.filter((c) => c.row === tpl);
    if (n === 0) for (const c of rowCells) ws.getCell(tpl, c.col).value = null;
    r.rows.forEach((a, i) => {
      const values = new Map([...report, ...accountValues(a)]);
      for (const c of rowCells) fill(ws.getCell(tpl + i, c.col), c.text, values);
      if (height) ws.getRow(tpl + i).height = height;
    });
    // Formulas below the row template follow it.
    if (last > tpl) {
      ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
        if (rowNumber <= last) return;
        row.eachCell({ includeEmpty: false }, (cell) => {
          const v = cell.value;
          if (v && typeof v === 'object' && 'formula' in v && typeof v.formula === 'string') cell.value = { formula: shiftFormula(v.formula, tpl, last) } as ExcelJS.CellFormulaValue;
        });
      });
      const area = ws.pageSetup.printArea;
      if (area) ws.pageSetup.printArea = area.split('&&').map((a) => a.replace(/(\$?[A-Z]+\$?)(\d+)/g, (m, col: string, row: string) => (Number(row) >= tpl ? `${col}${Number(row) + last - tpl}` : m))).join('&&');
    }
  }
  if (!found) refuse('no placeholder such as {{本月签约}} or {{客户名称}} in any cell; write them where the figures go');
  // The template's own formulas (a SUM under the accounts) are computed when the workbook opens.
  wb.calcProperties = { ...wb.calcProperties, fullCalcOnLoad: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
