/**
 * Cell coercion: what people type → typed values. Pure functions, no database: dates as Excel serials
 * (whatever the number format) or text (`2024年3月5日`, `2024.3.5`, `2024/03/05`, `2024-03-05`), amounts
 * as numbers or text (`1,234.5`, `3500万`, `1.2亿`, `万元`), enums by label, alias or code, identifiers
 * through the same validators the services use. Text starting with `= + - @` is just text.
 */
import { DomainError, ErrorCode } from '../../src/common/errors';
import { isValidLocalDate } from '../../src/common/dates';
import { normalizeText } from '../../src/common/text';
import { normalizeCreditCode, normalizeEmail, normalizeMobile, normalizePhone, normalizePostalCode } from '../../src/common/validation';
import { nameKey } from '../../src/common/text';
import type { ColumnSpec } from '../annexes/spec';
import { ImportCode } from './issues';
import type { MappingRule, MappingSet } from './mappings';
import { say } from '../../src/common/messages';
import { CellError, DateSerial, cellText, numberText, serialTimeMs, serialToIsoDate, type CellValue } from './source';

/** A tier or management level as data: code, name, aliases. */
export interface LabelRow {
  code: string;
  name: string;
  aliases: string[];
}

export interface CoerceContext {
  date1904: boolean;
  tiers: readonly LabelRow[];
  managementLevels: readonly LabelRow[];
  /** Saved, --map and built-in mappings of this import (none: only the vocabularies). */
  mappings?: MappingSet;
}

export type Coerced =
  | {
      ok: true;
      value: unknown;
      /** The mapping that read the word (the report names it). */
      mapping?: MappingRule;
      /** An open column's word outside its vocabulary, kept as written (UNKNOWN_VALUE once per word). */
      unknown?: boolean;
      /** An open tags column's words outside its vocabulary (each UNKNOWN_VALUE once), kept in the value as written. */
      unknownWords?: string[];
    }
  | { ok: false; code: string; message: string };

const ok = (value: unknown): Coerced => ({ ok: true, value });

/** 信息采集同意 as a cell says it: given or not, maybe when, maybe how. */
export interface ConsentCell {
  given: boolean;
  /** The date the cell gives (midnight China time), if any. */
  at: Date | null;
  /** 书面 / 口头 / 邮件 …, if the cell says how. */
  way: string | null;
}

const CONSENT_YES = /^(同意|已同意|本人同意|同意采集|已授权|授权|已签署|已签字)$/;
const CONSENT_NO = /^(不同意|未同意|拒绝|不授权|未授权|未签署|撤回|已撤回)$/;
const CONSENT_WAY = /^(书面|口头|邮件|电子邮件|e-?mail|微信|短信|电话|线上|网上|签字|签名|当面|面谈|视频)(同意书|同意|确认|授权|签字|签署|告知)?$/i;

const labelIndexes = new WeakMap<readonly LabelRow[], Map<string, LabelRow>>();

/** Code, name or alias → row, like TierService's matchByLabel, indexed once per list (tiers are data). */
function byLabel(rows: readonly LabelRow[], input: string): LabelRow | undefined {
  let idx = labelIndexes.get(rows);
  if (!idx) {
    idx = new Map();
    for (const r of rows) for (const l of [r.code, r.name, ...r.aliases]) if (!idx.has(nameKey(l))) idx.set(nameKey(l), r);
    labelIndexes.set(rows, idx);
  }
  return idx.get(nameKey(input));
}
const fail = (code: string, message: string): Coerced => ({ ok: false, code, message });

/** Blank after NFKC and trimming. */
export function isBlank(v: CellValue): boolean {
  return v === null || (typeof v === 'string' && normalizeText(v) === '');
}

const dateHint = () => say('日期，如 2024-03-05、2024年3月5日、2024/3/5 或 2024.3.5', 'a date such as 2024-03-05, 2024年3月5日, 2024/3/5 or 2024.3.5');

/** `YYYY-MM-DD` from a cell, or null when it is not a date. */
export function parseDateCell(v: CellValue, date1904: boolean): { date: string; timeMs: number } | null {
  if (v instanceof DateSerial || typeof v === 'number') {
    const serial = v instanceof DateSerial ? v.serial : v;
    const date = serialToIsoDate(serial, date1904);
    return date ? { date, timeMs: serialTimeMs(serial) } : null;
  }
  if (typeof v !== 'string') return null;
  const t = normalizeText(v);
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[\sT]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2}(?:\.\d+)?))?秒?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (!m) {
    const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
    if (compact) m = [t, compact[1], compact[2], compact[3]] as unknown as RegExpExecArray;
  }
  if (m) {
    const date = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
    if (!isValidLocalDate(date) || date < '1900-01-01' || date > '2100-12-31') return null;
    const timeMs = m[4] ? ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6] ?? 0)) * 1000 : 0;
    return { date, timeMs };
  }
  // A serial typed as text (CSV saved from a General-formatted column).
  if (/^\d{5}(\.\d+)?$/.test(t)) {
    const n = Number(t);
    const date = serialToIsoDate(n, date1904);
    return date ? { date, timeMs: serialTimeMs(n) } : null;
  }
  return null;
}

