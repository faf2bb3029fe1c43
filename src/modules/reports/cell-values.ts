/**
 * What goes into a report or export cell. Small pure functions, so the rules are tested on their own:
 *
 * - **User text is text.** A string is always written as a string cell — never a `{ formula }` —
 *   whatever it starts with (`=`, `+`, `-`, `@`, tab, CR: the CSV/formula-injection prefixes). Characters
 *   XML 1.0 cannot carry (control characters other than tab/LF/CR, lone surrogates) are dropped, so a
 *   stray byte in a name cannot make the workbook unreadable. In CSV, where a reader would evaluate
 *   such a cell, it is prefixed with `'` (OWASP's mitigation).
 * - **Money** is integer 分 in the database and 万元 in a report: the cell holds the exact value
 *   (分 / 1,000,000, the double nearest to the decimal) and shows two decimals.
 * - **Dates** are calendar dates: a `YYYY-MM-DD` becomes that day at 00:00 UTC, which exceljs stores
 *   as the Excel serial of that day.
 */
import { localDateTimeText } from '../../common/dates';

/** Number format of 万元 amounts: two decimals, thousands separators. */
export const WAN_FORMAT = '#,##0.00';
/** Number format of 同比 ratios. */
export const PERCENT_FORMAT = '0.00%';
export const DATE_FORMAT = 'yyyy-mm-dd';

// Control characters XML 1.0 forbids, plus unpaired surrogates.
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Leading characters that make spreadsheet programs read text as a formula. */
export const FORMULA_PREFIX = /^[=+\-@\t\r]/;

/** User text for an xlsx cell: a plain string (never a formula), XML-safe; null for nothing. */
export function textCell(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).replace(XML_ILLEGAL, '');
  return s === '' ? null : s;
}

/** User text for a CSV field: a leading formula character is neutralised with `'`. */
export function csvText(value: string | null | undefined): string {
  const s = textCell(value) ?? '';
  return FORMULA_PREFIX.test(s) ? `'${s}` : s;
}

/** 分 → 万元 (exact to the fen; shown with two decimals by {@link WAN_FORMAT}). */
export function fenToWan(fen: number): number {
  return fen / 1_000_000;
}

/** 分 → 元 (the unit of the annex exports' `（元）` columns). */
export function fenToYuanCell(fen: number | null | undefined): number | null {
  return fen === null || fen === undefined ? null : fen / 100;
}

/** `YYYY-MM-DD` → a Date exceljs writes as that day's serial; null stays null. */
export function dateCell(value: string | null | undefined): Date | null {
  if (!value) return null;
  return new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
}

/** A point in time as wall-clock text in the business time zone (`2026-11-23 15:04`), for 说明 and page footers. */
export function businessTime(d: Date): string {
  return localDateTimeText(d);
}

/** A CSV line (RFC 4180 quoting); fields are already strings or numbers. */
export function csvLine(fields: (string | number | null)[]): string {
  return fields
    .map((f) => {
      if (f === null) return '';
      const s = typeof f === 'number' ? String(f) : f;
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',') + '\r\n';
}

/** Excel's header/footer codes use `&`: a literal one is written `&&`. */
export function headerFooterText(s: string): string {
  return s.replace(/&/g, '&&');
}

/** RFC 6266/5987 Content-Disposition: an ASCII fallback plus the UTF-8 name. */
export function contentDisposition(fileName: string, asciiFallback: string): string {
  const ascii = asciiFallback.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
