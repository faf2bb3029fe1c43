/**
 * The README as a contract (issue 21): every ```sh and ```graphql block of README.md runs, in order, as a
 * newcomer types them into one terminal, against a fresh demo server; what each prints is compared with
 * the ```text or ```json block the README shows after it. Then the claims no example shows (who reads
 * what, a query by id for every list, downloads need a credential) are checked against the same server.
 *
 * How a block is run:
 * - In a fresh folder laid out like a checkout (package.json, and `node_modules` and `dist` linked from
 *   this one, built by `npm test`), as one bash session: variables a block sets (`KEY=…`) are there for
 *   the next, stdout and stderr are read together, as a terminal shows them. `npx kam` works there as
 *   in a checkout (npm's install scripts are off: the build is done).
 * - The server is the one `npm start` starts: package.json's start script after its build step, on a
 *   free port. The README's example admin key, demo password and login token are replaced by the real
 *   ones, and `localhost:4000` by the port, in the commands and in the expected output alike.
 * - ```graphql blocks are POSTed to /graphql with the admin key.
 * - Output: `…` matches anything within a line, a line of just `…` any number of lines, `"…"` any JSON
 *   value, a string with `…` a pattern, and `"…"` as the last item of an array any further items. A
 *   block the README shows no output for must print nothing. Every block must exit 0 (the README shows
 *   `; echo "exit $?"` where a command is meant to fail).
 * - `<!-- doc-test: … -->` just before a block: `start` (the block starts the demo server), `server` (a
 *   long-running server: started on its own port, its output checked, then stopped with SIGTERM),
 *   `mysql` (needs KAM_TEST_MYSQL_URL; the README's `mysql://root@127.0.0.1:3306/kam` becomes a fresh
 *   database there), `skip <reason>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MYSQL_URL } from '../support/db';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const ELLIPSIS = '…';
const BLOCK_TIMEOUT = 240_000;
/** The MySQL server and database the README's MySQL examples use; the test runs them on KAM_TEST_MYSQL_URL. */
const README_MYSQL_URL = 'mysql://root@127.0.0.1:3306/kam';

// ------------------------------------------------------------------------------------------- the README

interface Block {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  directive: string | null;
}

interface Example extends Block {
  output: Block | null;
}

function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && lines[j] !== open[1]) j++;
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const directive = k >= 0 ? /^<!--\s*doc-test:\s*(.*?)\s*-->$/.exec(lines[k].trim())?.[1] ?? null : null;
    blocks.push({ lang: open[2], code: lines.slice(i + 1, j).join('\n'), line: i + 1, directive });
    i = j;
  }
  return blocks;
}

const RUNNABLE = new Set(['sh', 'graphql']);
const OUTPUT = new Set(['text', 'json']);

function examples(markdown: string): { examples: Example[]; orphans: Block[] } {
  const out: Example[] = [];
  const orphans: Block[] = [];
  for (const b of fencedBlocks(markdown)) {
    if (RUNNABLE.has(b.lang)) out.push({ ...b, output: null });
    else if (OUTPUT.has(b.lang)) {
      const last = out[out.length - 1];
      if (last && !last.output) last.output = b;
      else orphans.push(b);
    }
  }
  return { examples: out, orphans };
}

const { examples: EXAMPLES, orphans: ORPHANS } = examples(README);

// ------------------------------------------------------------------------------------------- matching

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const tidy = (s: string) => s.replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, '');

/** The expected text as one regular expression (see the file comment for `…`). */
function textPattern(expected: string): RegExp {
  const lines = tidy(expected).split('\n');
  let re = '';
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    if (line.trim() === ELLIPSIS) re += last ? '[\\s\\S]*' : '(?:[^\\n]*\\n)*?';
    else re += line.split(ELLIPSIS).map(escapeRe).join('[^\\n]*?') + (last ? '' : '\\n');
  });
  return new RegExp(`^${re}$`);
}

function textMismatch(expected: string, actual: string): string | null {
  return textPattern(expected).test(tidy(actual)) ? null : `expected output like:\n${tidy(expected)}\n\nbut it printed:\n${tidy(actual)}`;
}

