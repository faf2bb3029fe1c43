/**
 * Counts the SQL statements a DataSource runs, by wrapping its logger (TypeORM calls `logQuery` for
 * every statement, whatever the logging option). Used by the query-count test and the API benchmark.
 */
import type { DataSource, Logger } from 'typeorm';

export interface QueryCounter {
  /** Statements run since the counter was created or last reset. */
  readonly count: number;
  /** The statements themselves (when `keep` was asked for). */
  readonly queries: readonly string[];
  reset(): void;
  /** Puts the original logger back. */
  stop(): void;
}

export function countQueries(ds: DataSource, options: { keep?: boolean } = {}): QueryCounter {
  const original = ds.logger;
  let count = 0;
  let queries: string[] = [];
  const wrapped: Logger = {
    logQuery(query, parameters, queryRunner) {
      count++;
      if (options.keep) queries.push(query);
      return original.logQuery(query, parameters, queryRunner);
    },
    logQueryError: (...args) => original.logQueryError(...args),
    logQuerySlow: (...args) => original.logQuerySlow(...args),
    logSchemaBuild: (...args) => original.logSchemaBuild(...args),
    logMigration: (...args) => original.logMigration(...args),
    log: (...args) => original.log(...args),
  };
  (ds as unknown as { logger: Logger }).logger = wrapped;
  return {
    get count() {
      return count;
    },
    get queries() {
      return queries;
    },
    reset() {
      count = 0;
      queries = [];
    },
    stop() {
      (ds as unknown as { logger: Logger }).logger = original;
    },
  };
}
