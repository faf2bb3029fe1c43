/**
 * The attacks of the security pass (issue 18), replayed against a running server on each database;
 * every one must now fail. (The one-door attacks of issue 11 are one-door.test.ts; aggregate flooding
 * has its own file.)
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { Role } from '../../src/common/enums';
import { buildProgram } from '../../src/cli/main';
import { Contact } from '../../src/modules/contacts/contact.entity';
import { Activity } from '../../src/modules/activities/activity.entity';
import { ERASED_MARK } from '../../src/modules/privacy/privacy.service';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';
import { PRODUCTION_ENV } from '../support/production-env';
import { exceljsWorkbook, tmpFile } from '../support/workbooks';


describeEachDb('attacks of the security pass fail', (t) => {
  let w: PolicyWorld;
  let base: string;
  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
    base = w.server.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('an upload cut off mid-file leaves no temp file behind and the server keeps answering', async () => {
    // A temp folder of this test's own (the server runs in this process), so other processes' uploads do not count.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-abort-'));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const uploads = () => fs.readdirSync(tmp).filter((f) => f.startsWith('kam-upload-'));
    try {
    const { port } = new URL(base);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /imports/ledger HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${w.key('admin')}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 100000\r\n\r\n`);
        socket.write('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n');
        socket.write(Buffer.alloc(20_000, 7));
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 300);
      });
      socket.on('error', reject);
    });
    // The upload began (its folder was made), then the server noticed the client left and removed it.
    for (let i = 0; i < 50 && uploads().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(uploads()).toEqual([]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a stolen token cannot guess the password through changeMyPassword: the login locks after five tries', async () => {
    const { services } = t();
    const user = await services.org.createUser(w.system, { login: 'victim', name: '被盗用户', role: Role.ANALYST });
    await services.auth.setPassword(w.system, user.id, 'the real password 42');
    const { token } = await services.auth.login(w.system, 'victim', 'the real password 42');
    const change = (current: string) => w.anonymous.as(token).request(`mutation { changeMyPassword(currentPassword: "${current}", newPassword: "stolen and changed 1") }`);
    for (let i = 0; i < 5; i++) expect(errorOf(await change(`guess ${i}`)).reason).toBe('VALIDATION_FAILED');
    // Locked now: even the right password is refused, and the password stayed.
    expect(errorOf(await change('the real password 42')).reason).toBe('LOGIN_LOCKED');
    await expect(services.auth.login(w.system, 'victim', 'stolen and changed 1')).rejects.toMatchObject({ code: expect.stringMatching(/UNAUTHENTICATED|LOGIN_LOCKED/) });
  });

  it('a MANAGER API key loses its powers when its user is made an ANALYST', async () => {
    const { services } = t();
    const a = await ownedAccount(services, w, w.units.hn, w.users.hnManager);
    const q = `mutation { updateAccount(id: "${a.id}", version: ${a.version}, input: { address: "钥匙改的" }) { id } }`;
    const user = await services.org.createUser(w.system, { login: 'demoted', name: '降级经理', role: Role.MANAGER, unitId: w.units.hn.id });
    const { secret } = await services.auth.createApiKey(w.system, { name: 'demoted-key', role: Role.MANAGER, userId: user.id });
    await services.org.updateUser(w.system, user.id, { role: Role.ANALYST });
    const r = await w.anonymous.as(secret).request(q);
    expect(errorOf(r).code).toBe('UNAUTHENTICATED');
    expect((await services.accounts.get(w.system, a.id)).address).not.toBe('钥匙改的');
  });

  it('a value written in clear into an encrypted column fails its integrity check instead of being served', async () => {
    const { services, ds } = t();
    const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
    const c = await services.contacts.create(w.system, { accountId: a.id, name: '注入人', mobile: '13800001111' });
    await ds.createQueryBuilder().update(Contact).set({ mobile: '13999999999' }).where('id = :id', { id: c.id }).execute();
    const r = await w.gql('admin').request(`{ contact(id: "${c.id}") { mobile } }`);
    expect(JSON.stringify(r)).not.toContain('13999999999');
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('erasing a person removes their name and title from the ledger\'s counterparts too', async () => {
    const { services, ds } = t();
    const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
    const c = await services.contacts.create(w.system, { accountId: a.id, name: '李明', title: '采购经理' });
    const act = await services.activities.create(w.system, { accountId: a.id, occurredOn: '2025-03-01', type: 'MANAGER_VISIT', counterparts: '李明（采购经理）、王工', subject: '年度采购' });
    await w.gql('admin').data(`mutation { erasePerson(id: "${c.id}", reason: "本人要求删除") { id } }`);
    const after = await ds.getRepository(Activity).findOneByOrFail({ id: act.id });
    expect(after.counterparts).toBe(`${ERASED_MARK}、王工`);
  });

  it('production refuses an all-zero data key and a repeated dictionary password as token secret', () => {
    const zero = `zero:${Buffer.alloc(32).toString('base64')}`;
    expect(() => loadConfig({ ...PRODUCTION_ENV, KAM_DATA_KEYS: zero })).toThrow(ConfigError);
    expect(() => loadConfig({ ...PRODUCTION_ENV, KAM_TOKEN_SECRET: 'password1234'.repeat(3) })).toThrow(/placeholder/);
    expect(() => loadConfig({ ...PRODUCTION_ENV, KAM_TOKEN_SECRET: 'Xy7#'.repeat(10) })).toThrow(/placeholder/);
    expect(loadConfig({ ...PRODUCTION_ENV }).env).toBe('production');
  });

  it('a malformed X-File-Name and an oversized search text are bad requests, not server errors', async () => {
    const upload = await fetch(`${base}/imports/ledger`, { method: 'POST', headers: { authorization: `Bearer ${w.key('admin')}`, 'x-file-name': '%E4%ZZ', 'content-type': 'application/octet-stream' }, body: 'x' });
    expect(upload.status).toBe(400);
    expect(((await upload.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    const search = await w.gql('analyst').request(`{ accounts(first: 5, filter: { nameContains: "${'建'.repeat(60_000)}" }) { totalCount } }`);
    expect(errorOf(search)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.nameContains' });
  });

  it('kam export and --errors-out write files only their owner can read (0600)', async () => {
    const { services } = t();
    const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
    await services.contacts.create(w.system, { accountId: a.id, name: '文件人', mobile: '13800002222' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-modes-'));
    const run = (args: string[]) => buildProgram().parseAsync(['node', 'kam', '--database', t().config.database.url, ...args]);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await run(['export', 'persons', '--out', path.join(dir, 'persons.xlsx')]);
      const bad = await exceljsWorkbook(tmpFile('bad.xlsx'), [{ rows: [['客户编号', '姓名', '手机'], [a.code, '坏人', '12345']] }]);
      await run(['import', 'persons', bad, '--errors-out', path.join(dir, 'errors.xlsx')]);
      fs.rmSync(path.dirname(bad), { recursive: true, force: true });
    } finally {
      write.mockRestore();
      process.exitCode = 0;
    }
    for (const f of ['persons.xlsx', 'errors.xlsx']) expect([f, (fs.statSync(path.join(dir, f)).mode & 0o777).toString(8)]).toEqual([f, '600']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a MANAGER cannot point its account at another manager\'s group nor log an activity as someone else', async () => {
    const { services } = t();
    const mine = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
    const theirs = await ownedAccount(services, w, w.units.hd, w.users.hdManager2);
    const link = await w.gql('hdManager').request(`mutation { updateAccount(id: "${mine.id}", version: ${mine.version}, input: { parentId: "${theirs.id}" }) { id } }`);
    expect(errorOf(link)).toMatchObject({ code: 'FORBIDDEN', field: 'parentId' });
    const log = await w.gql('hdManager').request(`mutation { createActivity(input: { accountId: "${mine.id}", occurredOn: "2025-06-01", type: MANAGER_VISIT, subject: "冒名", managerId: "${w.users.hdManager2.id}" }) { id } }`);
    expect(errorOf(log)).toMatchObject({ code: 'FORBIDDEN', field: 'managerId' });
    // Its own group and its own name are fine.
    const group = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
    expect((await w.gql('hdManager').request(`mutation { updateAccount(id: "${mine.id}", version: ${mine.version}, input: { parentId: "${group.id}" }) { id } }`)).errors).toBeUndefined();
  });

  it('the audit trail shows the user agent it stored', async () => {
    await w.gql('admin').data('{ accounts(first: 1) { totalCount } }', {});
    const r = await fetch(w.server.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${w.key('admin')}`, 'user-agent': 'attack-suite/1.0' },
      body: JSON.stringify({ query: 'mutation { grantDataAccess(role: ANALYST, dataClass: CONFIDENTIAL, note: "审计测试") { id } }' }),
    });
    expect(r.status).toBe(200);
    const trail = await w.gql('admin').data<{ auditEvents: { nodes: { userAgent: string | null }[] } }>('{ auditEvents(first: 1, filter: { action: "dataAccess.grant" }) { nodes { userAgent } } }');
    expect(trail.auditEvents.nodes[0].userAgent).toBe('attack-suite/1.0');
  });
});
