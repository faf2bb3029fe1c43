/**
 * The mappings one import applies: saved ones (an admin confirmed them: global, or for the file's unit),
 * those of a `--map` file, and the built-in scales and yes/no words. Pure: rules in, lookups out; the
 * parser asks it for headers it does not know and for words a column's vocabulary does not know, and
 * counts what it applied so the report can name each mapping where it applied.
 */
import { say } from '../../src/common/messages';
import type { ImportAnnex } from '../../src/common/enums';
import { nameKey, normalizeText } from '../../src/common/text';
import type { AnnexSpec } from '../annexes/spec';
import { BUILT_IN_MAPPINGS } from '../../src/modules/imports/builtin-mappings';
import { analyseHeader } from './header';

export type MappingScope = 'FILE' | 'UNIT' | 'GLOBAL' | 'BUILT_IN';

export interface MappingRule {
  kind: 'HEADER' | 'VALUE';
  annex: ImportAnnex | null;
  /** Column key: the column a value belongs to, or the column a header means. */
  column: string;
  fromText: string;
  /** The value (code, `true`/`false`) a word maps to; null for a header alias. */
  toValue: string | null;
  scope: MappingScope;
  /** Saved mapping id; null for built-in and file mappings. */
  id: number | null;
  /** Who it is for, as people read it: 全局, the unit's name, 内置 · 1–5 分值, the --map file. */
  scopeLabel: string;
}

/** One mapping as the report names it, with the rows it applied to. */
export interface AppliedMapping {
  kind: 'HEADER' | 'VALUE';
  /** The column's header as the annex names it. */
  column: string;
  from: string;
  /** The value's label (决策者) or, for a header alias, the column it means. */
  to: string;
  scope: MappingScope;
  scopeLabel: string;
  id: number | null;
  rows: number;
}

const PRECEDENCE: Record<MappingScope, number> = { FILE: 0, UNIT: 1, GLOBAL: 2, BUILT_IN: 3 };

const valueKey = (column: string, text: string) => `${column}|${nameKey(text)}`;

export class MappingSet {
  private readonly values = new Map<string, MappingRule>();
  /** Columns with a saved or file mapping of a word: the others skip the lookup (most columns of most imports). */
  private readonly valueColumns = new Set<string>();
  private readonly builtIn = new Map<string, MappingRule>();
  private readonly headers = new Map<string, MappingRule>();

  constructor(annex: ImportAnnex, rules: readonly MappingRule[], withBuiltIns = true) {
    const all = withBuiltIns ? [...rules, ...builtInRules()] : [...rules];
    // Most specific first: a file's mapping, then the unit's, then the global one, then the built-in.
    all.sort((a, b) => PRECEDENCE[a.scope] - PRECEDENCE[b.scope]);
    for (const r of all) {
      if (r.annex !== null && r.annex !== annex) continue;
      if (r.kind === 'HEADER') {
        const k = analyseHeader(r.fromText).key;
        if (!this.headers.has(k)) this.headers.set(k, r);
      } else {
        const target = r.scope === 'BUILT_IN' ? this.builtIn : this.values;
        const k = valueKey(r.column, r.fromText);
        if (!target.has(k)) target.set(k, r);
        if (target === this.values) this.valueColumns.add(r.column);
      }
    }
  }

  /** An admin's (or the --map file's) mapping of a word in a column: applies before the vocabulary. */
  saved(column: string, text: string): MappingRule | undefined {
    return this.valueColumns.has(column) ? this.values.get(valueKey(column, text)) : undefined;
  }

  /** A built-in scale or yes/no word: applies only when the vocabulary does not know the word. */
  builtInFor(column: string, text: string): MappingRule | undefined {
    return this.builtIn.get(valueKey(column, text));
  }

  /** A saved header alias (header text as normalised by the header matcher). */
  header(headerKey: string): MappingRule | undefined {
    return this.headers.get(headerKey);
  }

  get hasHeaders(): boolean {
    return this.headers.size > 0;
  }
}

export function builtInRules(): MappingRule[] {
  return BUILT_IN_MAPPINGS.map((b) => ({ kind: 'VALUE', annex: b.annex, column: b.column, fromText: b.fromText, toValue: b.toValue, scope: 'BUILT_IN', id: null, scopeLabel: `内置 / built-in · ${b.set}` }));
}

/** A mapping as an admin or a --map file gives it: a column by key or header, words as written. */
export interface MappingInput {
  kind: 'HEADER' | 'VALUE';
  annex: ImportAnnex | null;
  /** The column: its key (`role`) or its header (角色, an alias too). */
  column: string;
  fromText: string;
  /** VALUE: the value by code or label (决策者, DECISION_MAKER; 是/否 for 在职 and 信息采集同意). */
  toValue?: string | null;
}

/** A validated mapping: the column's key, the value as a code (`true`/`false` for yes/no columns). */
export interface ValidMapping {
  kind: 'HEADER' | 'VALUE';
  annex: ImportAnnex | null;
  column: string;
  fromText: string;
  toValue: string | null;
}

const MAPPABLE_TYPES = new Set(['enum', 'tags', 'active', 'consent']);
const YES = new Set(['true', '是', '同意', '在职', 'yes', 'y', '1']);
const NO = new Set(['false', '否', '不同意', '离职', 'no', 'n', '0']);

