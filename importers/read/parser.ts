/**
 * AnnexParser: sheets of raw rows → typed rows with their errors. No database: tiers and management
 * levels (data) come in as lists. Every sheet whose header matches the annex is read (ledgers keep a
 * sheet a month); blank rows and trailing 制表人 / 审核人 / 合计 lines are skipped; each rejected cell
 * is reported with its sheet, cell reference, header as written, value, code and message.
 */
import type { AnnexSpec } from '../annexes/spec';
import { isBlank, coerceCell, type CoerceContext, type LabelRow } from './coerce';
import { HEADER_SEARCH_ROWS, locateHeader, type HeaderLayout, type MatchedColumn } from './header';
import { ErrorCode } from '../../src/common/errors';
import { ImportCode, columnLetter, type IssueData } from './issues';
import { cellText, type CellValue, type RawRow, type WorkbookSource } from './source';
import { MappingSet, type AppliedMapping, type MappingRule } from './mappings';
import { say } from '../../src/common/messages';

export interface SheetLayout extends HeaderLayout {
  sheet: string;
  byKey: Map<string, MatchedColumn>;
}

export interface ParsedRow {
  sheet: string;
  /** 1-based row number as Excel shows it. */
  row: number;
  /** Typed values by column key; only columns present in the sheet, null for blank cells. */
  values: Record<string, unknown>;
  /** Cell errors found while coercing (the row is rejected when there is any). */
  errors: IssueData[];
  raw: CellValue[];
  layout: SheetLayout;
}

export interface ParseListener {
  /** File-level errors (missing columns, no header) and warnings (unknown columns, skipped sheets). */
  issue(severity: 'error' | 'warning', issue: IssueData): void;
  sheet?(layout: SheetLayout): void;
  /** Once at the end: each mapping that read a header or a word, with the rows it applied to. */
  mappings?(applied: AppliedMapping[]): void;
}

export interface ParserOptions {
  tiers: readonly LabelRow[];
  managementLevels: readonly LabelRow[];
  /** Called every 256 rows read (blank ones included): throw from it to stop (time limits). */
  checkpoint?: () => void;
  /** Saved and --map mappings with the built-in ones; default: the built-in ones only. */
  mappings?: MappingSet;
}

/** An open column's unknown word: reported once, with how many rows wrote it and where first. */
interface UnknownWord {
  first: IssueData;
  header: string;
  count: number;
}

const FOOTER = /^(制表人|制表|填表人|填报人|审核人|审核|复核人|负责人|主管领导|单位负责人|合计|总计|小计|注[:：]|说明[:：]|备注[:：]|填表说明)/;

function isFooter(cells: CellValue[]): boolean {
  const filled = cells.filter((c) => !isBlank(c));
  if (filled.length === 0) return false;
  const first = cellText(filled[0]).normalize('NFKC').replace(/\s+/g, '');
  if (/^(合计|总计|小计)[:：]?$/.test(first)) return true;
  return filled.length <= 4 && FOOTER.test(first);
}

/** Issue for a cell of a parsed row. */
export function cellIssue(row: Pick<ParsedRow, 'sheet' | 'row' | 'raw' | 'layout'>, key: string | null, code: string, message: string): IssueData {
  const col = key ? row.layout.byKey.get(key) : undefined;
  if (!col) return { sheet: row.sheet, row: row.row, cell: null, column: null, value: null, code, message };
  const raw = row.raw[col.col];
  const value = raw === null || raw === undefined ? null : cellText(raw);
  if (col.spec.sensitive && value !== null) {
    // Import issues are stored and shown to whoever reads the job: personal values stay out of them.
    const hidden = redactedCell(value);
    return { sheet: row.sheet, row: row.row, cell: `${columnLetter(col.col)}${row.row}`, column: col.label, value: hidden, code, message: message.split(value).join(hidden) };
  }
  return { sheet: row.sheet, row: row.row, cell: `${columnLetter(col.col)}${row.row}`, column: col.label, value, code, message };
}

/** What an issue shows of a sensitive cell: a mobile masked like the API does (`138****1234`), anything else hidden. */
export function redactedCell(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length >= 7 && digits.length === value.replace(/[\s+-]/g, '').length) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return '（已隐藏 / hidden）';
}

export class AnnexParser {
  private readonly mappings: MappingSet;
  private readonly unknownWords = new Map<string, UnknownWord>();
  private readonly applied = new Map<string, AppliedMapping>();

  constructor(
    private readonly spec: AnnexSpec,
    private readonly options: ParserOptions,
  ) {
    this.mappings = options.mappings ?? new MappingSet(spec.annex, []);
  }

