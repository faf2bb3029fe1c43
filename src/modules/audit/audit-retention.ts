/** The server keeps the audit trail within KAM_AUDIT_RETENTION_DAYS and tombstones within KAM_TOMBSTONE_RETENTION_DAYS: it prunes at start and every 24 hours. */
import { systemContext } from '../../common/context';
import type { Logger } from '../../common/logger';
import type { Services } from '../../services';

const DAY_MS = 86_400_000;

/** Starts the daily prune; returns a function that stops it. */
export function startAuditRetention(services: Services, logger: Logger): () => void {
  const run = async () => {
    try {
      const { deleted, before } = await services.audit.prune(systemContext('audit-retention', 'server'), services.config.auditRetentionDays);
      logger.info('audit trail pruned', { deleted, before: before.toISOString(), retentionDays: services.config.auditRetentionDays });
      const tombstones = await services.bi.pruneTombstones(systemContext('tombstone-retention', 'server'));
      logger.info('tombstones pruned', { deleted: tombstones.deleted, before: tombstones.before.toISOString(), retentionDays: services.config.tombstoneRetentionDays });
    } catch (e) {
      logger.error('audit trail prune failed', { error: e });
    }
  };
  void run();
  const timer = setInterval(() => void run(), DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
