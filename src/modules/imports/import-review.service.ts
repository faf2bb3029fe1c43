/**
 * Review before commit, and undo after: the lifecycle of an uploaded import beyond one run.
 *
 *   upload → RUNNING (the preview, a dry run) → PREVIEW (awaits confirmation until `expiresAt`)
 *          → confirm → RUNNING (the import, the same file from the database) → SUCCEEDED / REJECTED
 *          → undo → UNDONE
 *   a PREVIEW past its time → EXPIRED (its upload is dropped)
 *
 * Every transition is one conditional UPDATE on the job row (`WHERE status = …`), so two instances
 * confirming the same job, or a confirm racing the expiry, cannot both win. The rows themselves are
 * checked and written by the importer, through the same rules as every other door.
 */
import { say } from '../../common/messages';
import { Between, In, QueryFailedError, type DataSource, type EntityManager, type EntityMetadata, type EntityTarget } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ImportMode, ImportModes, ImportStatus, Role } from '../../common/enums';
import { translateConstraintError } from '../../db/constraint-errors';
import { deleteIds, deleteWhere } from '../../db/deletions';
import { inTransaction } from '../../db/transaction';
import type { AuditService } from '../audit/audit.service';
import { assertMayImport } from '../auth/access.rules';
import type { KeyRing } from '../../common/field-crypto';
import type { NeedToKnowService } from '../privacy/need-to-know.service';
import { mayRead } from '../privacy/need-to-know.rules';
import { classOf } from '../privacy/data-classes';
import { ImportJob } from './import-job.entity';
import { ImportIssue } from './import-issue.entity';
import { ImportJobFile } from './import-job-file.entity';
import { ImportJobRow, type PreviewOutcome, type StoredCellChange } from './import-row.entity';
import { ImportJobChange } from './import-change.entity';
import { importLockKey, inProgress, THIS_RUNNER, type ImportService } from './import.service';

/** One cell of a previewed row as a reader sees it. */
export interface PreviewCell {
  entity: string;
  field: string;
  before: string | null;
  after: string | null;
  /** The reader may not read this value (need-to-know): before and after are withheld. */
  masked: boolean;
}

export interface PreviewRowView {
  sheet: string;
  row: number;
  outcome: PreviewOutcome;
  accountId: number | null;
  label: string | null;
  changes: PreviewCell[];
  /** The row's errors (outcome `error`). */
  errors: ImportIssue[];
}

export interface PreviewPage {
  /** Rows of the preview matching the filter (stored rows; see `truncated`). */
  total: number;
  /** The preview keeps its first 100,000 rows; the job's counts cover the whole file. */
  truncated: boolean;
  rows: PreviewRowView[];
}

export interface UndoKept {
  entity: string;
  id: number;
  /** CHANGED_SINCE (edited after the import), IN_USE (other records refer to it), GONE (deleted since). */
  reason: 'CHANGED_SINCE' | 'IN_USE' | 'GONE';
  message: string;
}

export interface UndoResult {
  job: ImportJob;
  removed: number;
  restored: number;
  kept: UndoKept[];
}

/** Ownership bookkeeping that goes with an account the import created (opened by the import itself). */
const GOES_WITH_ACCOUNT = new Set(['Assignment', 'AccountRecommendation']);
/** Records of a run read, checked and removed per statement. */
const RUN_CHUNK = 1000;

export class ImportReviewService {
  constructor(
    private readonly ds: DataSource,
    private readonly imports: ImportService,
    private readonly audit: AuditService,
    private readonly needToKnow: NeedToKnowService,
    private readonly settings: () => { undoDays: number },
    private readonly keyRing: KeyRing,
  ) {}

