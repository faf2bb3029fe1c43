/**
 * The monthly report workbook `战略客户业务状况报告表-YYYY-MM.xlsx`, streamed (exceljs WorkbookWriter,
 * inline strings: memory stays flat however many accounts there are) from a {@link MonthlyReport} —
 * the same object GraphQL `monthlyReport` returns, so the two never disagree.
 *
 * Sheets: 汇总 (by tier, grand total), 明细 (one row per account, total), 拜访合规 (overdue visit
 * obligations), 说明 (month, as-of date, generated at/by, units, definitions). Amounts in 万元 with two
 * decimals; totals are real `SUM` formulas carrying their cached results (viewers that do not
 * recalculate show them too); frozen headers, filters, widths, landscape fit-to-width print setup,
 * page header and footer.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { columnLetter } from '../../../importers/read/issues';
import { DATE_FORMAT, PERCENT_FORMAT, WAN_FORMAT, beijingTime, dateCell, fenToWan, headerFooterText, textCell } from './cell-values';
import type { MonthlyReport, ReportMoney, ReportTierRow } from './report.service';
import { keepUp, streamingWorkbook } from './xlsx-stream';

export const REPORT_TITLE = '战略客户业务状况报告表';

/** `战略客户业务状况报告表-2026-10.xlsx` */
export function monthlyReportFileName(month: string): string {
  return `${REPORT_TITLE}-${month}.xlsx`;
}

type Kind = 'text' | 'int' | 'wan' | 'pct' | 'date';
interface Col {
  header: string;
  width: number;
  kind: Kind;
  /** Summed on the total row. */
  sum?: boolean;
}

const MONEY_COLS: { key: keyof ReportMoney; header: string }[] = [
  { key: 'signedMonthFen', header: '本月签约' },
  { key: 'signedYtdFen', header: '本年累计签约' },
  { key: 'signedPrevYtdFen', header: '上年同期累计' },
  { key: 'receivedMonthFen', header: '本月回款' },
  { key: 'receivedYtdFen', header: '本年累计回款' },
  { key: 'receivableFen', header: '应收余额' },
  { key: 'overdueFen', header: '逾期金额' },
];

const FORMATS: Record<Kind, string | undefined> = { text: '@', int: '0', wan: WAN_FORMAT, pct: PERCENT_FORMAT, date: DATE_FORMAT };

const BORDER: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const TOTAL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };

/** Title row, subtitle row, header row: data starts on row 4. */
const HEADER_ROW = 3;
const FIRST_DATA_ROW = 4;

type Cell = ExcelJS.CellValue;

function sheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, cols: Col[], r: MonthlyReport, freezeColumns: number): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: freezeColumns, ySplit: HEADER_ROW, topLeftCell: `${columnLetter(freezeColumns)}${FIRST_DATA_ROW}`, activeCell: `A${FIRST_DATA_ROW}` }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true, printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`, margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
    headerFooter: {
      oddHeader: `&C&"-,Bold"&14${headerFooterText(`${REPORT_TITLE}（${name}）`)}&R${headerFooterText(`${r.period.month}`)}`,
      oddFooter: `&L${headerFooterText(`数据截至 ${r.period.asOf}\u3000金额单位：万元`)}&C第 &P 页，共 &N 页&R${headerFooterText(`生成于 ${beijingTime(r.generatedAt)}`)}`,
    },
  });
  ws.columns = cols.map((c) => ({ width: c.width, style: FORMATS[c.kind] ? { numFmt: FORMATS[c.kind] } : {} }));
  return ws;
}

function titleRows(ws: ExcelJS.Worksheet, title: string, subtitle: string, n: number): void {
  const t = ws.getRow(1);
  t.getCell(1).value = title;
  t.getCell(1).font = { bold: true, size: 16 };
  t.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  t.height = 28;
  ws.mergeCells(1, 1, 1, n);
  t.commit();
  const s = ws.getRow(2);
  s.getCell(1).value = subtitle;
  s.getCell(1).alignment = { horizontal: 'left' };
  ws.mergeCells(2, 1, 2, n);
  s.commit();
}

function headerRow(ws: ExcelJS.Worksheet, cols: Col[]): void {
  const row = ws.getRow(HEADER_ROW);
  cols.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.numFmt = 'General';
  });
  row.height = 32;
  row.commit();
}

/**
 * Data and total rows use one style object per column, shared by every cell of the column: exceljs'
 * style registry remembers style objects by identity (a WeakMap), so a shared object is looked up
 * once, where a fresh object per cell is serialised per cell (≈ 5× slower on 10k rows).
 */
interface ColumnStyles {
  data: Partial<ExcelJS.Style>[];
  total: Partial<ExcelJS.Style>[];
}

function columnStyles(cols: Col[]): ColumnStyles {
  return {
    data: cols.map((c) => Object.freeze({ numFmt: FORMATS[c.kind], border: BORDER, alignment: c.header === '本月重要事项' || c.header === '风险提示' ? { wrapText: true, vertical: 'top' } : { vertical: 'top' } }) as Partial<ExcelJS.Style>),
    total: cols.map((c) => Object.freeze({ numFmt: FORMATS[c.kind], border: BORDER, font: { bold: true }, fill: TOTAL_FILL }) as Partial<ExcelJS.Style>),
  };
}

function dataRow(ws: ExcelJS.Worksheet, n: number, values: Cell[], styles: Partial<ExcelJS.Style>[]): void {
  const row = ws.getRow(n);
  values.forEach((v, i) => {
    const cell = row.getCell(i + 1);
    cell.style = styles[i];
    cell.value = v;
  });
  row.commit();
}

/** `{ formula, result }`: a real formula whose cached value viewers show without recalculating. */
function sum(col: string, first: number, last: number, result: number): Cell {
  return { formula: `SUM(${col}${first}:${col}${last})`, result } as ExcelJS.CellFormulaValue;
}

/** 同比 of two cells: a formula with its cached value ("" when the year before is 0). */
function yoyFormula(cur: string, prev: string, value: number | null): Cell {
  return { formula: `IF(${prev}=0,"",(${cur}-${prev})/${prev})`, result: value === null ? '' : value } as ExcelJS.CellFormulaValue;
}

const SUMMARY_COLS: Col[] = [
  { header: '客户级别', width: 12, kind: 'text' },
  { header: '客户数', width: 8, kind: 'int', sum: true },
  ...MONEY_COLS.slice(0, 3).map((m) => ({ header: m.header, width: 14, kind: 'wan' as Kind, sum: true })),
  { header: '同比', width: 10, kind: 'pct' },
  ...MONEY_COLS.slice(3).map((m) => ({ header: m.header, width: 14, kind: 'wan' as Kind, sum: true })),
];

const DETAIL_COLS: Col[] = [
  { header: '序号', width: 6, kind: 'int' },
  { header: '客户编号', width: 12, kind: 'text' },
  { header: '客户名称', width: 30, kind: 'text' },
  { header: '级别', width: 8, kind: 'text' },
  { header: '推荐单位', width: 14, kind: 'text' },
  { header: '客户经理', width: 10, kind: 'text' },
  ...MONEY_COLS.slice(0, 3).map((m) => ({ header: m.header, width: 13, kind: 'wan' as Kind, sum: true })),
  { header: '同比(%)', width: 10, kind: 'pct' },
  ...MONEY_COLS.slice(3).map((m) => ({ header: m.header, width: 13, kind: 'wan' as Kind, sum: true })),
  { header: '本月拜访次数', width: 8, kind: 'int', sum: true },
  { header: '最近高层拜访', width: 12, kind: 'date' },
  { header: '拜访合规', width: 16, kind: 'text' },
  { header: '信用等级', width: 8, kind: 'text' },
  { header: '本月重要事项', width: 40, kind: 'text' },
  { header: '风险提示', width: 36, kind: 'text' },
];

const COMPLIANCE_COLS: Col[] = [
  { header: '序号', width: 6, kind: 'int' },
  { header: '客户编号', width: 12, kind: 'text' },
  { header: '客户名称', width: 30, kind: 'text' },
  { header: '级别', width: 8, kind: 'text' },
  { header: '客户经理', width: 10, kind: 'text' },
  { header: '拜访类型', width: 14, kind: 'text' },
  { header: '规定间隔', width: 10, kind: 'text' },
  { header: '最近一次', width: 12, kind: 'date' },
  { header: '应完成日期（自该日起逾期）', width: 16, kind: 'date' },
  { header: '逾期天数', width: 10, kind: 'int' },
];

function subtitle(r: MonthlyReport): string {
  const [y, m] = r.period.month.split('-');
  return `报告月份：${y}年${Number(m)}月\u3000\u3000数据截至：${r.period.asOf}\u3000\u3000金额单位：万元`;
}

function writeSummary(wb: ExcelJS.stream.xlsx.WorkbookWriter, r: MonthlyReport): void {
  const cols = SUMMARY_COLS;
  const ws = sheet(wb, '汇总', cols, r, 1);
  titleRows(ws, `${REPORT_TITLE}（汇总）`, subtitle(r), cols.length);
  headerRow(ws, cols);
  const tierValues = (t: ReportTierRow, n: number): Cell[] => [
    textCell(t.tierName),
    t.accounts,
    fenToWan(t.signedMonthFen),
    fenToWan(t.signedYtdFen),
    fenToWan(t.signedPrevYtdFen),
    yoyFormula(`D${n}`, `E${n}`, t.signedYoy),
    fenToWan(t.receivedMonthFen),
    fenToWan(t.receivedYtdFen),
    fenToWan(t.receivableFen),
    fenToWan(t.overdueFen),
  ];
  let n = FIRST_DATA_ROW;
  const styles = columnStyles(cols);
  for (const t of r.tiers) dataRow(ws, n, tierValues(t, n++), styles.data);
  totalRow(ws, cols, n, FIRST_DATA_ROW, r.total, 'D', 'E', styles);
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: Math.max(HEADER_ROW, n - 1), column: cols.length } };
  ws.commit();
}

/** The 合计 row: SUM formulas over the data rows for every summed column, with the exact sums as cached values. */
function totalRow(ws: ExcelJS.Worksheet, cols: Col[], n: number, first: number, total: ReportTierRow & { visits?: number }, ytdCol: string, prevCol: string, styles: ColumnStyles): void {
  const last = n - 1;
  const money = new Map<string, number>(MONEY_COLS.map((m) => [m.header, fenToWan(total[m.key])]));
  const values: Cell[] = cols.map((c, i) => {
    const letter = columnLetter(i);
    if (i === 0) return '合计';
    if (c.header === '客户数') return last < first ? 0 : sum(letter, first, last, total.accounts);
    if (money.has(c.header)) return last < first ? 0 : sum(letter, first, last, money.get(c.header)!);
    if (c.header === '本月拜访次数') return last < first ? 0 : sum(letter, first, last, total.visits ?? 0);
    if (c.kind === 'pct') return yoyFormula(`${ytdCol}${n}`, `${prevCol}${n}`, total.signedYoy);
    return null;
  });
  dataRow(ws, n, values, styles.total);
}

async function writeDetail(wb: ExcelJS.stream.xlsx.WorkbookWriter, r: MonthlyReport, out: Writable): Promise<void> {
  const cols = DETAIL_COLS;
  const ws = sheet(wb, '明细', cols, r, 3);
  titleRows(ws, `${REPORT_TITLE}（明细）`, subtitle(r), cols.length);
  headerRow(ws, cols);
  let n = FIRST_DATA_ROW;
  let visits = 0;
  const styles = columnStyles(cols);
  for (const a of r.rows) {
    visits += a.visits;
    dataRow(ws, n++, [
      a.seq,
      textCell(a.code),
      textCell(a.name),
      textCell(a.tierName),
      textCell(a.unitName),
      textCell(a.managerName),
      fenToWan(a.signedMonthFen),
      fenToWan(a.signedYtdFen),
      fenToWan(a.signedPrevYtdFen),
      a.signedYoy,
      fenToWan(a.receivedMonthFen),
      fenToWan(a.receivedYtdFen),
      fenToWan(a.receivableFen),
      fenToWan(a.overdueFen),
      a.visits,
      dateCell(a.lastExecutiveVisitOn),
      a.cadenceCompliant ? '合规' : textCell(`逾期：${a.cadenceOverdue.join('、')}`),
      a.creditRating,
      textCell(a.events.join('；')),
      textCell(a.risks.join('；')),
    ], styles.data);
    if (a.seq % 500 === 0) await keepUp(ws, out);
  }
  totalRow(ws, cols, n, FIRST_DATA_ROW, { ...r.total, visits }, 'H', 'I', styles);
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: Math.max(HEADER_ROW, n - 1), column: cols.length } };
  ws.commit();
}

async function writeCompliance(wb: ExcelJS.stream.xlsx.WorkbookWriter, r: MonthlyReport, out: Writable): Promise<void> {
  const cols = COMPLIANCE_COLS;
  const ws = sheet(wb, '拜访合规', cols, r, 3);
  titleRows(ws, `${REPORT_TITLE}（拜访合规）`, `${subtitle(r)}\u3000\u3000落后于拜访频次的客户：${new Set(r.compliance.map((c) => c.accountId)).size} 家，逾期 ${r.compliance.length} 项`, cols.length);
  headerRow(ws, cols);
  let n = FIRST_DATA_ROW;
  const styles = columnStyles(cols);
  for (const [i, c] of r.compliance.entries()) {
    if (i % 500 === 499) await keepUp(ws, out);
    dataRow(ws, n++, [
      i + 1,
      textCell(c.code),
      textCell(c.name),
      textCell(c.tierName),
      textCell(c.managerName),
      textCell(c.ruleName),
      c.intervalText,
      c.lastOn ? dateCell(c.lastOn) : '从未',
      dateCell(c.dueOn),
      c.daysOverdue,
    ], styles.data);
  }
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: Math.max(HEADER_ROW, n - 1), column: cols.length } };
  ws.commit();
}

function writeNotes(wb: ExcelJS.stream.xlsx.WorkbookWriter, r: MonthlyReport): void {
  const ws = wb.addWorksheet('说明', {
    pageSetup: { orientation: 'portrait', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    headerFooter: { oddHeader: `&C&"-,Bold"${headerFooterText(`${REPORT_TITLE}（说明）`)}`, oddFooter: '&C第 &P 页，共 &N 页' },
  });
  ws.columns = [{ width: 16 }, { width: 90 }];
  const p = r.period;
  const lines: [string, string][] = [
    ['报告名称', `${REPORT_TITLE}（附件一）`],
    ['报告月份', p.month],
    ['统计期间', `本月：${p.monthStart} 至 ${p.asOf}；本年累计：${p.yearStart} 至 ${p.asOf}；上年同期：${p.prevYearStart} 至 ${p.prevAsOf}`],
    ['数据截至', p.asOf],
    ['生成时间', `${beijingTime(r.generatedAt)}（北京时间）`],
    ['生成人', r.generatedBy],
    ['金额单位', '万元。单元格保存精确到分的金额，显示两位小数；合计为公式（SUM），并带有计算结果。'],
    ['客户范围', `列入月报的客户级别（${r.tiers.map((t) => t.tierName).join('、') || '无'}）中合作中、暂停及本月起终止合作的客户，共 ${r.total.accounts} 家。`],
    ['签约', '项目合同金额按签约日期计入；经营档案（附件4）中的合同金额，未关联项目或所关联项目没有合同金额的，按记录日期计入。每笔只计一次。'],
    ['回款', '回款记录按回款日期计入（经营档案中的回款金额即对应的回款记录，只计一次）。'],
    ['应收余额', '截至数据截至日，已到期或所属项目已签约的应收计划，减去已回款，逐客户计，不小于 0。'],
    ['逾期金额', '截至数据截至日之前到期的应收计划，减去已回款，逐客户计，不小于 0。'],
    ['同比', '（本年累计签约 − 上年同期累计）/ 上年同期累计；上年同期为 0 时不计算。'],
    ['本月拜访次数', '本月内高层拜访与客户经理拜访的次数。'],
    ['拜访合规', '按客户级别规定的拜访频次，截至数据截至日没有逾期的拜访义务为“合规”；逾期项见“拜访合规”工作表。'],
    ['风险提示', '逾期应收、拜访逾期、信用等级下调（较上一次评价）、关键人员（决策者、影响者）本月离职、投诉与质量问题逾期未答复。'],
    ...r.notes,
  ];
  lines.forEach(([k, v], i) => {
    const row = ws.getRow(i + 1);
    row.getCell(1).value = k;
    row.getCell(1).font = { bold: true };
    row.getCell(1).alignment = { vertical: 'top' };
    row.getCell(2).value = textCell(v);
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.commit();
  });
  ws.commit();
}

/**
 * Streams the workbook into `out` (a file or an HTTP response) and resolves when it is complete.
 * Returns the number of account rows.
 */
export async function writeMonthlyWorkbook(r: MonthlyReport, out: Writable): Promise<number> {
  const wb = streamingWorkbook(out);
  wb.created = r.generatedAt;
  writeSummary(wb, r);
  await writeDetail(wb, r, out);
  await writeCompliance(wb, r, out);
  writeNotes(wb, r);
  await wb.commit();
  return r.rows.length;
}
