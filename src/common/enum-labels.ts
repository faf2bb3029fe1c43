/** The Chinese label of an enum value, for every door that shows one (GraphQL `…Label` fields, feeds, BI views). */
import type { GraphQLEnumType } from 'graphql';
import { vocabularies } from './enums';

/**
 * The registered vocabulary's label (common/enums.ts) when the enum is a vocabulary; otherwise the
 * Chinese half of the value's `中文 / English` description; the code itself when neither knows it.
 */
export function enumLabel(type: GraphQLEnumType, code: string): string {
  const vocab = vocabularies().get(type.name);
  if (vocab?.values.includes(code)) return vocab.label(code);
  const description = type.getValue(code)?.description;
  return description ? description.split(' / ')[0].trim() : code;
}

/** The Chinese half of a `中文 / English` description, without its parentheticals: `年合作销售额（元）/ annual sales` → 年合作销售额. */
export function chineseTitle(description: string): string {
  return description.split(/\s*\/\s+/)[0].replace(/[（(][^）)]*[）)]/g, '').trim();
}
