/**
 * Field encryption at rest (issue 7): the database holds no personal value in clear; a tampered value,
 * or one moved to another row or field, is refused with DATA_INTEGRITY; `kam keys rotate` leaves no row
 * on the old key, is resumable, and keeps imports matching persons by mobile.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemContext } from '../../src/common/context';
import { generateDataKeyLine, keyIdOf } from '../../src/common/field-crypto';
import { createServices, type Services } from '../../src/services';
import { openContactField, openContactFields } from '../../src/modules/contacts/contact-privacy';
import { Contact } from '../../src/modules/contacts/contact.entity';
import { PERSONS } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { describeEachDb } from '../support/db';
import { createActors, type TestActors } from '../support/fixtures';
import { GqlClient, startTestServer } from '../support/graphql-client';

const PEOPLE = [
  { name: '孙丽', mobile: '13812341234', familyInfo: '配偶、一子', homeAddress: '上海市徐汇区某路1号', hobbies: '网球' },
  { name: '王强', mobile: '13998765432', familyInfo: '父母同住', homeAddress: '杭州市西湖区某街2号', hobbies: '钓鱼' },
  { name: '赵敏', mobile: '13700001111', familyInfo: null, homeAddress: '南京市鼓楼区某巷3号', hobbies: '书法' },
];

const PERSONS_CSV = (code: string) =>
  ['客户编号,姓名,职务,手机,家庭住址,信息采集同意时间,同意方式', ...PEOPLE.map((p) => `${code},${p.name},总经理,${p.mobile},${p.homeAddress},2025-01-10,书面同意书`)].join('\n') + '\n';

describeEachDb('field encryption at rest', (t) => {
  const ctx = systemContext('test');
  let actors: TestActors;
  let accountId: number;
  let code: string;
  const ids: number[] = [];

  const rawContacts = (): Promise<Record<string, string | null>[]> => t().ds.query('SELECT id, uid, mobile, mobile_hash, family_info, home_address, hobbies FROM contacts ORDER BY id');
  const runImport = async (services: Services) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kam-enc-')), 'persons.csv');
    fs.writeFileSync(file, PERSONS_CSV(code));
    return importAnnex(services, ctx, { annex: PERSONS, file });
  };

  beforeAll(async () => {
    actors = await createActors(t().services);
    const account = await t().services.accounts.create(ctx, { code: 'ENC1', name: '加密客户', managerId: actors.manager.user!.id });
    accountId = account.id;
    code = account.code;
    for (const p of PEOPLE) ids.push((await t().services.contacts.create(ctx, { accountId, ...p, consentAt: new Date('2025-01-01T00:00:00Z'), consentSource: '书面同意书' })).id);
  });
  afterAll(() => {
    // Back to this database's own configuration for whatever runs next in the process.
    createServices(t().ds, t().config);
  });

  it('stores no personal value in clear: every value is enc:v1:<key>, a fresh IV each time, and the audit trail holds none', async () => {
    const rows = await rawContacts();
    const dump = JSON.stringify(rows) + JSON.stringify(await t().ds.query('SELECT * FROM audit_events'));
    for (const p of PEOPLE) for (const v of Object.values(p)) if (v && v !== p.name) expect([v, dump.includes(v)]).toEqual([v, false]);
    for (const r of rows) {
      for (const col of ['mobile', 'home_address', 'hobbies']) expect(r[col]).toMatch(new RegExp(`^enc:v1:${t().services.keyRing.activeKeyId}:[\\w-]{16}:[\\w-]{22}:[\\w-]+$`));
      expect(r.mobile_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    // Same value, two rows: different ciphertexts (random IV), same lookup hash.
    const twin = await t().services.contacts.create(ctx, { accountId, name: '孙丽二', mobile: PEOPLE[0].mobile });
    const [a, b] = await t().ds.query('SELECT mobile, mobile_hash FROM contacts WHERE id IN (?, ?) ORDER BY id', [ids[0], twin.id]);
    expect(a.mobile).not.toBe(b.mobile);
    expect(a.mobile_hash).toBe(b.mobile_hash);
    await t().services.contacts.delete(ctx, twin.id, twin.version);
    // Read back in clear through the service layer.
    const c = await t().services.contacts.get(ctx, ids[1]);
    expect(openContactFields(t().services.keyRing, c)).toEqual({ mobile: PEOPLE[1].mobile, familyInfo: PEOPLE[1].familyInfo, homeAddress: PEOPLE[1].homeAddress, hobbies: PEOPLE[1].hobbies });
  });

  it('an update re-encrypts only what changed; an unchanged value keeps its ciphertext', async () => {
    const before = (await rawContacts()).find((r) => Number(r.id) === ids[2])!;
    const c = await t().services.contacts.get(ctx, ids[2]);
    await t().services.contacts.update(ctx, ids[2], { hobbies: '书法、围棋' }, c.version);
    const after = (await rawContacts()).find((r) => Number(r.id) === ids[2])!;
    expect(after.mobile).toBe(before.mobile);
    expect(after.home_address).toBe(before.home_address);
    expect(after.hobbies).not.toBe(before.hobbies);
    expect(openContactField(t().services.keyRing, await t().services.contacts.get(ctx, ids[2]), 'hobbies')).toBe('书法、围棋');
  });

  it('refuses a tampered value, and one moved to another row or another field, with DATA_INTEGRITY (over GraphQL too)', async () => {
    const { ds, services } = t();
    const [r0, r1] = await rawContacts();
    const get = (id: number) => services.contacts.get(ctx, id);
    // Moved to another row.
    await ds.query('UPDATE contacts SET mobile = ? WHERE id = ?', [r0.mobile, ids[1]]);
    expect(() => openContactField(t().services.keyRing, Object.assign(new Contact(), { id: ids[1], uid: r1.uid, mobile: r0.mobile }), 'mobile')).toThrow(expect.objectContaining({ code: 'DATA_INTEGRITY' }));
    const server = await startTestServer(services);
    try {
      const res = await new GqlClient(server.url).as(actors.admin.key).request(`{ contact(id: "${ids[1]}") { name mobile } }`);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'DATA_INTEGRITY' });
      expect(JSON.stringify(res)).not.toContain(PEOPLE[0].mobile);
      // Masked callers are refused too: the mask is computed from the verified value only.
      const masked = await new GqlClient(server.url).as(actors.analyst.key).request(`{ contact(id: "${ids[1]}") { mobile } }`);
      expect(masked.errors?.[0].extensions).toMatchObject({ reason: 'DATA_INTEGRITY' });
    } finally {
      await server.close();
    }
    // Moved to another field of the same row.
    await ds.query('UPDATE contacts SET mobile = ?, hobbies = ? WHERE id = ?', [r1.mobile, r1.home_address, ids[1]]);
    expect(() => openContactField(t().services.keyRing, Object.assign(new Contact(), { id: ids[1], uid: r1.uid, hobbies: r1.home_address }), 'hobbies')).toThrow(expect.objectContaining({ code: 'DATA_INTEGRITY' }));
    // One character of the ciphertext flipped.
    const v = r1.mobile!;
    const flipped = v.slice(0, -2) + (v.at(-2) === 'A' ? 'B' : 'A') + v.at(-1);
    await ds.query('UPDATE contacts SET mobile = ?, hobbies = ? WHERE id = ?', [flipped, r1.hobbies, ids[1]]);
    await expect(get(ids[1]).then((c) => openContactField(t().services.keyRing, c, 'mobile'))).rejects.toMatchObject({ code: 'DATA_INTEGRITY' });
    // A key id nobody configured.
    await ds.query('UPDATE contacts SET mobile = ? WHERE id = ?', [v.replace(/^enc:v1:[^:]+:/, 'enc:v1:nokey:'), ids[1]]);
    await expect(get(ids[1]).then((c) => openContactField(t().services.keyRing, c, 'mobile'))).rejects.toMatchObject({ code: 'DATA_KEY_UNKNOWN' });
    // An import meeting the unreadable row refuses that row, not the file (dry run: nothing written).
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kam-enc-')), 'persons.csv');
    fs.writeFileSync(file, PERSONS_CSV(code));
    const dry = await importAnnex(services, ctx, { annex: PERSONS, file, mode: 'skip-invalid' as never, dryRun: true });
    expect(dry.report.errors.map((e) => [e.row, e.code])).toEqual([[3, 'DATA_KEY_UNKNOWN']]);
    // Restored, it reads again.
    await ds.query('UPDATE contacts SET mobile = ? WHERE id = ?', [r1.mobile, ids[1]]);
    expect(openContactField(t().services.keyRing, await get(ids[1]), 'mobile')).toBe(PEOPLE[1].mobile);
  });

  it('re-importing the same persons file changes nothing (values compared in clear), and matches persons by mobile hash', async () => {
    const imports = async () => Number((await t().ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'import.run'"))[0].n);
    const before = await imports();
    const first = await runImport(t().services);
    expect(first.report.rows).toMatchObject({ created: 0, updated: 3 });
    const again = await runImport(t().services);
    expect(again.report.rows).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    // Every import is one audit event, naming the job.
    expect(await imports()).toBe(before + 2);
    expect(await t().ds.getRepository(Contact).count()).toBe(3);
  });

  it('rotates to a new key in resumable batches: no row left on the old key, values and mobile lookups intact', async () => {
    const { ds, config } = t();
    const k1 = generateDataKeyLine('k1');
    const k2 = generateDataKeyLine('k2');
    /** The key the other tests' services (t().services) read and write with. */
    const dev = `dev:${Buffer.from(t().services.keyRing.keys[0].key).toString('base64')}`;
    // Data written under k1 (after the development key), then k2 added.
    let services = createServices(ds, { ...config, dataKeys: `${dev},${k1}` });
    await services.dataKeys.rotate(ctx);
    // A row written before encryption existed: clear text.
    await ds.query("UPDATE contacts SET hobbies = '登山' WHERE id = ?", [ids[0]]);
    services = createServices(ds, { ...config, dataKeys: `${k1},${k2}` });
    let status = await services.dataKeys.status(ctx);
    expect(status).toMatchObject({ activeKeyId: 'k2', rowsByKey: { k1: 3, k2: 0 }, clearRows: 1 });

    // Interrupted after the first batch (one row per batch)…
    const stop = new Error('interrupted');
    await expect(services.dataKeys.rotate(ctx, { batch: 1, onBatch: () => { throw stop; } })).rejects.toBe(stop);
    status = await services.dataKeys.status(ctx);
    expect(status.rowsByKey).toEqual({ k1: 2, k2: 1 });
    // …and run again: it continues and finishes.
    const report = await services.dataKeys.rotate(ctx, { batch: 1 });
    expect(report.rotated).toBe(2);
    expect(report.failed).toEqual([]);
    expect(report.status).toMatchObject({ rowsByKey: { k1: 0, k2: 3 }, clearRows: 0, rowsWithData: 3 });
    for (const r of await rawContacts()) for (const col of ['mobile', 'home_address', 'hobbies']) expect(keyIdOf(r[col]!)).toBe('k2');
    // Idempotent: nothing left to do.
    expect((await services.dataKeys.rotate(ctx)).rotated).toBe(0);

    // With the old key gone, everything still reads, and the import still finds every person.
    services = createServices(ds, { ...config, dataKeys: k2 });
    const c0 = await services.contacts.get(ctx, ids[0]);
    expect(openContactFields(services.keyRing, c0)).toMatchObject({ mobile: PEOPLE[0].mobile, hobbies: '登山' });
    const again = await runImport(services);
    expect(again.report.rows).toMatchObject({ created: 0 });
    expect(await ds.getRepository(Contact).count()).toBe(3);
    // Rotated back onto the key t().services holds, so no other test depends on this one having run.
    expect((await createServices(ds, { ...config, dataKeys: `${k2},${dev}` }).dataKeys.rotate(ctx)).failed).toEqual([]);
    expect(openContactFields(t().services.keyRing, await t().services.contacts.get(ctx, ids[0]))).toMatchObject({ mobile: PEOPLE[0].mobile });
  });

  it('two services instances in one process keep their own keys: making one never re-keys the other', async () => {
    const { ds, config, services } = t();
    const mine = services.keyRing.activeKeyId;
    const other = createServices(ds, { ...config, dataKeys: generateDataKeyLine('kx') });
    expect(other.keyRing.activeKeyId).toBe('kx');
    expect(services.keyRing.activeKeyId).toBe(mine);
    const c = await services.contacts.create(ctx, { accountId, name: '钱七', mobile: '13600001111' });
    const [raw] = await ds.query('SELECT mobile FROM contacts WHERE id = ?', [c.id]);
    expect(keyIdOf(raw.mobile)).toBe(mine);
    expect(openContactFields(services.keyRing, await services.contacts.get(ctx, c.id)).mobile).toBe('13600001111');
    // The other instance cannot read it: its keys are its own.
    await expect(other.contacts.get(ctx, c.id).then((x) => openContactFields(other.keyRing, x))).rejects.toMatchObject({ code: 'DATA_KEY_UNKNOWN' });
    await services.contacts.delete(ctx, c.id, c.version);
  });

  it('an erased person is not brought back by re-importing the old file: the row is refused with ERASED_PERSON', async () => {
    const { ds, services } = t();
    await services.privacy.erasePerson(ctx, ids[2], '本人要求删除');
    const res = await runImport(services);
    expect(res.report.errors.map((e) => [e.code, e.value])).toEqual([['ERASED_PERSON', PEOPLE[2].name]]);
    expect(await ds.getRepository(Contact).count()).toBe(3);
    const [raw] = await ds.query('SELECT name, mobile, home_address FROM contacts WHERE id = ?', [ids[2]]);
    expect(raw).toEqual({ name: `已删除-${ids[2]}`, mobile: null, home_address: null });
    // The other persons of the file still import (skip-invalid).
    const partial = await importAnnex(services, ctx, { annex: PERSONS, file: await (async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kam-enc-')), 'persons.csv');
      fs.writeFileSync(file, PERSONS_CSV(code));
      return file;
    })(), mode: 'skip-invalid' as never });
    expect(partial.report.rows).toMatchObject({ invalid: 1, valid: 2, created: 0 });
  });

  it('import issues never hold a sensitive cell\'s value: the mobile masked, 🔒 cells hidden (report and database)', async () => {
    const { ds, services } = t();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kam-enc-')), 'persons.csv');
    fs.writeFileSync(file, `客户编号,姓名,手机,家庭住址\n${code},新人甲,1381234567,北京市海淀区秘密路9号\n${code},新人乙,13911112222,天津市和平区秘密街8号\n`);
    const res = await importAnnex(services, ctx, { annex: PERSONS, file, mode: 'skip-invalid' as never });
    // A 🔒 cell without consent is refused on its own (a warning), the rest of its row imports.
    expect([...res.report.errors, ...res.report.warnings.filter((w) => w.code === 'CONSENT_REQUIRED')].map((e) => [e.code, e.value])).toEqual([
      ['INVALID_MOBILE', '138****4567'],
      ['CONSENT_REQUIRED', '（已隐藏 / hidden）'],
    ]);
    const stored = JSON.stringify(await ds.query('SELECT * FROM import_issues'));
    for (const secret of ['1381234567', '秘密路', '秘密街', '13911112222']) expect([secret, stored.includes(secret)]).toEqual([secret, false]);
    expect(JSON.stringify(res.report)).not.toContain('1381234567');
  });
});
