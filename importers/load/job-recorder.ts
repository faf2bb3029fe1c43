/**
 * What one run keeps beside its counts: the preview of a reviewed import (per row: created / updated /
 * unchanged / error, with the cells before → after) and the undo log of a writing run (each record it
 * created, updated or removed, with the stored columns before). The undo log is written inside the
 * import's transaction, so it commits or rolls back with the rows; the preview is written as the file
 * is read (a preview is a dry run: it has no transaction).
 */
import type { EntityManager } from 'typeorm';
import { bulkWrite } from '../../src/db/bulk';
import { classOf, DataClass } from '../../src/modules/privacy/data-classes';
import { ImportJobChange } from '../../src/modules/imports/import-change.entity';
import { ImportJobRow, type PreviewOutcome, type StoredCellChange } from '../../src/modules/imports/import-row.entity';
import type { ManagementLevel } from '../../src/modules/tiers/management-level.entity';
import type { Tier } from '../../src/modules/tiers/tier.entity';
import type { ParsedRow } from '../read/parser';
import type { CellChange, ChangeRecorder, ImportServices, RowDescription, WrittenRecord } from './context';

/** Rows of a preview kept for review; the job's counts stay exact beyond it. */
export const MAX_PREVIEW_ROWS = 100_000;

/** Undo-log records held before they are written (inside the transaction). */
const WRITTEN_BUFFER = 2_000;

/** The additional authenticated data sealing a personal value in a job's preview. */
export function previewAad(jobId: number, entity: string, field: string): string {
  return `import_job_rows:${jobId}:${entity}.${field}`;
}

export class JobRecorder implements ChangeRecorder {
  describe?: (row: ParsedRow, d: RowDescription) => void;
  written?: (records: WrittenRecord[]) => Promise<void>;
  /** The transaction's manager, set by the importer while it writes. */
  manager: (() => EntityManager) | null = null;
  /** Reference data for readable values (tier and level codes instead of ids). */
  tiers: readonly Tier[] = [];
  managementLevels: readonly ManagementLevel[] = [];

  private readonly descriptions = new WeakMap<ParsedRow, RowDescription>();
  private previewRows: Partial<ImportJobRow>[] = [];
  private previewSeq = 0;
  private writtenRows: Partial<ImportJobChange>[] = [];
  private writtenSeq = 0;

  constructor(
    private readonly services: ImportServices,
    private readonly jobId: number,
    keepWritten: boolean,
    private readonly keepPreview: boolean,
  ) {
    if (keepPreview) this.describe = (row, d) => this.descriptions.set(row, d);
    if (keepWritten) {
      this.written = async (records) => {
        for (const r of records) {
          // A record created right after the previous one (next id, same entity and version) extends its run.
          const last = this.writtenRows[this.writtenRows.length - 1];
          if (r.action === 'created' && !r.before && last?.action === 'created' && last.entity === r.entity && last.versionAfter === (r.versionAfter ?? null) && (last.lastEntityId ?? last.entityId!) + 1 === r.id) {
            last.lastEntityId = r.id;
            continue;
          }
          this.writtenRows.push({
            jobId, seq: ++this.writtenSeq, entity: r.entity, entityId: r.id, lastEntityId: null, action: r.action,
            before: r.before ? JSON.stringify(r.before) : null, versionAfter: r.versionAfter ?? null,
          });
        }
        if (this.writtenRows.length >= WRITTEN_BUFFER && this.manager) await this.flushWritten(this.manager());
      };
    }
  }

  /** The row's outcome, with what the loader described of it. */
  settle(row: ParsedRow, outcome: PreviewOutcome): void {
    if (!this.keepPreview || this.previewSeq >= MAX_PREVIEW_ROWS) return;
    const d = outcome === 'error' ? undefined : this.descriptions.get(row);
    const changes = d && outcome !== 'unchanged' ? d.changes.map((c) => this.stored(c)) : null;
    this.previewRows.push({
      jobId: this.jobId, seq: ++this.previewSeq, sheet: row.sheet.slice(0, 100), row: row.row, outcome,
      accountId: d?.accountId ?? null, label: d?.label?.slice(0, 200) ?? null, changes: changes ? JSON.stringify(changes) : null,
    });
  }

  async flushPreview(force = false): Promise<void> {
    if (!this.previewRows.length || (!force && this.previewRows.length < 1000)) return;
    const rows = this.previewRows;
    this.previewRows = [];
    const now = new Date();
    await bulkWrite(this.services.ds.manager, ImportJobRow, rows, { defaults: { createdAt: now, updatedAt: now } });
  }

  async flushWritten(m: EntityManager): Promise<void> {
    if (!this.writtenRows.length) return;
    const rows = this.writtenRows;
    this.writtenRows = [];
    // Plain multi-row SQL (bulkWrite): the query builder's INSERT costs more than the database spends on it.
    const now = new Date();
    await bulkWrite(m, ImportJobChange, rows, { defaults: { createdAt: now, updatedAt: now } });
  }

  /** An atomic run rolled back: nothing it logged was written. */
  discardWritten(): void {
    this.writtenRows = [];
  }

  /** A cell as the preview keeps it: readable text, 分 as 元, personal values sealed. */
  private stored(c: CellChange): StoredCellChange {
    let field = c.field;
    let before = this.text(c.field, c.before);
    let after = this.text(c.field, c.after);
    if (field.endsWith('Fen')) field = field.slice(0, -3);
    if (field === 'tierId' || field === 'managementLevelId') field = field.slice(0, -2);
    const cls = classOf(c.entity, c.field);
    if (cls === DataClass.PERSONAL || cls === DataClass.SENSITIVE) {
      const aad = previewAad(this.jobId, c.entity, field);
      before = before === null ? null : this.services.keyRing.seal(before, aad);
      after = after === null ? null : this.services.keyRing.seal(after, aad);
      return { e: c.entity, f: field, b: before, a: after, s: true };
    }
    return { e: c.entity, f: field, b: before, a: after };
  }

  private text(field: string, v: unknown): string | null {
    if (v === null || v === undefined || v === '') return null;
    if (field.endsWith('Fen') && (typeof v === 'number' || typeof v === 'string')) return (Number(v) / 100).toFixed(2);
    if (field === 'tierId') return this.tiers.find((t) => t.id === v)?.code ?? String(v);
    if (field === 'managementLevelId') return this.managementLevels.find((l) => l.id === v)?.code ?? String(v);
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.length ? v.join('、') : null;
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }
}
