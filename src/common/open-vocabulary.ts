/**
 * Open vocabularies: descriptive fields (a person's role, closeness, gender; an account's ownership,
 * scale, reputation) take any word. A code, label or alias of the vocabulary maps to its code; any
 * other word is kept as written beside a null code — branches write their own words, and an admin can
 * map them later (saved import mappings) without anything being lost in between.
 *
 * Stored as two columns, `role` (the code, or null) and `roleLabel` (the vocabulary's label for a code,
 * else the word as written), so every reader — the API, exports, BI — shows a label beside the code.
 */
import { say } from './messages';
import { DomainError, ErrorCode } from './errors';
import type { EnumVocabulary } from './enums';
import { cleanText } from './text';

/** The longest word kept as written (the `…_label` columns). */
export const OPEN_LABEL_MAX = 100;

export interface OpenValue<T extends string> {
  code: T | null;
  label: string | null;
}

/** A word (or a code) → its code and label; an unknown word keeps a null code and itself as the label. */
export function openValue<T extends string>(vocab: EnumVocabulary<T>, input: string | null | undefined, field: string): OpenValue<T> {
  const text = cleanText(input);
  if (text === null) return { code: null, label: null };
  const code = vocab.lookup(text);
  if (code !== undefined) return { code, label: vocab.label(code) };
  if (text.length > OPEN_LABEL_MAX) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${say(`「${text.slice(0, 20)}…」超过 ${OPEN_LABEL_MAX} 个字`, `"${text.slice(0, 20)}…" is longer than ${OPEN_LABEL_MAX} characters`)}`, { field });
  }
  return { code: null, label: text };
}

/** True when the word is not (a code, label or alias) of the vocabulary: it will be kept as written. */
export function isUnknownWord(vocab: EnumVocabulary<string>, input: string): boolean {
  return vocab.lookup(input) === undefined;
}

/** `ownership` → `ownershipLabel`, made once per field (an import asks three times a row). */
const LABEL_KEYS = new Map<string, string>();

/**
 * An input's word for an open field: `…Label` (free text from the API) when given, else the field
 * itself (a code from the API, any word from a file). `undefined` when neither is given (a patch
 * leaves the field alone).
 */
export function openInput(input: Record<string, unknown>, field: string): string | null | undefined {
  let key = LABEL_KEYS.get(field);
  if (key === undefined) LABEL_KEYS.set(field, (key = `${field}Label`));
  const label = input[key];
  if (label !== undefined) return label as string | null;
  return input[field] as string | null | undefined;
}
