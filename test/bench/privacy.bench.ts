/**
 * `npm run bench:privacy [-- --rows N]` — what field encryption, masking and the read audit cost, each
 * against a raw baseline measured in the same run:
 * - primitives: AES-256-GCM seal / open of a mobile vs. an HMAC of it (the lookup hash) and vs. a copy;
 * - API: a page of 500 persons over GraphQL with every sensitive field (decrypt + one audit event), the
 *   same page as ANALYST (mobile decrypted and masked, no event), and without sensitive fields, vs. the
 *   raw SQL SELECT of the same rows;
 * - `kam keys rotate`: rows re-encrypted per second vs. a raw UPDATE of the same rows.
 * SQLite always; MySQL too when KAM_TEST_MYSQL_URL is set. Figures are printed as measured.
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

function primitives(): void {
  const n = 200_000;
  const ring = new KeyRing(parseDataKeys(generateDataKeyLine('b1')));
  const values = Array.from({ length: n }, (_, i) => `139${String(i).padStart(8, '0')}`);
  const hmacKey = randomBytes(32);
  let sealed: string[] = [];
  const copy = time(() => void values.map((v) => Buffer.from(v, 'utf8').toString('utf8')));
  const hmac = time(() => void values.map((v) => createHmac('sha256', hmacKey).update(v).digest('hex')));
  const seal = time(() => (sealed = values.map((v, i) => ring.seal(v, `contacts|u${i}|mobile`))));
  const open = time(() => void sealed.map((v, i) => ring.open(v, `contacts|u${i}|mobile`, 'bench')));
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
      familyInfo: '已婚，育有一子', homeAddress: `上海市徐汇区某路${i}号`, hobbies: '网球、书法', consentAt, consentSource: '书面同意书',
    }));
    const load = await timeAsync(async () => {
      for (let i = 0; i < inputs.length; i += 2000) await services.contacts.createMany(ctx, inputs.slice(i, i + 2000));
    });
    const admin = (await services.auth.createApiKey(ctx, { name: 'bench-admin', role: Role.ADMIN })).secret;
    const analyst = (await services.auth.createApiKey(ctx, { name: 'bench-analyst', role: Role.ANALYST })).secret;
    const server = await startServer(services, silentLogger, 0, '127.0.0.1');
    const post = async (key: string, query: string) => {
      const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    const page = (fields: string) => `{ contacts(first: ${PAGE}) { nodes { ${fields} } } }`;
    const measure = async (fn: () => Promise<unknown>) => {
      await fn();
      const t = await timeAsync(async () => {
        for (let i = 0; i < REPEAT; i++) await fn();
      });
      return t / REPEAT;
    };
    const raw = await measure(() => ds.query(`SELECT id, name, title, mobile, family_info, home_address, hobbies, account_id, uid, erased_at FROM contacts ORDER BY id LIMIT ${PAGE}`));
    const plain = await measure(() => post(admin, page('id name title')));
    const full = await measure(() => post(admin, page('id name title mobile familyInfo homeAddress hobbies')));
    const masked = await measure(() => post(analyst, page('id name title mobile familyInfo homeAddress hobbies')));
    await server.close();
    const events = Number((await ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact.read'"))[0].n);
    console.log(`${database.kind}: ${ROWS} persons written encrypted in ${(load / 1000).toFixed(2)} s (${Math.round(ROWS / (load / 1000))} rows/s)`);
    console.log(`${database.kind}: page of ${PAGE} — raw SQL ${raw.toFixed(1)} ms; GraphQL without sensitive fields ${plain.toFixed(1)} ms (${(plain / raw).toFixed(1)}× raw); ` +
      `all 4 sensitive fields as ADMIN ${full.toFixed(1)} ms (${(full / plain).toFixed(2)}× without, decrypt ${PAGE * 4} values + 1 audit event); masked as ANALYST ${masked.toFixed(1)} ms (${(masked / plain).toFixed(2)}× without); read events written: ${events} for ${REPEAT + 1} ADMIN requests`);

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
