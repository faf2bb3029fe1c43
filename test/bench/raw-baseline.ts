/**
 * The raw baseline of the API benchmark: node:http + mysql2, hand-written SQL, producing byte for byte
 * the JSON the GraphQL API returns for each request of bench-query.ts (same API-key check, same
 * decryption and masking of mobiles, same need-to-know for names, titles and amounts). A request whose
 * `query` is BENCH_CONTACTS_QUERY gets the contacts page; any other the accounts page (BENCH_QUERY).
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { maskMobile } from '../../src/common/validation';
import { maskName } from '../../src/modules/privacy/need-to-know.rules';
import { encodeCursor } from '../../src/common/pagination';
import type { KeyRing } from '../../src/common/field-crypto';
import { contactAad } from '../../src/modules/contacts/contact-privacy';
import { BENCH_CONTACTS_QUERY } from './bench-query';

export interface RawServer {
  port: number;
  queries(): number;
  close(): Promise<void>;
}

const PAGE = 50;
const CONTACTS_PAGE = 500;

export async function startRawBaseline(db: { host: string; port: number; user: string; password: string; database: string }, ring: KeyRing): Promise<RawServer> {
  const { host, port, user, password, database } = db;
  const pool: Pool = mysql.createPool({ host, port, user, password, database, connectionLimit: 10, dateStrings: ['DATE'], supportBigNumbers: true, decimalNumbers: true, timezone: 'Z' });
  let queries = 0;
  const q = async <T extends RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> => {
    queries++;
    const [rows] = await pool.query<T[]>(sql, params);
    return rows;
  };

  async function answer(authorization: string | undefined, query: string | undefined): Promise<{ status: number; body: unknown }> {
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!secret) return { status: 401, body: { errors: [{ message: 'authentication required', extensions: { code: 'UNAUTHENTICATED' } }] } };
    const hash = createHash('sha256').update(secret).digest('hex');
    const [key] = await q('SELECT k.role, k.user_id, k.revoked_at, k.expires_at, u.active FROM api_keys k LEFT JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?', [hash]);
    if (!key || key.revoked_at || (key.expires_at && key.expires_at <= new Date()) || key.active === 0) {
      return { status: 401, body: { errors: [{ message: 'unknown key', extensions: { code: 'UNAUTHENTICATED' } }] } };
    }
    const seesAll = key.role === 'ADMIN' || key.role === 'COMMITTEE';
    // The masking rule of contact-privacy.ts: full to ADMIN, COMMITTEE and the account's own manager.
    // Need-to-know (privacy/data-classes.ts): confidential fields (销售额, 合同额, a person's name and title) in
    // full to ADMIN, COMMITTEE and the account's own manager; blank, or the name as 郭**, to anyone else.
    const full = (managerId: number | null) => seesAll || (key.role === 'MANAGER' && key.user_id !== null && key.user_id === managerId);
    const mobileFor = (mobile: string | null, managerId: number | null) => (mobile === null ? null : full(managerId) ? mobile : maskMobile(mobile));
    // Stored encrypted (AES-GCM bound to the row and field): opened with the same keys the API holds.
    const open = (c: RowDataPacket) => (c.mobile === null || c.erased_at !== null ? null : ring.open(c.mobile as string, contactAad(c.uid as string, 'mobile'), `contact ${c.id} mobile`));
    const person = (c: RowDataPacket, managerId: number | null) => {
      const mobile = mobileFor(open(c), managerId);
      return full(managerId) ? { id: String(c.id), name: c.name, title: c.title, mobile } : { id: String(c.id), name: maskName(c.name as string), title: null, mobile };
    };

    if (query === BENCH_CONTACTS_QUERY) {
      const [rows, [{ n }]] = await Promise.all([
        q('SELECT c.id, c.uid, c.name, c.title, c.mobile, c.erased_at, a.manager_id FROM contacts c JOIN accounts a ON a.id = c.account_id ORDER BY c.id LIMIT ?', [CONTACTS_PAGE + 1]),
        q('SELECT COUNT(*) AS n FROM contacts'),
      ]);
      const contacts = rows.slice(0, CONTACTS_PAGE);
      const last = contacts[contacts.length - 1];
      return {
        status: 200,
        body: {
          data: {
            contacts: {
              totalCount: Number(n),
              pageInfo: { hasNextPage: rows.length > CONTACTS_PAGE, endCursor: last ? encodeCursor(last.id, last.id, 'ID:ASC') : null },
              nodes: contacts.map((c) => person(c, c.manager_id as number | null)),
            },
          },
        },
      };
    }

    const page = await q('SELECT id, code, name, annual_sales_fen, tier_id, manager_id FROM accounts ORDER BY id LIMIT ?', [PAGE + 1]);
    const accounts = page.slice(0, PAGE);
    const ids = accounts.map((a) => a.id as number);
    const inList = (xs: unknown[]) => (xs.length ? xs : [0]);
    const tierIds = [...new Set(accounts.map((a) => a.tier_id).filter((x) => x !== null))];
    const managerIds = [...new Set(accounts.map((a) => a.manager_id).filter((x) => x !== null))];
    const [[{ n }], tiers, managers, contacts, projects] = await Promise.all([
      q('SELECT COUNT(*) AS n FROM accounts'),
      q('SELECT id, code, name FROM tiers WHERE id IN (?)', [inList(tierIds)]),
      q('SELECT id, name FROM users WHERE id IN (?)', [inList(managerIds)]),
      q('SELECT id, uid, account_id, name, title, mobile, erased_at FROM contacts WHERE account_id IN (?) ORDER BY id', [inList(ids)]),
      q('SELECT id, account_id, name, status, contract_amount_fen, signed_on FROM projects WHERE account_id IN (?) ORDER BY id', [inList(ids)]),
    ]);
    const tierById = new Map(tiers.map((t) => [t.id, { code: t.code, name: t.name }]));
    const managerById = new Map(managers.map((m) => [m.id, { name: m.name }]));
    const group = <T>(rows: RowDataPacket[], f: (r: RowDataPacket) => T) => {
      const m = new Map<number, T[]>();
      for (const r of rows) m.set(r.account_id, [...(m.get(r.account_id) ?? []), f(r)]);
      return m;
    };
    const byAccountContacts = group(contacts, (c) => c);
    const byAccountProjects = group(projects, (p) => ({
      id: String(p.id), name: p.name, status: p.status, contractAmount: p.contract_amount_fen === null ? null : Number(p.contract_amount_fen) / 100, signedOn: p.signed_on,
    }));
    const last = accounts[accounts.length - 1];
    return {
      status: 200,
      body: {
        data: {
          accounts: {
            totalCount: Number(n),
            pageInfo: { hasNextPage: page.length > PAGE, endCursor: last ? encodeCursor(last.id, last.id, 'ID:ASC') : null },
            nodes: accounts.map((a) => ({
              id: String(a.id),
              code: a.code,
              name: a.name,
              annualSales: a.annual_sales_fen === null || !full(a.manager_id) ? null : Number(a.annual_sales_fen) / 100,
              tier: a.tier_id === null ? null : (tierById.get(a.tier_id) ?? null),
              manager: a.manager_id === null ? null : (managerById.get(a.manager_id) ?? null),
              contacts: (byAccountContacts.get(a.id) ?? []).map((c) => person(c, a.manager_id as number | null)),
              projects: (byAccountProjects.get(a.id) ?? []).map((p) => (full(a.manager_id) ? p : { ...p, contractAmount: null })),
            })),
          },
        },
      },
    };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let query: string | undefined;
      try {
        query = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query?: string }).query;
      } catch {
        query = undefined;
      }
      answer(req.headers.authorization, query).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(body));
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: String(e) }] }));
        },
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    queries: () => queries,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