const CELL_UNITS: [RegExp, number][] = [
  [/(亿元|亿)$/, 8],
  [/(千万元|千万)$/, 7],
  [/(百万元|百万)$/, 6],
  [/(万元|万)$/, 4],
  [/(千元)$/, 3],
  [/(元)$/, 0],
];

/** Shifts a decimal string by 10^pow and rounds to an integer (half away from zero), exactly. */
function shiftRound(decimal: string, pow: number): number | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(decimal);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const sign = m[1] === '-' ? -1 : 1;
  const frac = (m[3] ?? '').padEnd(pow + 1, '0');
  const intDigits = (m[2] || '0') + frac.slice(0, pow);
  const roundUp = Number(frac[pow] ?? '0') >= 5;
  const n = Number(intDigits) + (roundUp ? 1 : 0);
  return sign * n;
}

/** An amount in 元 (rounded to the fen), from a number in `scale` units or text with its own unit. */
export function parseAmountCell(v: CellValue, scale: number): number | null {
  const scalePow = Math.round(Math.log10(scale));
  if (typeof v === 'number' || v instanceof DateSerial) {
    const n = typeof v === 'number' ? v : v.serial;
    // A whole number of the column's unit (most amounts): in fen by one exact multiplication (+ 0: no -0).
    const toFen = 10 ** (scalePow + 2);
    if (Number.isInteger(n) && scalePow + 2 >= 0 && Math.abs(n) * toFen <= Number.MAX_SAFE_INTEGER) return (n * toFen + 0) / 100;
    const s = numberText(n);
    const fen = /e/i.test(s) ? Math.round(n * 10 ** (scalePow + 2)) : shiftRound(s, scalePow + 2);
    return fen === null ? null : fen / 100;
  }
  if (typeof v !== 'string') return null;
  let t = normalizeText(v).replace(/[\s,，_']/g, '').replace(/^(人民币|rmb|cny|[¥￥])/i, '').replace(/[¥￥]/g, '');
  let negative = false;
  const paren = /^\((.*)\)$/.exec(t);
  if (paren) {
    negative = true;
    t = paren[1];
  }
  let pow = scalePow;
  for (const [re, p] of CELL_UNITS) {
    if (re.test(t)) {
      t = t.replace(re, '');
      pow = p;
      break;
    }
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  const fen = shiftRound(t, pow + 2);
  if (fen === null) return null;
  return ((negative ? -1 : 1) * fen) / 100;
}

/** A strict column's word outside its vocabulary. */
function notOneOf(word: string, vocab: { values: readonly string[]; label(code: string): string }): string {
  const list = vocab.values.map((v) => vocab.label(v)).join('、');
  return say(`「${word}」不是 ${list} 之一（管理员可映射：saveImportMapping）`, `"${word}" is not one of ${list} (an admin can map it: saveImportMapping)`);
}

function domain(e: unknown): Coerced {
  if (e instanceof DomainError) return fail(e.code, e.message.replace(/^[A-Za-z.]+: /, ''));
  throw e;
}

// 在职 / 离职 in the words of the column itself; 是/否, 1/0, √/× go through the (visible) yes/no mapping.
const TRUE_WORDS = new Set(['在职', '在岗', '有效', '在任', '现任']);
const FALSE_WORDS = new Set(['离职', '已离职', '无效', '调离', '退休', '离任', '已调离']);

/** Columns whose words a mapping may read (saved, --map, built-in). */
const MAPPABLE = new Set(['enum', 'tags', 'active', 'consent']);

/** A mapped word → the column's value: a code of its vocabulary, or a yes/no for 在职 and 信息采集同意. */
function mappedValue(col: ColumnSpec, rule: MappingRule): Coerced {
  const to = rule.toValue ?? '';
  if (col.type === 'active') return { ok: true, value: to === 'true', mapping: rule };
  if (col.type === 'consent') return { ok: true, value: { given: to === 'true', at: null, way: null } satisfies ConsentCell, mapping: rule };
  const code = col.vocabulary?.lookup(to);
  if (!code) return fail(ErrorCode.INVALID_ENUM, say(`映射「${rule.fromText}」→「${to}」（${rule.scopeLabel}）不是${col.header}的取值`, `the mapping "${rule.fromText}" → "${to}" (${rule.scopeLabel}) names no value of ${col.header}`));
  return { ok: true, value: col.type === 'tags' ? [code] : code, mapping: rule };
}

/** 信息采集同意: 同意 / 不同意, a date, a way (书面, 口头, 邮件…), or a way and a date (`书面 2025-01-10`). */
function consentCell(col: ColumnSpec, raw: CellValue, ctx: CoerceContext): Coerced {
  const whole = parseDateCell(raw, ctx.date1904);
  if (whole) return ok({ given: true, at: beijingMidnight(whole.date, whole.timeMs), way: null } satisfies ConsentCell);
  const text = normalizeText(cellText(raw));
  const out: ConsentCell = { given: true, at: null, way: null };
  let mapping: MappingRule | undefined;
  for (const part of text.split(/[\s,，;；、()（）]+/).filter(Boolean)) {
    const d = parseDateCell(part, ctx.date1904);
    if (d) out.at = beijingMidnight(d.date, d.timeMs);
    else if (CONSENT_WAY.test(part)) out.way = part;
    else if (CONSENT_YES.test(part)) out.given = true;
    else if (CONSENT_NO.test(part)) out.given = false;
    else {
      const rule = ctx.mappings?.builtInFor(col.key, part);
      if (!rule) return fail(ErrorCode.INVALID_ENUM, say(`「${text}」不是信息采集同意：请填写 同意 或 不同意（是/否）、同意日期，或同意方式（书面、口头、邮件）`, `"${text}" is not a consent: write 同意 or 不同意 (是/否), the date it was given, or how (书面、口头、邮件)`));
      out.given = rule.toValue === 'true';
      mapping = rule;
    }
  }
  if (!out.given && (out.at || out.way)) return fail(ErrorCode.INVALID_ENUM, say(`「${text}」既写了不同意，又写了同意的日期或方式`, `"${text}" says both 不同意 and when or how consent was given`));
  return { ok: true, value: out, mapping };
}

/** A file's date (and time) as China Standard Time (UTC+8, no daylight saving). */
function beijingMidnight(date: string, timeMs: number): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + timeMs - 8 * 3_600_000);
}

/**
 * A cell's text, normalised. Asked for where a case reads it (a second time only to word a refusal, or
 * for a word no vocabulary knows): a closure over a memo, made for each of a sheet's millions of cells,
 * was a twelfth of an import's garbage.
 */
function textOf(raw: CellValue): string {
  return normalizeText(cellText(raw));
}

/** Coerces one non-blank cell for its column. `scale` is the header's unit multiplier. */
export function coerceCell(col: ColumnSpec, raw: CellValue, scale: number, ctx: CoerceContext): Coerced {
  if (raw instanceof CellError) return fail(ImportCode.EXCEL_ERROR, say(`单元格是 Excel 错误值 ${raw.text}：请填写数值`, `the cell holds the Excel error ${raw.text}; enter a value`));
  if (ctx.mappings && MAPPABLE.has(col.type) && col.type !== 'tags') {
    // An admin's mapping (or the --map file's) reads the word before the vocabulary does.
    const saved = ctx.mappings.saved(col.key, textOf(raw));
    if (saved) return mappedValue(col, saved);
  }
  switch (col.type) {
    case 'ignore':
      return ok(null);
    case 'text':
      return ok(textOf(raw));
    case 'date': {
      const d = parseDateCell(raw, ctx.date1904);
      return d ? ok(d.date) : fail(ErrorCode.INVALID_DATE, say(`「${textOf(raw)}」不是${dateHint()}`, `"${textOf(raw)}" is not ${dateHint()}`));
    }
    case 'datetime': {
      const d = parseDateCell(raw, ctx.date1904);
      if (!d) return fail(ErrorCode.INVALID_DATE, say(`「${textOf(raw)}」不是${dateHint()}（其后可带时间）`, `"${textOf(raw)}" is not ${dateHint()} (a time may follow)`));
      // Times in the files are China Standard Time (UTC+8, no daylight saving).
      return ok(beijingMidnight(d.date, d.timeMs));
    }
    case 'amount': {
      const yuan = parseAmountCell(raw, scale);
      if (yuan === null) return fail(ErrorCode.INVALID_AMOUNT, say(`「${textOf(raw)}」不是金额（如 1234.5、1,234.5、3500万、1.2亿）`, `"${textOf(raw)}" is not an amount (e.g. 1234.5, 1,234.5, 3500万, 1.2亿)`));
      if (yuan < 0) return fail(ErrorCode.INVALID_AMOUNT, say(`「${textOf(raw)}」是负数`, `"${textOf(raw)}" is negative`));
      return ok(yuan);
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : Number(textOf(raw).replace(/[,，\s]/g, '').replace(/分$/, ''));
      return Number.isFinite(n) && textOf(raw) !== '' ? ok(Number(numberText(n))) : fail(ImportCode.INVALID_NUMBER, say(`「${textOf(raw)}」不是数字`, `"${textOf(raw)}" is not a number`));
    }
    case 'year': {
      const t = textOf(raw).replace(/(年度|年)$/, '');
      const n = typeof raw === 'number' ? raw : Number(t);
      return Number.isInteger(n) && n >= 1990 && n <= 2100 ? ok(n) : fail(ImportCode.INVALID_NUMBER, say(`「${textOf(raw)}」不是年份（如 2025）`, `"${textOf(raw)}" is not a year (e.g. 2025)`));
    }
    case 'enum': {
      const vocab = col.vocabulary!;
      const code = vocab.lookup(textOf(raw));
      if (code) return ok(code);
      const builtIn = ctx.mappings?.builtInFor(col.key, textOf(raw));
      if (builtIn) return mappedValue(col, builtIn);
      // A descriptive column keeps the word as written; the service stores it as the field's label.
      if (col.open) return { ok: true, value: textOf(raw), unknown: true };
      return fail(ErrorCode.INVALID_ENUM, notOneOf(textOf(raw), vocab));
    }
    case 'tags': {
      const vocab = col.vocabulary!;
      const parts = textOf(raw).split(/[、,，;；/\s]+/).filter(Boolean);
      const codes: string[] = [];
      const unknownWords: string[] = [];
      let mapping: MappingRule | undefined;
      for (const p of parts) {
        const rule = ctx.mappings?.saved(col.key, p);
        const code = rule ? vocab.lookup(rule.toValue ?? '') : vocab.lookup(p);
        if (rule) mapping = rule;
        if (!code && col.open && !rule) {
          // A descriptive column keeps the word as written (the service stores it beside the codes).
          if (!unknownWords.includes(p)) unknownWords.push(p);
          continue;
        }
        if (!code) return fail(ErrorCode.INVALID_ENUM, notOneOf(p, vocab));
        if (!codes.includes(code)) codes.push(code);
      }
      return unknownWords.length ? { ok: true, value: [...codes, ...unknownWords], mapping, unknownWords } : { ok: true, value: codes, mapping };
    }
    case 'consent':
      return consentCell(col, raw, ctx);
    case 'tier': {
      const t = byLabel(ctx.tiers, textOf(raw));
      return t ? ok(t.code) : fail(ErrorCode.UNKNOWN_TIER, say(`「${textOf(raw)}」不是客户层级（${ctx.tiers.map((x) => x.name).join('、')}）`, `"${textOf(raw)}" is not a tier (${ctx.tiers.map((x) => x.name).join('、')})`));
    }
    case 'managementLevel': {
      const l = byLabel(ctx.managementLevels, textOf(raw));
      return l ? ok(l.code) : fail(ErrorCode.INVALID_ENUM, say(`「${textOf(raw)}」不是管理层级（${ctx.managementLevels.map((x) => x.name).join('、')}）`, `"${textOf(raw)}" is not a management level (${ctx.managementLevels.map((x) => x.name).join('、')})`));
    }
    case 'phone':
      try {
        return ok(normalizePhone(textOf(raw), col.key));
      } catch (e) {
        return domain(e);
      }
    case 'mobile':
      try {
        return ok(normalizeMobile(textOf(raw), col.key));
      } catch (e) {
        return domain(e);
      }
    case 'email':
      try {
        return ok(normalizeEmail(textOf(raw), col.key));
      } catch (e) {
        return domain(e);
      }
    case 'creditCode':
      try {
        return ok(normalizeCreditCode(textOf(raw), col.key));
      } catch (e) {
        return domain(e);
      }
    case 'postalCode':
      try {
        return ok(normalizePostalCode(typeof raw === 'number' ? String(raw).padStart(6, '0') : textOf(raw), col.key));
      } catch (e) {
        return domain(e);
      }
    case 'active': {
      const t = textOf(raw).toLowerCase();
      if (typeof raw === 'boolean') return ok(raw);
      if (TRUE_WORDS.has(t)) return ok(true);
      if (FALSE_WORDS.has(t)) return ok(false);
      const builtIn = ctx.mappings?.builtInFor(col.key, textOf(raw));
      if (builtIn) return mappedValue(col, builtIn);
      return fail(ErrorCode.INVALID_ENUM, say(`「${textOf(raw)}」不是 在职 或 离职`, `"${textOf(raw)}" is not 在职 or 离职`));
    }
  }
}