function jsonMismatch(expected: unknown, actual: unknown, at = '$'): string | null {
  if (expected === ELLIPSIS) return null;
  const fail = () => `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return fail();
    return textPattern(expected).test(actual) ? null : fail();
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return fail();
    const open = expected[expected.length - 1] === ELLIPSIS;
    const items = open ? expected.slice(0, -1) : expected;
    if (open ? actual.length < items.length : actual.length !== items.length) return `${at}: expected ${items.length}${open ? ' or more' : ''} items, got ${actual.length}: ${JSON.stringify(actual)}`;
    for (let i = 0; i < items.length; i++) {
      const m = jsonMismatch(items[i], actual[i], `${at}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return fail();
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const open = e[ELLIPSIS] === ELLIPSIS;
    const keys = Object.keys(e).filter((k) => k !== ELLIPSIS);
    const extra = Object.keys(a).filter((k) => !keys.includes(k));
    if (!open && extra.length) return `${at}: unexpected ${extra.join(', ')} in ${JSON.stringify(actual)}`;
    for (const k of keys) {
      if (!(k in a)) return `${at}: no "${k}" in ${JSON.stringify(actual)}`;
      const m = jsonMismatch(e[k], a[k], `${at}.${k}`);
      if (m) return m;
    }
    return null;
  }
  return expected === actual ? null : fail();
}

function outputMismatch(expected: Block | null, actual: string): string | null {
  if (!expected) return tidy(actual) === '' ? null : `the README shows no output, but it printed:\n${tidy(actual)}`;
  if (expected.lang === 'text') return textMismatch(expected.code, actual);
  let parsed: unknown;
  try {
    parsed = JSON.parse(actual);
  } catch {
    return `expected one JSON document, but it printed:\n${tidy(actual)}`;
  }
  const m = jsonMismatch(JSON.parse(expected.code), parsed);
  return m && `${m}\n\nwhole answer: ${actual.trim()}`;
}

// ------------------------------------------------------------------------------------------- the session

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Literal values the README shows that stand for ones only this run knows (its key, password, token…). */
class Substitutions {
  private readonly pairs = new Map<string, string>();

  set(example: string | undefined, real: string | undefined): void {
    if (example && real && example !== real) this.pairs.set(example, real);
  }

  apply(text: string): string {
    // Longest first, so a URL is replaced before its host.
    return [...this.pairs].sort((a, b) => b[0].length - a[0].length).reduce((s, [from, to]) => s.split(from).join(to), text);
  }
}

interface Session {
  dir: string;
  env: NodeJS.ProcessEnv;
  port: number;
  subs: Substitutions;
  server: ChildProcess | null;
  serverOutput: string;
  mysqlDatabase: string | null;
}

/** A bash script that runs `code` in the session: earlier blocks' variables in, this block's out. */
function sessionScript(code: string, background = false): string {
  return [
    '__base="$(compgen -v)"',
    '[ -f "$KAM_DOC_STATE" ] && . "$KAM_DOC_STATE"',
    'exec 2>&1',
    background ? `exec ${code}` : code,
    '__rc=$?',
    'while read -r __v; do grep -qxF "$__v" <<<"$__base" || [[ $__v == __* ]] || declare -p "$__v"; done < <(compgen -v) > "$KAM_DOC_STATE.next" 2>/dev/null',
    'mv "$KAM_DOC_STATE.next" "$KAM_DOC_STATE"',
    'exit $__rc',
  ].join('\n');
}

