/** Text normalisation shared by services, importers and lookups. */
import { say } from './messages';
import { DomainError, ErrorCode } from './errors';

/** Printable ASCII and CJK unified ideographs without spaces: already NFKC, nothing to trim (the common case in imports). */
const PLAIN = /^[\x21-\x7e\u4e00-\u9fff]*$/;

/** NFKC (full-width → half-width), trims, collapses inner whitespace runs to one space. */
export function normalizeText(value: string): string {
  if (PLAIN.test(value)) return value;
  return value.normalize('NFKC').replace(/[\s\u00a0\u3000]+/g, ' ').trim();
}

/** Like {@link normalizeText} but returns null for blank input. */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const v = normalizeText(String(value));
  return v === '' ? null : v;
}

/** What nameKey removes or rewrites: spaces, decorative punctuation, brackets. */
const NAME_FOLDED = /[\s\u00a0\u3000·•・.,，、'"“”‘’`（【［{<《）】］}>》]/;

/**
 * Matching key for names of companies, units and people: NFKC, lower case, no whitespace,
 * no decorative punctuation. `北京 建工（集团）有限公司` and `北京建工(集团)有限公司` share a key.
 */
export function nameKey(value: string): string {
  // Nothing to fold (a name as keys are stored, or most company names): lower case is all.
  if (PLAIN.test(value) && !NAME_FOLDED.test(value)) return value.toLowerCase();
  return (PLAIN.test(value) ? value : value.normalize('NFKC'))
    .toLowerCase()
    .replace(/[\s\u00a0\u3000·•・.,，、'"“”‘’`]+/g, '')
    .replace(/[（【［{<《]/g, '(')
    .replace(/[）】］}>》]/g, ')');
}

/** Escapes `%`, `_` and `\` for a LIKE pattern (used with ESCAPE '\'). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Non-blank text, cleaned; `label` names the field for people (理由 / reason). REQUIRED when blank. */
export function requiredText(value: string | null | undefined, field: string, label: string, max = 2000): string {
  const text = cleanText(value);
  if (!text) throw new DomainError(ErrorCode.REQUIRED, `${field}: ${say(`${label}为必填项`, `${label} is required`)}`, { field });
  if (text.length > max) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${say(`最多 ${max} 个字`, `at most ${max} characters`)}`, { field });
  return text;
}

/** Optional text, cleaned (null when blank); VALIDATION_FAILED past `max` characters. */
export function optionalText(value: string | null | undefined, field: string, max = 2000): string | null {
  const text = cleanText(value);
  if (text && text.length > max) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${say(`最多 ${max} 个字`, `at most ${max} characters`)}`, { field });
  return text;
}
