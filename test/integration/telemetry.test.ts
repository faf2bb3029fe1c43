/**
 * What an operator sees, over real HTTP on every database: one JSON access-log line per request (method,
 * route pattern, status, duration, request id, API key name or user id — never a credential, a login,
 * a query string or a client's personal data), and `GET /metrics` in the Prometheus format behind its
 * own token: requests by route and status, latency histograms, import jobs and rows, the DB pool and
 * the event loop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { createLogger } from '../../src/common/logger';
import { startServer, type RunningServer } from '../../src/http/server';
import { createServices } from '../../src/services';
import { describeEachDb } from '../support/db';
import { exceljsWorkbook, tmpFile } from '../support/workbooks';

const METRICS_TOKEN = 'mt-4f9c2a7e1b8d3f6a0c5e9b2d7a1f4c8e';

interface AccessLine {
  level: string;
  time: string;
  msg: string;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  requestId: string;
  keyName?: string;
  userId?: number;
  operation?: string;
}

/** The value of one sample in a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describeEachDb('access log and /metrics', (t) => {
  const ctx = systemContext('test');
  const lines: string[] = [];
  let server: RunningServer;
  let base: string;
  let adminKey: string;
  let userToken: string;
  let userId: number;
  const access = () => lines.map((l) => JSON.parse(l) as AccessLine).filter((l) => l.msg === 'request');
  const scrape = (token?: string) => fetch(`${base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    const { services } = t();
    adminKey = (await services.auth.createApiKey(ctx, { name: 'Power BI 报表', role: Role.ADMIN })).secret;
    const user = await services.org.createUser(ctx, { login: 'zhang.min', name: '张敏', role: Role.ANALYST, password: 'correct horse battery staple' });
    userId = user.id;
    server = await startServer(createServices(t().ds, { ...t().config, metricsToken: METRICS_TOKEN }), createLogger('info', (l) => lines.push(l)), 0, '127.0.0.1');
    base = server.url.replace(/\/graphql$/, '');
    const login = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }', variables: { l: 'zhang.min', p: 'correct horse battery staple' } }) });
    userToken = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('logs one line per request with route, status, duration, request id and the key name or user id — never secrets or personal data', async () => {
    const before = access().length;
    const gql = (token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body: JSON.stringify(body) });
    const byKey = await gql(adminKey, { query: 'query Accounts { accounts(first: 1) { totalCount } }', operationName: 'Accounts' }, { 'x-request-id': 'trace-123' });
    expect(byKey.status).toBe(200);
    expect((await gql(userToken, { query: '{ accounts(first: 1) { totalCount } }' })).status).toBe(200);
    expect((await gql('kam_not-a-real-key-0000000000000000', { query: '{ __typename }' })).status).toBe(401);
    expect((await fetch(`${base}/templates/ledger.xlsx?token=${encodeURIComponent(adminKey)}`)).status).toBe(401);
    expect((await fetch(`${base}/no/such/route/13812345678`)).status).toBe(404);
    const template = await fetch(`${base}/templates/ledger.xlsx`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(template.status).toBe(200);
    await template.arrayBuffer();
    // The line is written when the response finishes, which may be just after the client has read it.
    await new Promise((r) => setTimeout(r, 100));

    const got = access().slice(before);
    expect(got.map((l) => [l.method, l.route, l.status])).toEqual([
      ['POST', '/graphql', 200],
      ['POST', '/graphql', 200],
      ['POST', '/graphql', 401],
      ['GET', '/templates/:file', 401],
      ['GET', 'unmatched', 404],
      ['GET', '/templates/:file', 200],
    ]);
    expect(got[0]).toMatchObject({ level: 'info', requestId: 'trace-123', keyName: 'Power BI 报表', operation: 'Accounts' });
    expect(got[1]).toMatchObject({ userId });
    expect(got[1].keyName).toBeUndefined();
    for (const l of got) {
      expect(l.durationMs).toBeGreaterThanOrEqual(0);
      expect(l.requestId).toMatch(/^[\w.:-]+$/);
      expect(Date.parse(l.time)).not.toBeNaN();
    }
    // Nothing secret or personal: no key, no token, no login or name, no path or query string.
    const text = lines.join('\n');
    for (const secret of [adminKey, userToken, 'kam_not-a-real-key', 'zhang.min', '张敏', '13812345678', 'token=']) expect(text).not.toContain(secret);
  });

  it('serves /metrics only with its own token, in the Prometheus text format', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape(adminKey)).status).toBe(401);
    const res = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'kam_http_requests_total', { method: 'POST', route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'kam_http_requests_total', { method: 'POST', route: '/graphql', status: '401' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'kam_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    // The raw path never becomes a label.
    expect(text).not.toContain('13812345678');
    const count = sample(text, 'kam_http_request_duration_seconds_count', { method: 'POST', route: '/graphql' }) as number;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'kam_http_request_duration_seconds_bucket', { method: 'POST', route: '/graphql', le: '+Inf' })).toBe(count);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    if (t().kind === 'mysql') {
      expect(sample(text, 'kam_db_pool_max_connections', { pool: 'primary' })).toBe(10);
      expect(sample(text, 'kam_db_pool_connections', { pool: 'primary', state: 'idle' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'kam_db_pool_waiting', { pool: 'primary' })).toBe(0);
    }
  });

  it('counts import jobs and their rows by outcome', async () => {
    const file = await exceljsWorkbook(tmpFile('汇总表.xlsx'), [{ rows: [['客户编号', '客户名称', '客户级别'], ['KA9001', '北京宏达建设集团有限公司', '战略'], ['KA9002', '上海华建置业有限公司', '重点'], ['KA9003', '某公司', '钻石级']] }]);
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
    const res = await fetch(`${base}/imports/summary?mode=skip-invalid&wait=true`, { method: 'POST', body: form, headers: { authorization: `Bearer ${adminKey}` } });
    expect(res.status).toBe(200);
    await res.json();
    const text = await (await scrape(METRICS_TOKEN)).text();
    // skip-invalid wrote the two valid rows; a job with rejected rows ends REJECTED.
    expect(sample(text, 'kam_import_jobs_total', { annex: 'summary', status: 'REJECTED', dry_run: 'false' })).toBe(1);
    expect(sample(text, 'kam_import_rows_total', { annex: 'summary', outcome: 'created' })).toBe(2);
    expect(sample(text, 'kam_import_rows_total', { annex: 'summary', outcome: 'invalid' })).toBe(1);
    expect(sample(text, 'kam_import_jobs_running')).toBe(0);
    expect(access().some((l) => l.route === '/imports/:annex' && l.status === 200 && l.keyName === 'Power BI 报表')).toBe(true);
  });

  it('is off without KAM_METRICS_TOKEN, and says how to turn it on', async () => {
    const off = await startServer(createServices(t().ds, { ...t().config, metricsToken: undefined }), createLogger('error', () => {}), 0, '127.0.0.1');
    try {
      const res = await fetch(off.url.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('KAM_METRICS_TOKEN');
    } finally {
      await off.close();
    }
  });
});
