/**
 * A page costs a constant number of SQL statements whatever its size: every relation is loaded by a
 * per-request DataLoader in one statement per relation and nesting level.
 */
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { countQueries, type QueryCounter } from '../../src/db/query-counter';
import { inTransaction } from '../../src/db/transaction';
import type { RunningServer } from '../../src/http/server';
import { describeEachDb } from '../support/db';
import { GqlClient, startTestServer } from '../support/graphql-client';

const PAGE_QUERY = `query Page($n: Int!) {
  accounts(first: $n, filter: { hasParent: true }, orderBy: { field: NAME }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      code name annualSales
      tier { code name }
      managementLevel { name }
      ownerUnit { code name }
      manager { name login }
      parent { code name }
      children { code }
      contacts { name title mobile familyInfo account { code } }
      projects { name contractAmount receivables { dueOn amount } payments { receivedOn amount } }
      creditEvaluations { year rating decidedBy { name } }
      activities { occurredOn type project { name } }
      receivables { amount }
      payments { amount activity { subject } }
    }
  }
}`;

describeEachDb('SQL statements per page', (t) => {
  let server: RunningServer;
  let client: GqlClient;
  let counter: QueryCounter;

  beforeAll(async () => {
    const { services } = t();
    const ctx = systemContext('test');
    const unit = await services.org.createUnit(ctx, { code: 'QC', name: '计数分公司' });
    const managers = await Promise.all([1, 2, 3].map((i) => services.org.createUser(ctx, { name: `经理${i}`, login: `qc.m${i}`, role: Role.MANAGER, unitId: unit.id })));
    const evaluator = await services.org.createUser(ctx, { name: '评审委员', login: 'qc.committee', role: Role.COMMITTEE });
    await inTransaction(services.ds, ctx, async (tx) => {
      for (let i = 1; i <= 55; i++) {
        const n = String(i).padStart(3, '0');
        const group = await services.accounts.create(tx, { code: `G${n}`, name: `集团${n}`, tierCode: 'KEY' });
        const member = await services.accounts.create(tx, {
          code: `M${n}`, name: `成员${n}有限公司`, parentId: group.id, tierCode: i % 2 ? 'STRATEGIC' : 'MAJOR', managementLevel: '公司级',
          ownerUnitId: unit.id, managerId: managers[i % 3].id, annualSales: 1000 * i,
        });
        await services.contacts.createMany(tx, [
          { accountId: member.id, name: `张${n}`, title: '总经理', mobile: `1380013${n}1`.slice(0, 11) },
          { accountId: member.id, name: `王${n}`, title: '采购经理', mobile: `1390013${n}2`.slice(0, 11) },
        ]);
        await services.credit.createMany(tx, [{ accountId: member.id, year: 2025, rating: 'AA' }]);
        for (const k of [1, 2]) {
          const project = await services.projects.createProject(tx, { accountId: member.id, name: `项目${n}-${k}`, status: 'IN_PROGRESS', contractAmount: 100_000 * k, signedOn: '2025-03-01' });
          await services.projects.createManyReceivables(tx, [{ accountId: member.id, projectId: project.id, dueOn: '2025-06-30', amount: 50_000 * k }]);
          await services.projects.createManyPayments(tx, [{ accountId: member.id, projectId: project.id, receivedOn: '2025-07-15', amount: 20_000 * k }]);
          await services.activities.createMany(tx, [{ accountId: member.id, projectId: project.id, occurredOn: `2025-0${k + 3}-10`, type: 'MANAGER_VISIT', subject: `拜访${n}-${k}`, paymentAmount: k === 2 ? 1000 : null }]);
        }
      }
      await tx.em?.query('UPDATE credit_evaluations SET decided_by_id = ?', [evaluator.id]);
    });
    const { secret } = await services.auth.createApiKey(ctx, { name: 'qc', role: Role.ADMIN });
    server = await startTestServer(services);
    client = new GqlClient(server.url, secret);
    counter = countQueries(services.ds);
    await client.data(PAGE_QUERY, { n: 1 }); // warm-up: the key's first use is recorded once
  });

  afterAll(async () => {
    counter?.stop();
    await server?.close();
  });

  async function statementsFor(n: number): Promise<{ statements: number; nodes: { contacts: unknown[]; projects: { payments: unknown[] }[] }[] }> {
    counter.reset();
    const d = await client.data<{ accounts: { nodes: { contacts: unknown[]; projects: { payments: unknown[] }[] }[] } }>(PAGE_QUERY, { n });
    return { statements: counter.count, nodes: d.accounts.nodes };
  }

  it('is the same for a page of 5 and a page of 50, with every relation loaded', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(small.nodes).toHaveLength(5);
    expect(large.nodes).toHaveLength(50);
    // The relations really were loaded for every row.
    expect(large.nodes.every((a) => a.contacts.length === 2 && a.projects.length === 2 && a.projects.every((p) => p.payments.length >= 1))).toBe(true);
    expect(large.statements).toBe(small.statements);
    // auth + page + count + one statement per relation and level: far below one per row.
    expect(large.statements).toBeLessThan(30);
  });
});
