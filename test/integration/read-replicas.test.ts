/**
 * Read replicas against a real MariaDB replica (`.ci/replica-pair start`: a primary with a binary log and
 * a replica following it, on spare ports). GraphQL queries read from the replica; a caller's reads right
 * after its own write come from the primary; a replica that lags or stops replicating, or goes down
 * (here: its address stops answering, through a TCP relay the test cuts), gets no reads — they go to
 * the primary, and no request fails.
 *
 * Needs KAM_TEST_REPLICA_PRIMARY_URL and KAM_TEST_REPLICA_URL (printed by `.ci/replica-pair start`);
 * skipped without them unless KAM_TEST_REQUIRE_REPLICA=1 (CI), which fails instead.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import mysql from 'mysql2/promise';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { createLogger } from '../../src/common/logger';
import { parseDatabaseUrl, type MysqlDatabaseConfig } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrations';
import { replicaRouter } from '../../src/db/replicas';
import { startServer, type RunningServer } from '../../src/http/server';
import { createServices, type Services } from '../../src/services';
import { testConfig } from '../support/db';

const PRIMARY = process.env.KAM_TEST_REPLICA_PRIMARY_URL;
const REPLICA = process.env.KAM_TEST_REPLICA_URL;
const REQUIRED = process.env.KAM_TEST_REQUIRE_REPLICA === '1';
const METRICS_TOKEN = 'replica-metrics-token-0123456789abcdef';

/** A TCP relay to the replica that the test can cut (the replica "goes down") and restore. */
class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

