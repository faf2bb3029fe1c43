/**
 * Finds an annex's header in the first rows of a sheet (under titles and 填报单位 lines), including
 * two-level headers with merged cells (`联系方式` over `电话 | 传真 | 邮箱`), and maps columns to the spec.
 * Headers compare after NFKC, without spaces, line breaks, required-markers (`*`) or brackets; a unit
 * in the header (`后续合同成交额（万元）`, `资产 (亿元)`, `金额/万元`) becomes the column's scale.
 */
import type { AnnexSpec, ColumnSpec } from '../annexes/spec';
import { cellText, type CellValue } from './source';
import type { MappingRule } from './mappings';

/** Saved header aliases (an admin confirmed that a branch's header means a column). */
export interface HeaderAliases {
  header(headerKey: string): MappingRule | undefined;
}

export const HEADER_SEARCH_ROWS = 10;

const UNITS: Record<string, number> = { 元: 1, 千元: 1_000, 万元: 10_000, 十万元: 100_000, 百万元: 1_000_000, 千万元: 10_000_000, 亿元: 100_000_000 };
const UNIT_RE = '(元|千元|万元|十万元|百万元|千万元|亿元)';

/** Normalised header text and the unit it carries (`后续合同成交额（万元）` → `后续合同成交额`, 10000). */
export function analyseHeader(text: string): { key: string; scale: number | null; withSuffixUnit?: { key: string; scale: number } } {
  let t = text.normalize('NFKC').replace(/[\s\u00a0\u3000]+/g, '').replace(/[*※★☆]/g, '').replace(/[:：]+$/, '');
  let scale: number | null = null;
  t = t.replace(/[([【〔]([^)\]】〕]*)[)\]】〕]/g, (_m, inner: string) => {
    const u = new RegExp(`^(?:单位[:：]?)?(?:人民币)?${UNIT_RE}$`).exec(inner);
    if (u) scale = UNITS[u[1]];
    return '';
  });
  const suffix = new RegExp(`(?:[/／\\-—]|单位[:：]?)(?:人民币)?${UNIT_RE}$`).exec(t);
  if (suffix) {
    scale = UNITS[suffix[1]];
    t = t.slice(0, suffix.index);
  }
  const key = t.toLowerCase();
  const bare = new RegExp(`^(.+?)${UNIT_RE}$`).exec(key);
  return { key, scale, withSuffixUnit: bare && scale === null ? { key: bare[1], scale: UNITS[bare[2]] } : undefined };
}

export interface MatchedColumn {
  spec: ColumnSpec;
  /** 0-based column index in the sheet. */
  col: number;
  /** The header as written (`联系方式/电话` for a two-level header). */
  label: string;
  /** Multiplier from the header's unit (万元 → 10000); 1 when none. */
  scale: number;
  /** The saved header alias that matched it, if the annex's own headers did not. */
  mapping?: MappingRule;
}

export interface HeaderLayout {
  /** 1-based row numbers of the header row(s). */
  headerRows: number[];
  /** Index (in the buffered rows) of the first data row. */
  dataStart: number;
  columns: MatchedColumn[];
  /** Header cells that name no column of the annex. */
  unknown: { col: number; label: string }[];
  duplicates: { col: number; label: string; first: MatchedColumn }[];
  /** Header text per column (for the errors workbook). */
  labels: string[];
}

/** Columns KAM Hub adds to the workbooks it hands out (errors workbook), read back silently. */
const IGNORED_HEADERS = new Set(['错误说明', '原行号']);

type Index = Map<string, ColumnSpec>;

const indexes = new WeakMap<AnnexSpec, Index>();

function specIndex(spec: AnnexSpec): Index {
  let idx = indexes.get(spec);
  if (idx) return idx;
  idx = new Map();
  const add = (name: string, c: ColumnSpec) => {
    const k = analyseHeader(name).key;
    if (!idx!.has(k)) idx!.set(k, c);
  };
  // Canonical headers first, so an alias of one column never shadows another column's own header.
  for (const c of spec.columns) add(c.header, c);
  for (const c of spec.columns) {
    if (c.group) {
      add(`${c.group}${c.header}`, c);
      add(`${c.group}/${c.header}`, c);
    }
    for (const a of c.aliases ?? []) {
      add(a, c);
      if (c.group) add(`${c.group}${a}`, c);
    }
  }
  indexes.set(spec, idx);
  return idx;
}

type Match = { spec: ColumnSpec; scale: number; mapping?: MappingRule };