/**
 * Checks one mapping against the annex specs: the column exists (in its annex, or in some annex), a
 * header alias names a real column, a value mapping's column takes words (an enum, tags, 在职, 信息采集同意)
 * and its target is a value of that column. Throws an Error whose message says what is wrong.
 */
export function validateMapping(input: MappingInput, specs: readonly AnnexSpec[]): ValidMapping {
  const fromText = normalizeText(String(input.fromText ?? ''));
  if (!fromText) throw new Error(say('原文（fromText）为空', 'the text as written (fromText) is empty'));
  if (fromText.length > 200) throw new Error(say('原文（fromText）超过 200 个字', 'the text as written (fromText) is longer than 200 characters'));
  const inScope = input.annex ? specs.filter((s) => s.annex === input.annex) : specs;
  const wanted = analyseHeader(String(input.column ?? '')).key;
  const col = inScope.flatMap((s) => s.columns).find((c) => c.type !== 'ignore' && (c.key.toLowerCase() === wanted || analyseHeader(c.header).key === wanted || (c.aliases ?? []).some((a) => analyseHeader(a).key === wanted)));
  if (!col) throw new Error(say(`「${input.column}」不是${input.annex ? inScope[0]?.title ?? input.annex : '任何附件'}的列`, `column "${input.column}" is not a column of ${input.annex ? inScope[0]?.title ?? input.annex : 'any annex'}`));
  if (input.kind === 'HEADER') return { kind: 'HEADER', annex: input.annex, column: col.key, fromText, toValue: null };
  if (!MAPPABLE_TYPES.has(col.type)) throw new Error(say(`${col.header}列没有可映射的取值（只有带词表的列、在职状态和信息采集同意可映射）`, `column ${col.header} takes no words to map (only columns with a vocabulary, 在职状态 and 信息采集同意)`));
  const to = normalizeText(String(input.toValue ?? ''));
  if (!to) throw new Error(say(`「${fromText}」要映射到的值（toValue）为空`, `the value to map "${fromText}" to (toValue) is empty`));
  if (col.type === 'active' || col.type === 'consent') {
    const t = to.toLowerCase();
    if (YES.has(t)) return { kind: 'VALUE', annex: input.annex, column: col.key, fromText, toValue: 'true' };
    if (NO.has(t)) return { kind: 'VALUE', annex: input.annex, column: col.key, fromText, toValue: 'false' };
    throw new Error(`${col.header}: ${say(`「${to}」不是 是 或 否`, `"${to}" is not 是 or 否`)}`);
  }
  const code = col.vocabulary!.lookup(to);
  if (!code) throw new Error(`${col.header}: ${((list: string) => say(`「${to}」不是 ${list} 之一`, `"${to}" is not one of ${list}`))(col.vocabulary!.values.map((v) => col.vocabulary!.label(v)).join('、'))}`);
  return { kind: 'VALUE', annex: input.annex, column: col.key, fromText, toValue: code };
}

/**
 * A `--map mappings.json` file: `{ "annex"?: "persons", "headers": { "关键人物": "姓名" }, "values": { "角色":
 * { "关键人": "决策者" }, "关系亲密度": { "3": "一般" } } }`. Throws an Error naming the first bad entry.
 */
export function parseMappingFile(json: unknown, annex: ImportAnnex, specs: readonly AnnexSpec[]): MappingRule[] {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error(say('映射文件须为含 "headers" 和/或 "values" 的 JSON 对象', 'the mapping file must be a JSON object with "headers" and/or "values"'));
  const o = json as Record<string, unknown>;
  const unknownKeys = Object.keys(o).filter((k) => !['annex', 'headers', 'values'].includes(k));
  if (unknownKeys.length) throw new Error(say(`映射文件含未知的键：${unknownKeys.join(', ')}（应为 annex、headers、values）`, `the mapping file has unknown keys: ${unknownKeys.join(', ')} (expected annex, headers, values)`));
  const rules: MappingRule[] = [];
  const add = (m: MappingInput) => {
    try {
      const v = validateMapping(m, specs);
      rules.push({ ...v, scope: 'FILE', id: null, scopeLabel: '映射文件 / --map file' });
    } catch (e) {
      throw new Error(`${m.kind === 'HEADER' ? 'headers' : `values.${m.column}`}."${m.fromText}": ${(e as Error).message}`, { cause: e });
    }
  };
  const object = (x: unknown, what: string): Record<string, unknown> => {
    if (x === undefined) return {};
    if (!x || typeof x !== 'object' || Array.isArray(x)) throw new Error(say(`"${what}" 须为对象`, `"${what}" must be an object`));
    return x as Record<string, unknown>;
  };
  for (const [from, to] of Object.entries(object(o.headers, 'headers'))) add({ kind: 'HEADER', annex, column: String(to), fromText: from });
  for (const [col, words] of Object.entries(object(o.values, 'values'))) {
    for (const [from, to] of Object.entries(object(words, `values.${col}`))) add({ kind: 'VALUE', annex, column: col, fromText: from, toValue: String(to) });
  }
  return rules;
}
