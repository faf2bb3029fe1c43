/** Opens the database and the services for a CLI command, and closes them again. */
import { say } from '../common/messages';
import type { DataSource } from 'typeorm';
import { type Config } from '../config';
import { openDataSource } from '../db/data-source';
import { replicaRouter } from '../db/replicas';
import { createLogger, type LogSink, type Logger } from '../common/logger';
import { createServices, type Services } from '../services';

export interface Runtime {
  config: Config;
  ds: DataSource;
  services: Services;
  logger: Logger;
  close(): Promise<void>;
}

/** `logTo`: where the JSON log lines go — stderr for commands whose stdout is data, stdout for `kam serve`. */
export async function openRuntime(config: Config, options: { createDatabase?: boolean; logTo?: LogSink } = {}): Promise<Runtime> {
  const logger = createLogger(config.logLevel, options.logTo ?? 'stderr');
  let ds: DataSource;
  try {
    ds = await openDataSource(config.database, { createDatabase: options.createDatabase, replicas: { urls: config.databaseReplicas, maxLagSeconds: config.replicaMaxLagSeconds } });
  } catch (e) {
    if ((e as { code?: string }).code === 'ER_BAD_DB_ERROR') {
      throw new CliError(say(`数据库 ${describeDatabase(config)} 不存在：请运行 "kam migrate"（它会创建数据库）`, `the database ${describeDatabase(config)} does not exist: run "kam migrate" (it creates it)`));
    }
    throw new CliError(say(`无法打开数据库 ${describeDatabase(config)}：${(e as Error).message}`, `cannot open the database ${describeDatabase(config)}: ${(e as Error).message}`));
  }
  replicaRouter(ds)?.setLogger(logger);
  const services = createServices(ds, config);
  return {
    config,
    ds,
    services,
    logger,
    close: async () => {
      replicaRouter(ds)?.stop();
      if (ds.isInitialized) await ds.destroy();
    },
  };
}

/** The database URL without its password, for messages. */
export function describeDatabase(config: Config): string {
  const db = config.database;
  if (db.kind === 'sqlite') return db.url;
  return `mysql://${db.user}@${db.host}:${db.port}/${db.database}`;
}

/** An error the CLI reports as one line on stderr with exit code 2. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