function matchLabel(spec: AnnexSpec, label: string, aliases?: HeaderAliases): Match | null {
  const idx = specIndex(spec);
  const a = analyseHeader(label);
  const direct = idx.get(a.key);
  if (direct) return { spec: direct, scale: a.scale ?? 1 };
  const saved = aliases?.header(a.key);
  const target = saved && spec.columns.find((c) => c.key === saved.column);
  if (saved && target) return { spec: target, scale: a.scale ?? 1, mapping: saved };
  if (a.withSuffixUnit) {
    const c = idx.get(a.withSuffixUnit.key);
    if (c && c.type === 'amount') return { spec: c, scale: a.withSuffixUnit.scale };
  }
  // `联系方式/电话` written into one cell.
  const slash = /^(.+?)[/／-](.+)$/.exec(a.key);
  if (slash) {
    const c = idx.get(slash[2]);
    if (c) return { spec: c, scale: a.scale ?? 1 };
  }
  return null;
}

const text = (v: CellValue | undefined) => (v === undefined || v === null ? '' : cellText(v).trim());

interface Candidate {
  columns: MatchedColumn[];
  unknown: { col: number; label: string }[];
  duplicates: HeaderLayout['duplicates'];
  labels: string[];
  score: number;
}

function evaluate(spec: AnnexSpec, upper: CellValue[], lower: CellValue[] | null, aliases?: HeaderAliases): Candidate {
  const width = Math.max(upper.length, lower?.length ?? 0);
  const columns: MatchedColumn[] = [];
  const unknown: Candidate['unknown'] = [];
  const duplicates: Candidate['duplicates'] = [];
  const labels: string[] = [];
  const byKey = new Map<string, MatchedColumn>();
  let parent = '';
  for (let c = 0; c < width; c++) {
    const up = text(upper[c]);
    const low = lower ? text(lower[c]) : '';
    let label = '';
    let m: Match | null = null;
    if (lower) {
      if (up) parent = up;
      else if (!low) parent = '';
      if (low) {
        const p = up || parent;
        label = p && p !== low ? `${p}/${low}` : low;
        m = (p ? matchLabel(spec, `${p}${low}`) : null) ?? matchLabel(spec, low, aliases);
      } else if (up) {
        label = up;
        m = matchLabel(spec, up, aliases);
      }
    } else if (up) {
      label = up;
      m = matchLabel(spec, up, aliases);
    }
    labels[c] = label;
    if (!label || IGNORED_HEADERS.has(analyseHeader(label).key)) continue;
    if (!m) {
      unknown.push({ col: c, label });
      continue;
    }
    const prior = byKey.get(m.spec.key);
    if (prior) {
      duplicates.push({ col: c, label, first: prior });
      continue;
    }
    const mc: MatchedColumn = { spec: m.spec, col: c, label, scale: m.scale, ...(m.mapping ? { mapping: m.mapping } : {}) };
    byKey.set(m.spec.key, mc);
    columns.push(mc);
  }
  const score = columns.filter((c) => c.spec.type !== 'ignore').length;
  return { columns, unknown, duplicates, labels, score };
}

/**
 * Picks the header among the first rows: the single row or pair of rows naming the most annex
 * columns (a pair only when it names more than either row alone). Null when no row names two columns.
 */
export function locateHeader(spec: AnnexSpec, rows: { number: number; cells: CellValue[] }[], aliases?: HeaderAliases): HeaderLayout | null {
  let best: { cand: Candidate; start: number; rows: number } | null = null;
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  const singles = rows.slice(0, Math.min(rows.length, limit + 1)).map((r) => evaluate(spec, r.cells, null, aliases));
  for (let i = 0; i < limit; i++) {
    if (!best || singles[i].score > best.cand.score) best = { cand: singles[i], start: i, rows: 1 };
  }
  for (let i = 0; i < limit && i + 1 < rows.length; i++) {
    // A pair wins only when it names more columns than either of its rows alone (a title above a header does not).
    const pair = evaluate(spec, rows[i].cells, rows[i + 1].cells, aliases);
    if (pair.score > Math.max(singles[i].score, singles[i + 1].score) && (!best || pair.score > best.cand.score)) best = { cand: pair, start: i, rows: 2 };
  }
  if (!best || best.cand.score < 2) return null;
  const headerRows = rows.slice(best.start, best.start + best.rows).map((r) => r.number);
  return { headerRows, dataStart: best.start + best.rows, columns: best.cand.columns, unknown: best.cand.unknown, duplicates: best.cand.duplicates, labels: best.cand.labels };
}
