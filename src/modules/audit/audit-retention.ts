/**
 * The server keeps the audit trail within KAM_AUDIT_RETENTION_DAYS and tombstones within
 * KAM_TOMBSTONE_RETENTION_DAYS, and the files of import jobs within KAM_IMPORT_FILE_RETENTION_DAYS: once a day (UTC), by exactly one of the instances serving the database —
 * each looks at start and every hour, and the first to claim the day's slot prunes (src/db/scheduled-runs.ts).
 */
import { systemContext } from '../../common/context';
import type { Logger } from '../../common/logger';
import type { Services } from '../../services';
import { claimScheduledRun, finishScheduledRun } from '../../db/scheduled-runs';
import { THIS_RUNNER } from '../imports/import.service';

const HOUR_MS = 3_600_000;
export const AUDIT_PRUNE_JOB = 'audit-prune';

/** Prunes if no instance has pruned today yet; true when this call did. */
export async function pruneOncePerDay(services: Services, logger: Logger, now = new Date()): Promise<boolean> {
  const run = await claimScheduledRun(services.ds, AUDIT_PRUNE_JOB, now.toISOString().slice(0, 10), THIS_RUNNER);
  if (!run) return false;
  const { deleted, before } = await services.audit.prune(systemContext('audit-retention', 'server'), services.config.auditRetentionDays, now);
  await finishScheduledRun(services.ds, run);
  logger.info('audit trail pruned', { deleted, before: before.toISOString(), retentionDays: services.config.auditRetentionDays });
  const tombstones = await services.bi.pruneTombstones(systemContext('tombstone-retention', 'server'));
  logger.info('tombstones pruned', { deleted: tombstones.deleted, before: tombstones.before.toISOString(), retentionDays: services.config.tombstoneRetentionDays });
  const files = await services.imports.purgeFiles(now.getTime());
  logger.info('import job files purged', { jobs: files.jobs, before: files.before.toISOString(), retentionDays: services.config.importFileRetentionDays });
  return true;
}

/** Starts the daily prune; returns a function that stops it. */
export function startAuditRetention(services: Services, logger: Logger): () => void {
  const run = async () => {
    try {
      await pruneOncePerDay(services, logger);
    } catch (e) {
      logger.error('audit trail prune failed', { error: e });
    }
  };
  void run();
  const timer = setInterval(() => void run(), HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
