/**
 * What the console needs from the API beyond the lists every client uses: the account search box
 * (name or 客户编号) and the management-level filter — checked against SQL on both databases — and the
 * HTTP surface it is served from (its pages for browsers, JSON for API clients, GraphiQL, no landing page).
 */
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import type { RunningServer } from '../../src/http/server';
import { CONSOLE_CSP } from '../../src/http/console-routes';
import { generateDemoData } from '../../seeds/demo/generator';
import { loadDemoData } from '../../seeds/demo/load';
import { describeEachDb } from '../support/db';
import { GqlClient, startTestServer } from '../support/graphql-client';

describeEachDb('the console’s account filters and routes', (t) => {
  let server: RunningServer;
  let client: GqlClient;
  let base: string;

  beforeAll(async () => {
    const { services } = t();
    await loadDemoData(services, generateDemoData({ asOf: '2026-10-31' }));
    const { secret } = await services.auth.createApiKey(systemContext('test'), { name: 'console', role: Role.ANALYST });
    server = await startTestServer(services);
    client = new GqlClient(server.url, secret);
    base = server.url.replace(/\/graphql$/, '');
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  const codes = async (filter: Record<string, unknown>) => {
    const r = await client.data<{ accounts: { totalCount: number; nodes: { code: string }[] } }>('query($f: AccountFilter){ accounts(first: 500, filter: $f) { totalCount nodes { code } } }', { f: filter });
    return r.accounts.nodes.map((n) => n.code).sort();
  };
  const sqlCodes = async (sql: string, params: unknown[]) => ((await t().ds.query(sql, params)) as { code: string }[]).map((r) => r.code).sort();

  it('search finds accounts by part of the name or of the 客户编号', async () => {
    expect(await codes({ search: 'ka000' })).toEqual(await sqlCodes("SELECT code FROM accounts WHERE code LIKE 'KA000%'", []));
    expect(await codes({ search: 'KA0002' })).toEqual(['KA0002']);
    const [{ name }] = await t().ds.query("SELECT name FROM accounts WHERE code = 'KA0002'");
    const part = String(name).slice(2, 6);
    expect(await codes({ search: part })).toEqual(await sqlCodes('SELECT code FROM accounts WHERE name LIKE ?', [`%${part}%`]));
    expect(await codes({ search: '不存在的客户名称' })).toEqual([]);
  });

  it('managementLevels filters by level code, name or alias', async () => {
    const expected = await sqlCodes("SELECT a.code FROM accounts a JOIN management_levels m ON m.id = a.management_level_id WHERE m.code = 'COMPANY'", []);
    expect(expected.length).toBeGreaterThan(0);
    expect(await codes({ managementLevels: ['COMPANY'] })).toEqual(expected);
    expect(await codes({ managementLevels: ['公司级'] })).toEqual(expected);
    const bad = await client.request('query { accounts(filter: { managementLevels: ["不存在的层级"] }) { totalCount } }');
    expect(bad).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('serves the console to browsers with a same-origin CSP, and JSON to API clients', async () => {
    const page = await fetch(`${base}/accounts/12`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(await page.text()).toContain('<div id="root"></div>');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${base}/`, { headers: { accept: 'text/html' } })).text())![1];
    const asset = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    // API clients keep their JSON answers, routes and errors alike.
    const unknown = await fetch(`${base}/no/such/route`, { headers: { accept: 'application/json' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const download = await fetch(`${base}/reports/monthly/2026-10.xlsx`, { headers: { accept: 'text/html' } });
    expect(download.status).toBe(401);
    expect(await fetch(`${base}/assets/missing.js`).then((r) => r.status)).toBe(404);
  });

  it('sends browsers from /graphql to the self-hosted GraphiQL; Apollo\'s CDN landing page is gone', async () => {
    const res = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/graphiql');
    const graphiql = await fetch(`${base}/graphiql`, { headers: { accept: 'text/html' } });
    const html = await graphiql.text();
    expect(html).toContain('<div id="graphiql"></div>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(graphiql.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    // A GET with a query is still GraphQL.
    const q = await fetch(`${base}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': '1' } });
    expect(await q.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