  private noteMapping(rule: MappingRule, columnHeader: string, to: string): void {
    const k = `${rule.kind}|${rule.scope}|${rule.id ?? ''}|${rule.column}|${rule.fromText}`;
    const a = this.applied.get(k);
    if (a) a.rows++;
    else this.applied.set(k, { kind: rule.kind, column: columnHeader, from: rule.fromText, to, scope: rule.scope, scopeLabel: rule.scopeLabel, id: rule.id, rows: 1 });
  }

  /** Streams typed rows from every matching sheet. Row errors ride on the rows; file-level issues go to the listener. */
  async *parse(source: WorkbookSource, listener: ParseListener): AsyncGenerator<ParsedRow> {
    const ctx: CoerceContext = { date1904: source.date1904, tiers: this.options.tiers, managementLevels: this.options.managementLevels, mappings: this.mappings };
    let matched = 0;
    const skipped: string[] = [];
    for await (const sheet of source.sheets()) {
      const iterator = sheet.rows[Symbol.asyncIterator]();
      const head: RawRow[] = [];
      let scanned = 0;
      while (head.length < HEADER_SEARCH_ROWS + 1) {
        const next = await iterator.next();
        if (next.done) break;
        if ((++scanned & 255) === 0) this.options.checkpoint?.();
        if (next.value.cells.some((c) => !isBlank(c))) head.push(next.value);
      }
      const header = locateHeader(this.spec, head, this.mappings);
      if (!header) {
        if (!sheet.hidden && head.length > 0) skipped.push(sheet.name);
        await iterator.return?.();
        continue;
      }
      matched++;
      const layout: SheetLayout = { ...header, sheet: sheet.name, byKey: new Map(header.columns.map((c) => [c.spec.key, c])) };
      const headerRow = header.headerRows[header.headerRows.length - 1];
      const fileIssue = (code: string, message: string, column: string | null = null, col: number | null = null): IssueData => ({
        sheet: sheet.name, row: headerRow, cell: col === null ? null : `${columnLetter(col)}${headerRow}`, column, value: null, code, message,
      });
      for (const u of header.unknown) listener.issue('warning', fileIssue(ImportCode.UNKNOWN_COLUMN, say(`列「${u.label}」不属于${this.spec.title}，未导入`, `column "${u.label}" is not part of ${this.spec.title}; it was not imported`), u.label, u.col));
      for (const d of header.duplicates) {
        listener.issue('warning', fileIssue(ImportCode.DUPLICATE_COLUMN, say(`列「${d.label}」与${d.first.spec.header}（第 ${columnLetter(d.first.col)} 列）重复，只导入第一列`, `column "${d.label}" repeats ${d.first.spec.header} (column ${columnLetter(d.first.col)}); only the first is imported`), d.label, d.col));
      }
      let missing = false;
      for (const c of this.spec.columns) {
        if (c.required && !layout.byKey.has(c.key)) {
          missing = true;
          listener.issue('error', fileIssue(ImportCode.MISSING_COLUMN, say(`工作表「${sheet.name}」缺少必填列「${c.header}」（表头在第 ${header.headerRows.join('–')} 行）`, `required column "${c.header}" is missing from sheet "${sheet.name}" (header in row ${header.headerRows.join('–')})`), c.header));
        }
      }
      for (const set of this.spec.requireOneOf ?? []) {
        if (!set.some((k) => layout.byKey.has(k))) {
          missing = true;
          const names = set.map((k) => this.spec.columns.find((c) => c.key === k)!.header);
          listener.issue('error', fileIssue(ImportCode.MISSING_COLUMN, say(`工作表「${sheet.name}」须有 ${names.join('、')} 中的一列`, `sheet "${sheet.name}" needs one of the columns ${names.join('、')}`), names[0]));
        }
      }
      for (const c of header.columns) if (c.mapping) this.noteMapping(c.mapping, c.label, c.spec.header);
      listener.sheet?.(layout);
      if (missing) {
        await iterator.return?.();
        continue;
      }
      const buffered = head.slice(header.dataStart);
      for (const raw of buffered) {
        const parsed = this.row(sheet.name, raw, layout, ctx);
        if (parsed) yield parsed;
      }
      let read = 0;
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if ((++read & 255) === 0) this.options.checkpoint?.();
        const parsed = this.row(sheet.name, next.value, layout, ctx);
        if (parsed) yield parsed;
      }
    }
    for (const u of this.unknownWords.values()) {
      const where = u.count > 1 ? say(`共 ${u.count} 行，首见 ${u.first.cell}`, `${u.count} rows, first ${u.first.cell}`) : say(`第 ${u.first.row} 行`, `row ${u.first.row}`);
      listener.issue('warning', {
        ...u.first,
        code: ImportCode.UNKNOWN_VALUE,
        message: say(
          `${u.header}「${u.first.value}」不在词表中，已照录（${where}）。管理员可映射一次（saveImportMapping），之后的文件按映射读取`,
          `${u.header} "${u.first.value}" is not in the vocabulary; kept as written (${where}). An admin can map it once (saveImportMapping) and later files read it as mapped`,
        ),
        count: u.count,
      });
    }
    listener.mappings?.([...this.applied.values()]);
    if (matched === 0) {
      listener.issue('error', {
        sheet: null, row: null, cell: null, column: null, value: null, code: ImportCode.HEADER_NOT_FOUND,
        message: ((expected: string) => say(
          `没有工作表在前 ${HEADER_SEARCH_ROWS} 行内有${this.spec.title}的表头（应有 ${expected} 等列）：是否选错了附件？`,
          `no sheet has the header of ${this.spec.title} in its first ${HEADER_SEARCH_ROWS} rows (expected columns such as ${expected}); is this the right annex?`,
        ))(this.spec.columns.filter((c) => c.type !== 'ignore').slice(0, 4).map((c) => c.header).join('、')),
      });
    } else {
      for (const name of skipped) {
        listener.issue('warning', { sheet: name, row: null, cell: null, column: null, value: null, code: ImportCode.SHEET_SKIPPED, message: say(`工作表「${name}」没有${this.spec.title}的表头，已跳过`, `sheet "${name}" has no ${this.spec.title} header; it was skipped`) });
      }
    }
  }

  private noteUnknown(row: ParsedRow, key: string, header: string, word: string): void {
    const k = `${key}|${word}`;
    const u = this.unknownWords.get(k);
    if (u) u.count++;
    else {
      const first = cellIssue(row, key, ImportCode.UNKNOWN_VALUE, '');
      // A tags cell holds several words: the issue names the one outside the vocabulary.
      if (first.value !== null && first.value !== word && first.value.includes(word)) first.value = word;
      this.unknownWords.set(k, { first, header, count: 1 });
    }
  }

  private row(sheet: string, raw: RawRow, layout: SheetLayout, ctx: CoerceContext): ParsedRow | null {
    const cells = raw.cells;
    let any = false;
    for (const c of layout.columns) {
      if (c.spec.type !== 'ignore' && !isBlank(cells[c.col] ?? null)) {
        any = true;
        break;
      }
    }
    if (!any || isFooter(cells)) return null;
    const seq = layout.byKey.get('_seq');
    // The template's example row says 示例 in 序号.
    if (seq && /^(示例|样例|例)$/.test(cellText(cells[seq.col] ?? null).trim())) return null;
    const values = valuesOf(layout);
    const parsed: ParsedRow = { sheet, row: raw.number, values, errors: [], raw: cells, layout };
    for (const c of layout.columns) {
      if (c.spec.type === 'ignore') continue;
      const v = cells[c.col] ?? null;
      if (isBlank(v)) {
        values[c.spec.key] = null;
        if (c.spec.notBlank) parsed.errors.push(cellIssue(parsed, c.spec.key, ErrorCode.REQUIRED, say(`${c.spec.header}为必填项`, `${c.spec.header} is required`)));
        continue;
      }
      const r = coerceCell(c.spec, v, c.scale, ctx);
      if (r.ok) {
        values[c.spec.key] = r.value;
        if (r.mapping) this.noteMapping(r.mapping, c.label, mappedLabel(c.spec, r.mapping));
        if (r.unknown) this.noteUnknown(parsed, c.spec.key, c.spec.header, String(r.value));
        for (const w of r.unknownWords ?? []) this.noteUnknown(parsed, c.spec.key, c.spec.header, w);
      } else {
        values[c.spec.key] = null;
        parsed.errors.push(cellIssue(parsed, c.spec.key, r.code, r.message));
      }
    }
    return parsed;
  }
}

const rowTemplates = new WeakMap<SheetLayout, Record<string, unknown>>();

/**
 * A new row's values of a sheet: every column's key, in the sheet's order, null until read — copied from
 * one template per sheet, so a row's object is made at its full size at once rather than grown key by key.
 */
function valuesOf(layout: SheetLayout): Record<string, unknown> {
  let template = rowTemplates.get(layout);
  if (!template) {
    template = {};
    for (const c of layout.columns) if (c.spec.type !== 'ignore') template[c.spec.key] = null;
    rowTemplates.set(layout, template);
  }
  return { ...template };
}

/** What a mapping maps to, as people read it: the vocabulary's label, 是/否, or the column's header. */
function mappedLabel(col: { vocabulary?: { lookup(x: string): string | undefined; label(c: string): string }; type: string }, rule: MappingRule): string {
  if (col.type === 'active') return rule.toValue === 'true' ? '在职' : '离职';
  if (col.type === 'consent') return rule.toValue === 'true' ? '同意' : '不同意';
  const code = col.vocabulary?.lookup(rule.toValue ?? '');
  return code ? col.vocabulary!.label(code) : String(rule.toValue);
}
