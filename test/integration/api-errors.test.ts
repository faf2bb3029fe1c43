/**
 * Errors clients see, and the protections in front of the resolvers: every domain failure has its
 * GraphQL code (and the field, for bad input); unexpected failures reveal nothing but a request id;
 * deep, costly, batched and cross-site requests are refused before anything runs.
 */
import { QueryFailedError } from 'typeorm';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import { createLogger } from '../../src/common/logger';
import { translateConstraintError } from '../../src/db/constraint-errors';
import { startServer, type RunningServer } from '../../src/http/server';
import { createServices } from '../../src/services';
import { describeEachDb } from '../support/db';
import { createActors, type TestActors } from '../support/fixtures';
import { GqlClient } from '../support/graphql-client';

/** What a finance and sales dashboard asks for on its first screen: the heaviest real query we expect. */
const DASHBOARD_QUERY = `query Dashboard {
  me { name role }
  tiers { code name }
  year: accountStats(from: "2025-01-01", to: "2025-12-31") { total { accounts signed received receivable overdue } }
  byMonth: accountStats(groupBy: [MONTH, TIER], from: "2025-01-01", to: "2025-12-31") { rows { month tier { name } accounts signed received receivable overdue } }
  byUnit: accountStats(groupBy: [UNIT], from: "2025-01-01", to: "2025-12-31") { rows { unit { name } accounts signed received receivable overdue } }
  byManager: accountStats(groupBy: [MANAGER], from: "2025-01-01", to: "2025-12-31") { rows { manager { name unit { name } } accounts signed received receivable overdue } }
  visits: activityStats(groupBy: [TYPE, MONTH], from: "2025-01-01", to: "2025-12-31") { rows { type month activities accounts } }
  pipeline: projectStats(groupBy: [STATUS]) { status projects contractAmount }
  topAccounts: accounts(first: 100, filter: { tierCodes: ["STRATEGIC", "KEY"] }, orderBy: { field: ANNUAL_SALES, direction: DESC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      code name annualSales expectedContractValue status
      tier { name } ownerUnit { name } manager { name phone }
      contacts { name title role mobile closeness }
      projects { name status contractAmount signedOn receivables { dueOn amount } payments { receivedOn amount } }
      creditEvaluations { year rating score decision }
      activities { occurredOn type subject }
    }
  }
}`;

const ABUSIVE_QUERY = `{ accounts(first: 500) { nodes { children { children { contacts { account { projects { payments { amount } } } } } } } } }`;