  /**
   * Confirms a previewed import: the job becomes RUNNING with its annex's lock, as the caller. Refused
   * when the preview expired (IMPORT_EXPIRED), when it is no longer awaiting confirmation
   * (IMPORT_ALREADY_CONFIRMED), when another import of the annex runs (IMPORT_IN_PROGRESS), and in
   * atomic mode when the preview rejected rows (confirm with skip-invalid to write the valid ones).
   */
  async confirm(ctx: RequestContext, id: number, modeInput?: ImportMode | string | null): Promise<ImportJob> {
    assertMayImport(ctx);
    const job = await this.imports.get(ctx, id);
    this.assertOwnJob(ctx, job, 'confirm');
    const mode = modeInput ? (ImportModes.parse(String(modeInput), 'mode') as ImportMode) : job.mode;
    this.assertAwaitingConfirmation(job);
    if (mode === ImportMode.ATOMIC && (job.rowsInvalid > 0 || job.errorCount > 0)) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        say(
          `导入任务 #${job.id} 的预览拒绝了 ${job.rowsInvalid} 行（${job.errorCount} 个错误）；整体模式下不会写入任何内容——请修正文件后重新上传（GET /imports/${job.id}/errors.xlsx），或以 skip-invalid 模式确认，只写入有效行`,
          `the preview of job #${job.id} rejected ${job.rowsInvalid} row(s) (${job.errorCount} error(s)); in atomic mode nothing would be written — fix the file and upload it again (GET /imports/${job.id}/errors.xlsx), or confirm with mode skip-invalid to write the valid rows`,
        ),
        { field: 'mode', jobId: job.id },
      );
    }
    const lockKey = importLockKey(job.annex);
    const held = await this.ds.manager.findOneBy(ImportJob, { lockKey });
    if (held) throw inProgress(job.annex, held);
    const now = new Date();
    try {
      const res = await this.ds.manager.createQueryBuilder().update(ImportJob)
        .set({ status: ImportStatus.RUNNING, dryRun: false, mode, lockKey, runner: THIS_RUNNER, confirmedAt: now, confirmedBy: ctx.actor.name, heartbeatAt: now, rowsProcessed: 0, expiresAt: null, finishedAt: null })
        .where('id = :id AND status = :preview', { id, preview: ImportStatus.PREVIEW })
        .execute();
      if (!res.affected) this.assertAwaitingConfirmation(await this.ds.manager.findOneByOrFail(ImportJob, { id }));
    } catch (e) {
      if (translateConstraintError(e, this.ds)?.code !== ErrorCode.ALREADY_EXISTS) throw e;
      throw inProgress(job.annex, await this.ds.manager.findOneBy(ImportJob, { lockKey }));
    }
    // The run reports its own errors and warnings; the preview's rows stay as what was reviewed.
    await this.ds.manager.delete(ImportIssue, { jobId: id });
    await this.ds.manager.delete(ImportJobFile, { jobId: id, kind: 'errors' });
    await this.audit.record(ctx, { action: 'import.confirm', entity: 'ImportJob', entityId: id, after: { annex: job.annex, file: job.fileName, mode } });
    return this.ds.manager.findOneByOrFail(ImportJob, { id });
  }

  /** Runs the preview of a PREVIEW job again (after an administrator saved mappings): the job becomes RUNNING. */
  async restartPreview(ctx: RequestContext, id: number): Promise<ImportJob> {
    assertMayImport(ctx);
    const job = await this.imports.get(ctx, id);
    this.assertOwnJob(ctx, job, 'preview again');
    this.assertAwaitingConfirmation(job);
    const now = new Date();
    const res = await this.ds.manager.createQueryBuilder().update(ImportJob)
      .set({ status: ImportStatus.RUNNING, runner: THIS_RUNNER, heartbeatAt: now, startedAt: now, finishedAt: null, rowsProcessed: 0, expiresAt: null })
      .where('id = :id AND status = :preview', { id, preview: ImportStatus.PREVIEW })
      .execute();
    if (!res.affected) this.assertAwaitingConfirmation(await this.ds.manager.findOneByOrFail(ImportJob, { id }));
    await this.ds.manager.delete(ImportJobRow, { jobId: id });
    await this.ds.manager.delete(ImportIssue, { jobId: id });
    await this.ds.manager.delete(ImportJobFile, { jobId: id, kind: 'errors' });
    return this.ds.manager.findOneByOrFail(ImportJob, { id });
  }

  /**
   * A page of the job's preview, each value as the caller may read it (the need-to-know rules of every
   * other door: confidential figures to those responsible for the account, personal data to its manager,
   * ADMIN and the committee with an agreement on file).
   */
  async preview(ctx: RequestContext, id: number, options: { outcomes?: PreviewOutcome[] | null; offset?: number; first?: number } = {}): Promise<PreviewPage> {
    const job = await this.imports.get(ctx, id);
    const where = { jobId: job.id, ...(options.outcomes?.length ? { outcome: In(options.outcomes) } : {}) };
    const first = Math.min(Math.max(options.first ?? 100, 0), 1000);
    const [rows, total] = await this.ds.manager.findAndCount(ImportJobRow, { where, order: { seq: 'ASC' }, skip: Math.max(options.offset ?? 0, 0), take: first });
    const facts = await this.needToKnow.facts(ctx);
    const accounts = await this.needToKnow.accountFacts(ctx, rows.map((r) => r.accountId).filter((a): a is number => a !== null));
    const errorRows = rows.filter((r) => r.outcome === 'error');
    const issues = errorRows.length
      ? await this.ds.manager.find(ImportIssue, { where: { jobId: job.id, severity: 'error', row: In(errorRows.map((r) => r.row)) }, order: { id: 'ASC' } })
      : [];
    const stored = await this.ds.manager.count(ImportJobRow, { where: { jobId: job.id } });
    return {
      total,
      truncated: stored < job.rowsTotal,
      rows: rows.map((r) => ({
        sheet: r.sheet,
        row: r.row,
        outcome: r.outcome,
        accountId: r.accountId,
        label: r.label,
        errors: issues.filter((i) => i.row === r.row && (i.sheet ?? r.sheet) === r.sheet),
        changes: (r.changes ? (JSON.parse(r.changes) as StoredCellChange[]) : []).map((c) => {
          const account = r.accountId !== null ? (accounts.get(r.accountId) ?? null) : null;
          if (!mayRead(ctx.actor, classOf(c.e, c.f), account, facts)) return { entity: c.e, field: c.f, before: null, after: null, masked: true };
          const open = (v: string | null) => (v !== null && c.s ? this.keyRing.open(v, `import_job_rows:${job.id}:${c.e}.${c.f}`, `import preview ${c.e}.${c.f}`) : v);
          return { entity: c.e, field: c.f, before: open(c.b), after: open(c.a), masked: false };
        }),
      })),
    };
  }

  /**
   * Undoes a whole import in one transaction and one audit event: records it created are removed,
   * records it updated get their columns back, collections it cleared come back. A record changed
   * since (its version moved on), or that other records now refer to, is kept and listed. ADMIN may
   * undo any import; the user who ran it, within KAM_IMPORT_UNDO_DAYS of its end.
   */
  async undo(ctx: RequestContext, id: number): Promise<UndoResult> {
    assertMayImport(ctx);
    const job = await this.imports.get(ctx, id);
    const { undoDays } = this.settings();
    if (ctx.actor.role !== Role.ADMIN) {
      if (job.actorUserId === null || job.actorUserId !== ctx.actor.userId) {
        throw new DomainError(ErrorCode.FORBIDDEN, say(`导入 #${job.id} 由 ${job.actor} 执行：只有本人或 ADMIN 可以撤销`, `import #${job.id} was run by ${job.actor}: only they or an ADMIN may undo it`));
      }
      const end = (job.finishedAt ?? job.createdAt).getTime();
      if (Date.now() - end > undoDays * 86_400_000) {
        throw new DomainError(ErrorCode.FORBIDDEN, say(`导入 #${job.id} 已结束超过 ${undoDays} 天（KAM_IMPORT_UNDO_DAYS）：请 ADMIN 撤销`, `import #${job.id} ended more than ${undoDays} day(s) ago (KAM_IMPORT_UNDO_DAYS): ask an ADMIN to undo it`));
      }
    }
    if (job.status === ImportStatus.UNDONE) throw new DomainError(ErrorCode.INVALID_STATE, say(`导入 #${job.id} 已被撤销（${job.undoneAt?.toISOString() ?? ''}，${job.undoneBy ?? '?'}）`, `import #${job.id} was already undone (${job.undoneAt?.toISOString() ?? ''} by ${job.undoneBy ?? '?'})`));
    if (job.dryRun || (job.status !== ImportStatus.SUCCEEDED && job.status !== ImportStatus.REJECTED)) {
      throw new DomainError(ErrorCode.INVALID_STATE, say(`导入 #${job.id} 的状态为 ${job.status}${job.dryRun ? '（试运行或预览）' : ''}：没有写入任何可撤销的内容`, `import #${job.id} is ${job.status}${job.dryRun ? ' (a dry run or preview)' : ''}: it wrote nothing to undo`));
    }
    const logged = await this.ds.manager.countBy(ImportJobChange, { jobId: id });
    if (logged === 0 && job.rowsCreated + job.rowsUpdated > 0) {
      throw new DomainError(ErrorCode.INVALID_STATE, say(`导入 #${job.id} 运行时尚未记录写入内容，无法撤销`, `import #${job.id} ran before imports kept what they wrote; it cannot be undone`));
    }
    // The annex's lock, on this job's row: no import of the annex writes while it is undone.
    const lockKey = importLockKey(job.annex);
    try {
      const res = await this.ds.manager.createQueryBuilder().update(ImportJob).set({ lockKey }).where('id = :id AND lock_key IS NULL', { id }).execute();
      if (!res.affected) throw inProgress(job.annex, null);
    } catch (e) {
      if (e instanceof DomainError || translateConstraintError(e, this.ds)?.code !== ErrorCode.ALREADY_EXISTS) throw e;
      throw inProgress(job.annex, await this.ds.manager.findOneBy(ImportJob, { lockKey }));
    }
    try {
      // (inTransaction: on SQLite in turn with the process's other transactions, which share its one connection)
      return await inTransaction(this.ds, { ...ctx, em: undefined }, async (tx) => {
        const em = tx.em!;
        const kept: UndoKept[] = [];
        let removed = 0;
        let restored = 0;
        const logged = await em.find(ImportJobChange, { where: { jobId: id }, order: { seq: 'DESC' } });
        for (const c of logged) {
          if (c.lastEntityId !== null) {
            // A run of created records: undone together, last first.
            const run = await this.undoCreatedRun(em, c);
            removed += run.removed;
            kept.push(...run.kept);
            continue;
          }
          const outcome = await this.undoOne(em, c);
          if (outcome === 'removed') removed++;
          else if (outcome === 'restored') restored++;
          else kept.push(outcome);
        }
        const now = new Date();
        await em.update(ImportJob, { id }, { status: ImportStatus.UNDONE, undoneAt: now, undoneBy: ctx.actor.name, lockKey: null });
        await this.audit.record(tx, {
          action: 'import.undo', entity: 'ImportJob', entityId: id,
          after: { annex: job.annex, file: job.fileName, removed, restored, kept: kept.length, keptRecords: kept.slice(0, 100).map((k) => `${k.entity}#${k.id}:${k.reason}`) },
        });
        return { job: await em.findOneByOrFail(ImportJob, { id }), removed, restored, kept };
      });
    } finally {
      await this.ds.manager.update(ImportJob, { id, lockKey }, { lockKey: null });
    }
  }

  private async undoOne(em: EntityManager, c: ImportJobChange): Promise<'removed' | 'restored' | UndoKept> {
    const meta = this.ds.getMetadata(c.entity);
    const current = await em.findOne(meta.target, { select: { id: true, ...(meta.versionColumn ? { version: true } : {}) } as never, where: { id: c.entityId } as never }) as { id: number; version?: number } | null;
    const keep = (reason: UndoKept['reason'], message: string): UndoKept => ({ entity: c.entity, id: c.entityId, reason, message });
    if (c.action === 'deleted') {
      if (current) return keep('CHANGED_SINCE', say(`${c.entity} #${c.entityId} 已重新存在`, `${c.entity} #${c.entityId} exists again`));
      await em.insert(meta.target, revive(meta, JSON.parse(c.before ?? '{}')));
      return 'restored';
    }
    if (!current) return keep('GONE', goneMessage(c.entity, c.entityId));
    if (c.versionAfter !== null && current.version !== undefined && current.version !== c.versionAfter) {
      return keep('CHANGED_SINCE', changedMessage(c.entity, c.entityId, current.version, c.versionAfter));
    }
    if (c.action === 'updated') {
      const before = revive(meta, JSON.parse(c.before ?? '{}'));
      delete before.id;
      delete before.createdAt;
      if (meta.versionColumn) before[meta.versionColumn.propertyName] = (current.version ?? 0) + 1;
      await em.update(meta.target, { id: c.entityId }, before);
      return 'restored';
    }
    const referrers = await this.cascadingReferrers(em, meta, c.entityId);
    if (referrers.length) return keep('IN_USE', inUseMessage(c.entity, c.entityId, referrers));
    // A savepoint: a reference the database refuses to drop keeps the record instead of failing the undo.
    const qr = em.queryRunner!;
    await qr.startTransaction();
    try {
      // Through deleteWhere, so the removal leaves its tombstone for BI's incremental refresh (issue 15).
      await deleteWhere(em, meta.target as EntityTarget<{ id: number }>, { id: c.entityId });
      await qr.commitTransaction();
      return 'removed';
    } catch (e) {
      await qr.rollbackTransaction();
      // A DELETE by id fails only on references: foreign keys, or the triggers that guard them on SQLite (SQLITE_CONSTRAINT_TRIGGER).
      if (!(e instanceof QueryFailedError)) throw e;
      return keep('IN_USE', say(`${c.entity} #${c.entityId} 被此后写入的记录引用`, `${c.entity} #${c.entityId} is referred to by records written since`));
    }
  }

  /**
   * A run of created records (ids first…last, logged as one row), undone as {@link undoOne} undoes each —
   * GONE, CHANGED_SINCE, IN_USE while records the import did not write refer to it, else removed — but a
   * thousand records a statement instead of a dozen statements a record (200,000 accounts had not been
   * undone in ten minutes). Records of the run that refer to each other (上级集团) are removed together;
   * one the run keeps keeps what it refers to. A chunk whose DELETE the database still refuses (a
   * reference no relation declares) is undone record by record.
   */
  private async undoCreatedRun(em: EntityManager, c: ImportJobChange): Promise<{ removed: number; kept: UndoKept[] }> {
    const meta = this.ds.getMetadata(c.entity);
    const first = c.entityId;
    const last = c.lastEntityId!;
    const kept = new Map<number, UndoKept>();
    const keep = (id: number, reason: UndoKept['reason'], message: string) => kept.set(id, { entity: c.entity, id, reason, message });
    const present = new Set<number>();
    for (let a = first; a <= last; a += RUN_CHUNK) {
      const rows = (await em.find(meta.target, { select: { id: true, ...(meta.versionColumn ? { version: true } : {}) } as never, where: { id: Between(a, Math.min(last, a + RUN_CHUNK - 1)) } as never })) as { id: number; version?: number }[];
      for (const r of rows) {
        present.add(r.id);
        if (c.versionAfter !== null && r.version !== undefined && r.version !== c.versionAfter) {
          keep(r.id, 'CHANGED_SINCE', changedMessage(c.entity, r.id, r.version, c.versionAfter));
        }
      }
    }
    for (let id = last; id >= first; id--) if (!present.has(id)) keep(id, 'GONE', goneMessage(c.entity, id));
    // Referrers outside the run; then, until nothing more is kept, what records the run keeps refer to within it.
    const referrers = new Map<number, string[]>();
    const refer = (id: number, n: number, name: string) => referrers.set(id, [...(referrers.get(id) ?? []), `${n} ${name}`]);
    const relations = this.cascadingRelations(meta);
    for (const { other, column } of relations) {
      const qb = em.createQueryBuilder(other.target, 'x').select(`x.${column}`, 'ref').addSelect('COUNT(*)', 'n').where(`x.${column} BETWEEN :first AND :last`, { first, last });
      if (other === meta) qb.andWhere('x.id NOT BETWEEN :first AND :last', { first, last });
      for (const r of (await qb.groupBy(`x.${column}`).getRawMany()) as { ref: number | string; n: number | string }[]) refer(Number(r.ref), Number(r.n), other.name);
    }
    const inUse = () => {
      for (const [id, list] of referrers) {
        if (!kept.has(id) && present.has(id)) keep(id, 'IN_USE', inUseMessage(c.entity, id, list));
      }
    };
    inUse();
    const selfRelations = relations.filter((r) => r.other === meta);
    for (let fresh = [...kept.keys()]; fresh.length && selfRelations.length; ) {
      const before = new Set(kept.keys());
      for (const { column } of selfRelations) {
        for (let i = 0; i < fresh.length; i += RUN_CHUNK) {
          const rows = (await em.createQueryBuilder(meta.target, 'x').select(`x.${column}`, 'ref').addSelect('COUNT(*)', 'n').where('x.id IN (:...ids)', { ids: fresh.slice(i, i + RUN_CHUNK) }).andWhere(`x.${column} BETWEEN :first AND :last`, { first, last }).groupBy(`x.${column}`).getRawMany()) as { ref: number | string; n: number | string }[];
          for (const r of rows) refer(Number(r.ref), Number(r.n), meta.name);
        }
      }
      inUse();
      fresh = [...kept.keys()].filter((id) => !before.has(id));
    }
    // The rest, last first, a chunk at a time; a savepoint each, so a refused DELETE keeps the chunk for undoOne.
    let removed = 0;
    const out = [...kept.values()];
    const doomed = [...present].filter((id) => !kept.has(id)).sort((a, b) => b - a);
    const qr = em.queryRunner!;
    for (let i = 0; i < doomed.length; i += RUN_CHUNK) {
      const chunk = doomed.slice(i, i + RUN_CHUNK);
      await qr.startTransaction();
      try {
        // Through deleteIds, so the removal leaves its tombstones for BI's incremental refresh (issue 15), its ids bound.
        await deleteIds(em, meta.target as EntityTarget<{ id: number }>, chunk);
        await qr.commitTransaction();
        removed += chunk.length;
      } catch (e) {
        await qr.rollbackTransaction();
        if (!(e instanceof QueryFailedError)) throw e;
        for (const id of chunk) {
          const outcome = await this.undoOne(em, Object.assign(new ImportJobChange(), { ...c, entityId: id, lastEntityId: null }));
          if (outcome === 'removed') removed++;
          else if (outcome !== 'restored') out.push(outcome);
        }
      }
    }
    return { removed, kept: out.sort((a, b) => b.id - a.id) };
  }

  /** Relations through which records refer to `meta`'s and would lose them silently (ON DELETE CASCADE or SET NULL). */
  private cascadingRelations(meta: EntityMetadata): { other: EntityMetadata; column: string }[] {
    const out: { other: EntityMetadata; column: string }[] = [];
    for (const other of this.ds.entityMetadatas) {
      if (GOES_WITH_ACCOUNT.has(other.name) && meta.name === 'Account') continue;
      for (const rel of other.manyToOneRelations) {
        if (rel.inverseEntityMetadata !== meta || (rel.onDelete !== 'CASCADE' && rel.onDelete !== 'SET NULL') || rel.joinColumns.length !== 1) continue;
        out.push({ other, column: rel.joinColumns[0].propertyName });
      }
    }
    return out;
  }

  /** Records that refer to this one and would lose it silently (ON DELETE CASCADE or SET NULL): the record is kept. */
  private async cascadingReferrers(em: EntityManager, meta: EntityMetadata, id: number): Promise<string[]> {
    const out: string[] = [];
    for (const { other, column } of this.cascadingRelations(meta)) {
      const n = await em.createQueryBuilder(other.target, 'x').where(`x.${column} = :id`, { id }).getCount();
      if (n) out.push(`${n} ${other.name}`);
    }
    return out;
  }

  private assertOwnJob(ctx: RequestContext, job: ImportJob, what: string): void {
    if (ctx.actor.role === Role.ADMIN) return;
    if (job.actorUserId === null || job.actorUserId !== ctx.actor.userId) {
      throw new DomainError(ErrorCode.FORBIDDEN, say(`导入 #${job.id} 由 ${job.actor} 上传：只有本人或 ADMIN 可以${what === 'confirm' ? '确认' : what}`, `import #${job.id} was uploaded by ${job.actor}: only they or an ADMIN may ${what} it`));
    }
  }

  private assertAwaitingConfirmation(job: ImportJob): void {
    if (job.status === ImportStatus.PREVIEW && job.expiresAt && job.expiresAt.getTime() < Date.now()) {
      throw new DomainError(ErrorCode.IMPORT_EXPIRED, say(`导入 #${job.id} 的预览已于 ${job.expiresAt.toISOString()} 过期（KAM_IMPORT_PREVIEW_HOURS）：请重新上传文件`, `the preview of import #${job.id} expired at ${job.expiresAt.toISOString()} (KAM_IMPORT_PREVIEW_HOURS): upload the file again`), { jobId: job.id });
    }
    if (job.status === ImportStatus.PREVIEW) return;
    if (job.status === ImportStatus.EXPIRED) {
      throw new DomainError(ErrorCode.IMPORT_EXPIRED, say(`导入 #${job.id} 的预览已过期${job.expiresAt ? `（${job.expiresAt.toISOString()}）` : ''}（KAM_IMPORT_PREVIEW_HOURS）：请重新上传文件`, `the preview of import #${job.id} expired${job.expiresAt ? ` at ${job.expiresAt.toISOString()}` : ''} (KAM_IMPORT_PREVIEW_HOURS): upload the file again`), { jobId: job.id });
    }
    if (job.status === ImportStatus.RUNNING && job.dryRun) {
      throw new DomainError(ErrorCode.INVALID_STATE, say(`导入 #${job.id} 的预览仍在进行（已处理 ${job.rowsProcessed} 行）：状态为 PREVIEW 时再确认`, `the preview of import #${job.id} is still running (${job.rowsProcessed} rows so far): confirm it when its status is PREVIEW`), { jobId: job.id });
    }
    if (job.status === ImportStatus.FAILED && job.dryRun) {
      throw new DomainError(ErrorCode.INVALID_STATE, say(`导入 #${job.id} 的预览失败：${job.message ?? ''}`, `the preview of import #${job.id} failed: ${job.message ?? ''}`), { jobId: job.id });
    }
    throw new DomainError(
      ErrorCode.IMPORT_ALREADY_CONFIRMED,
      say(
        `导入 #${job.id} 不在等待确认：它${job.confirmedAt ? `已于 ${job.confirmedAt.toISOString()} 由 ${job.confirmedBy ?? '?'} 确认` : '未经预览直接运行'}，状态为 ${job.status}`,
        `import #${job.id} is not awaiting confirmation: it was ${job.confirmedAt ? `confirmed at ${job.confirmedAt.toISOString()} by ${job.confirmedBy ?? '?'}` : 'run without review'} and is ${job.status}`,
      ),
      { jobId: job.id },
    );
  }
}

