/**
 * Authentication over HTTP: user logins with signed, expiring tokens (verified without a lookup, so any
 * instance sharing the secret accepts them), lockout, passwords, and what each role sees of a
 * contact's personal information.
 */
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import { createLogger } from '../../src/common/logger';
import type { RunningServer } from '../../src/http/server';
import { startServer } from '../../src/http/server';
import { createServices } from '../../src/services';
import { MAX_FAILED_LOGINS } from '../../src/modules/auth/auth.service';
import { signToken, signingKey, verifyToken } from '../../src/modules/auth/token';
import { describeEachDb } from '../support/db';
import { createActors, type TestActors } from '../support/fixtures';
import { GqlClient, startTestServer } from '../support/graphql-client';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const LOGIN = 'mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token expiresAt user { login role } } }';

describe('login tokens', () => {
  const { key } = signingKey(SECRET);
  const claims = { sub: 7, login: 'zhou', role: Role.MANAGER, unit: 3, iat: 1000, exp: 2000 };

  it('verify when genuine and unexpired, and refuse tampering, another key and expiry', () => {
    const token = signToken(key, claims);
    expect(verifyToken(key, token, 1500)).toEqual(claims);
    expect(() => verifyToken(key, token, 2000)).toThrow(/expired/);
    expect(() => verifyToken(signingKey('another-secret-that-is-long-enough-xxxxx').key, token, 1500)).toThrow(/invalid/);
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, role: Role.ADMIN })).toString('base64url');
    expect(() => verifyToken(key, `kamt_${forged}.${sig}`, 1500)).toThrow(/invalid/);
    expect(() => verifyToken(key, `${body}.`, 1500)).toThrow(/invalid/);
  });

  it('without a configured secret, sign with one random key per process', () => {
    const a = signingKey(undefined);
    const b = signingKey(undefined);
    expect(a.ephemeral).toBe(true);
    expect(a.key.equals(b.key)).toBe(true);
    expect(a.key.length).toBe(32);
    expect(signingKey(SECRET).ephemeral).toBe(false);
  });
});