describeEachDb('errors and protections over GraphQL', (t) => {
  let server: RunningServer;
  let client: GqlClient;
  let actors: TestActors;
  const logLines: string[] = [];
  const ctx = systemContext('test');

  beforeAll(async () => {
    actors = await createActors(t().services);
    server = await startServer(t().services, createLogger('error', (l) => logLines.push(l)), 0, '127.0.0.1');
    client = new GqlClient(server.url, actors.admin.key);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers bad input with BAD_USER_INPUT naming the field', async () => {
    const cases: [string, string, string][] = [
      ['mutation { createAccount(input: { code: "E1", name: "错误客户", creditCode: "91110000000000000X" }) { id } }', 'creditCode', ErrorCode.INVALID_CREDIT_CODE],
      ['mutation { createAccount(input: { code: "E2", name: "  " }) { id } }', 'name', ErrorCode.REQUIRED],
      ['mutation { createAccount(input: { code: "E3", name: "错误客户", tierCode: "钻石" }) { id } }', 'tierCode', ErrorCode.UNKNOWN_TIER],
      ['mutation { createAccount(input: { code: "E4", name: "错误客户", annualSales: 1.234 }) { id } }', 'annualSales', ErrorCode.INVALID_AMOUNT],
      ['mutation { createAccount(input: { code: "E5", name: "错误客户", postalCode: "12" }) { id } }', 'postalCode', ErrorCode.INVALID_POSTAL_CODE],
    ];
    for (const [query, field, reason] of cases) {
      const r = await client.request(query);
      expect(r.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason, field });
    }
    const account = await t().services.accounts.create(ctx, { code: 'ERR', name: '错误测试客户' });
    const mobile = await client.request(`mutation { createContact(input: { accountId: "${account.id}", name: "张三", mobile: "12345" }) { id } }`);
    expect(mobile.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mobile' });
    const dates = await client.request(`mutation { createProject(input: { accountId: "${account.id}", name: "日期", status: PLANNED, startOn: "2025-05-01", endOn: "2025-01-01" }) { id } }`);
    expect(dates.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endOn' });
    // A malformed date is refused before anything runs: as a variable it is bad input; written into
    // the query text, the query itself is invalid.
    const badDate = await client.request('mutation($on: LocalDate!) { createActivity(input: { accountId: "1", occurredOn: $on, type: OTHER, subject: "x" }) { id } }', { on: '2025-02-30' });
    expect(badDate.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badLiteral = await client.request(`mutation { createActivity(input: { accountId: "${account.id}", occurredOn: "2025-02-30", type: OTHER, subject: "x" }) { id } }`);
    expect(badLiteral.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const nothing = await t().ds.query('SELECT COUNT(*) AS n FROM projects WHERE account_id = ?', [account.id]);
    expect(Number(nothing[0].n)).toBe(0);
  });

  it('answers NOT_FOUND for writes to what does not exist, and null for reads', async () => {
    const r = await client.request('mutation { updateAccount(id: "987654", version: 1, input: { notes: "x" }) { id } }');
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    const contact = await client.request('mutation { createContact(input: { accountId: "987654", name: "无主" }) { id } }');
    expect(contact.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'accountId' });
    expect((await client.data<{ account: null }>('{ account(id: "987654") { id } }')).account).toBeNull();
  });

  it('answers CONFLICT for stale versions, duplicates and records others depend on — and keeps the data', async () => {
    const a = await t().services.accounts.create(ctx, { code: 'CF1', name: '冲突客户' });
    const first = await client.data<{ updateAccount: { version: number; notes: string } }>(`mutation { updateAccount(id: "${a.id}", version: ${a.version}, input: { notes: "甲的修改" }) { version notes } }`);
    expect(first.updateAccount).toEqual({ version: a.version + 1, notes: '甲的修改' });
    const stale = await client.request(`mutation { updateAccount(id: "${a.id}", version: ${a.version}, input: { notes: "乙的修改" }) { id } }`);
    expect(stale.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: ErrorCode.VERSION_CONFLICT, field: 'version' });
    expect((await t().services.accounts.get(ctx, a.id)).notes).toBe('甲的修改');

    const dup = await client.request('mutation { createAccount(input: { code: "cf1", name: "重复编号" }) { id } }');
    expect(dup.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: ErrorCode.ALREADY_EXISTS, field: 'code' });

    const project = await t().services.projects.createProject(ctx, { accountId: a.id, name: '有回款项目', status: 'IN_PROGRESS' });
    await t().services.projects.createPayment(ctx, { accountId: a.id, projectId: project.id, receivedOn: '2025-01-01', amount: 10 });
    const current = async <T extends { version: number }>(p: Promise<T>) => (await p).version;
    const inUse = await client.request(`mutation { deleteAccount(id: "${a.id}", version: ${await current(t().services.accounts.get(ctx, a.id))}) }`);
    expect(inUse.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.IN_USE });
    expect(inUse.errors?.[0].message).toMatch(/TERMINATED/);
    const projectInUse = await client.request(`mutation { deleteProject(id: "${project.id}", version: ${await current(t().services.projects.getProject(ctx, project.id))}) }`);
    expect(projectInUse.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.IN_USE });
    const unitInUse = await client.request(`mutation { deleteOrgUnit(id: "${actors.unit.id}", version: ${await current(t().services.org.getUnit(ctx, actors.unit.id))}) }`);
    expect(unitInUse.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.IN_USE });
    await t().services.accounts.create(ctx, { code: 'CF2', name: '经理的客户', managerId: actors.otherManager.user!.id });
    const managerInUse = await client.request(`mutation { deleteUser(id: "${actors.otherManager.user!.id}", version: ${await current(t().services.org.getUser(ctx, actors.otherManager.user!.id))}) }`);
    expect(managerInUse.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.IN_USE });
    expect(await t().services.accounts.get(ctx, a.id)).toMatchObject({ code: 'CF1' });

    // A ledger collection is changed through its activity, so it is never counted twice.
    const visit = await t().services.activities.create(ctx, { accountId: a.id, occurredOn: '2025-02-01', type: 'COLLECTION', subject: '回款', paymentAmount: 300 });
    const [{ id: paymentId }] = await t().ds.query('SELECT id FROM payments WHERE activity_id = ?', [visit.id]);
    const ledger = await client.request(`mutation { deletePayment(id: "${paymentId}", version: ${await current(t().services.projects.getPayment(ctx, paymentId))}) }`);
    expect(ledger.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.INVALID_STATE });
    await client.data(`mutation { updateActivity(id: "${visit.id}", version: ${visit.version}, input: { paymentAmount: 450 }) { id } }`);
    expect(await t().ds.query('SELECT amount_fen FROM payments WHERE activity_id = ?', [visit.id])).toEqual([{ amount_fen: expect.anything() }]);
    expect(Number((await t().ds.query('SELECT amount_fen FROM payments WHERE activity_id = ?', [visit.id]))[0].amount_fen)).toBe(45_000);
  });

  it('takes a delete only with the version read: none is a validation error, a stale one CONFLICT — and the row stays', async () => {
    const a = await t().services.accounts.create(ctx, { code: 'DV1', name: '删除版本客户' });
    const person = await t().services.contacts.create(ctx, { accountId: a.id, name: '版本测试' });
    await t().services.contacts.update(ctx, person.id, { title: '经理' }, person.version);
    const missing = await client.request(`mutation { deleteContact(id: "${person.id}") }`);
    expect(missing.errors?.[0]).toMatchObject({ message: expect.stringContaining('argument "version" of type "Int!" is required'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const stale = await client.request(`mutation { deleteContact(id: "${person.id}", version: ${person.version}) }`);
    expect(stale.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: ErrorCode.VERSION_CONFLICT, field: 'version' });
    expect(await t().ds.query('SELECT id FROM contacts WHERE id = ?', [person.id])).toHaveLength(1);
    await client.data(`mutation { deleteContact(id: "${person.id}", version: ${person.version + 1}) }`);
    expect(await t().ds.query('SELECT id FROM contacts WHERE id = ?', [person.id])).toHaveLength(0);
  });

  it('maps database constraint violations that slip past the checks to CONFLICT without SQL', async () => {
    const { ds } = t();
    const insert = (code: string, creditCode: string | null, ownerUnitId: number | null = null) =>
      ds.createQueryBuilder().insert().into('accounts').values({ code, name: code, nameKey: code, creditCode, status: 'ACTIVE', source: 'MANUAL', version: 1, ownerUnitId }).execute();
    await insert('RACE1', null);
    const dup = await insert('RACE1', null).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(QueryFailedError);
    const translated = translateConstraintError(dup, ds);
    expect(translated).toMatchObject({ code: ErrorCode.ALREADY_EXISTS, details: { field: 'code' } });
    expect(translated?.message).not.toMatch(/accounts|INSERT|IDX_/i);
    const fk = translateConstraintError(await insert('RACE2', null, 999_999).catch((e: unknown) => e), ds);
    expect(fk?.code).toBe(ErrorCode.CONSTRAINT_VIOLATION);
    expect(fk?.message).not.toMatch(/accounts|org_units|FOREIGN|FK_/);
    // Racing creators of the same code: exactly one wins, the others get CONFLICT (never an internal error).
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => client.request('mutation { createAccount(input: { code: "RACE3", name: "并发客户" }) { id } }')));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => r.errors?.[0].extensions?.code)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT']);
  });

  it('hides unexpected failures behind INTERNAL_SERVER_ERROR and a request id that is in the log', async () => {
    const spy = jest.spyOn(t().services.credit, 'list').mockRejectedValueOnce(
      new QueryFailedError('SELECT `ce`.`secret_column` FROM `credit_evaluations` `ce`', [], new Error("Table 'kam.credit_evaluations' doesn't exist")),
    );
    try {
      const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${actors.analyst.key}` }, body: JSON.stringify({ query: '{ creditEvaluations { totalCount } }' }) });
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string; requestId: string } }[] };
      const text = JSON.stringify(body);
      expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(body.errors[0].message).toBe('Internal server error');
      expect(text).not.toMatch(/credit_evaluations|SELECT|secret_column|stack/i);
      const requestId = body.errors[0].extensions.requestId;
      expect(requestId).toBe(res.headers.get('x-request-id'));
      const logged = logLines.map((l) => JSON.parse(l) as { requestId?: string; error?: { message: string } }).find((l) => l.requestId === requestId);
      expect(logged?.error?.message).toMatch(/credit_evaluations/);
    } finally {
      spy.mockRestore();
    }
    // A request id the caller sends is kept, for tracing across services.
    const traced = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-123' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(traced.headers.get('x-request-id')).toBe('trace-123');
  });

  it('warns at start when login tokens are signed with a per-process key', async () => {
    const lines: string[] = [];
    const dev = await startServer(createServices(t().ds, { ...t().config, tokenSecret: undefined }), createLogger('warn', (l) => lines.push(l)), 0, '127.0.0.1');
    await dev.close();
    expect(lines.some((l) => /KAM_TOKEN_SECRET is not set/.test(l) && /restart/.test(l) && /other instances/.test(l))).toBe(true);
    const quiet: string[] = [];
    const withSecret = await startServer(createServices(t().ds, { ...t().config, tokenSecret: 's'.repeat(40) }), createLogger('warn', (l) => quiet.push(l)), 0, '127.0.0.1');
    await withSecret.close();
    expect(quiet.filter((l) => /KAM_TOKEN_SECRET/.test(l))).toEqual([]);
  });

  it('refuses queries deeper than the limit', async () => {
    const nest = (levels: number) => {
      let q = 'code';
      for (let i = 0; i < levels - 3; i++) q = `parent { ${q} }`; // accounts › nodes › parent… › code
      return `{ accounts(first: 1) { nodes { ${q} } } }`;
    };
    expect((await client.request(nest(10))).errors).toBeUndefined();
    const deep = await client.request(nest(11));
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_DEEP' });
    // Fragments count too, and a fragment cycle does not hang the check.
    const viaFragments = await client.request(`{ accounts(first: 1) { nodes { ...A } } } fragment A on Account { parent { parent { parent { parent { parent { parent { parent { parent { parent { code } } } } } } } } } }`);
    expect(viaFragments.errors?.[0].extensions?.reason).toBe('QUERY_TOO_DEEP');
    const cycle = await client.request('{ accounts(first: 1) { nodes { ...A } } } fragment A on Account { parent { ...A } }');
    expect(cycle.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('runs the heaviest real dashboard query under the cost limit and refuses an abusive one', async () => {
    const ok = await client.as(actors.analyst.key).request<{ topAccounts: { nodes: unknown[] } }>(DASHBOARD_QUERY);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.topAccounts.nodes).toBeDefined();
    const abusive = await client.request(ABUSIVE_QUERY);
    expect(abusive.status).toBe(400);
    expect(abusive.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY', maximumCost: t().config.maxQueryCost });
    expect(abusive.errors?.[0].extensions).toHaveProperty('cost');
    // Page sizes given as variables count as well.
    const viaVariables = await client.request('query($n: Int) { accounts(first: $n) { nodes { children { children { contacts { account { projects { id } } } } } } } }', { n: 500 });
    expect(viaVariables.errors?.[0].extensions).toMatchObject({ reason: 'QUERY_TOO_COSTLY' });
  });

  it('refuses batched requests and cross-site simple requests', async () => {
    const batch = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${actors.admin.key}` },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(batch.status).toBe(400);
    const csrf = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { authorization: `Bearer ${actors.admin.key}` } });
    expect(csrf.status).toBe(400);
    expect(await csrf.text()).toMatch(/Cross-Site Request Forgery/);
    const textPlain = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(textPlain.status).toBe(400);
  });

  it('answers malformed variables with BAD_USER_INPUT before anything runs', async () => {
    const notInt = await client.request('query($n: Int) { accounts(first: $n) { totalCount } }', { n: 'abc' });
    expect(notInt.status).toBe(400);
    expect(notInt.errors?.[0]).toMatchObject({ message: expect.stringMatching(/\$n/), extensions: { code: 'BAD_USER_INPUT' } });
    const missing = await client.request('query($n: Int!) { accounts(first: $n) { totalCount } }', {});
    expect(missing.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badEnum = await client.request('query($f: AccountFilter) { accounts(filter: $f) { totalCount } }', { f: { statuses: ['NOPE'] } });
    expect(badEnum.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('hides "Did you mean …" suggestions in production only', async () => {
    const typo = '{ acounts(first: 1) { totalCount } }';
    const badField = ['query($f: AccountFilter) { accounts(filter: $f) { totalCount } }', { f: { nameContain: 'x' } }] as const;
    expect((await client.request(typo)).errors?.[0].message).toMatch(/Did you mean/);
    expect((await client.request(...badField)).errors?.[0].message).toMatch(/Did you mean/);
    const prodConfig = { ...t().config, env: 'production' as const, tokenSecret: 'p'.repeat(40) };
    const prod = await startServer(createServices(t().ds, prodConfig), createLogger('error', () => {}), 0, '127.0.0.1');
    try {
      const { secret } = await t().services.auth.createApiKey(ctx, { name: 'prod', role: Role.ANALYST });
      const r = await new GqlClient(prod.url, secret).request(typo);
      expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.errors?.[0].message).not.toMatch(/Did you mean|accounts/);
      const v = await new GqlClient(prod.url, secret).request(...badField);
      expect(v.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(v.errors?.[0].message).not.toMatch(/Did you mean|nameContains/);
    } finally {
      await prod.close();
    }
  });
});
