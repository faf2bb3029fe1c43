/**
 * Lists over real HTTP on the demo company: every entity pages through every row exactly once (also
 * sorted on non-unique columns, and while rows are being inserted), and the filters select exactly
 * the rows SQL says they should.
 */
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import type { RunningServer } from '../../src/http/server';
import { generateDemoData } from '../../seeds/demo/generator';
import { loadDemoData } from '../../seeds/demo/load';
import { describeEachDb } from '../support/db';
import { GqlClient, startTestServer } from '../support/graphql-client';

const AS_OF = '2026-10-31';

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Record<string, unknown>[];
}

describeEachDb('lists over GraphQL', (t) => {
  let server: RunningServer;
  let client: GqlClient;
  const ctx = systemContext('test');
  const sqlIds = async (sql: string, params: unknown[] = []) => ((await t().ds.query(sql, params)) as { id: number | string }[]).map((r) => String(r.id)).sort();
  const sqlCount = async (sql: string, params: unknown[] = []) => Number(((await t().ds.query(sql, params)) as { n: number | string }[])[0].n);

  beforeAll(async () => {
    const { services } = t();
    await loadDemoData(services, generateDemoData({ asOf: AS_OF }));
    // Namesakes at different accounts, so a sort by name meets long runs of equal values.
    const [first] = await t().ds.query('SELECT id FROM accounts ORDER BY id LIMIT 1');
    await services.contacts.createMany(ctx, [...Array(40)].map((_, i) => ({ accountId: Number(first.id), name: i % 4 ? '张伟' : '李娜', title: `职员${i}` })));
    const { secret } = await services.auth.createApiKey(ctx, { name: 'lists', role: Role.ADMIN });
    server = await startTestServer(services);
    client = new GqlClient(server.url, secret);
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  /** Walks a connection page by page; returns the nodes in order and checks totalCount on each page. */
  async function walk(field: string, args: string, selection: string, pageSize: number, between?: (page: number) => Promise<void>): Promise<Record<string, unknown>[]> {
    const seen: Record<string, unknown>[] = [];
    let after: string | null = null;
    let total: number | undefined;
    for (let page = 0; ; page++) {
      const d: Record<string, Page> = await client.data(
        `query($first: Int, $after: String) { ${field}(first: $first, after: $after${args ? `, ${args}` : ''}) { totalCount pageInfo { hasNextPage endCursor } nodes { id ${selection} } } }`,
        { first: pageSize, after },
      );
      const conn = d[field];
      if (!between) {
        total ??= conn.totalCount;
        expect(conn.totalCount).toBe(total);
      }
      seen.push(...conn.nodes);
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.nodes).toHaveLength(pageSize);
      after = conn.pageInfo.endCursor;
      if (between) await between(page);
    }
    if (!between) expect(seen).toHaveLength(total as number);
    return seen;
  }

  const ENTITIES: [field: string, table: string][] = [
    ['accounts', 'accounts'],
    ['contacts', 'contacts'],
    ['projects', 'projects'],
    ['receivables', 'receivables'],
    ['payments', 'payments'],
    ['activities', 'activities'],
    ['creditEvaluations', 'credit_evaluations'],
    ['orgUnits', 'org_units'],
    ['users', 'users'],
    ['auditEvents', 'audit_events'],
    ['importJobs', 'import_jobs'],
  ];

  it.each(ENTITIES)('%s: pages walk every row exactly once', async (field, table) => {
    if (table === 'import_jobs') {
      for (let i = 0; i < 7; i++) {
        await t().ds.query(
          "INSERT INTO import_jobs (annex, file_name, sha256, size_bytes, mode, dry_run, status, rows_total, rows_valid, rows_invalid, rows_created, rows_updated, rows_unchanged, rows_processed, actor, created_at, updated_at) VALUES ('summary', ?, ?, 1, 'atomic', 0, 'SUCCEEDED', 0, 0, 0, 0, 0, 0, 0, 'test', ?, ?)",
          [`f${i}.xlsx`, `${i}`.padStart(64, '0'), '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000'],
        );
      }
    }
    const expected = await sqlIds(`SELECT id FROM ${table}`);
    expect(expected.length).toBeGreaterThan(0);
    const seen = (await walk(field, '', '', 37)).map((n) => String(n.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(expected);
  });

  const SORTS: [field: string, table: string, order: string, property: string][] = [
    ['creditEvaluations', 'credit_evaluations', 'YEAR', 'year'],
    ['activities', 'activities', 'OCCURRED_ON', 'occurredOn'],
    ['projects', 'projects', 'SIGNED_ON', 'signedOn'],
    ['payments', 'payments', 'AMOUNT', 'amount'],
    ['receivables', 'receivables', 'DUE_ON', 'dueOn'],
    ['contacts', 'contacts', 'NAME', 'name'],
    ['accounts', 'accounts', 'ANNUAL_SALES', 'annualSales'],
    ['accounts', 'accounts', 'UPDATED_AT', 'updatedAt'],
  ];

  it.each(SORTS.flatMap(([f, tb, o, p]) => (['ASC', 'DESC'] as const).map((dir) => [f, o, dir, tb, p] as const)))(
    '%s sorted by %s %s: in order, every row exactly once',
    async (field, order, dir, table, property) => {
      const expected = await sqlIds(`SELECT id FROM ${table}`);
      const rows = await walk(field, `orderBy: { field: ${order}, direction: ${dir} }`, property, 23);
      const ids = rows.map((r) => String(r.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(expected);
      // Non-decreasing (ASC) or non-increasing (DESC), NULLs first ascending and last descending, ties by id.
      const values = rows.map((r) => r[property] as string | number | null);
      const nonNull = values.filter((v) => v !== null);
      if (dir === 'ASC') expect(values.slice(0, values.length - nonNull.length).every((v) => v === null)).toBe(true);
      else expect(values.slice(nonNull.length).every((v) => v === null)).toBe(true);
      for (let i = 1; i < nonNull.length; i++) {
        const [a, b] = [nonNull[i - 1], nonNull[i]];
        if (typeof a === 'number' || order !== 'NAME') expect(dir === 'ASC' ? a <= b : a >= b).toBe(true);
      }
      // The column really is non-unique in these data (a sort on it alone could skip or repeat rows).
      if (order !== 'UPDATED_AT') expect(new Set(nonNull).size).toBeLessThan(nonNull.length);
    },
  );

  it('walks every account exactly once while accounts are being created before and after the cursor', async () => {
    const before = await sqlIds('SELECT id FROM accounts');
    let n = 0;
    const rows = await walk('accounts', 'orderBy: { field: NAME }', 'name', 25, async () => {
      // One name sorts first, one last, one right in the middle of the alphabet.
      for (const name of ['阿', '座', '中']) {
        n++;
        await t().services.accounts.create(ctx, { code: `INS${n}`, name: `${name}插入测试${n}有限公司` });
      }
    });
    const ids = rows.map((r) => String(r.id));
    expect(new Set(ids).size).toBe(ids.length); // nothing twice
    const seen = new Set(ids);
    expect(before.filter((id) => !seen.has(id))).toEqual([]); // nothing that existed was skipped
    expect(n).toBeGreaterThan(10);
  });

  it('refuses a cursor made under another sort order, and a page above the cap', async () => {
    const d = await client.data<Record<string, Page>>('{ accounts(first: 3, orderBy: { field: NAME }) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }');
    const r = await client.request('query($a: String) { accounts(first: 3, after: $a, orderBy: { field: CODE }) { totalCount } }', { a: d.accounts.pageInfo.endCursor });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: ErrorCode.INVALID_CURSOR, field: 'after' });
    for (const field of ['contacts', 'activities', 'payments']) {
      const big = await client.request(`{ ${field}(first: 501) { totalCount } }`);
      expect(big.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: ErrorCode.PAGE_SIZE_TOO_LARGE, field: 'first' });
    }
  });

  async function total(field: string, filter: string): Promise<number> {
    const d = await client.data<Record<string, { totalCount: number; nodes: unknown[] }>>(`{ ${field}(first: 500, filter: { ${filter} }) { totalCount nodes { id } } }`);
    expect(d[field].nodes).toHaveLength(Math.min(500, d[field].totalCount));
    return d[field].totalCount;
  }

  it('filters accounts by tier label, status, unit (with sub-units), manager, industry, name, credit code, group and update time', async () => {
    const strategic = await sqlCount("SELECT COUNT(*) AS n FROM accounts a JOIN tiers t ON t.id = a.tier_id WHERE t.code = 'STRATEGIC'");
    expect(strategic).toBeGreaterThan(0);
    expect(await total('accounts', 'tierCodes: ["战略客户"]')).toBe(strategic);
    expect(await total('accounts', 'tierCodes: ["核心级", "重要级"]')).toBe(await sqlCount("SELECT COUNT(*) AS n FROM accounts a JOIN tiers t ON t.id = a.tier_id WHERE t.code IN ('STRATEGIC', 'KEY')"));
    expect(await total('accounts', 'statuses: [ACTIVE]')).toBe(await sqlCount("SELECT COUNT(*) AS n FROM accounts WHERE status = 'ACTIVE'"));
    const [{ id: branchId }] = await t().ds.query("SELECT id FROM org_units WHERE code = 'HD'");
    const [{ id: headId }] = await t().ds.query('SELECT id FROM org_units WHERE parent_id IS NULL');
    const inBranch = await sqlCount('SELECT COUNT(*) AS n FROM accounts WHERE owner_unit_id = ?', [branchId]);
    expect(inBranch).toBeGreaterThan(0);
    expect(await total('accounts', `unitIds: ["${branchId}"]`)).toBe(inBranch);
    // The head office owns none itself; with its sub-units it owns every account that has a unit.
    expect(await total('accounts', `unitIds: ["${headId}"], includeSubUnits: true`)).toBe(await sqlCount('SELECT COUNT(*) AS n FROM accounts WHERE owner_unit_id IS NOT NULL'));
    const [{ id: managerId }] = await t().ds.query('SELECT manager_id AS id FROM accounts WHERE manager_id IS NOT NULL ORDER BY id LIMIT 1');
    expect(await total('accounts', `managerIds: ["${managerId}"]`)).toBe(await sqlCount('SELECT COUNT(*) AS n FROM accounts WHERE manager_id = ?', [managerId]));
    const [{ industry }] = await t().ds.query('SELECT industry FROM accounts WHERE industry IS NOT NULL ORDER BY id LIMIT 1');
    expect(await total('accounts', `industries: ["${industry}"]`)).toBe(await sqlCount('SELECT COUNT(*) AS n FROM accounts WHERE industry = ?', [industry]));
    const [{ name, credit_code: creditCode, id }] = await t().ds.query('SELECT id, name, credit_code FROM accounts ORDER BY id LIMIT 1');
    const word = (name as string).slice(0, 2);
    expect(await total('accounts', `nameContains: "${word}"`)).toBe(await sqlCount('SELECT COUNT(*) AS n FROM accounts WHERE name LIKE ?', [`%${word}%`]));
    // Full-width and spaced spellings of the same text still match.
    const fullWidth = [...(name as string).slice(0, 3)].join(' ');
    expect(await total('accounts', `nameContains: "${fullWidth}"`)).toBeGreaterThanOrEqual(1);
    expect(await total('accounts', 'nameContains: "100%_"')).toBe(0); // LIKE wildcards are literal
    const byCredit = await client.data<{ accounts: { nodes: { id: string }[] } }>(`{ accounts(filter: { creditCode: "${(creditCode as string).toLowerCase()}" }) { nodes { id } } }`);
    expect(byCredit.accounts.nodes.map((n) => n.id)).toEqual([String(id)]);
    const [{ parent_id: parentId }] = await t().ds.query('SELECT parent_id FROM accounts WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1');
    expect(await total('accounts', `parentIds: ["${parentId}"]`)).toBe(await sqlCount('SELECT COUNT(*) AS n FROM accounts WHERE parent_id = ?', [parentId]));
    expect(await total('accounts', 'hasParent: true')).toBe(await sqlCount('SELECT COUNT(*) AS n FROM accounts WHERE parent_id IS NOT NULL'));
    // updatedSince: only what changed after a moment.
    const since = new Date(Date.now() + 1000);
    await new Promise((r) => setTimeout(r, 1100));
    const [{ version }] = await t().ds.query('SELECT version FROM accounts WHERE id = ?', [id]);
    await t().services.accounts.update(ctx, Number(id), { notes: '刚更新' }, Number(version));
    const changed = await client.data<{ accounts: { nodes: { id: string }[] } }>(`{ accounts(filter: { updatedSince: "${since.toISOString()}" }) { nodes { id } } }`);
    expect(changed.accounts.nodes.map((n) => n.id)).toEqual([String(id)]);
    // An unknown tier is a clear error naming the filter field.
    const bad = await client.request('{ accounts(filter: { tierCodes: ["钻石客户"] }) { totalCount } }');
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: ErrorCode.UNKNOWN_TIER, field: 'filter.tierCodes' });
  });

  it('filters activities by account, manager, type and date range; projects by account, status and signing dates; contacts by account, role and active', async () => {
    const [{ account_id: accountId, manager_id: managerId }] = await t().ds.query('SELECT account_id, manager_id FROM activities WHERE manager_id IS NOT NULL ORDER BY id LIMIT 1');
    expect(await total('activities', `accountIds: ["${accountId}"]`)).toBe(await sqlCount('SELECT COUNT(*) AS n FROM activities WHERE account_id = ?', [accountId]));
    expect(await total('activities', `managerIds: ["${managerId}"], types: [MANAGER_VISIT], from: "2026-01-01", to: "2026-06-30"`)).toBe(
      await sqlCount("SELECT COUNT(*) AS n FROM activities WHERE manager_id = ? AND type = 'MANAGER_VISIT' AND occurred_on >= '2026-01-01' AND occurred_on <= '2026-06-30'", [managerId]),
    );
    const tagged = await sqlCount("SELECT COUNT(*) AS n FROM activities WHERE intel_tags LIKE '%COMPETITOR%'");
    expect(await total('activities', 'intelTags: [COMPETITOR]')).toBe(tagged);
    const [{ account_id: projectAccount }] = await t().ds.query('SELECT account_id FROM projects ORDER BY id LIMIT 1');
    expect(await total('projects', `accountIds: ["${projectAccount}"]`)).toBe(await sqlCount('SELECT COUNT(*) AS n FROM projects WHERE account_id = ?', [projectAccount]));
    expect(await total('projects', 'statuses: [IN_PROGRESS, COMPLETED], signedFrom: "2025-01-01", signedTo: "2025-12-31"')).toBe(
      await sqlCount("SELECT COUNT(*) AS n FROM projects WHERE status IN ('IN_PROGRESS', 'COMPLETED') AND signed_on >= '2025-01-01' AND signed_on <= '2025-12-31'"),
    );
    const [{ account_id: contactAccount }] = await t().ds.query('SELECT account_id FROM contacts ORDER BY id LIMIT 1');
    expect(await total('contacts', `accountIds: ["${contactAccount}"]`)).toBe(await sqlCount('SELECT COUNT(*) AS n FROM contacts WHERE account_id = ?', [contactAccount]));
    expect(await total('contacts', 'roles: [DECISION_MAKER], active: true')).toBe(await sqlCount("SELECT COUNT(*) AS n FROM contacts WHERE role = 'DECISION_MAKER' AND active = 1"));
    expect(await total('contacts', 'active: false')).toBe(await sqlCount('SELECT COUNT(*) AS n FROM contacts WHERE active = 0'));
    expect(await total('payments', 'receivedFrom: "2026-01-01", receivedTo: "2026-03-31"')).toBe(
      await sqlCount("SELECT COUNT(*) AS n FROM payments WHERE received_on >= '2026-01-01' AND received_on <= '2026-03-31'"),
    );
    expect(await total('creditEvaluations', 'years: [2024], ratings: [AAA, AA]')).toBe(await sqlCount("SELECT COUNT(*) AS n FROM credit_evaluations WHERE year = 2024 AND rating IN ('AAA', 'AA')"));
    // A malformed id in a filter names the field.
    const bad = await client.request('{ contacts(filter: { accountIds: ["abc"] }) { totalCount } }');
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.accountIds' });
  });

  it('reads every entity by id, and relations both ways', async () => {
    const [{ id: contactId, account_id: accountId }] = await t().ds.query('SELECT id, account_id FROM contacts ORDER BY id LIMIT 1');
    const d = await client.data<{ contact: { account: { id: string; contacts: { id: string }[] } } }>(`{ contact(id: "${contactId}") { account { id contacts { id } } } }`);
    expect(d.contact.account.id).toBe(String(accountId));
    expect(d.contact.account.contacts.map((c) => c.id)).toContain(String(contactId));
    const [{ id: paymentId, project_id: projectId }] = await t().ds.query('SELECT id, project_id FROM payments WHERE project_id IS NOT NULL ORDER BY id LIMIT 1');
    const p = await client.data<{ payment: { project: { id: string; payments: { id: string }[]; account: { projects: { id: string }[] } } } }>(
      `{ payment(id: "${paymentId}") { project { id payments { id } account { projects { id } } } } }`,
    );
    expect(p.payment.project.id).toBe(String(projectId));
    expect(p.payment.project.payments.map((x) => x.id)).toContain(String(paymentId));
    expect(p.payment.project.account.projects.map((x) => x.id)).toContain(String(projectId));
    const [{ id: userId }] = await t().ds.query('SELECT manager_id AS id FROM accounts WHERE manager_id IS NOT NULL ORDER BY id LIMIT 1');
    const u = await client.data<{ user: { managedAccounts: { manager: { id: string } }[]; unit: { users: { id: string }[] } } }>(
      `{ user(id: "${userId}") { managedAccounts { manager { id } } unit { users { id } } } }`,
    );
    expect(u.user.managedAccounts.length).toBeGreaterThan(0);
    expect(u.user.managedAccounts.every((a) => a.manager.id === String(userId))).toBe(true);
    expect(u.user.unit.users.map((x) => x.id)).toContain(String(userId));
    const single = await client.data<Record<string, { id: string } | null>>(
      `{ project(id: "${projectId}") { id } receivable(id: "999999") { id } creditEvaluation(id: "999999") { id } tier(code: "重要级") { code } orgUnit(code: "HD") { code children { id } parent { code } } }`,
    );
    expect(single.project?.id).toBe(String(projectId));
    expect(single.receivable).toBeNull();
    expect(single.creditEvaluation).toBeNull();
    expect(single.tier).toEqual({ code: 'KEY' });
    expect(single.orgUnit).toMatchObject({ code: 'HD', parent: { code: expect.any(String) } });
  });
});
