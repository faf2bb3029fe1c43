/**
 * BI beyond GraphQL (issue 15), tested with the consumers a BI team uses:
 * - labels: every enum field of the schema has its Chinese label beside the code, over HTTP;
 * - tombstones: deletions through the services (and what they cascade to) are listed by `changes`;
 * - feeds: /feeds/{entity}.csv read by Python's csv module and by LibreOffice; .jsonl refreshed
 *   incrementally (an update and a delete seen); masking and read audit as in GraphQL;
 * - the SQL layer (MySQL): `kam bi setup`, then the `mysql` client as the BI user reads the views and
 *   is refused the base tables and personal data. On SQLite, setup says it needs MySQL/MariaDB.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { getNamedType, isEnumType, isObjectType } from 'graphql';
import { systemContext } from '../../src/common/context';
import { kamSchema } from '../../src/http/schema';
import type { RunningServer } from '../../src/http/server';
import type { Account } from '../../src/modules/accounts/account.entity';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { removeBi, setupBi } from '../../src/modules/bi/bi-views';
import { Tombstone } from '../../src/modules/bi/tombstone.entity';
import { describeEachDb, MYSQL_URL } from '../support/db';
import { createActors, type TestActors } from '../support/fixtures';
import { GqlClient, startTestServer } from '../support/graphql-client';
import { itWithReaders, readWithOpenpyxl, SYSTEM_PYTHON } from '../support/report-readers';
import { tmpFile } from '../support/workbooks';

const KAM = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

describe('enum labels in the schema', () => {
  it('every enum field of every object type has a String label field beside it', async () => {
    const schema = await kamSchema();
    const missing: string[] = [];
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const [name, field] of Object.entries(type.getFields())) {
        if (!isEnumType(getNamedType(field.type)) || name.endsWith('Label')) continue;
        checked++;
        const label = type.getFields()[`${name}Label`];
        if (!label || getNamedType(label.type).name !== 'String') missing.push(`${type.name}.${name}`);
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });
});

describeEachDb('BI beyond GraphQL', (t) => {
  const admin = systemContext('test');
  let server: RunningServer;
  let base: string;
  let actors: TestActors;
  let gql: GqlClient;
  let account: Account;
  let other: Account;

  /** GET with a Bearer key (the admin's by default; null: none). */
  const get = (url: string, key: string | null = actors.admin.key) => fetch(`${base}${url}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const jsonl = async (url: string, key: string | null = actors.admin.key) => {
    const res = await get(url, key);
    expect(res.status).toBe(200);
    const text = await res.text();
    return { res, rows: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
  };

  beforeAll(async () => {
    const s = t().services;
    actors = await createActors(s, 'bi');
    account = await s.accounts.create(admin, { code: 'BI001', name: '宏达建设集团有限公司', tierCode: 'STRATEGIC', ownerUnitId: actors.unit.id, managerId: actors.manager.user!.id, registeredOn: '2024-01-01', annualSales: 23_456_789.12, ownership: '国企' });
    other = await s.accounts.create(admin, { code: 'BI002', name: '南方建材有限公司', tierCode: 'KEY', ownerUnitId: actors.otherUnit.id, managerId: actors.otherManager.user!.id, registeredOn: '2024-02-01', annualSales: 5_000_000 });
    await s.activities.create(admin, { accountId: account.id, occurredOn: '2026-01-05', type: 'EXECUTIVE_VISIT', subject: '高层互访', intelTags: ['PERSONNEL_CHANGE', 'COMPETITOR'], contractAmount: 1_234_567.89 });
    await s.activities.create(admin, { accountId: other.id, occurredOn: '2026-01-06', type: '客户经理拜访', subject: '例行拜访, "引号" 与逗号' });
    await s.contacts.create(admin, { accountId: account.id, name: '张建国', gender: '男', title: '总经理', mobile: '13800138000', email: 'zhang@example.cn' });
    server = await startTestServer(s);
    base = server.url.replace(/\/graphql$/, '');
    gql = new GqlClient(server.url, actors.admin.key);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('GraphQL answers each enum with its Chinese label beside the code (lists too)', async () => {
    const data = await gql.data<{ activities: { nodes: { type: string; typeLabel: string; intelTags: string[]; intelTagsLabel: string[] }[] } }>(
      `{ activities(first: 10, filter: { accountIds: ["${account.id}"] }) { nodes { type typeLabel intelTags intelTagsLabel } } }`,
    );
    expect(data.activities.nodes).toEqual([{ type: 'EXECUTIVE_VISIT', typeLabel: '高层拜访', intelTags: ['PERSONNEL_CHANGE', 'COMPETITOR'], intelTagsLabel: ['人事变动', '竞争对手'] }]);
    const acc = await gql.data<{ account: { status: string; statusLabel: string; ownership: string; ownershipLabel: string } }>(`{ account(id: "${account.id}") { status statusLabel ownership ownershipLabel } }`);
    expect(acc.account).toEqual({ status: 'ACTIVE', statusLabel: '合作中', ownership: 'STATE_OWNED', ownershipLabel: '国有企业' });
  });

  it('a CSV feed is UTF-8 with a BOM and reads back in Python\'s csv module: codes, labels, 元 and 万元', async () => {
    const res = await get('/feeds/activities.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(Date.parse(res.headers.get('x-kam-until') ?? '')).not.toBeNaN();
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const file = tmpFile('activities.csv');
    fs.writeFileSync(file, bytes);
    const py = `import csv, json, sys\nwith open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n    print(json.dumps(list(csv.DictReader(f)), ensure_ascii=False))`;
    const rows = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', py, file], { encoding: 'utf8' })) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    const visit = rows.find((r) => r.accountCode === 'BI001')!;
    expect(visit).toMatchObject({ type: 'EXECUTIVE_VISIT', typeLabel: '高层拜访', intelTags: 'PERSONNEL_CHANGE,COMPETITOR', intelTagsLabel: '人事变动、竞争对手', accountName: '宏达建设集团有限公司', contractAmount: '1234567.89', contractAmountWan: '123.456789', occurredOn: '2026-01-05' });
    expect(Object.keys(visit)).toEqual(expect.arrayContaining(['id', 'accountId', 'updatedAt', 'createdAt']));
    expect(rows.find((r) => r.accountCode === 'BI002')).toMatchObject({ subject: '例行拜访, "引号" 与逗号', typeLabel: '客户经理拜访' });
  });

  itWithReaders(['libreoffice', 'openpyxl'], 'LibreOffice opens the CSV feed with Chinese headers intact (header=zh)', async () => {
    const res = await get('/feeds/accounts.csv?header=zh');
    expect(res.status).toBe(200);
    const file = tmpFile('accounts-zh.csv');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    // As a user opening it picks 字符集 UTF-8 in LibreOffice's text import dialog (CSV filter options: comma, quote, UTF-8).
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-bi-lo-'));
    execFileSync('soffice', [`-env:UserInstallation=file://${out}/profile`, '--headless', '--norestore', '--infilter=CSV:44,34,76,1', '--convert-to', 'xlsx', '--outdir', out, file], { stdio: 'pipe', timeout: 120_000 });
    const [sheet] = readWithOpenpyxl(path.join(out, 'accounts-zh.xlsx'));
    const header = sheet.rows[0].map((c) => c?.v);
    expect(header).toEqual(expect.arrayContaining(['单位名称', '状态（代码）', '状态（中文）', '年合作销售额（元）', '年合作销售额（万元）', '推荐单位名称']));
    const row = sheet.rows.find((r) => r.some((c) => c?.v === 'BI001'))!.map((c) => c?.v);
    expect(row).toEqual(expect.arrayContaining(['宏达建设集团有限公司', '合作中', '国有企业']));
  });

  it('masks as GraphQL does, and notes the feed on the read audit', async () => {
    // ANALYST: confidential amounts are null on every row; the account itself is listed.
    const analyst = await jsonl('/feeds/accounts.jsonl', actors.analyst.key);
    expect(analyst.rows.map((r) => [r.code, r.annualSales, r.annualSalesWan])).toEqual([['BI001', null, null], ['BI002', null, null]]);
    // The account's manager reads its own account's amounts, not the other unit's.
    const manager = await jsonl('/feeds/accounts.jsonl', actors.manager.key);
    expect(manager.rows.map((r) => [r.code, r.annualSales])).toEqual([['BI001', '23456789.12'], ['BI002', null]]);
    // Contacts: no personal data in any feed, and the name masked for a caller who may not read it.
    const contacts = await jsonl('/feeds/contacts.jsonl', actors.analyst.key);
    expect(contacts.rows).toHaveLength(1);
    expect(contacts.rows[0]).toMatchObject({ name: '张**', genderLabel: '男', accountCode: 'BI001' });
    for (const gone of ['mobile', 'email', 'birthday', 'familyInfo', 'homeAddress', 'hobbies', 'notes']) expect(contacts.rows[0]).not.toHaveProperty(gone);
    const audit = await t().services.ds.getRepository(AuditEvent).find({ where: { action: 'feed.read' }, order: { id: 'ASC' } });
    expect(audit.map((a) => [a.actor, a.entity])).toEqual(expect.arrayContaining([[expect.stringContaining('bi-ANALYST'), 'Account'], [expect.stringContaining('bi-MANAGER'), 'Account'], [expect.stringContaining('bi-ANALYST'), 'Contact']]));
    const reads = await t().services.ds.getRepository(AuditEvent).find({ where: { action: 'account.read' } });
    expect(reads.some((r) => r.actor.includes('bi-MANAGER') && r.recordIds.includes(String(account.id)))).toBe(true);
  });

  it('refuses what it should, clearly, before streaming', async () => {
    expect((await get('/feeds/accounts.csv', null)).status).toBe(401);
    const unknown = await get('/feeds/widgets.csv');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/accounts, contacts, projects/);
    const bad = await get('/feeds/accounts.csv?updatedSince=yesterday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_DATE');
    const old = await get('/feeds/accounts.jsonl?updatedSince=2001-01-01T00:00:00Z');
    expect(old.status).toBe(410);
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe('CHANGES_EXPIRED');
  });

  it('pages by keyset in the URL: after + limit walk every row once', async () => {
    const all = (await jsonl('/feeds/accounts.jsonl')).rows.map((r) => r.id);
    const first = (await jsonl('/feeds/accounts.jsonl?limit=1')).rows;
    expect(first.map((r) => r.id)).toEqual([all[0]]);
    const rest = (await jsonl(`/feeds/accounts.jsonl?after=${String(first[0].id)}&limit=5`)).rows;
    expect(rest.map((r) => r.id)).toEqual(all.slice(1));
  });

  it('computed feeds: visit compliance on a day and monthly figures per account, masked like the rest', async () => {
    const compliance = await jsonl('/feeds/visit-compliance.jsonl?asOf=2026-02-01');
    const executive = compliance.rows.find((r) => r.accountCode === 'BI001' && r.activityType === 'EXECUTIVE_VISIT')!;
    expect(executive).toMatchObject({ asOf: '2026-02-01', accountName: '宏达建设集团有限公司', activityTypeLabel: '高层拜访', lastOn: '2026-01-05', tierCode: 'STRATEGIC' });
    expect(typeof executive.statusLabel).toBe('string');
    expect(compliance.rows.every((r) => typeof r.status === 'string' && typeof r.statusLabel === 'string' && r.statusLabel !== r.status)).toBe(true);
    const figures = await jsonl('/feeds/monthly-figures.jsonl?from=2026-01&to=2026-02');
    const jan = figures.rows.find((r) => r.accountCode === 'BI001' && r.month === '2026-01')!;
    expect(jan).toMatchObject({ signed: '1234567.89', signedWan: '123.456789', received: '0.00' });
    expect(figures.rows.filter((r) => r.accountCode === 'BI001').map((r) => r.month)).toEqual(['2026-01', '2026-02']);
    const analyst = await jsonl('/feeds/monthly-figures.jsonl?from=2026-01&to=2026-01', actors.analyst.key);
    expect(analyst.rows.find((r) => r.accountCode === 'BI001')).toMatchObject({ signed: null, signedWan: null });
    const bad = await get('/feeds/monthly-figures.csv?from=2026-13');
    expect(bad.status).toBe(400);
    expect((await get('/feeds/visit-compliance.csv?updatedSince=2026-11-01T00:00:00Z')).status).toBe(400);
  });

  it('an incremental refresh sees an update and a delete (feeds and GraphQL changes), with who deleted', async () => {
    const s = t().services;
    const full = await jsonl('/feeds/activities.jsonl');
    const until = full.res.headers.get('x-kam-until')!;
    await new Promise((r) => setTimeout(r, 5));
    const [a, b] = full.rows;
    const target = await s.activities.get(admin, String(a.id));
    await s.activities.update(admin, target.id, { subject: '改过的主题' }, target.version);
    const doomed = await s.activities.get(admin, String(b.id));
    const deleter = { ...admin, actor: { ...admin.actor, name: 'apikey:bi-deleter' } };
    await s.activities.delete(deleter, doomed.id, doomed.version);

    const changed = await jsonl(`/feeds/activities.jsonl?updatedSince=${encodeURIComponent(until)}`);
    expect(changed.rows.map((r) => [r.id, r.subject])).toEqual([[a.id, '改过的主题']]);
    const deleted = await jsonl(`/feeds/activities/deleted.jsonl?since=${encodeURIComponent(until)}`);
    expect(deleted.rows).toEqual([{ entity: 'Activity', id: b.id, deletedAt: expect.any(String), deletedBy: 'apikey:bi-deleter' }]);

    const created = await s.activities.create(admin, { accountId: account.id, occurredOn: '2026-02-01', type: 'TECHNICAL_EXCHANGE', subject: '技术交流' });
    const changes = await gql.data<{ changes: { entity: string; entityLabel: string; created: string[]; updated: string[]; deleted: { entity: string; entityId: string; deletedBy: string }[]; until: string } }>(
      `query($since: DateTimeISO!) { changes(entity: ACTIVITIES, since: $since) { entity entityLabel created updated deleted { entity entityId deletedBy } until } }`,
      { since: until },
    );
    expect(changes.changes).toMatchObject({ entity: 'ACTIVITIES', entityLabel: '经营档案', created: [String(created.id)], updated: [String(a.id)], deleted: [{ entity: 'Activity', entityId: String(b.id), deletedBy: 'apikey:bi-deleter' }] });
    expect(Date.parse(changes.changes.until)).toBeGreaterThanOrEqual(Date.parse(until));
  });

  it('a deleted account leaves tombstones for the rows its deletion cascades to (contacts)', async () => {
    const s = t().services;
    const since = new Date();
    const gone = await s.accounts.create(admin, { code: 'BI003', name: '待删除客户', tierCode: 'GENERAL', ownerUnitId: actors.unit.id, registeredOn: '2024-03-01' });
    const person = await s.contacts.create(admin, { accountId: gone.id, name: '王五' });
    await s.accounts.delete(admin, gone.id, (await s.accounts.get(admin, gone.id)).version);
    const accounts = await s.bi.changes(admin, 'accounts', since);
    expect(accounts.deleted.map((d) => d.entityId)).toEqual([gone.id]);
    expect(accounts.created).not.toContain(gone.id);
    const contacts = await s.bi.changes(admin, 'contacts', since);
    expect(contacts.deleted.map((d) => [d.entity, d.entityId])).toEqual([['Contact', person.id]]);
  });

  it('tombstones are kept KAM_TOMBSTONE_RETENTION_DAYS: older ones are pruned, and an older since is refused (GraphQL)', async () => {
    const s = t().services;
    const repo = s.ds.getRepository(Tombstone);
    const old = await repo.save(repo.create({ entity: 'Activity', entityId: 999_999, deletedAt: new Date(Date.now() - 401 * 86_400_000), deletedBy: 'old' }));
    const recent = await repo.save(repo.create({ entity: 'Activity', entityId: 999_998, deletedAt: new Date(Date.now() - 399 * 86_400_000), deletedBy: 'recent' }));
    const { deleted } = await s.bi.pruneTombstones(admin);
    expect(deleted).toBe(1);
    expect(await repo.findOneBy({ id: old.id })).toBeNull();
    expect(await repo.findOneBy({ id: recent.id })).not.toBeNull();
    const since = new Date(Date.now() - 401 * 86_400_000).toISOString();
    const r = await gql.request(`query($since: DateTimeISO!) { changes(entity: ACTIVITIES, since: $since) { until } }`, { since });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CHANGES_EXPIRED', field: 'since' });
    expect(r.errors?.[0].message).toMatch(/reload in full/);
    await repo.delete({ id: recent.id });
  });

  it('kam bi setup: on SQLite it says it needs MySQL/MariaDB; on MySQL the BI user reads the views and nothing else', async () => {
    const s = t().services;
    const catalog = await s.bi.catalog();
    if (t().kind === 'sqlite') {
      await expect(setupBi(s.ds, catalog)).rejects.toThrow(/needs MySQL or MariaDB/);
      return;
    }
    const suffix = randomBytes(4).toString('hex');
    const schema = `kam_bi_t_${suffix}`;
    const user = `kam_bi_t_${suffix}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const u = new URL(MYSQL_URL!);
    try {
      const r = await setupBi(s.ds, catalog, { schema, user, password });
      expect(r.views).toEqual(expect.arrayContaining(['accounts', 'contacts', 'activities', 'credit_evaluations', 'deleted_records', 'data_dictionary']));
      const mysql = (sql: string) =>
        spawnSync('mysql', ['-h', u.hostname, '-P', u.port || '3306', '-u', user, `-p${password}`, '--batch', '--default-character-set=utf8mb4', '-e', sql], { encoding: 'utf8', timeout: 60_000 });
      const accounts = mysql(`SELECT code, status, status_label, ownership_label, tier_code, tier_name, annual_sales_yuan, annual_sales_wan, owner_unit_name FROM ${schema}.accounts ORDER BY code`);
      expect(accounts.stderr).toBe('');
      const lines = accounts.stdout.trim().split('\n').map((l) => l.split('\t'));
      expect(lines[0]).toEqual(['code', 'status', 'status_label', 'ownership_label', 'tier_code', 'tier_name', 'annual_sales_yuan', 'annual_sales_wan', 'owner_unit_name']);
      expect(lines[1]).toEqual(['BI001', 'ACTIVE', '合作中', '国有企业', 'STRATEGIC', expect.any(String), '23456789.12', '2345.678912', 'bi华东分公司']);
      // A client's own literals compare with the labels and the dictionary (no collation clash).
      const active = mysql(`SELECT code FROM ${schema}.accounts WHERE status_label = '合作中' AND ownership_label = '国有企业'`);
      expect(active.stderr).toBe('');
      expect(active.stdout.trim().split('\n').slice(1)).toEqual(['BI001']);
      const activities = mysql(`SELECT type, type_label, intel_tags_label FROM ${schema}.activities WHERE account_code = 'BI001' AND type = 'EXECUTIVE_VISIT'`);
      expect(activities.stdout).toContain('EXECUTIVE_VISIT\t高层拜访\t人事变动、竞争对手');
      const people = mysql(`SELECT name, account_code FROM ${schema}.contacts`);
      expect(people.stdout.trim().split('\n')[1]).toBe('张**\tBI001');
      const dictionary = mysql(`SELECT title, description FROM ${schema}.data_dictionary WHERE view_name = 'accounts' AND column_name = 'annual_sales_wan'`);
      expect(dictionary.stderr).toBe('');
      expect(dictionary.stdout).toContain('年合作销售额（万元）');
      // Personal data is not in the views, and the base tables are out of reach.
      expect(mysql(`SELECT mobile FROM ${schema}.contacts`).stderr).toMatch(/Unknown column/);
      expect(mysql(`SELECT email FROM ${schema}.contacts`).stderr).toMatch(/Unknown column/);
      const db = t().config.database as { database: string };
      expect(mysql(`SELECT * FROM \`${db.database}\`.contacts`).stderr).toMatch(/denied/i);
      expect(mysql(`SELECT * FROM \`${db.database}\`.accounts`).stderr).toMatch(/denied/i);
      expect(mysql(`CREATE TABLE ${schema}.x (a int)`).stderr).toMatch(/denied/i);
      // Running it again refreshes in place (idempotent).
      await setupBi(s.ds, catalog, { schema, user, password });
      const gone = await s.accounts.create(admin, { code: 'BI009', name: '视图删除测试', tierCode: 'GENERAL', ownerUnitId: actors.unit.id, registeredOn: '2024-03-01' });
      await s.accounts.delete(admin, gone.id, gone.version);
      expect(mysql(`SELECT id, deleted_by FROM ${schema}.deleted_records WHERE view_name = 'accounts' AND id = ${gone.id}`).stdout.trim().split('\n')[1]).toBe(`${gone.id}\t${admin.actor.name}`);
      expect(mysql(`SELECT COUNT(*) FROM ${schema}.accounts WHERE id = ${gone.id}`).stdout.trim().split('\n')[1]).toBe('0');
    } finally {
      await removeBi(s.ds, { schema, user });
    }
  });
});

describe('kam bi setup on SQLite', () => {
  it('exits non-zero with a message that it needs MySQL/MariaDB', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-bi-'));
    try {
      const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', KAM_DATABASE_URL: `sqlite:${path.join(dir, 'kam.db')}` };
      const migrate = spawnSync(process.execPath, [KAM, 'migrate'], { encoding: 'utf8', env, timeout: 120_000 });
      expect(migrate.status).toBe(0);
      const r = spawnSync(process.execPath, [KAM, 'bi', 'setup'], { encoding: 'utf8', env, timeout: 120_000 });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/needs MySQL or MariaDB/);
      expect(r.stderr).toMatch(/\/feeds\//);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
