/**
 * Child process of the API benchmark: serves either KAM Hub's GraphQL API or the raw baseline on an
 * ephemeral port, so the load generator (autocannon, in the parent) does not compete with it for the
 * same event loop. Reports its port, then answers "stats" with the SQL statements run so far.
 */
import 'reflect-metadata';
import { loadConfig, parseDatabaseUrl } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { countQueries } from '../../src/db/query-counter';
import { createServices } from '../../src/services';
import { silentLogger } from '../../src/common/logger';
import { startServer } from '../../src/http/server';
import { startRawBaseline } from './raw-baseline';
import { keyRingFor } from '../../src/common/field-crypto';
import { PRODUCTION_ENV } from '../support/production-env';

async function main(): Promise<void> {
  const [mode, url] = process.argv.slice(2);
  const database = parseDatabaseUrl(url);
  if (database.kind !== 'mysql') throw new Error('the API benchmark runs on MySQL');
  let port: number;
  let queries: () => number;
  let close: () => Promise<void>;
  if (mode === 'kam') {
    // The key the parent wrote the data with (a fresh production key could not read it). The load comes
    // from one API key over BENCH_CONNECTIONS connections: the per-caller limit (default 8) would refuse
    // the rest with 429, so the parent raises it to the connection count (the raw baseline has none).
    const config = { ...loadConfig({ ...PRODUCTION_ENV, KAM_DATA_KEYS: process.env.BENCH_DATA_KEYS ?? PRODUCTION_ENV.KAM_DATA_KEYS, KAM_MAX_CONCURRENT_REQUESTS: process.env.BENCH_MAX_CONCURRENT ?? '8' }), database };
    const ds = await openDataSource(database);
    const counter = countQueries(ds);
    const server = await startServer(createServices(ds, config), silentLogger, 0, '127.0.0.1');
    port = server.port;
    queries = () => counter.count;
    close = async () => {
      await server.close();
      await ds.destroy();
    };
  } else {
    const raw = await startRawBaseline(database, keyRingFor(process.env.BENCH_DATA_KEYS));
    port = raw.port;
    queries = raw.queries;
    close = raw.close;
  }
  process.on('message', (m: string) => {
    if (m === 'stats') process.send?.({ queries: queries() });
    if (m === 'stop') void close().then(() => process.exit(0));
  });
  process.send?.({ port });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench server failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
