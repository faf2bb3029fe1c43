/**
 * The built-in value mappings: numeric scales (1–5, ★) and yes/no words (是/否, 有/无, √/×, Y/N). They
 * are data, listed by `importMappings(builtIn: true)` and named in every report that used them, and a
 * saved mapping for the same word overrides them — a file's `3` is never read silently.
 */
import { ImportAnnex } from '../../common/enums';

export interface BuiltInMapping {
  annex: ImportAnnex | null;
  /** Column key in the annex spec. */
  column: string;
  fromText: string;
  /** A code of the column's vocabulary; for yes/no columns `true` / `false`. */
  toValue: string;
  /** Which built-in set it belongs to, for people: `1–5 分值` or `是/否`. */
  set: string;
}

const SCALE = '1–5 分值（5 最高）/ 1–5 scale, 5 highest';
const YES_NO = '是/否 / yes-no words';

function scale(annex: ImportAnnex, column: string, codes: [string, string, string, string, string]): BuiltInMapping[] {
  // codes[0] is what 5 means, codes[4] what 1 means; ★★★ counts as 3.
  return codes.flatMap((toValue, i) => {
    const n = 5 - i;
    return [String(n), `${n}分`, '★'.repeat(n)].map((fromText) => ({ annex, column, fromText, toValue, set: SCALE }));
  });
}

const YES = ['是', '有', '√', '✓', '✔', 'Y', 'yes', 'true', '1', '对'];
const NO = ['否', '无', '×', '✗', '✘', 'N', 'no', 'false', '0', '不'];

function yesNo(annex: ImportAnnex, column: string): BuiltInMapping[] {
  return [...YES.map((fromText) => ({ annex, column, fromText, toValue: 'true', set: YES_NO })), ...NO.map((fromText) => ({ annex, column, fromText, toValue: 'false', set: YES_NO }))];
}

export const BUILT_IN_MAPPINGS: readonly BuiltInMapping[] = [
  ...scale(ImportAnnex.PERSONS, 'closeness', ['CLOSE', 'GOOD', 'NORMAL', 'DISTANT', 'DISTANT']),
  ...scale(ImportAnnex.ARCHIVE, 'reputation', ['EXCELLENT', 'GOOD', 'FAIR', 'POOR', 'POOR']),
  ...yesNo(ImportAnnex.PERSONS, 'active'),
  ...yesNo(ImportAnnex.PERSONS, 'consent'),
];
