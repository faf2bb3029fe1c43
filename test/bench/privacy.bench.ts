/**
 * `npm run bench:privacy [-- --rows N]` — what field encryption, masking and the read audit cost, each
 * against a raw baseline measured in the same run:
 * - primitives: AES-256-GCM seal / open of a mobile vs. an HMAC of it (the lookup hash) and vs. a copy;
 * - API: a page of 500 persons over GraphQL with every sensitive field (decrypt + one audit event), the
 *   same page as ANALYST (mobile decrypted and masked, no event), and without sensitive fields, vs. the
 *   raw SQL SELECT of the same rows;
 * - `kam keys rotate`: rows re-encrypted per second vs. a raw UPDATE of the same rows.
 * SQLite always; MySQL too when KAM_TEST_MYSQL_URL is set. Figures are printed as measured. The run fails
 * unless its sides agree: values open as sealed; the GraphQL pages hold the raw SELECT's rows with the
 * persons' values as written (ADMIN) or masked (ANALYST); one read event per ADMIN request; the raw UPDATE
 * and the rotation touch the same rows, which read back unchanged under the new key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';
import { loadConfig, parseDatabaseUrl, type DatabaseConfig } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrations';
import { createServices } from '../../src/services';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { KeyRing, generateDataKeyLine, parseDataKeys } from '../../src/common/field-crypto';
import { silentLogger } from '../../src/common/logger';
import { startServer } from '../../src/http/server';
import { PRODUCTION_ENV } from '../support/production-env';

const argRows = process.argv.indexOf('--rows');
const ROWS = argRows > 0 ? Number(process.argv[argRows + 1]) : 20_000;
const PAGE = 500;
const REPEAT = 40;

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** A benchmark whose two sides disagree measured nothing: it fails (bench:smoke runs every one at a tiny size for this). */
function agree(what: string, got: unknown, want: unknown): void {
  const [g, w] = [JSON.stringify(got), JSON.stringify(want)];
  if (g !== w) throw new Error(`bench:privacy: the two sides disagree — ${what}: got ${g.slice(0, 300)}, expected ${w.slice(0, 300)}`);
}

interface Person {
  id: string;
  name: string;
  title: string | null;
  mobile?: string | null;
  familyInfo?: string | null;
  homeAddress?: string | null;
  hobbies?: string | null;
}

function primitives(): void {
  const n = 200_000;
  const ring = new KeyRing(parseDataKeys(generateDataKeyLine('b1')));
  const values = Array.from({ length: n }, (_, i) => `139${String(i).padStart(8, '0')}`);
  const hmacKey = randomBytes(32);
  let sealed: string[] = [];
  const copy = time(() => void values.map((v) => Buffer.from(v, 'utf8').toString('utf8')));
  const hmac = time(() => void values.map((v) => createHmac('sha256', hmacKey).update(v).digest('hex')));
  const seal = time(() => (sealed = values.map((v, i) => ring.seal(v, `contacts|u${i}|mobile`))));
  let opened: string[] = [];
  const open = time(() => (opened = sealed.map((v, i) => ring.open(v, `contacts|u${i}|mobile`, 'bench'))));
  // The two sides agree: every value sealed comes back as written, and none was stored in clear.
  agree('primitives: open(seal(v)) = v', opened.filter((v, i) => v !== values[i]).length, 0);
  agree('primitives: sealed values in clear', sealed.filter((v, i) => v.includes(values[i])).length, 0);
  const per = (ms: number) => `${((ms * 1000) / n).toFixed(2)} µs`;
  console.log(`primitives (${n} mobiles): copy ${per(copy)}, HMAC ${per(hmac)}, seal ${per(seal)} (${(seal / hmac).toFixed(2)}× HMAC), open ${per(open)} (${(open / hmac).toFixed(2)}× HMAC)`);
}

