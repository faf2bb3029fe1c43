/** Record ids as clients send them: GraphQL `ID`s arrive as strings, in-process callers pass numbers. */
import { DomainError, ErrorCode } from './errors';

export type Id = number | string;

/** A positive integer id, or VALIDATION_FAILED naming the field. */
export function toId(value: Id, field: string): number {
  const n = typeof value === 'number' ? value : /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: "${value}" is not an id`, { field, value });
  return n;
}

export function toIdOrNull(value: Id | null | undefined, field: string): number | null {
  return value === null || value === undefined || value === '' ? null : toId(value, field);
}

export function toIds(values: readonly Id[] | null | undefined, field: string): number[] | undefined {
  return values ? values.map((v) => toId(v, field)) : undefined;
}