async function eventually(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const describeWithReplica = PRIMARY && REPLICA ? describe : REQUIRED ? describe : describe.skip;
if (!(PRIMARY && REPLICA) && !REQUIRED) process.stdout.write('[kam] SKIPPED read replicas: run `.ci/replica-pair start` and export what it prints\n');

describeWithReplica('read replicas on a real MariaDB replica', () => {
  const database = `kam_t_replicas_${randomBytes(3).toString('hex')}`;
  const ctx = systemContext('test');
  let primaryDb: MysqlDatabaseConfig;
  let replicaDb: MysqlDatabaseConfig;
  let relay: Relay;
  let ds: DataSource;
  let services: Services;
  let server: RunningServer;
  let admin: string;
  let analyst: string;
  let accountId: number;
  let replicaSql: mysql.Connection;
  const logLines: string[] = [];

  const gql = async (token: string, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    expect([res.status, body.errors]).toEqual([200, undefined]);
    return body.data as Record<string, unknown>;
  };
  const nameAs = async (token: string) => ((await gql(token, 'query($id: ID!) { account(id: $id) { name } }', { id: String(accountId) })).account as { name: string }).name;
  const waitForReplica = (sql: string, params: unknown[] = []) =>
    eventually(async () => {
      const [rows] = await replicaSql.query(sql, params);
      expect((rows as unknown[]).length).toBeGreaterThan(0);
    });

  beforeAll(async () => {
    if (!PRIMARY || !REPLICA) throw new Error('KAM_TEST_REQUIRE_REPLICA=1 but KAM_TEST_REPLICA_PRIMARY_URL / KAM_TEST_REPLICA_URL are not set: run `.ci/replica-pair start`');
    primaryDb = parseDatabaseUrl(`${PRIMARY}/${database}`) as MysqlDatabaseConfig;
    const direct = parseDatabaseUrl(`${REPLICA}/${database}`) as MysqlDatabaseConfig;
    relay = new Relay({ host: direct.host, port: direct.port });
    await relay.up();
    replicaDb = { ...direct, port: relay.port, url: `mysql://${direct.user}@127.0.0.1:${relay.port}/${database}` };
    replicaSql = await mysql.createConnection({ host: direct.host, port: direct.port, user: direct.user, password: direct.password });

    // Migrated on the primary; the replica follows through the binary log.
    const setup = await openDataSource(primaryDb, { createDatabase: true });
    await migrate(setup);
    await setup.destroy();
    await waitForReplica('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, 'scheduled_runs']);

    ds = await openDataSource(primaryDb, { replicas: { urls: [replicaDb], maxLagSeconds: 2 } });
    replicaRouter(ds)!.setLogger(createLogger('info', (l) => logLines.push(l)));
    services = createServices(ds, testConfig(primaryDb, { databaseReplicas: [replicaDb], replicaMaxLagSeconds: 2, metricsToken: METRICS_TOKEN }));
    const unit = await services.org.createUnit(ctx, { code: 'HD', name: '华东分公司' });
    accountId = (await services.accounts.create(ctx, { code: 'KA0001', name: '主库上的名字有限公司', ownerUnitId: unit.id })).id;
    admin = (await services.auth.createApiKey(ctx, { name: 'admin', role: Role.ADMIN })).secret;
    analyst = (await services.auth.createApiKey(ctx, { name: 'bi', role: Role.ANALYST })).secret;
    await waitForReplica(`SELECT 1 FROM \`${database}\`.api_keys WHERE name = 'bi'`);
    // Only on the replica (replication does not touch the row again): a read that returns it came from there.
    await replicaSql.query(`UPDATE \`${database}\`.accounts SET name = '副本上的名字有限公司' WHERE id = ?`, [accountId]);
    server = await startServer(services, createLogger('error', () => undefined), 0, '127.0.0.1');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (ds?.isInitialized) {
      await ds.query(`DROP DATABASE IF EXISTS \`${database}\``);
      // mysql2 cannot end a pool holding a connection whose socket the test cut.
      await ds.destroy().catch(() => undefined);
    }
    await replicaSql?.end();
    await relay?.down();
  });

  it('answers GraphQL queries from the replica', async () => {
    expect(replicaRouter(ds)!.states[0]).toMatchObject({ up: true, inUse: true, lagSeconds: 0 });
    expect(await nameAs(analyst)).toBe('副本上的名字有限公司');
    expect(await nameAs(admin)).toBe('副本上的名字有限公司');
    const metrics = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/^kam_db_replica_up\{replica="replica0"\} 1$/m);
    expect(metrics).toMatch(/^kam_db_replica_lag_seconds\{replica="replica0"\} 0$/m);
    expect(Number(/^kam_db_reads_total\{target="replica"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^kam_db_pool_max_connections\{pool="replica0"\} 10$/m);
    // The primary still has its own.
    const [row] = (await ds.query('SELECT name FROM accounts WHERE id = ?', [accountId])) as { name: string }[];
    expect(row.name).toBe('主库上的名字有限公司');
  });

  it("reads a caller's own writes from the primary, right after them; other callers stay on the replica", async () => {
    const created = await gql(admin, 'mutation($i: CreateOrgUnitInput!) { createOrgUnit(input: $i) { id code } }', { i: { code: 'HN', name: '华南分公司' } });
    const unitId = (created.createOrgUnit as { id: string }).id;
    // At once, before the replica could have it: the writer's reads are on the primary.
    expect(await nameAs(admin)).toBe('主库上的名字有限公司');
    const units = (await gql(admin, '{ orgUnits { nodes { id } } }')).orgUnits as { nodes: { id: string }[] };
    expect(units.nodes.map((u) => u.id)).toContain(unitId);
    expect(await nameAs(analyst)).toBe('副本上的名字有限公司');
    // Once the replica may have caught up, the writer reads from it again.
    await eventually(async () => expect(await nameAs(admin)).toBe('副本上的名字有限公司'), replicaRouter(ds)!.stickyMs + 5000);
  });

  it('sends reads to the primary while the replica lags behind the limit, and back once it has caught up', async () => {
    await replicaSql.query('STOP SLAVE');
    await replicaSql.query('CHANGE MASTER TO MASTER_DELAY = 30');
    await replicaSql.query('START SLAVE');
    try {
      // Something to fall behind on: the replica applies it 30 s late, so its lag grows past 2 s.
      await services.org.createUnit(ctx, { code: 'XB', name: '西北分公司' });
      await eventually(async () => expect(replicaRouter(ds)!.states[0]).toMatchObject({ up: true, inUse: false }), 20_000);
      expect(replicaRouter(ds)!.states[0].reason).toMatch(/behind/);
      expect(await nameAs(analyst)).toBe('主库上的名字有限公司');
    } finally {
      await replicaSql.query('STOP SLAVE');
      await replicaSql.query('CHANGE MASTER TO MASTER_DELAY = 0');
      await replicaSql.query('START SLAVE');
    }
    await eventually(async () => expect(replicaRouter(ds)!.states[0]).toMatchObject({ inUse: true }), 20_000);
    expect(await nameAs(analyst)).toBe('副本上的名字有限公司');
  });

  it('sends reads to the primary while the replica does not replicate', async () => {
    await replicaSql.query('STOP SLAVE SQL_THREAD');
    try {
      await eventually(async () => expect(replicaRouter(ds)!.states[0]).toMatchObject({ inUse: false, reason: 'replication is stopped' }));
      expect(await nameAs(analyst)).toBe('主库上的名字有限公司');
    } finally {
      await replicaSql.query('START SLAVE SQL_THREAD');
    }
    await eventually(async () => expect(replicaRouter(ds)!.states[0]).toMatchObject({ inUse: true }));
  });

  it('keeps answering when the replica goes down — mid-use, not only at the next check — and uses it again when it is back', async () => {
    expect(await nameAs(analyst)).toBe('副本上的名字有限公司');
    await relay.down();
    // No request fails: the statement that finds the replica gone runs again on the primary.
    for (let i = 0; i < 5; i++) expect(await nameAs(analyst)).toBe('主库上的名字有限公司');
    expect(replicaRouter(ds)!.states[0].inUse).toBe(false);
    await eventually(async () => expect(replicaRouter(ds)!.states[0].reason).toMatch(/unreachable/));
    expect(logLines.some((l) => l.includes('read replica not used'))).toBe(true);
    await relay.up();
    await eventually(async () => expect(replicaRouter(ds)!.states[0]).toMatchObject({ up: true, inUse: true }));
    expect(await nameAs(analyst)).toBe('副本上的名字有限公司');
  });
});