function runInSession(s: Session, code: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--norc', '--noprofile', '-c', sessionScript(code)], { cwd: s.dir, env: s.env, detached: true });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), BLOCK_TIMEOUT - 10_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts a long-running command and waits until its output matches `expected` (or it exits). */
async function startServer(s: Session, code: string, expected: Block | null, env: NodeJS.ProcessEnv = s.env): Promise<{ child: ChildProcess; output: () => string; mismatch: string | null }> {
  const child = spawn('bash', ['--norc', '--noprofile', '-c', sessionScript(code, true)], { cwd: s.dir, env, detached: true });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const want = expected ? s.subs.apply(expected.code) : '';
  const deadline = Date.now() + BLOCK_TIMEOUT - 20_000;
  // Until the last line the README shows (a line of `…` aside) has appeared, and then all of it matches.
  const lastShown = tidy(want).split('\n').filter((l) => l.trim() !== ELLIPSIS).pop() ?? '';
  const lastPattern = new RegExp(`^${lastShown.split(ELLIPSIS).map(escapeRe).join('[^\\n]*?')}$`, 'm');
  while (Date.now() < deadline && child.exitCode === null && !lastPattern.test(output)) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 500));
  const mismatch = child.exitCode !== null ? `it exited (${child.exitCode}):\n${output}` : expected ? textMismatch(want, output) : null;
  return { child, output: () => output, mismatch };
}

async function stopServer(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function graphql(s: Session, query: string, bearer = s.env.KAM_DOC_KEY, variables?: Record<string, unknown>): Promise<{ status: number; body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const res = await fetch(`http://127.0.0.1:${s.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** The MySQL example's database, with the test server's address, for the commands and for what kam prints. */
function mysqlTarget(database: string): { url: string; shown: string } {
  const u = new URL(MYSQL_URL!);
  u.pathname = `/${database}`;
  return { url: u.toString(), shown: `mysql://${decodeURIComponent(u.username || 'root')}@${u.hostname}:${u.port || 3306}/${database}` };
}

// ------------------------------------------------------------------------------------------- the tests

const session: Session = {
  dir: '',
  env: {},
  port: 0,
  subs: new Substitutions(),
  server: null,
  serverOutput: '',
  mysqlDatabase: null,
};

beforeAll(async () => {
  session.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-readme-'));
  const home = path.join(session.dir, '.home');
  fs.mkdirSync(home);
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(session.dir, 'package.json'));
  for (const linked of ['node_modules', 'dist']) fs.symlinkSync(path.join(ROOT, linked), path.join(session.dir, linked));
  session.port = await freePort();
  session.env = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    KAM_PORT: String(session.port),
    KAM_DOC_STATE: path.join(home, 'session-state'),
    npm_config_cache: path.join(home, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_ignore_scripts: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  session.subs.set('localhost:4000', `localhost:${session.port}`);
  session.subs.set(README.match(/\bTOKEN=(kamt_[\w.-]+)/)?.[1], 'kamt_not-logged-in-yet');
});

afterAll(async () => {
  await stopServer(session.server);
  if (session.mysqlDatabase) {
    const mysql = await import('mysql2/promise');
    const u = new URL(MYSQL_URL!);
    const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) });
    await conn.query(`DROP DATABASE IF EXISTS \`${session.mysqlDatabase}\``);
    await conn.end();
  }
  if (session.dir) fs.rmSync(session.dir, { recursive: true, force: true });
});