describeEachDb(
  'authentication and roles over GraphQL',
  (t) => {
    let server: RunningServer;
    let client: GqlClient;
    let actors: TestActors;
    const ctx = systemContext('test');

    beforeAll(async () => {
      const { services } = t();
      actors = await createActors(services);
      await services.org.createUser(ctx, { login: 'zhou.haoran', name: '周浩然', role: Role.MANAGER, unitId: actors.unit.id, password: 'correct horse battery' });
      await services.org.createUser(ctx, { login: 'gone', name: '离职员工', role: Role.ANALYST, password: 'correct horse battery', active: false });
      server = await startTestServer(services);
      client = new GqlClient(server.url);
    });

    afterAll(async () => {
      await server?.close();
    });

    const login = (l: string, p: string) => client.request<{ login: { token: string; expiresAt: string; user: { login: string; role: string } } }>(LOGIN, { l, p });

    it('logs in and acts as the user with the token, statelessly on any instance sharing the secret', async () => {
      const r = await login('zhou.haoran', 'correct horse battery');
      expect(r.errors).toBeUndefined();
      const { token, expiresAt, user } = r.data!.login;
      expect(user).toEqual({ login: 'zhou.haoran', role: 'MANAGER' });
      expect(token.startsWith('kamt_')).toBe(true);
      const ttl = (new Date(expiresAt).getTime() - Date.now()) / 1000;
      expect(ttl).toBeGreaterThan(t().config.tokenTtlSeconds - 60);
      expect(ttl).toBeLessThanOrEqual(t().config.tokenTtlSeconds);
      const me = await client.as(token).data<{ me: { name: string; role: string; kind: string; user: { name: string } } }>('{ me { name role kind user { name } } }');
      expect(me.me).toEqual({ name: 'zhou.haoran', role: 'MANAGER', kind: 'user', user: { name: '周浩然' } });
      // A second instance with the same secret accepts it; one with another secret does not.
      const twin = await startServer(createServices(t().ds, t().config), createLogger('error', () => {}), 0, '127.0.0.1');
      const stranger = await startServer(createServices(t().ds, { ...t().config, tokenSecret: 'z'.repeat(40) }), createLogger('error', () => {}), 0, '127.0.0.1');
      try {
        expect((await new GqlClient(twin.url, token).data<{ me: { name: string } }>('{ me { name } }')).me.name).toBe('zhou.haoran');
        const refused = await new GqlClient(stranger.url, token).request('{ me { name } }');
        expect(refused.status).toBe(401);
        expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      } finally {
        await twin.close();
        await stranger.close();
      }
    });

    it('answers a wrong password, an unknown login and an inactive user alike', async () => {
      for (const [l, p] of [['zhou.haoran', 'wrong password!'], ['nobody', 'correct horse battery'], ['gone', 'correct horse battery']]) {
        const r = await login(l, p);
        expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(r.errors?.[0].message).toBe('wrong login or password');
      }
    });

    it('refuses expired and forged tokens, and requests without credentials', async () => {
      const { key } = signingKey(SECRET);
      const now = Math.floor(Date.now() / 1000);
      const expired = signToken(key, { sub: actors.admin.user!.id, login: 'x', role: Role.ADMIN, unit: null, iat: now - 100, exp: now - 1 });
      const r = await client.as(expired).request('{ me { name } }');
      expect(r.errors?.[0]).toMatchObject({ message: expect.stringMatching(/expired/), extensions: { code: 'UNAUTHENTICATED' } });
      const forged = signToken(signingKey('forger-secret-forger-secret-forger-secret').key, { sub: 1, login: 'x', role: Role.ADMIN, unit: null, iat: now, exp: now + 100 });
      expect((await client.as(forged).request('{ me { name } }')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect((await client.request('{ accounts(first: 1) { totalCount } }')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect((await client.as('Basic abc').request('{ me { name } }')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it(`locks a login after ${MAX_FAILED_LOGINS} wrong passwords, until an ADMIN sets a new one`, async () => {
      const user = await t().services.org.createUser(ctx, { login: 'lock.me', name: '锁定测试', role: Role.ANALYST, password: 'first password!' });
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) expect((await login('lock.me', `wrong ${i} password`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const locked = await login('lock.me', 'first password!');
      expect(locked.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: ErrorCode.LOGIN_LOCKED });
      // Only an ADMIN may set passwords.
      const refused = await client.as(actors.committee.key).request(`mutation { setUserPassword(userId: "${user.id}", password: "second password!") { id } }`);
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const tooShort = await client.as(actors.admin.key).request(`mutation { setUserPassword(userId: "${user.id}", password: "short") { id } }`);
      expect(tooShort.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
      await client.as(actors.admin.key).data(`mutation { setUserPassword(userId: "${user.id}", password: "second password!") { id } }`);
      expect((await login('lock.me', 'first password!')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect((await login('lock.me', 'second password!')).errors).toBeUndefined();
      const events = await t().ds.query("SELECT action FROM audit_events WHERE entity = 'User' AND entity_id = ? ORDER BY id", [String(user.id)]);
      expect(events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['auth.login.failed', 'auth.login.locked', 'user.password.set', 'auth.login']));
    });

    it('lets a logged-in user change their own password, proving the current one', async () => {
      await t().services.org.createUser(ctx, { login: 'self.service', name: '自助', role: Role.FINANCE, password: 'old password 1' });
      const token = (await login('self.service', 'old password 1')).data!.login.token;
      const wrong = await client.as(token).request('mutation { changeMyPassword(currentPassword: "not it at all", newPassword: "new password 2") }');
      expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
      expect((await client.as(token).data<{ changeMyPassword: boolean }>('mutation { changeMyPassword(currentPassword: "old password 1", newPassword: "new password 2") }')).changeMyPassword).toBe(true);
      expect((await login('self.service', 'new password 2')).errors).toBeUndefined();
      // An API key is not a login.
      const byKey = await client.as(actors.finance.key).request('mutation { changeMyPassword(currentPassword: "x", newPassword: "new password 3") }');
      expect(byKey.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('lets a MANAGER logged in with a token write only the accounts it manages', async () => {
      const zhou = (await t().services.org.findUserByLogin(ctx, 'zhou.haoran'))!;
      const own = await t().services.accounts.create(ctx, { code: 'TOK1', name: '令牌客户一', managerId: zhou.id });
      const other = await t().services.accounts.create(ctx, { code: 'TOK2', name: '令牌客户二', managerId: actors.manager.user!.id });
      const token = (await login('zhou.haoran', 'correct horse battery')).data!.login.token;
      const add = (accountId: number) => client.as(token).request(`mutation { createContact(input: { accountId: "${accountId}", name: "刘洋" }) { id } }`);
      expect((await add(own.id)).errors).toBeUndefined();
      expect((await add(other.id)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      // Sending back its unchanged manager and tier with a change is not a reassignment; changing them is.
      const current = await t().services.accounts.get(ctx, own.id);
      const resend = await client.as(token).request(
        `mutation { updateAccount(id: "${own.id}", version: ${current.version}, input: { managerId: "${zhou.id}", tierCode: null, notes: "补充说明" }) { notes } }`,
      );
      expect(resend.errors).toBeUndefined();
      const reassign = await client.as(token).request(`mutation { updateAccount(id: "${own.id}", version: ${current.version + 1}, input: { managerId: "${actors.manager.user!.id}" }) { id } }`);
      expect(reassign.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'managerId' });
      // Its new accounts are its own, in its unit.
      const created = await client.as(token).data<{ createAccount: { manager: { login: string }; ownerUnit: { id: string } } }>(
        'mutation { createAccount(input: { code: "TOK3", name: "令牌客户三" }) { manager { login } ownerUnit { id } } }',
      );
      expect(created.createAccount).toEqual({ manager: { login: 'zhou.haoran' }, ownerUnit: { id: String(actors.unit.id) } });
    });

    it('shows a contact\'s mobile and 🔒 fields by role: in full to ADMIN, COMMITTEE and the account\'s manager, masked or null to others', async () => {
      const account = await t().services.accounts.create(ctx, { code: 'PRIV', name: '隐私客户', managerId: actors.manager.user!.id });
      const consentAt = new Date('2025-01-01T00:00:00Z');
      const contact = await t().services.contacts.create(ctx, {
        accountId: account.id, name: '孙丽', mobile: '13812341234', familyInfo: '配偶、一子', homeAddress: '上海市徐汇区某路1号', hobbies: '网球', consentAt, consentSource: '书面同意',
      });
      const q = `{ contact(id: "${contact.id}") { name mobile familyInfo homeAddress hobbies } account(code: "PRIV") { contacts { mobile hobbies } } }`;
      type View = { name: string; mobile: string; familyInfo: string | null; homeAddress: string | null; hobbies: string | null };
      const full: View = { name: '孙丽', mobile: '13812341234', familyInfo: '配偶、一子', homeAddress: '上海市徐汇区某路1号', hobbies: '网球' };
      const masked: View = { name: '孙丽', mobile: '138****1234', familyInfo: null, homeAddress: null, hobbies: null };
      // A related person's name is 企业机密: FINANCE reads it, another unit's manager and an ANALYST see the surname only.
      const unnamed: View = { ...masked, name: '孙*' };
      const expected: Record<'admin' | 'committee' | 'manager' | 'otherManager' | 'finance' | 'analyst', View> = { admin: full, committee: full, manager: full, otherManager: unnamed, finance: masked, analyst: unnamed };
      for (const who of Object.keys(expected) as (keyof typeof expected)[]) {
        const view = expected[who];
        const d = await client.as(actors[who].key).data<{ contact: View; account: { contacts: { mobile: string; hobbies: string | null }[] } }>(q);
        expect([who, d.contact]).toEqual([who, view]);
        expect([who, d.account.contacts]).toEqual([who, [{ mobile: view.mobile, hobbies: view.hobbies }]]);
      }
      // Writing 🔒 fields needs a consent record.
      const noConsent = await client.as(actors.manager.key).request(`mutation { createContact(input: { accountId: "${account.id}", name: "周敏", hobbies: "钓鱼" }) { id } }`);
      expect(noConsent.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'hobbies' });
    });

    it('allows introspection only to authenticated callers', async () => {
      const anon = await client.request('{ __schema { queryType { name } } }');
      expect(anon.status).toBe(401);
      expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const viaFragment = await client.request('query { ...F } fragment F on Query { __type(name: "Account") { name } }');
      expect(viaFragment.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect((await client.request<{ __typename: string }>('{ __typename }')).data).toEqual({ __typename: 'Query' });
      const bi = await client.as(actors.analyst.key).data<{ __schema: { types: { name: string }[] } }>('{ __schema { types { name } } }');
      expect(bi.__schema.types.map((x) => x.name)).toEqual(expect.arrayContaining(['Account', 'AccountStats', 'Contact']));
    });
  },
  { tokenSecret: SECRET },
);
