/**
 * The monthly report workbook `战略客户业务状况报告表-YYYY-MM.xlsx`, streamed (exceljs WorkbookWriter,
 * inline strings: memory stays flat however many accounts there are) from a {@link MonthlyReport} —
 * the same object GraphQL `monthlyReport` returns, so the two never disagree.
 *
 * Sheets: 汇总 (by tier, grand total), 明细 (one row per account, total), 拜访合规 (overdue visit
 * obligations), 说明 (month, as-of date, generated at/by, units, definitions). Amounts in 万元 with two
 * decimals; totals are real `SUM` formulas carrying their cached results (viewers that do not
 * recalculate show them too); frozen headers, filters, widths.
 *
 * Print (finance hands it to the general manager on paper): A4 landscape at a fixed scale chosen so
 * that text prints at ≥ 8 pt ({@link printScale}); 明细 prints in two page bands (money, then visits,
 * events and risks) with 序号/客户编号/客户名称/级别 repeated on every page (print titles) and the header
 * row repeated down the pages; wrapped cells get row heights that show all their lines
 * ({@link rowHeight}); every style declares a CJK sans font ({@link REPORT_FONT}); the page header is
 * the one title (编制单位 · title · month and unit), the cells' own title rows stay on screen (outside
 * the print area); 汇总 and 明细 end with the signature line 制表人 / 审核人 / 负责人.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { columnLetter } from '../../../importers/read/issues';
import { DATE_FORMAT, PERCENT_FORMAT, WAN_FORMAT, businessTime, dateCell, fenToWan, headerFooterText, textCell } from './cell-values';
import type { MonthlyReport, ReportMoney, ReportTierRow } from './report-types';
import { RowWriter, keepUp, streamingWorkbook } from './xlsx-stream';
import { timeZoneLabel } from '../../common/dates';

export const REPORT_TITLE = '战略客户业务状况报告表';

/**
 * The font every style declares. 等线 (DengXian) is the Chinese default of Office 2016+ and ships with
 * Windows 10+ (WPS uses the system's); `charset 134` (GB2312) and `family 2` (sans) tell a program
 * without it to substitute a Chinese sans font — LibreOffice takes Noto Sans CJK SC / WenQuanYi, never
 * a serif face for bold text.
 */
export const REPORT_FONT = '等线';
/** Body text size in points (at {@link printScale} it prints at ≥ 8 pt). */
export const BODY_SIZE = 11;
/** The smallest printed text size the layout guarantees. */
export const MIN_PRINTED_PT = 8;

type Font = Partial<ExcelJS.Font>;
function font(extra: Font = {}): Font {
  return { name: REPORT_FONT, family: 2, charset: 134, size: BODY_SIZE, ...extra };
}
const BODY_FONT = font();
const BOLD_FONT = font({ bold: true });

/** Who signs the printed report, and the 编制单位 printed under the title (configurable: KAM_REPORT_*). */
export interface ReportSignatures {
  company: string | null;
  preparer: string | null;
  reviewer: string | null;
  principal: string | null;
}
const NO_SIGNATURES: ReportSignatures = { company: null, preparer: null, reviewer: null, principal: null };

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
  /** Text that may take several lines (wrapped, row height from its length). */
  wrap?: boolean;
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

/** A4 landscape, margins in inches: the printable width and height at 100 %. */
const MARGINS = { left: 0.3, right: 0.3, top: 0.75, bottom: 0.6, header: 0.3, footer: 0.3 };
const A4_LANDSCAPE = { width: 11.69, height: 8.27 };
const A4_PORTRAIT = { width: 8.27, height: 11.69 };
/**
 * Pixels (96 dpi) one character of column width takes at 100 %. Column widths count the default font's
 * digit width: 8 px for 11 pt 等线 in Excel and WPS, 9.3 px where LibreOffice substitutes
 * DejaVu Sans for its Latin digits; the wider one decides the scale (nothing spills onto an extra
 * page), the narrower one how much text a wrapped line holds (no row too short).
 */
const CHAR_PX_WIDE = 9.4;
const CHAR_PX_NARROW = 8;
/** Points a wrapped line of {@link BODY_SIZE} text takes (CJK sans fonts run ~1.45 em per line). */
const LINE_PT = 16;