describe('README.md examples, in order, against a fresh demo server', () => {
  it('has examples, each output right after its example, and starts the demo server first', () => {
    expect(ORPHANS.map((b) => `README.md:${b.line}`)).toEqual([]);
    expect(EXAMPLES.length).toBeGreaterThan(10);
    expect(EXAMPLES[0].directive).toBe('start');
  });

  for (const ex of EXAMPLES) {
    const title = `README.md:${ex.line} ${ex.lang}: ${ex.code.split('\n')[0].slice(0, 70)}`;
    const kind = (ex.directive ?? '').split(/\s/)[0];
    if (kind === 'skip') {
      it.skip(`${title} (${ex.directive})`, () => undefined);
      continue;
    }
    if (kind === 'mysql' && !MYSQL_URL) {
      it.skip(`${title} (needs KAM_TEST_MYSQL_URL)`, () => undefined);
      continue;
    }
    it(
      title,
      async () => {
        const s = session;
        if (kind === 'start') {
          const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; scripts: { start: string } };
          const start = pkg.scripts.start;
          const command = /^npm run build --silent && (.+)$/.exec(start)?.[1];
          // What npm prints before it runs the script (the test runs the script's command itself).
          const banner = `\n> ${pkg.name}@${pkg.version} start\n> ${start}\n\n`;
          expect([ex.code, command]).toEqual([expect.stringContaining('npm start'), expect.stringMatching(/ serve --demo$/)]);
          const shown = ex.output?.code ?? '';
          const run = await startServer(s, command!, ex.output);
          s.server = run.child;
          const printed = banner + run.output();
          // The key and password it printed (in Chinese: KAM_LANG is not set) stand in for the README's from now on, in its output too.
          s.subs.set(/管理员 API 密钥：(kam_\S+)/.exec(shown)?.[1], /管理员 API 密钥：(kam_\S+)/.exec(printed)?.[1]);
          s.subs.set(/密码 (demo-\S+)/.exec(shown)?.[1], /密码 (demo-\S+)/.exec(printed)?.[1]);
          s.env.KAM_DOC_KEY = /管理员 API 密钥：(kam_\S+)/.exec(printed)?.[1];
          s.serverOutput = printed;
          expect(s.server.exitCode === null ? textMismatch(s.subs.apply(shown), printed) : run.mismatch).toBeNull();
          return;
        }
        let code = ex.code;
        let shown = ex.output;
        if (kind === 'mysql') {
          // Not "kam_…": the logger takes words like that for API keys.
          s.mysqlDatabase ??= `kamdoc_${randomBytes(3).toString('hex')}`;
          const target = mysqlTarget(s.mysqlDatabase);
          code = code.split(README_MYSQL_URL).join(target.url);
          // What kam prints names the database without a password.
          shown &&= { ...shown, code: shown.code.split(README_MYSQL_URL).join(target.shown) };
        }
        if (kind === 'server' || (kind === 'mysql' && ex.directive?.includes('server'))) {
          // A second server beside the demo one: its own port, stopped once it said what the README shows.
          const port = await freePort();
          const subs = new Substitutions();
          subs.set('localhost:4000', `localhost:${port}`);
          const run = await startServer(s, s.subs.apply(code), shown && { ...shown, code: subs.apply(shown.code) }, { ...s.env, KAM_PORT: String(port) });
          await stopServer(run.child);
          expect(run.mismatch).toBeNull();
          return;
        }
        let output: string;
        if (ex.lang === 'graphql') {
          output = JSON.stringify((await graphql(s, s.subs.apply(code))).body);
        } else {
          const r = await runInSession(s, s.subs.apply(code));
          output = r.output;
          expect({ status: r.status, output: r.status ? output : '' }).toEqual({ status: 0, output: '' });
        }
        // A login prints a token the next examples use in place of the README's.
        const token = /"token":"(kamt_[\w.-]+)"/.exec(output)?.[1];
        if (token) session.subs.set(README.match(/\bTOKEN=(kamt_[\w.-]+)/)?.[1], token);
        const expected = shown && { ...shown, code: s.subs.apply(shown.code) };
        expect(outputMismatch(expected, output)).toBeNull();
      },
      BLOCK_TIMEOUT,
    );
  }
});

// ------------------------------------------------------------------------------------------- claims

const DEMO_LOGIN_OF_ROLE: Record<string, string> = { ADMIN: 'admin', COMMITTEE: 'committee', MANAGER: 'mgr04', FINANCE: 'finance', ANALYST: 'analyst' };