/** Why undo keeps a record: deleted since the import, changed since, or referred to by records it did not write. */
function goneMessage(entity: string, id: number): string {
  return say(`${entity} #${id} 在导入后已被删除`, `${entity} #${id} was deleted after the import`);
}

function changedMessage(entity: string, id: number, version: number | undefined, versionAfter: number | null): string {
  return say(`${entity} #${id} 在导入后又被修改（版本 ${version}，导入后为 ${versionAfter}）`, `${entity} #${id} was changed after the import (version ${version}, the import left ${versionAfter})`);
}

function inUseMessage(entity: string, id: number, referrers: string[]): string {
  return say(`${entity} #${id} 现有非本次导入写入的 ${referrers.join('、')}`, `${entity} #${id} now has ${referrers.join(', ')} the import did not write`);
}

/** Stored columns (JSON) back to what the entity's columns take: timestamps as Dates. */
function revive(meta: EntityMetadata, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    const col = meta.findColumnWithPropertyName(k);
    if (!col) continue;
    const type = typeof col.type === 'function' ? col.type.name : String(col.type);
    out[k] = typeof v === 'string' && /datetime|timestamp|Date/i.test(type) ? new Date(v) : v;
  }
  return out;
}

/** Progress of a running job: share done (null until the rows are known) and seconds left. */
export function jobProgress(job: ImportJob, now = Date.now()): { progress: number | null; etaSeconds: number | null } {
  if (job.status !== ImportStatus.RUNNING) return { progress: job.finishedAt ? 1 : null, etaSeconds: job.finishedAt ? 0 : null };
  if (job.rowsTotal <= 0) return { progress: null, etaSeconds: null };
  const progress = Math.min(1, job.rowsProcessed / job.rowsTotal);
  const since = (job.confirmedAt ?? job.startedAt ?? job.createdAt).getTime();
  const etaSeconds = progress > 0 ? Math.max(0, Math.round(((now - since) / 1000) * ((1 - progress) / progress))) : null;
  return { progress: Math.round(progress * 1000) / 1000, etaSeconds };
}

/** The job as the HTTP routes answer it (`GET /imports/{job}`): state, progress, counts and links. */
export function jobView(job: ImportJob): Record<string, unknown> {
  const base = `/imports/${job.id}`;
  return {
    job: job.id,
    annex: job.annex,
    file: job.fileName,
    status: job.status,
    dryRun: job.dryRun,
    mode: job.mode,
    actor: job.actor,
    rowsTotal: job.rowsTotal,
    rowsProcessed: job.rowsProcessed,
    ...jobProgress(job),
    rows: { total: job.rowsTotal, valid: job.rowsValid, invalid: job.rowsInvalid, created: job.rowsCreated, updated: job.rowsUpdated, unchanged: job.rowsUnchanged },
    counts: { errors: job.errorCount, warnings: job.warningCount },
    message: job.message,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    expiresAt: job.expiresAt,
    confirmedAt: job.confirmedAt,
    confirmedBy: job.confirmedBy,
    undoneAt: job.undoneAt,
    undoneBy: job.undoneBy,
    links: { self: base, preview: `${base}/preview`, confirm: `${base}/confirm`, undo: `${base}/undo`, errors: `${base}/errors.xlsx` },
  };
}
