/** Counts the SQL statements a piece of code sends, on either database (spies on the query runner). */
import type { DataSource } from 'typeorm';

export async function countQueries<T>(ds: DataSource, fn: () => Promise<T>): Promise<{ result: T; queries: number; sql: string[] }> {
  const runner = ds.createQueryRunner();
  const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
  if (ds.options.type !== 'better-sqlite3') await runner.release();
  const spy = jest.spyOn(proto, 'query');
  try {
    const result = await fn();
    const sql = spy.mock.calls.map((c) => String(c[0]));
    return { result, queries: sql.length, sql };
  } finally {
    spy.mockRestore();
  }
}