/** The roles table of the README: role → its Reads cell. */
function readsColumn(): Map<string, string> {
  const rows = README.split('\n').filter((l) => /^\| `(ADMIN|COMMITTEE|MANAGER|FINANCE|ANALYST)` \|/.test(l));
  return new Map(rows.map((l) => l.split('|').map((c) => c.trim())).map((c) => [c[1].replace(/`/g, ''), c[2]]));
}

/** The reads a Reads cell lists after "everything but" (up to the first `;` or parenthesis). */
function excluded(cell: string): string[] {
  const m = /^everything but ([^;(]*)/.exec(cell);
  return m ? m[1].split(/,\s*|\s+and\s+/).map((x) => x.trim()).filter(Boolean) : [];
}

function lastMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

async function tokenFor(login: string): Promise<string> {
  const password = /密码 (demo-\S+)/.exec(session.serverOutput)?.[1];
  const r = await graphql(session, 'mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }', undefined, { l: login, p: password });
  const token = (r.body.data?.login as { token?: string } | undefined)?.token;
  if (!token) throw new Error(`cannot sign in as ${login}: ${JSON.stringify(r.body)}`);
  return token;
}

describe('README.md claims no example shows, on the same demo server', () => {
  beforeAll(() => {
    if (!session.env.KAM_DOC_KEY) throw new Error('the demo server did not start (see the first example)');
  });

  it('the Reads column of the roles table: each role reads what it says and is FORBIDDEN the rest', async () => {
    const reads = readsColumn();
    const restricted: Record<string, string> = {
      'the monthly report': `{ monthlyReport(month: "${lastMonth()}") { month } }`,
      'the audit trail': '{ auditEvents(first: 1) { totalCount } }',
      'import jobs': '{ importJobs(first: 1) { totalCount } }',
      'PIPL exports': '{ exportPersonData(id: "1") { person { id } } }',
    };
    expect([...reads.keys()].sort()).toEqual(Object.keys(DEMO_LOGIN_OF_ROLE).sort());
    // Every restricted read is refused to someone, so this test can tell a wrong row.
    for (const what of Object.keys(restricted)) expect([what, [...reads.values()].some((cell) => excluded(cell).includes(what))]).toEqual([what, true]);
    const seen: string[] = [];
    const expectedSeen: string[] = [];
    for (const [role, cell] of reads) {
      const token = await tokenFor(DEMO_LOGIN_OF_ROLE[role]);
      for (const [what, query] of Object.entries(restricted)) {
        const r = await graphql(session, query, token);
        seen.push(`${role} ${what}: ${r.body.errors?.[0]?.extensions?.code ?? 'read'}`);
        expectedSeen.push(`${role} ${what}: ${excluded(cell).includes(what) ? 'FORBIDDEN' : 'read'}`);
      }
      for (const other of excluded(cell)) expect(Object.keys(restricted)).toContain(other);
    }
    expect(seen).toEqual(expectedSeen);
  });

  it('every list in the schema has a query by id, which finds what the list shows and answers null for an unknown id', async () => {
    const { buildSchema, getNamedType, getNullableType, isListType, isObjectType } = await import('graphql');
    const schema = buildSchema(fs.readFileSync(path.join(ROOT, 'schema', 'schema.graphql'), 'utf8'));
    const fields = Object.values(schema.getQueryType()!.getFields());
    const pairs: { list: string; connection: boolean; type: string; byId: string | undefined }[] = [];
    for (const f of fields) {
      const t = getNullableType(f.type);
      const connection = isObjectType(t) && !!t.getFields().nodes;
      const node = isListType(t) ? getNamedType(t) : connection ? getNamedType(t.getFields().nodes.type) : null;
      if (!node || !isObjectType(node) || String(node.getFields().id?.type) !== 'ID!' || f.args.some((a) => String(a.type).endsWith('!'))) continue;
      const byId = fields.find((g) => getNamedType(g.type) === node && !isListType(getNullableType(g.type)) && g.args.some((a) => a.name === 'id'))?.name;
      pairs.push({ list: f.name, connection, type: node.name, byId });
    }
    expect(pairs.filter((p) => !p.byId).map((p) => `${p.list} (${p.type}) has no query by id`)).toEqual([]);
    expect(pairs.length).toBeGreaterThanOrEqual(19);

    // What the demo company lacks: a recommendation, tier and management-level reviews.
    const committee = await tokenFor('committee');
    const period = `${new Date().getUTCFullYear()}H1`;
    await graphql(session, `mutation { startTierReview(period: "${period}") { proposed } startManagementLevelReview(period: "${period}") { proposed } }`, committee);
    const drafted = await graphql(session, `mutation { draftTierList(year: ${new Date().getUTCFullYear() + 1}, note: "README 测试") { id } }`, committee);
    expect(drafted.body.errors).toBeUndefined();
    const recommended = await graphql(session, 'mutation { recommendAccount(input: { account: { code: "DOC001", name: "文档测试推荐有限公司" }, reason: "README 测试" }) { id } }', await tokenFor('mgr04'));
    expect(recommended.body.errors).toBeUndefined();
    // …and a data access grant (an ADMIN's; the demo key is the admin's).
    const granted = await graphql(session, 'mutation { grantDataAccess(role: ANALYST, dataClass: CONFIDENTIAL, note: "README 测试") { id } }');
    expect(granted.body.errors).toBeUndefined();
    // …and a month-end close (finance closes the month before last).
    const before = new Date();
    before.setUTCDate(1);
    before.setUTCMonth(before.getUTCMonth() - 2);
    const closed = await graphql(session, `mutation { closeReportMonth(month: "${before.toISOString().slice(0, 7)}") { id } }`, await tokenFor('finance'));
    expect(closed.body.errors).toBeUndefined();
    // …and a saved import mapping (a branch's word for a role).
    const mapped = await graphql(session, 'mutation { saveImportMapping(input: { kind: VALUE, column: "角色", fromText: "关键人", toValue: "决策者" }) { id } }');
    expect(mapped.body.errors).toBeUndefined();
    // …and a handover (a manager's long leave, opened and left pending).
    const leaving = await graphql(session, '{ user(login: "mgr05") { id } }');
    const handover = await graphql(session, 'mutation($id: ID!) { startHandover(input: { userId: $id, reason: LONG_LEAVE, deactivate: false }) { id } }', undefined, { id: (leaving.body.data?.user as { id: string }).id });
    expect(handover.body.errors).toBeUndefined();

    for (const p of pairs) {
      const list = await graphql(session, p.connection ? `{ x: ${p.list}(first: 1) { nodes { id } } }` : `{ x: ${p.list} { id } }`);
      const rows = (p.connection ? (list.body.data?.x as { nodes: { id: string }[] })?.nodes : (list.body.data?.x as { id: string }[])) ?? [];
      expect([p.list, rows.length > 0]).toEqual([p.list, true]);
      const one = await graphql(session, 'query($id: ID!) { found: ' + p.byId + '(id: $id) { id } unknown: ' + p.byId + '(id: "987654321") { id } }', undefined, { id: rows[0].id });
      expect([p.byId, one.body.errors, one.body.data]).toEqual([p.byId, undefined, { found: { id: rows[0].id }, unknown: null }]);
    }
  });

  it('downloads need the Authorization header; an HTTP import with rejected rows still answers 200 with its report', async () => {
    const base = `http://127.0.0.1:${session.port}`;
    const key = session.env.KAM_DOC_KEY!;
    for (const route of ['/templates/ledger.xlsx', '/exports/ledger.xlsx', `/reports/monthly/${lastMonth()}.xlsx`]) {
      const anonymous = await fetch(base + route);
      expect([route, anonymous.status, ((await anonymous.json()) as { error: { code: string } }).error.code]).toEqual([route, 401, 'UNAUTHENTICATED']);
      const signed = await fetch(base + route, { headers: { authorization: `Bearer ${key}` } });
      expect([route, signed.status]).toEqual([route, 200]);
      await signed.arrayBuffer();
    }
    const form = new FormData();
    form.append('file', new Blob(['\ufeff日期,客户编号,活动类型,主题\n不是日期,KA0001,客户经理拜访,README 测试\n'], { type: 'text/csv' }), 'ledger.csv');
    const res = await fetch(`${base}/imports/ledger?wait=true&dryRun=true`, { method: 'POST', body: form, headers: { authorization: `Bearer ${key}` } });
    const report = (await res.json()) as { rows: { invalid: number }; errors: { cell: string }[] };
    expect([res.status, report.rows.invalid, report.errors[0]?.cell]).toEqual([200, 1, 'A2']);
  });
});
