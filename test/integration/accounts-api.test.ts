import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import type { RunningServer } from '../../src/http/server';
import { DataClass } from '../../src/modules/privacy/data-classes';
import { describeEachDb } from '../support/db';
import { GqlClient, startTestServer } from '../support/graphql-client';

describeEachDb('accounts over GraphQL', (t) => {
  let server: RunningServer;
  let client: GqlClient;
  const ctx = systemContext('test');

  beforeAll(async () => {
    const { services } = t();
    const unit = await services.org.createUnit(ctx, { code: 'HD', name: '华东分公司' });
    const mgr = await services.org.createUser(ctx, { name: '周浩然', role: Role.MANAGER, unitId: unit.id, phone: '13800138000' });
    const tiers = ['战略客户', '重要级', '主要', '一般大客户'];
    for (let i = 1; i <= 57; i++) {
      await services.accounts.create(ctx, {
        code: `ka${String(i).padStart(3, '0')}`,
        name: `测试客户${i}有限公司`,
        tierCode: tiers[i % 4],
        ownerUnitId: unit.id,
        managerId: mgr.id,
        annualSales: 1234.5 * i,
        creditCode: i === 1 ? '914403001922038216' : null,
      });
    }
    const { secret } = await services.auth.createApiKey(ctx, { name: 'bi', role: Role.ANALYST });
    // Sales figures are 企业机密: this BI key reads them because an ADMIN granted its role the scope.
    await services.needToKnow.grant(ctx, { role: Role.ANALYST, dataClass: DataClass.CONFIDENTIAL, note: 'BI' });
    server = await startTestServer(services);
    client = new GqlClient(server.url, secret);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('pages through every account exactly once with first/after and reports totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const d: { accounts: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { code: string }[] } } = await client.data(
        'query($after: String) { accounts(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { code } } }',
        { after },
      );
      expect(d.accounts.totalCount).toBe(57);
      seen.push(...d.accounts.nodes.map((n) => n.code));
      pages++;
      if (!d.accounts.pageInfo.hasNextPage) break;
      after = d.accounts.pageInfo.endCursor;
    }
    expect(pages).toBe(6);
    expect(seen).toHaveLength(57);
    expect(new Set(seen).size).toBe(57);
    expect(seen[0]).toBe('KA001');
  });

  it('reads one account by code or id, with its tier, unit, manager and money in 元', async () => {
    const d = await client.data<{ account: { id: string; code: string; creditCode: string; annualSales: number; tier: { code: string }; ownerUnit: { name: string }; manager: { name: string } } }>(
      '{ account(code: "ka001") { id code creditCode annualSales tier { code } ownerUnit { name } manager { name } } }',
    );
    expect(d.account).toMatchObject({ code: 'KA001', creditCode: '914403001922038216', annualSales: 1234.5, tier: { code: 'KEY' }, ownerUnit: { name: '华东分公司' }, manager: { name: '周浩然' } });
    const byId = await client.data<{ account: { code: string } }>('query($id: ID) { account(id: $id) { code } }', { id: d.account.id });
    expect(byId.account.code).toBe('KA001');
    const missing = await client.data<{ account: null }>('{ account(code: "NOPE") { code } }');
    expect(missing.account).toBeNull();
  });

  it('answers UNAUTHENTICATED without credentials and with a wrong key', async () => {
    const anon = await client.as(undefined).request('{ accounts(first: 1) { totalCount } }');
    expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await client.as('kam_not-a-real-key').request('{ accounts(first: 1) { totalCount } }');
    expect(wrong.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a page larger than the cap with BAD_USER_INPUT naming the field', async () => {
    const r = await client.request('{ accounts(first: 501) { totalCount } }');
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: ErrorCode.PAGE_SIZE_TOO_LARGE, field: 'first' });
  });

  it('rejects a forged cursor with BAD_USER_INPUT', async () => {
    const r = await client.request('{ accounts(first: 5, after: "garbage!") { totalCount } }');
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: ErrorCode.INVALID_CURSOR });
  });

  it('serves /healthz after checking the database', async () => {
    const res = await fetch(server.url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});
