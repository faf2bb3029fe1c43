/**
 * The server's own month-end close (KAM_REPORT_CLOSE_DAY): at start and every hour, every instance asks
 * {@link ReportService.autoClose}; the unique month row makes exactly one of them close the month.
 */
import type { Logger } from '../../common/logger';
import type { Services } from '../../services';

const HOUR_MS = 3_600_000;

/** Starts the hourly check; returns a function that stops it (nothing runs when the close day is 0). */
export function startReportCloseSchedule(services: Services, logger: Logger): () => void {
  if (!services.config.reportCloseDay) return () => undefined;
  const run = async () => {
    try {
      const closed = await services.reports.autoClose();
      if (closed) logger.info('monthly report closed', { month: closed.month, rows: closed.rowCount, closedBy: closed.closedBy });
    } catch (e) {
      logger.error('monthly report close failed', { error: e });
    }
  };
  void run();
  const timer = setInterval(() => void run(), HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
