/** Small object helpers. */

/** The named properties of `row` (for before/after pictures in the audit trail). */
export function pick(row: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (row as Record<string, unknown>)[k]]));
}