/** `D` → 3 */
function columnIndex(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
}

function columnPx(width: number): number {
  return width * CHAR_PX_WIDE + 6;
}

/**
 * The print scale (%) at which the widest page band fits the paper width, at most 100, never below
 * the scale that keeps {@link BODY_SIZE} text at {@link MIN_PRINTED_PT}.
 */
export function printScale(bandWidths: number[][], paper: { width: number } = A4_LANDSCAPE): number {
  const printable = (paper.width - MARGINS.left - MARGINS.right) * 96;
  const widest = Math.max(...bandWidths.map((band) => band.reduce((n, w) => n + columnPx(w), 0)));
  const fit = Math.floor((printable / widest) * 100);
  return Math.max(Math.ceil((MIN_PRINTED_PT / BODY_SIZE) * 100), Math.min(100, fit));
}

/** CJK, Hangul and full-width forms: one em wide (a code-point test, not a regex: it runs for every character of every wrapped cell). */
function isWide(cp: number): boolean {
  return (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x20000 && cp <= 0x3ffff);
}

/** Lines `text` takes in a wrapped column `width` characters wide (CJK and full-width characters count 1 em, others ~0.55 em). */
export function wrappedLines(text: string | null | undefined, width: number): number {
  if (!text) return 1;
  const emPerLine = Math.max(1, (width * CHAR_PX_NARROW - 4) / ((BODY_SIZE * 96) / 72));
  let lines = 0;
  for (const para of String(text).split('\n')) {
    let em = 0;
    for (const ch of para) em += isWide(ch.codePointAt(0)!) ? 1 : 0.6;
    lines += Math.max(1, Math.ceil(em / emPerLine));
  }
  return lines;
}

/** The height (pt) of a row whose wrapped cells hold `texts` in columns of `widths` (at most Excel's 409 pt). */
export function rowHeight(texts: (string | null | undefined)[], widths: number[], minimum = LINE_PT + 2): number {
  const lines = Math.max(1, ...texts.map((t, i) => wrappedLines(t, widths[i])));
  return Math.min(409, Math.max(minimum, lines * LINE_PT + 4));
}

const BORDER: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const TOTAL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };

/** Title row, subtitle row, header row: data starts on row 4. */
const HEADER_ROW = 3;
const FIRST_DATA_ROW = 4;

type Cell = ExcelJS.CellValue;

interface PrintLayout {
  /** Columns repeated on every page (`A:D`). */
  titleColumns?: string;
  /** Page bands: the 0-based column index where each band after the first starts. */
  bandStarts?: number[];
  portrait?: boolean;
}

/** The page header (the printed title, once per page) and footer of every sheet. */
function pageHeaderFooter(r: MonthlyReport, name: string, sig: ReportSignatures): Partial<ExcelJS.HeaderFooter> {
  const [y, m] = r.period.month.split('-');
  // Headers and footers scale with the page (Excel's and LibreOffice's default): sized like the body,
  // they print at ≥ 8 pt too. Size before font: a size code followed by the text's digits (`&102026年`) would read as one number.
  const f = (style: string, size: number) => `&${size}&"${REPORT_FONT},${style}"`;
  return {
    oddHeader:
      `&L${f('Regular', BODY_SIZE)}${headerFooterText(sig.company ? `编制单位：${sig.company}` : '')}` +
      `&C${f('Bold', 18)}${headerFooterText(`${REPORT_TITLE}（${name}）`)}` +
      `&R${f('Regular', BODY_SIZE)}${headerFooterText(`${y}年${Number(m)}月\u3000金额单位：万元`)}`,
    oddFooter:
      `&L${f('Regular', BODY_SIZE)}${headerFooterText(`数据截至 ${r.period.asOf}`)}` +
      `&C${f('Regular', BODY_SIZE)}第 &P 页，共 &N 页` +
      `&R${f('Regular', BODY_SIZE)}${headerFooterText(`生成于 ${businessTime(r.generatedAt)}`)}`,
  };
}

function sheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, cols: Col[], r: MonthlyReport, freezeColumns: number, sig: ReportSignatures, layout: PrintLayout = {}): ExcelJS.Worksheet {
  const starts = [0, ...(layout.bandStarts ?? []), cols.length];
  const titleCount = layout.titleColumns ? columnIndex(layout.titleColumns.split(':')[1]) + 1 : 0;
  const bands = starts.slice(0, -1).map((from, i) => [...cols.slice(0, i === 0 ? 0 : titleCount), ...cols.slice(from, starts[i + 1])].map((c) => c.width));
  const paper = layout.portrait ? A4_PORTRAIT : A4_LANDSCAPE;
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: freezeColumns, ySplit: HEADER_ROW, topLeftCell: `${columnLetter(freezeColumns)}${FIRST_DATA_ROW}`, activeCell: `A${FIRST_DATA_ROW}` }],
    pageSetup: {
      orientation: layout.portrait ? 'portrait' : 'landscape', paperSize: 9, fitToPage: false, scale: printScale(bands, paper), pageOrder: 'overThenDown',
      horizontalCentered: true, printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`, ...(layout.titleColumns ? { printTitlesColumn: layout.titleColumns } : {}), margins: MARGINS,
    },
    headerFooter: pageHeaderFooter(r, name, sig),
  });
  ws.columns = cols.map((c) => ({ width: c.width, style: { font: BODY_FONT, ...(FORMATS[c.kind] ? { numFmt: FORMATS[c.kind] } : {}) } }));
  if (layout.bandStarts?.length) columnBreaks(ws, layout.bandStarts);
  return ws;
}

/**
 * Manual column page breaks (`<colBreaks>`), which exceljs does not write: the streaming sheet writes
 * them right after its row breaks, where the schema puts them. A break at index i starts a page
 * before the column with 0-based index i.
 */
function columnBreaks(ws: ExcelJS.Worksheet, starts: number[]): void {
  const w = ws as unknown as { _writeRowBreaks(): void; stream: { write(s: string): void } };
  const writeRowBreaks = w._writeRowBreaks.bind(w);
  w._writeRowBreaks = () => {
    writeRowBreaks();
    w.stream.write(`<colBreaks count="${starts.length}" manualBreakCount="${starts.length}">${starts.map((i) => `<brk id="${i}" max="1048575" man="1"/>`).join('')}</colBreaks>`);
  };
}

/** The printed range: from the header row (the title rows above it are for the screen; the page header prints the title). */
function printArea(ws: ExcelJS.Worksheet, cols: number, lastRow: number): void {
  // exceljs prefixes the columns with `$`; the rows get theirs here (LibreOffice ignores a relative print range).
  ws.pageSetup.printArea = `A$${HEADER_ROW}:${columnLetter(cols - 1)}$${Math.max(HEADER_ROW, lastRow)}`;
}

/**
 * The signature line two rows under the table: 制表人 / 审核人 / 负责人 with the configured names (blank
 * to sign by hand), spread over `at` (0-based columns). Returns its row number.
 */
function signatureRow(ws: ExcelJS.Worksheet, n: number, at: [number, number, number], sig: ReportSignatures): number {
  const row = ws.getRow(n + 1);
  const labels: [string, string | null][] = [['制表人', sig.preparer], ['审核人', sig.reviewer], ['负责人', sig.principal]];
  labels.forEach(([label, name], i) => {
    const cell = row.getCell(at[i] + 1);
    cell.value = `${label}：${name ?? ''}`;
    cell.font = BOLD_FONT;
    cell.numFmt = 'General';
    cell.alignment = { horizontal: 'left', vertical: 'middle' };
  });
  row.height = 28;
  row.commit();
  return n + 1;
}

function titleRows(ws: ExcelJS.Worksheet, title: string, subtitle: string, n: number): void {
  const t = ws.getRow(1);
  t.getCell(1).value = title;
  t.getCell(1).font = font({ bold: true, size: 16 });
  t.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  t.height = 28;
  ws.mergeCells(1, 1, 1, n);
  t.commit();
  const s = ws.getRow(2);
  s.getCell(1).value = subtitle;
  s.getCell(1).font = BODY_FONT;
  s.getCell(1).alignment = { horizontal: 'left' };
  ws.mergeCells(2, 1, 2, n);
  s.commit();
}

function headerRow(ws: ExcelJS.Worksheet, cols: Col[]): void {
  const row = ws.getRow(HEADER_ROW);
  cols.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    cell.value = c.header;
    cell.font = BOLD_FONT;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.numFmt = 'General';
  });
  row.height = rowHeight(cols.map((c) => c.header), cols.map((c) => c.width), 32);
  row.commit();
}

/**
 * Data and total rows use one style object per column, shared by every cell of the column (明细's and
 * 拜访合规's data rows are written by {@link RowWriter}, the same XML without exceljs' per-cell objects): exceljs'
 * style registry remembers style objects by identity (a WeakMap), so a shared object is looked up
 * once, where a fresh object per cell is serialised per cell (≈ 5× slower on 10k rows).
 */
interface ColumnStyles {
  data: Partial<ExcelJS.Style>[];
  total: Partial<ExcelJS.Style>[];
}

function columnStyles(cols: Col[]): ColumnStyles {
  return {
    data: cols.map((c) => Object.freeze({ numFmt: FORMATS[c.kind], font: BODY_FONT, border: BORDER, alignment: c.wrap ? { wrapText: true, vertical: 'top' } : { vertical: 'top' } }) as Partial<ExcelJS.Style>),
    total: cols.map((c) => Object.freeze({ numFmt: FORMATS[c.kind], border: BORDER, font: BOLD_FONT, fill: TOTAL_FILL, alignment: { vertical: 'middle' } }) as Partial<ExcelJS.Style>),
  };
}

function dataRow(ws: ExcelJS.Worksheet, n: number, values: Cell[], styles: Partial<ExcelJS.Style>[], height?: number): void {
  const row = ws.getRow(n);
  if (height !== undefined) row.height = height;
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
  { header: '客户级别', width: 10, kind: 'text' },
  { header: '客户数', width: 7, kind: 'int', sum: true },
  ...MONEY_COLS.slice(0, 3).map((m) => ({ header: m.header, width: 13, kind: 'wan' as Kind, sum: true })),
  { header: '同比', width: 9, kind: 'pct' },
  ...MONEY_COLS.slice(3).map((m) => ({ header: m.header, width: 13, kind: 'wan' as Kind, sum: true })),
];

/** 明细: A–D identify the account (repeated on every printed page), E–N the money band, O–T the visits/events/risks band. */
const DETAIL_COLS: Col[] = [
  { header: '序号', width: 4, kind: 'int' },
  { header: '客户编号', width: 10, kind: 'text' },
  { header: '客户名称', width: 18, kind: 'text', wrap: true },
  { header: '级别', width: 5, kind: 'text' },
  { header: '推荐单位', width: 10, kind: 'text', wrap: true },
  { header: '客户经理', width: 8, kind: 'text', wrap: true },
  ...MONEY_COLS.slice(0, 3).map((m) => ({ header: m.header, width: 11, kind: 'wan' as Kind, sum: true })),
  { header: '同比(%)', width: 8, kind: 'pct' },
  ...MONEY_COLS.slice(3).map((m) => ({ header: m.header, width: 11, kind: 'wan' as Kind, sum: true })),
  { header: '本月拜访次数', width: 7, kind: 'int', sum: true },
  { header: '最近高层拜访', width: 11, kind: 'date' },
  { header: '拜访合规', width: 12, kind: 'text', wrap: true },
  { header: '信用等级', width: 6, kind: 'text' },
  { header: '本月重要事项', width: 36, kind: 'text', wrap: true },
  { header: '风险提示', width: 28, kind: 'text', wrap: true },
];
/** Where 明细's second page band starts (本月拜访次数, column O). */
const DETAIL_SECOND_BAND = DETAIL_COLS.findIndex((c) => c.header === '本月拜访次数');
const DETAIL_LAYOUT: PrintLayout = { titleColumns: 'A:D', bandStarts: [DETAIL_SECOND_BAND] };

const COMPLIANCE_COLS: Col[] = [
  { header: '序号', width: 5, kind: 'int' },
  { header: '客户编号', width: 10, kind: 'text' },
  { header: '客户名称', width: 24, kind: 'text', wrap: true },
  { header: '级别', width: 6, kind: 'text' },
  { header: '客户经理', width: 9, kind: 'text', wrap: true },
  { header: '拜访类型', width: 14, kind: 'text', wrap: true },
  { header: '规定间隔', width: 9, kind: 'text' },
  { header: '最近一次', width: 11, kind: 'date' },
  { header: '应完成日期（自该日起逾期）', width: 14, kind: 'date' },
  { header: '逾期天数', width: 8, kind: 'int' },
];

function subtitle(r: MonthlyReport, sig: ReportSignatures): string {
  const [y, m] = r.period.month.split('-');
  return `${sig.company ? `编制单位：${sig.company}\u3000\u3000` : ''}报告月份：${y}年${Number(m)}月\u3000\u3000数据截至：${r.period.asOf}\u3000\u3000金额单位：万元`;
}

/** Height of a data row from its wrapped cells. */
function heightOf(cols: Col[], values: Cell[]): number {
  const texts: (string | null)[] = [];
  const widths: number[] = [];
  cols.forEach((c, i) => {
    if (!c.wrap) return;
    texts.push(typeof values[i] === 'string' ? (values[i] as string) : null);
    widths.push(c.width);
  });
  return rowHeight(texts, widths);
}

function writeSummary(wb: ExcelJS.stream.xlsx.WorkbookWriter, r: MonthlyReport, sig: ReportSignatures): void {
  const cols = SUMMARY_COLS;
  const ws = sheet(wb, '汇总', cols, r, 1, sig);
  titleRows(ws, `${REPORT_TITLE}（汇总）`, subtitle(r, sig), cols.length);
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
  for (const t of r.tiers) dataRow(ws, n, tierValues(t, n++), styles.data, LINE_PT + 4);
  totalRow(ws, cols, n, FIRST_DATA_ROW, r.total, 'D', 'E', styles);
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: Math.max(HEADER_ROW, n - 1), column: cols.length } };
  printArea(ws, cols.length, signatureRow(ws, n + 1, [0, 4, 7], sig));
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
  dataRow(ws, n, values, styles.total, LINE_PT + 6);
}

async function writeDetail(wb: ExcelJS.stream.xlsx.WorkbookWriter, r: MonthlyReport, out: Writable, sig: ReportSignatures): Promise<void> {
  const cols = DETAIL_COLS;
  const ws = sheet(wb, '明细', cols, r, 3, sig, DETAIL_LAYOUT);
  titleRows(ws, `${REPORT_TITLE}（明细）`, subtitle(r, sig), cols.length);
  headerRow(ws, cols);
  let n = FIRST_DATA_ROW;
  let visits = 0;
  const styles = columnStyles(cols);
  const rows = new RowWriter(ws, styles.data);
  for (const a of r.rows) {
    visits += a.visits;
    const values: Cell[] = [
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
      textCell(a.events.join('\n')),
      textCell(a.risks.join('\n')),
    ];
    rows.write(n++, values, heightOf(cols, values));
    if (a.seq % 500 === 0) await keepUp(ws, out);
  }
  totalRow(ws, cols, n, FIRST_DATA_ROW, { ...r.total, visits }, 'H', 'I', styles);
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: Math.max(HEADER_ROW, n - 1), column: cols.length } };
  // Under the second band, which prints last (pages run across, then down).
  printArea(ws, cols.length, signatureRow(ws, n + 1, [DETAIL_SECOND_BAND, cols.length - 2, cols.length - 1], sig));
  ws.commit();
}

async function writeCompliance(wb: ExcelJS.stream.xlsx.WorkbookWriter, r: MonthlyReport, out: Writable, sig: ReportSignatures): Promise<void> {
  const cols = COMPLIANCE_COLS;
  const ws = sheet(wb, '拜访合规', cols, r, 3, sig);
  titleRows(ws, `${REPORT_TITLE}（拜访合规）`, `${subtitle(r, sig)}\u3000\u3000落后于拜访频次的客户：${new Set(r.compliance.map((c) => c.accountId)).size} 家，逾期 ${r.compliance.length} 项`, cols.length);
  headerRow(ws, cols);
  let n = FIRST_DATA_ROW;
  const styles = columnStyles(cols);
  const rows = new RowWriter(ws, styles.data);
  for (const [i, c] of r.compliance.entries()) {
    if (i % 500 === 499) await keepUp(ws, out);
    const values: Cell[] = [
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
    ];
    rows.write(n++, values, heightOf(cols, values));
  }
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: Math.max(HEADER_ROW, n - 1), column: cols.length } };
  printArea(ws, cols.length, n - 1);
  ws.commit();
}

const NOTES_WIDTHS = [14, 70];

/** 说明 lines of the month-end close: closed (and what the live data says differently since) or reopened. */
function closeLines(r: MonthlyReport): [string, string][] {
  const c = r.close;
  if (!c) return [['月结', '本月尚未结账：数字为生成时的实时数据。']];
  if (c.status === 'REOPENED') {
    return [['月结', `已于 ${c.reopenedAt ? businessTime(c.reopenedAt) : ''} 由 ${c.reopenedBy ?? ''} 反结账（原因：${c.reopenReason ?? ''}）；数字为生成时的实时数据。`]];
  }
  const lines: [string, string][] = [['月结', `已于 ${businessTime(c.closedAt)} 由 ${c.closedBy} 结账：本报表为结账时冻结的数字，此后补录或导入的数据不改变本报表。`]];
  if (!c.differences.length) lines.push(['结账后变动', '实时数据与结账数字一致。']);
  else {
    lines.push(['结账后变动', `实时数据与结账数字有 ${c.differences.length} 处不同（下列各行：结账时 → 现在）；如需按实时数据出表，由管理员反结账并说明原因。`]);
    for (const d of c.differences) lines.push([d.code, `${d.code === '合计' ? '' : `${d.name}｜`}${d.label}：${d.closedText} → ${d.liveText}`]);
  }
  return lines;
}

function writeNotes(wb: ExcelJS.stream.xlsx.WorkbookWriter, r: MonthlyReport, sig: ReportSignatures): void {
  const ws = wb.addWorksheet('说明', {
    pageSetup: { orientation: 'portrait', paperSize: 9, fitToPage: false, scale: printScale([NOTES_WIDTHS], A4_PORTRAIT), margins: MARGINS },
    headerFooter: pageHeaderFooter(r, '说明', sig),
  });
  ws.columns = NOTES_WIDTHS.map((width) => ({ width, style: { font: BODY_FONT } }));
  const p = r.period;
  const lines: [string, string][] = [
    ['报告名称', `${REPORT_TITLE}（附件一）`],
    ['报告月份', p.month],
    ['统计期间', `本月：${p.monthStart} 至 ${p.asOf}；本年累计：${p.yearStart} 至 ${p.asOf}；上年同期：${p.prevYearStart} 至 ${p.prevAsOf}`],
    ['数据截至', p.asOf],
    ['生成时间', `${businessTime(r.generatedAt)}（${timeZoneLabel()}）`],
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
    ['风险提示', '逾期应收、拜访逾期、信用等级下调（较上一次评价）、关键人员（决策者、影响者）本月离职、投诉与质量问题逾期未答复、跟进事项逾期、沟通计划未执行、服务团队缺位（当前）。'],
    ['打印', '明细按 A4 横向分两组页面打印：先金额，后拜访、重要事项与风险；每页重复客户编号、客户名称、级别与表头。'],
    ...r.notes,
    ...closeLines(r),
  ];
  lines.forEach(([k, v], i) => {
    const row = ws.getRow(i + 1);
    row.getCell(1).value = k;
    row.getCell(1).font = BOLD_FONT;
    row.getCell(1).alignment = { vertical: 'top' };
    row.getCell(2).value = textCell(v);
    row.getCell(2).font = BODY_FONT;
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.height = rowHeight([k, v], NOTES_WIDTHS);
    row.commit();
  });
  ws.commit();
}

/**
 * Streams the workbook into `out` (a file or an HTTP response) and resolves when it is complete.
 * Returns the number of account rows.
 */
export async function writeMonthlyWorkbook(r: MonthlyReport, out: Writable, sig: ReportSignatures = NO_SIGNATURES): Promise<number> {
  const wb = streamingWorkbook(out);
  wb.created = r.generatedAt;
  // Font 0 is the Normal style's (and every unstyled cell's): a CJK sans in place of exceljs' Calibri.
  (wb as unknown as { styles: { _addFont(f: Font): number } }).styles._addFont({ ...BODY_FONT, scheme: undefined });
  writeSummary(wb, r, sig);
  await writeDetail(wb, r, out, sig);
  await writeCompliance(wb, r, out, sig);
  writeNotes(wb, r, sig);
  await wb.commit();
  return r.rows.length;
}
