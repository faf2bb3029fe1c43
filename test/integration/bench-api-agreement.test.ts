/**
 * `npm run bench:api` compares KAM Hub's GraphQL API with a raw node:http + mysql2 server
 * (test/bench/raw-baseline.ts) that answers the same requests by hand-written SQL, decrypting and
 * masking as the API does. The comparison only means something while both give the same answer: this
 * test serves every request of the benchmark (bench-query.ts) from both, on a tiny company, as an
 * ANALYST (everything personal or confidential masked, the benchmark's caller), as ADMIN and as the
 * MANAGER of one account (in full for it, masked for the others), and fails when any answer differs.
 * MySQL only, as the baseline (mysql2); skipped without KAM_TEST_MYSQL_URL.
 */
import { systemContext } from '../../src/common/context';
import { BENCH_SCENARIOS } from '../bench/bench-query';
import { startRawBaseline, type RawServer } from '../bench/raw-baseline';
import { createActors, type TestActors } from '../support/fixtures';
import { startTestServer } from '../support/graphql-client';
import { createTestDb, MYSQL_URL, type TestDb } from '../support/db';
import type { RunningServer } from '../../src/http/server';

const describeMysql = MYSQL_URL ? describe : describe.skip;

describeMysql('bench:api — KAM Hub and the raw baseline answer the same JSON [mysql]', () => {
  let db: TestDb;
  let kam: RunningServer;
  let raw: RawServer;
  let actors: TestActors;

  beforeAll(async () => {
    db = await createTestDb('mysql', expect.getState().testPath ?? 'bench-api-agreement');
    const { services, config } = db;
    const ctx = systemContext('test');
    actors = await createActors(services);
    const consent = { consentAt: new Date('2025-01-01T00:00:00Z'), consentSource: '书面同意书' };
    // One account the MANAGER manages, one of the other manager's unit, one without a manager.
    const owners = [
      { ownerUnitId: actors.unit.id, managerId: actors.manager.user!.id },
      { ownerUnitId: actors.otherUnit.id, managerId: actors.otherManager.user!.id },
      { ownerUnitId: actors.otherUnit.id, managerId: null },
    ];
    for (const [i, owner] of owners.entries()) {
      const account = await services.accounts.create(ctx, { code: `BENCH${i}`, name: `基准客户${i}有限公司`, annualSales: 1_000_000 + i, ...owner });
      await services.contacts.createMany(ctx, [
        { accountId: account.id, name: `孙丽${i}`, title: '总经理', mobile: `1381234${String(i).padStart(4, '0')}`, ...consent },
        { accountId: account.id, name: `王${i}`, title: null, mobile: null },
        { accountId: account.id, name: `欧阳明${i}`, title: '采购部长', mobile: `1390000${String(i).padStart(4, '0')}`, ...consent },
      ]);
      await services.projects.createProject(ctx, { accountId: account.id, name: `项目${i}`, status: 'IN_PROGRESS', contractAmount: 250_000.5 + i, signedOn: '2025-03-15' });
    }
    kam = await startTestServer(services);
    if (config.database.kind !== 'mysql') throw new Error('the raw baseline reads MySQL');
    raw = await startRawBaseline(config.database, services.keyRing);
  });

  afterAll(async () => {
    await kam?.close();
    await raw?.close();
    await db?.drop();
  });

  const post = async (url: string, key: string, query: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
    return { status: res.status, json: (await res.json()) as { data?: Record<string, { nodes: Record<string, unknown>[] }>; errors?: unknown } };
  };

  for (const scenario of BENCH_SCENARIOS) {
    for (const role of ['analyst', 'admin', 'manager'] as const) {
      it(`${scenario.name} — as ${role}`, async () => {
        const key = actors[role].key;
        const a = await post(kam.url, key, scenario.query);
        const b = await post(`http://127.0.0.1:${raw.port}/graphql`, key, scenario.query);
        expect(a.status).toBe(200);
        expect(a.json.errors).toBeUndefined();
        expect(b).toEqual(a);
        // Not an empty agreement: the page holds every person, some masked, some (for ADMIN and the manager) in full.
        const page = Object.values(a.json.data ?? {})[0];
        const persons = page.nodes.flatMap((n) => (Array.isArray(n.contacts) ? (n.contacts as Record<string, unknown>[]) : [n]));
        expect(persons).toHaveLength(9);
        const masked = persons.filter((p) => typeof p.mobile === 'string' && p.mobile.includes('****')).length;
        expect(masked).toBe(role === 'analyst' ? 6 : role === 'manager' ? 4 : 0);
      });
    }
  }
});