async function onDatabase(database: DatabaseConfig): Promise<void> {
  const config = { ...loadConfig(PRODUCTION_ENV), database };
  const ds = await openDataSource(database, { createDatabase: true });
  try {
    await migrate(ds);
    let services = createServices(ds, config);
    const ctx = systemContext('bench');
    const account = await services.accounts.create(ctx, { code: 'BENCH', name: '基准客户' });
    const consentAt = new Date('2025-01-01T00:00:00Z');
    const inputs = Array.from({ length: ROWS }, (_, i) => ({
      accountId: account.id, name: `人员${i}`, title: '总经理', mobile: `139${String(i).padStart(8, '0')}`,
      familyInfo: '已婚、育有一子', homeAddress: `上海市徐汇区某路${i}号`, hobbies: '网球、书法', consentAt, consentSource: '书面同意书',
    }));
    const load = await timeAsync(async () => {
      for (let i = 0; i < inputs.length; i += 2000) await services.contacts.createMany(ctx, inputs.slice(i, i + 2000));
    });
    // An ADMIN reads personal data in full only as a user who signed the confidentiality agreement (保密协议);
    // a key without one reads it masked, which is not the side this measures.
    const adminUser = await services.org.createUser(ctx, { login: 'bench.admin', name: '基准管理员', role: Role.ADMIN, unitId: null });
    await services.agreements.record(ctx, { userId: adminUser.id, documentVersion: '2024版', signedOn: '2024-01-01' });
    const admin = (await services.auth.createApiKey(ctx, { name: 'bench-admin', role: Role.ADMIN, userId: adminUser.id })).secret;
    const analyst = (await services.auth.createApiKey(ctx, { name: 'bench-analyst', role: Role.ANALYST })).secret;
    const server = await startServer(services, silentLogger, 0, '127.0.0.1');
    const post = async (key: string, query: string, url = server.url): Promise<Person[]> => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { errors?: unknown; data?: { contacts: { nodes: Person[] } } };
      if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors ?? body));
      return body.data.contacts.nodes;
    };
    const page = (fields: string) => `{ contacts(first: ${PAGE}, orderBy: { field: ID, direction: ASC }) { nodes { ${fields} } } }`;
    const FULL = 'id name title mobile familyInfo homeAddress hobbies';
    const byName = new Map(inputs.map((p) => [p.name, p]));
    const readEvents = async () => Number((await ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact.read'"))[0].n);
    /** What the page must hold in clear: the persons as written, in id order. */
    const written = (nodes: Person[], fields: readonly (keyof Person)[]) =>
      nodes.map((n) => {
        const p = byName.get(n.name);
        return Object.fromEntries(fields.map((f) => [f, f === 'id' ? n.id : p ? (p as unknown as Record<string, unknown>)[f] : `unknown person ${n.name}`]));
      });
    const measure = async (fn: () => Promise<unknown>) => {
      await fn();
      const t = await timeAsync(async () => {
        for (let i = 0; i < REPEAT; i++) await fn();
      });
      return t / REPEAT;
    };
    const rawSql = `SELECT id, name, title, mobile, family_info, home_address, hobbies, account_id, uid, erased_at FROM contacts ORDER BY id LIMIT ${PAGE}`;
    const raw = await measure(() => ds.query(rawSql));
    const rawRows = (await ds.query(rawSql)) as { id: number; name: string; title: string | null; mobile: string | null }[];
    const rawPage = rawRows.map((r) => ({ id: String(r.id), name: r.name, title: r.title }));
    agree('raw SQL page size', rawRows.length, Math.min(PAGE, ROWS));
    // The raw side reads what is stored: encrypted, never the clear mobile.
    agree('raw SQL mobiles in clear', rawRows.filter((r) => r.mobile === byName.get(r.name)?.mobile || !String(r.mobile).startsWith('enc:v1:')).length, 0);
    const eventsAt = [await readEvents()];
    const plain = await measure(() => post(admin, page('id name title')));
    eventsAt.push(await readEvents());
    const full = await measure(() => post(admin, page(FULL)));
    eventsAt.push(await readEvents());
    const masked = await measure(() => post(analyst, page(FULL)));
    eventsAt.push(await readEvents());
    // Each side returned the same persons as the raw SELECT, with the values as written.
    agree('GraphQL without sensitive fields = raw SQL rows', await post(admin, page('id name title')), rawPage);
    const fullPage = await post(admin, page(FULL));
    agree('GraphQL as ADMIN = the persons as written', fullPage, written(fullPage, ['id', 'name', 'title', 'mobile', 'familyInfo', 'homeAddress', 'hobbies']));
    agree('GraphQL as ADMIN = raw SQL rows', fullPage.map((n) => ({ id: n.id, name: n.name, title: n.title })), rawPage);
    const maskedPage = await post(analyst, page(FULL));
    agree('GraphQL as ANALYST ids = raw SQL ids', maskedPage.map((n) => n.id), rawPage.map((r) => r.id));
    agree(
      'GraphQL as ANALYST: mobile masked, 🔒 fields null',
      maskedPage.map((n) => [n.mobile, n.familyInfo, n.homeAddress, n.hobbies]),
      fullPage.map((n) => [String(n.mobile).replace(/^(\d{3})\d{4}(\d{4})$/, '$1****$2'), null, null, null]),
    );
    // One read event per ADMIN request that read names (企业机密) or more; none for the masked ones.
    agree('read events per side', [eventsAt[1] - eventsAt[0], eventsAt[2] - eventsAt[1], eventsAt[3] - eventsAt[2]], [REPEAT + 1, REPEAT + 1, 0]);
    await server.close();
    const events = eventsAt[2] - eventsAt[1];
    console.log(`${database.kind}: ${ROWS} persons written encrypted in ${(load / 1000).toFixed(2)} s (${Math.round(ROWS / (load / 1000))} rows/s)`);
    console.log(`${database.kind}: page of ${PAGE} — raw SQL ${raw.toFixed(1)} ms; GraphQL without sensitive fields ${plain.toFixed(1)} ms (${(plain / raw).toFixed(1)}× raw); ` +
      `all 4 sensitive fields as ADMIN ${full.toFixed(1)} ms (${(full / plain).toFixed(2)}× without, decrypt ${PAGE * 4} values + 1 audit event); masked as ANALYST ${masked.toFixed(1)} ms (${(masked / plain).toFixed(2)}× without); read events written: ${events} for ${REPEAT + 1} ADMIN requests of them`);

    services = createServices(ds, { ...config, dataKeys: `${config.dataKeys},${generateDataKeyLine('b2')}` });
    const rawUpdate = await timeAsync(async () => {
      await ds.transaction(async (em) => {
        await em.query("UPDATE contacts SET notes = 'x' WHERE account_id = ?", [account.id]);
      });
    });
    let rotated = 0;
    const rotate = await timeAsync(async () => {
      rotated = (await services.dataKeys.rotate(ctx, { batch: 500 })).rotated;
    });
    // Both sides touched the same rows; after the rotation every row is under the new key and reads back as written.
    agree('rows the raw UPDATE wrote', Number((await ds.query("SELECT COUNT(*) AS n FROM contacts WHERE notes = 'x'"))[0].n), ROWS);
    agree('rows kam keys rotate re-encrypted', rotated, ROWS);
    agree('rows under the new key', Number((await ds.query("SELECT COUNT(*) AS n FROM contacts WHERE mobile LIKE 'enc:v1:b2:%' AND family_info LIKE 'enc:v1:b2:%'"))[0].n), ROWS);
    const rotatedServer = await startServer(services, silentLogger, 0, '127.0.0.1');
    try {
      const after = await post(admin, page(FULL), rotatedServer.url);
      agree('after the rotation, GraphQL as ADMIN = the persons as written', after, fullPage);
    } finally {
      await rotatedServer.close();
    }
    console.log(`${database.kind}: kam keys rotate re-encrypted ${rotated} rows in ${(rotate / 1000).toFixed(2)} s (${Math.round(rotated / (rotate / 1000))} rows/s; a raw one-statement UPDATE of the same rows: ${rawUpdate.toFixed(0)} ms)`);
  } finally {
    if (database.kind === 'mysql') await ds.query(`DROP DATABASE IF EXISTS \`${database.database}\``);
    await ds.destroy();
    if (database.kind === 'sqlite') fs.rmSync(path.dirname(database.path), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  primitives();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-bench-privacy-'));
  await onDatabase(parseDatabaseUrl(`sqlite:${path.join(dir, 'bench.sqlite')}`));
  const mysql = loadConfig().testMysqlUrl;
  if (mysql) await onDatabase(parseDatabaseUrl(`${mysql.replace(/\/$/, '')}/kam_bench_privacy`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
