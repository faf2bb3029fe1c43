/**
 * Production hardening over real HTTP, on every database: security headers and caching, CORS only for
 * configured origins, JSON (never HTML with a stack) for unknown routes and malformed bodies, internals
 * hidden in production, the client address taken through the configured proxies only, and failed
 * logins / bearer credentials limited per address — counted in the database, so another instance
 * refuses the same address too.
 */
import { QueryFailedError } from 'typeorm';
import { systemContext } from '../../src/common/context';
import { ImportAnnex, ImportMode, ImportStatus, Role } from '../../src/common/enums';
import { createLogger } from '../../src/common/logger';
import type { Config } from '../../src/config';
import { startServer, type RunningServer } from '../../src/http/server';
import { ADDRESS_MAX_FAILURES } from '../../src/modules/auth/login-throttle.service';
import { createServices } from '../../src/services';
import { describeEachDb } from '../support/db';

const LOGIN = 'mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }';
const PASSWORD = 'correct horse battery staple';

type GqlBody = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

describeEachDb('production hardening', (t) => {
  const ctx = systemContext('test');
  const servers: RunningServer[] = [];
  const logLines: string[] = [];
  const start = async (overrides: Partial<Config>) => {
    const server = await startServer(createServices(t().ds, { ...t().config, ...overrides }), createLogger('info', (l) => logLines.push(l)), 0, '127.0.0.1');
    servers.push(server);
    return server;
  };
  const production: Partial<Config> = { env: 'production', tokenSecret: 'Zq8#vT2!mW9@kL4$pR7%xN1^sD6&hY3*bJ5(cF0)', trustProxy: ['loopback'] };
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const login = async (url: string, l: string, p: string, from?: string) => {
    const res = await post(url, { query: LOGIN, variables: { l, p } }, from ? { 'x-forwarded-for': from } : {});
    return { status: res.status, body: (await res.json()) as GqlBody };
  };

  beforeAll(async () => {
    await t().services.org.createUser(ctx, { login: 'wang.wei', name: '王伟', role: Role.ANALYST, password: PASSWORD });
  });

  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('sends security headers: strict CSP and HSTS in production, no x-powered-by, Cache-Control no-store', async () => {
    const prod = await start(production);
    const dev = await start({});
    for (const path of ['/healthz', '/graphql', '/templates/ledger.xlsx', '/nope']) {
      const res = await fetch(prod.url.replace('/graphql', path), { method: path === '/graphql' ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: path === '/graphql' ? '{"query":"{ __typename }"}' : undefined });
      expect([path, res.headers.get('cache-control')]).toEqual([path, 'no-store']);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
    const local = await fetch(dev.url.replace('/graphql', '/healthz'));
    expect(local.headers.get('strict-transport-security')).toBeNull();
    expect(local.headers.get('cache-control')).toBe('no-store');
  });

  it('answers unknown routes, malformed JSON and oversized bodies with JSON, never an HTML page or a stack', async () => {
    const prod = await start(production);
    const missing = await fetch(prod.url.replace('/graphql', '/admin/../etc'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const broken = await post(prod.url, '{"query": "{ __typename }"');
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(text).not.toMatch(/<html|<pre|\bat \w+ \(|node_modules/i);
    expect(JSON.parse(text)).toEqual({ error: { code: 'BAD_REQUEST', message: 'the request body is not valid JSON' } });
    const huge = await post(prod.url, JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }));
    expect(huge.status).toBe(413);
    expect(await huge.text()).not.toMatch(/<html|node_modules/);
  });

  it('in production an unexpected error carries only a request id; the details are in the log under it', async () => {
    const services = createServices(t().ds, { ...t().config, ...production });
    const server = await startServer(services, createLogger('info', (l) => logLines.push(l)), 0, '127.0.0.1');
    servers.push(server);
    const { secret } = await services.auth.createApiKey(ctx, { name: 'prod-analyst', role: Role.ANALYST });
    jest.spyOn(services.accounts, 'list').mockRejectedValueOnce(new QueryFailedError('SELECT `a`.`hidden_column` FROM `accounts` `a`', [], new Error('Unknown column hidden_column')));
    const res = await post(server.url, { query: '{ accounts(first: 1) { totalCount } }' }, { authorization: `Bearer ${secret}` });
    const body = (await res.json()) as GqlBody;
    expect(body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: res.headers.get('x-request-id') } });
    expect(JSON.stringify(body)).not.toMatch(/hidden_column|SELECT|stack/i);
    expect(logLines.some((l) => l.includes(res.headers.get('x-request-id') as string) && l.includes('hidden_column'))).toBe(true);
    // Logged requests never carry the credential that made them.
    expect(logLines.join('\n')).not.toContain(secret);
  });

  it('allows cross-origin calls only from KAM_CORS_ORIGINS', async () => {
    const closed = await start({});
    const open = await start({ corsOrigins: ['https://bi.example.com'] });
    const preflight = (url: string, origin: string) =>
      fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    const allowed = await preflight(open.url, 'https://bi.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://bi.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight(open.url, 'https://evil.example.net')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(closed.url, 'https://bi.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    const call = await post(open.url, { query: '{ __typename }' }, { origin: 'https://bi.example.com' });
    expect(call.headers.get('access-control-allow-origin')).toBe('https://bi.example.com');
    expect(call.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('takes the client address from X-Forwarded-For only through the configured proxies', async () => {
    const direct = await start({ trustProxy: false });
    const proxied = await start({ trustProxy: ['loopback'] });
    await login(direct.url, 'nobody.direct', 'x', '198.51.100.7');
    await login(proxied.url, 'nobody.proxied', 'x', '198.51.100.8');
    const origins = await t().ds.query("SELECT origin, after FROM audit_events WHERE action = 'auth.login.failed' ORDER BY id");
    const of = (name: string) => (origins as { origin: string; after: string }[]).find((r) => r.after.includes(name))?.origin;
    expect(of('nobody.direct')).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    expect(of('nobody.proxied')).toBe('198.51.100.8');
  });

  it(`limits failed logins per address (${ADDRESS_MAX_FAILURES} per window, any login), in the database: every instance refuses, other addresses are not affected`, async () => {
    const a = await start(production);
    const b = await start(production);
    const attacker = '203.0.113.50';
    for (let i = 1; i < ADDRESS_MAX_FAILURES; i++) {
      const r = await login(i % 2 ? a.url : b.url, `guess${i}`, 'wrong', attacker);
      expect([i, r.body.errors?.[0].extensions?.reason]).toEqual([i, 'UNAUTHENTICATED']);
    }
    const last = await login(a.url, 'wang.wei', 'wrong', attacker);
    expect(last.body.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'LOGIN_RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    const retry = last.body.errors?.[0].extensions?.retryAfterSeconds as number;
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    // Even the right password is refused from that address, on the other instance too (which never saw the failures)...
    const fresh = await start(production);
    const refused = await login(fresh.url, 'wang.wei', PASSWORD, attacker);
    expect(refused.body.errors?.[0].extensions?.reason).toBe('LOGIN_RATE_LIMITED');
    expect(refused.body.data?.login ?? null).toBeNull();
    // ...while another address logs in.
    const ok = await login(fresh.url, 'wang.wei', PASSWORD, '203.0.113.51');
    expect(ok.body.errors).toBeUndefined();
    expect(typeof (ok.body.data?.login as { token: string }).token).toBe('string');
    const [row] = await t().ds.query("SELECT failures FROM login_throttles WHERE `key` = 'login:203.0.113.50'".replace(/`/g, t().kind === 'mysql' ? '`' : '"'));
    expect(Number(row.failures)).toBe(ADDRESS_MAX_FAILURES);
  });

  it('refuses an upload while another import of the annex runs: 409 IMPORT_IN_PROGRESS naming the job', async () => {
    const server = await start({});
    const { secret } = await t().services.auth.createApiKey(ctx, { name: 'importer', role: Role.ADMIN });
    const held = await t().services.imports.start(ctx, { annex: ImportAnnex.LEDGER, fileName: 'big-ledger.xlsx', sha256: 'a'.repeat(64), sizeBytes: 1, mode: ImportMode.ATOMIC, dryRun: false });
    try {
      const res = await fetch(server.url.replace('/graphql', '/imports/ledger?wait=true'), { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'x-file-name': 'ledger.csv' }, body: '日期,客户编号,主题\n2025-01-02,KC0001,拜访\n' });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: { code: 'IMPORT_IN_PROGRESS', message: expect.stringContaining(`任务 #${held.id}（big-ledger.xlsx`) } });
    } finally {
      await t().services.imports.finish(held.id, ImportStatus.SUCCEEDED, { rowsTotal: 0, rowsValid: 0, rowsInvalid: 0, rowsCreated: 0, rowsUpdated: 0, rowsUnchanged: 0 }, []);
    }
  });

  it('limits failed API keys per address: 429 with Retry-After, on GraphQL, the import and the download routes', async () => {
    const server = await start(production);
    const { secret } = await t().services.auth.createApiKey(ctx, { name: 'bi', role: Role.ANALYST });
    const from = '192.0.2.77';
    const query = (key: string, ip = from) => post(server.url, { query: '{ __typename }' }, { authorization: `Bearer ${key}`, 'x-forwarded-for': ip });
    for (let i = 1; i < ADDRESS_MAX_FAILURES; i++) expect([i, (await query(`kam_wrong${i}xxxxxxxxxxxxxxxx`)).status]).toEqual([i, 401]);
    const limited = await query('kam_wrong-last-xxxxxxxxxxxxxxxx');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(((await limited.json()) as GqlBody).errors?.[0].extensions?.reason).toBe('LOGIN_RATE_LIMITED');
    // The address is refused whatever it sends now; the same key from elsewhere works.
    expect((await query(secret)).status).toBe(429);
    const upload = await fetch(server.url.replace('/graphql', '/imports/ledger'), { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'x-forwarded-for': from }, body: 'x' });
    expect(upload.status).toBe(429);
    expect(upload.headers.get('retry-after')).toBeTruthy();
    const download = await fetch(server.url.replace('/graphql', '/exports/summary.xlsx'), { headers: { authorization: `Bearer ${secret}`, 'x-forwarded-for': from } });
    expect([download.status, download.headers.get('retry-after') !== null, ((await download.json()) as { error: { code: string } }).error.code]).toEqual([429, true, 'LOGIN_RATE_LIMITED']);
    expect((await query(secret, '192.0.2.78')).status).toBe(200);
  });
});
