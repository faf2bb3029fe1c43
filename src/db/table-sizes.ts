/**
 * Row counts of the tables heavy queries scan, for pricing them (src/http/protection.ts): the cost
 * estimate runs synchronously before a query executes and cannot ask the database, so it reads the
 * last snapshot. One statement counts them all (through HeavyReads: off the event loop on SQLite),
 * at start and again, in the background, when a snapshot older than `maxAgeMs` is read.
 */
import { systemContext } from '../common/context';
import type { Logger } from '../common/logger';
import type { HeavyReads } from './heavy-reads';

export const SIZED_TABLES = [
  'accounts', 'activities', 'projects', 'receivables', 'payments', 'contacts', 'credit_evaluations',
  'assignments', 'cadence_rules', 'users', 'org_units', 'tiers', 'audit_events', 'import_jobs',
] as const;
export type SizedTable = (typeof SIZED_TABLES)[number];
export type TableSizesSnapshot = Readonly<Record<SizedTable, number>>;

export class TableSizes {
  private snapshot: TableSizesSnapshot = Object.fromEntries(SIZED_TABLES.map((t) => [t, 0])) as Record<SizedTable, number>;
  private takenAt = 0;
  private refreshing: Promise<void> | undefined;
  private generation = 0;

  constructor(
    private readonly reads: HeavyReads,
    private readonly options: { maxAgeMs?: number; logger?: Logger } = {},
  ) {}

  /** The latest counts; starts a refresh in the background when they are older than `maxAgeMs` (default 60 s). */
  current(): TableSizesSnapshot {
    if (Date.now() - this.takenAt > (this.options.maxAgeMs ?? 60_000)) void this.refresh();
    return this.snapshot;
  }

  /** Changes whenever the counts do: cached costs keyed by it stay true. */
  get version(): number {
    return this.generation;
  }

  /** Counts again (one refresh at a time; failures keep the previous counts and are logged). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const sql = `SELECT ${SIZED_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`).join(', ')}`;
        const [row] = await this.reads.query(systemContext('table-sizes', 'server'), sql);
        const next = Object.fromEntries(SIZED_TABLES.map((t) => [t, Number(row?.[t] ?? 0)])) as Record<SizedTable, number>;
        if (SIZED_TABLES.some((t) => next[t] !== this.snapshot[t])) this.generation++;
        this.snapshot = next;
      } catch (e) {
        this.options.logger?.warn('counting table rows for query pricing failed; the previous counts stay in use', { error: e });
      } finally {
        this.takenAt = Date.now();
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
