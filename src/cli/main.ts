#!/usr/bin/env node
/**
 * `kam` — the KAM Hub command line: serve, migrate, seed, API keys, schema.
 * Errors print one line on stderr and exit 2 (no stack trace unless --debug).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, configMarkdown, envExample, describeConfig, loadConfig, parseDatabaseUrl, setConfig, unknownVariableWarnings, type Config } from '../config';
import { DomainError } from '../common/errors';
import { Roles } from '../common/enums';
import { systemContext } from '../common/context';
import { migrate, pendingSchemaChanges, generateMigration } from '../db/migrations';
import { Account } from '../modules/accounts/account.entity';
import { ApiKey } from '../modules/auth/api-key.entity';
import { startServer } from '../http/server';
import { printKamSchema } from '../http/schema';
import { generateDemoData } from '../../seeds/demo/generator';
import { loadDemoData } from '../../seeds/demo/load';
import { describeLogins, setDemoPasswords } from '../../seeds/demo/passwords';
import { CliError, describeDatabase, openRuntime, type Runtime } from './runtime';
import { ImportFileError } from '../../importers/read/issues';
import { ANNEXES, ANNEX_CHOICES, findAnnex, type AnnexSpec } from '../../importers/annexes';
import { parseMappingFile, type MappingRule } from '../../importers/read/mappings';
import { importAnnex, type ImportReport } from '../../importers/load/importer';
import { buildTemplate } from '../../importers/write/template';
import { ImportMode, ImportModes } from '../common/enums';
import os from 'node:os';
import { generateDataKeyLine } from '../common/field-crypto';
import type { KeyStatus } from '../modules/privacy/data-keys.service';
import { startAuditRetention } from '../modules/audit/audit-retention';
import { startReportCloseSchedule } from '../modules/reports/report-close-schedule';
import { SingleBar, Presets } from 'cli-progress';
import { removeBi, setupBi } from '../modules/bi/bi-views';
import { say, setLanguage } from '../common/messages';

/** The checkout (or installed package) root: the nearest folder above this file holding package.json — dist/src/cli when built, src/cli under ts-node and jest. */
const REPO_ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..', '..', '..');
  }
})();

/** The version in package.json (`kam --version`). */
export function kamVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

interface GlobalOptions {
  debug?: boolean;
  database?: string;
}

function configFrom(program: Command): Config {
  const opts = program.opts<GlobalOptions>();
  const config = loadConfig();
  if (opts.database) config.database = parseDatabaseUrl(opts.database, '--database');
  return setConfig(config);
}

function out(line: string): void {
  process.stdout.write(line + '\n');
}

async function withRuntime<T>(program: Command, fn: (rt: Runtime) => Promise<T>, options: { createDatabase?: boolean } = {}): Promise<T> {
  const rt = await openRuntime(configFrom(program), options);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

async function assertMigrated(rt: Runtime): Promise<void> {
  if (await rt.ds.showMigrations()) {
    throw new CliError(say(`数据库 ${describeDatabase(rt.config)} 有未执行的迁移：请先运行 "kam migrate"`, `the database ${describeDatabase(rt.config)} has pending migrations: run "kam migrate" first`));
  }
}

async function seedDemo(rt: Runtime, seed?: number, asOf?: string, annexDir?: string): Promise<void> {
  const data = generateDemoData({ seed, asOf });
  const result = await loadDemoData(rt.services, data, undefined, { annexDir });
  const zh: Record<string, string> = { units: '单位', users: '用户', accounts: '客户', contacts: '联系人', creditEvaluations: '信用评价', projects: '项目', receivables: '应收', payments: '回款', activities: '活动' };
  out(say(
    `演示数据已载入（截至 ${data.asOf}）：${Object.entries(result).map(([k, v]) => `${zh[k] ?? k} ${v}`).join('、')}`,
    `Demo data loaded (as of ${data.asOf}): ${Object.entries(result).map(([k, v]) => `${v} ${k}`).join(', ')}`,
  ));
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('kam')
    .description('KAM Hub — key account management (大客户管理): API server, migrations, demo data, API keys')
    .option('--debug', 'print stack traces on errors')
    .option('--database <url>', 'database URL (overrides KAM_DATABASE_URL): sqlite:<path> or mysql://user:pass@host:port/db')
    .version(kamVersion(), '-V, --version', 'print the version of KAM Hub')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // Every command starts from a valid environment: a bad value stops it with one line (ConfigError,
  // exit 2) before it does anything — `kam config` included. Only the generated README table
  // (`kam config --markdown`), which prints the defaults, does not need one.
  program.hook('preAction', (_program, command) => {
    const documentation = command.name() === 'config' && (command.opts<{ markdown?: boolean; envExample?: boolean }>().markdown || command.opts<{ envExample?: boolean }>().envExample);
    if (!documentation) configFrom(program);
  });

  program
    .command('serve')
    .description('serve the GraphQL API (/graphql) and /healthz')
    .option('--port <n>', 'port (default KAM_PORT or 4000)')
    .option('--demo', 'migrate, load demo data into an empty database, print an admin API key and give the demo logins a password (what `npm start` does)')
    .action(async (opts: { port?: string; demo?: boolean }) => {
      const config = configFrom(program);
      if (opts.port !== undefined) {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(say(`--port 应为 0 到 65535 之间的整数，实为 "${opts.port}"`, `--port must be an integer between 0 and 65535, got "${opts.port}"`));
        config.port = port;
      }
      if (opts.demo && config.env === 'production') throw new CliError(say('NODE_ENV=production 时不允许 --demo', '--demo is refused when NODE_ENV=production'));
      const rt = await openRuntime(config, { createDatabase: opts.demo, logTo: 'stdout' });
      for (const w of unknownVariableWarnings()) rt.logger.warn(w);
      try {
        if (opts.demo) {
          const applied = await migrate(rt.ds);
          if (applied.length) out(say(`已迁移 ${describeDatabase(config)}：${applied.join(', ')}`, `Migrated ${describeDatabase(config)}: ${applied.join(', ')}`));
          if ((await rt.ds.getRepository(Account).count()) === 0) await seedDemo(rt);
          const ctx = systemContext('serve --demo');
          await rt.services.auth.revokeApiKeysNamed(ctx, 'demo-admin');
          // The key acts as the demo's ADMIN user, who signed the confidentiality agreement (a key acting as nobody sees personal data masked).
          const admin = await rt.services.org.findUserByLogin(ctx, 'admin');
          const { secret } = await rt.services.auth.createApiKey(ctx, { name: 'demo-admin', role: 'ADMIN', userId: admin?.id ?? null });
          out(say(`管理员 API 密钥：${secret}`, `Admin API key: ${secret}`));
          out(say('  （请求时带上 "Authorization: Bearer <密钥>"；每次 --demo 启动都会签发新密钥）', '  (send it as "Authorization: Bearer <key>"; a new one is issued at each --demo start)'));
          const signIn = await setDemoPasswords(rt.services);
          if (signIn.logins.length) out(say(`演示账号：${describeLogins(signIn.logins).split(', ').join('、')} — 密码 ${signIn.password}  （每次 --demo 启动都会重新生成）`, `Demo logins: ${describeLogins(signIn.logins)} — password ${signIn.password}  (a new one at each --demo start)`));
        } else {
          await assertMigrated(rt);
        }
        const server = await startServer(rt.services, rt.logger, config.port, config.host);
        // Log lines, like everything the server says from here on (one JSON stream on stdout).
        rt.logger.info(`KAM Hub console: ${server.url.replace(/\/graphql$/, '/')}  (GraphiQL: ${server.url.replace(/\/graphql$/, '/graphiql')})`, { version: kamVersion() });
        rt.logger.info(`KAM Hub GraphQL API: ${server.url}  (database ${describeDatabase(config)})`);
        const stopRetention = startAuditRetention(rt.services, rt.logger);
        const stopReportClose = startReportCloseSchedule(rt.services, rt.logger);
        const shutdown = async (signal: string) => {
          rt.logger.info('shutting down', { signal });
          stopRetention();
          stopReportClose();
          await server.close();
          await rt.close();
          process.exit(0);
        };
        process.once('SIGTERM', () => void shutdown('SIGTERM'));
        process.once('SIGINT', () => void shutdown('SIGINT'));
      } catch (e) {
        await rt.close();
        throw e;
      }
    });

  program
    .command('migrate')
    .description('apply pending database migrations (creates the MySQL database if missing)')
    .option('--check', 'only report pending migrations and schema drift; exit 1 if any')
    .action(async (opts: { check?: boolean }) => {
      await withRuntime(
        program,
        async (rt) => {
          if (opts.check) {
            const pending = await rt.ds.showMigrations();
            const drift = pending ? [] : await pendingSchemaChanges(rt.ds);
            if (pending) out(say('有未执行的迁移：请运行 "kam migrate"', 'pending migrations: run "kam migrate"'));
            for (const q of drift) out(say(`结构偏差：${q}`, `drift: ${q}`));
            if (pending || drift.length) process.exitCode = 1;
            else out(say(`${describeDatabase(rt.config)} 已是最新`, `${describeDatabase(rt.config)} is up to date`));
            return;
          }
          const applied = await migrate(rt.ds);
          out(
            applied.length
              ? say(`已执行 ${applied.length} 个迁移：${applied.join(', ')}`, `applied ${applied.length} migration(s): ${applied.join(', ')}`)
              : say(`${describeDatabase(rt.config)} 已是最新`, `${describeDatabase(rt.config)} is up to date`),
          );
        },
        { createDatabase: !opts.check },
      );
    });

  program
    .command('seed')
    .description('load data into an empty database')
    .option('--demo', 'the deterministic demo company (≥ 200 accounts)')
    .option('--seed <n>', 'random seed for the demo data', '20261123')
    .option('--as-of <date>', 'the day the demo data is "as of" (YYYY-MM-DD, default today)')
    .option('--annexes-out <dir>', 'keep the demo annex workbooks (附件2–4) the seed imports in this directory')
    .action(async (opts: { demo?: boolean; seed: string; asOf?: string; annexesOut?: string }) => {
      if (!opts.demo) throw new CliError(say('请说明要写入的数据：kam seed --demo', 'say what to seed: kam seed --demo'));
      const config = configFrom(program);
      if (config.env === 'production') throw new CliError(say('NODE_ENV=production 时不允许写入演示数据', 'demo data is refused when NODE_ENV=production'));
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new CliError(say(`--seed 应为整数，实为 "${opts.seed}"`, `--seed must be an integer, got "${opts.seed}"`));
      if (opts.asOf && !/^\d{4}-\d{2}-\d{2}$/.test(opts.asOf)) throw new CliError(say(`--as-of 应为 YYYY-MM-DD，实为 "${opts.asOf}"`, `--as-of must be YYYY-MM-DD, got "${opts.asOf}"`));
      await withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        await seedDemo(rt, seed, opts.asOf, opts.annexesOut);
      });
    });

  const apikey = program.command('apikey').description('manage API keys');
  apikey
    .command('create')
    .description('create an API key; prints the key as the last line (only its hash is stored)')
    .requiredOption('--name <name>', 'what the key is for, e.g. "Power BI"')
    .addOption(new Option('--role <role>', 'role').choices(Roles.values as string[]).makeOptionMandatory())
    .option('--user <login>', 'the user the key acts as (required for MANAGER)')
    .option('--expires <date>', 'expiry date (YYYY-MM-DD)')
    .action(async (opts: { name: string; role: string; user?: string; expires?: string }) => {
      await withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        const ctx = systemContext('apikey create');
        let userId: number | null = null;
        if (opts.user) {
          const user = await rt.services.org.findUserByLogin(ctx, opts.user);
          if (!user) throw new CliError(say(`--user：没有登录名为 "${opts.user}" 的用户`, `--user: no user with login "${opts.user}"`));
          userId = user.id;
        }
        let expiresAt: Date | null = null;
        if (opts.expires) {
          if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.expires)) throw new CliError(say(`--expires 应为 YYYY-MM-DD，实为 "${opts.expires}"`, `--expires must be YYYY-MM-DD, got "${opts.expires}"`));
          expiresAt = new Date(`${opts.expires}T00:00:00Z`);
        }
        const { apiKey, secret } = await rt.services.auth.createApiKey(ctx, { name: opts.name, role: opts.role, userId, expiresAt });
        process.stderr.write(say(`已创建 API 密钥 #${apiKey.id} "${apiKey.name}"（${apiKey.role}）。请立即保存：它不会再次显示。`, `Created API key #${apiKey.id} "${apiKey.name}" (${apiKey.role}). Store it now: it cannot be shown again.`) + '\n');
        out(secret);
      });
    });
  apikey
    .command('list')
    .description('list API keys (never their secrets)')
    .action(async () => {
      await withRuntime(program, async (rt) => {
        const keys = await rt.ds.getRepository(ApiKey).find({ order: { id: 'ASC' } });
        for (const k of keys) {
          out([k.id, k.name, k.role, k.prefix + '…', k.revokedAt ? say(`已吊销 ${k.revokedAt.toISOString()}`, `revoked ${k.revokedAt.toISOString()}`) : say('有效', 'active'), k.lastUsedAt ? say(`最近使用 ${k.lastUsedAt.toISOString()}`, `last used ${k.lastUsedAt.toISOString()}`) : say('从未使用', 'never used')].join('\t'));
        }
      });
    });
  apikey
    .command('revoke')
    .description('revoke every active key with this name')
    .requiredOption('--name <name>')
    .action(async (opts: { name: string }) => {
      await withRuntime(program, async (rt) => {
        const n = await rt.services.auth.revokeApiKeysNamed(systemContext('apikey revoke'), opts.name);
        if (n === 0) throw new CliError(say(`没有名为 "${opts.name}" 的有效 API 密钥`, `no active API key named "${opts.name}"`));
        out(say(`已吊销 ${n} 个密钥`, `revoked ${n} key(s)`));
      });
    });

  program
    .command('import <annex> <file>')
    .description(`import an annex workbook (.xlsx, or .csv in UTF-8/GBK): ${ANNEX_CHOICES}; \`kam import undo <job>\` undoes a whole import`)
    .option('--dry-run', 'check everything and report what would be created/updated/unchanged; write nothing')
    .addOption(new Option('--mode <mode>', 'atomic: any rejected row writes nothing; skip-invalid: write the valid rows').choices(['atomic', 'skip-invalid']).default('atomic'))
    .option('--json', 'print the report as one JSON object on stdout')
    .option('--errors-out <file>', 'write the rejected rows, with an added 错误说明 column, to this .xlsx')
    .option('--as <login>', "import as this user: its role and unit decide what each row may do, exactly as for its own upload (default: as ADMIN)")
    .option('--map <file>', 'header aliases and value mappings for this run (JSON: {"headers": {"关键人物": "姓名"}, "values": {"角色": {"关键人": "决策者"}}}); they win over the saved ones')
    .option('--unit <unit>', "the unit (code or name) the file comes from: its saved mappings apply (default: the importing user's unit)")
    .action(async (annexName: string, file: string, opts: { dryRun?: boolean; mode: string; json?: boolean; errorsOut?: string; as?: string; map?: string; unit?: string }) => {
      if (annexName === 'undo') {
        await undoImport(program, file, opts);
        return;
      }
      const annex = annexArg(annexName);
      const mappings = opts.map ? readMappingFile(opts.map, annex) : undefined;
      await withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        const system = systemContext(`import (${os.userInfo().username})`);
        const ctx = opts.as ? { ...system, actor: await rt.services.auth.actorForLogin(opts.as) } : system;
        let unitId: number | undefined;
        if (opts.unit) {
          const unit = (await rt.services.org.findUnitByCode(system, opts.unit)) ?? (await rt.services.org.findUnitByName(system, opts.unit));
          if (!unit) throw new CliError(say(`--unit ${opts.unit}：没有此编码或名称的单位`, `--unit ${opts.unit}: no unit has this code or name`));
          unitId = unit.id;
        }
        const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ format: say('{bar} {percentage}% | {rows} 行', '{bar} {percentage}% | {rows} rows'), stream: process.stderr, hideCursor: true }, Presets.shades_classic) : null;
        bar?.start(100, 0, { rows: 0 });
        let report: ImportReport;
        try {
          ({ report } = await importAnnex(rt.services, ctx, {
            annex,
            file,
            dryRun: !!opts.dryRun,
            mode: ImportModes.parse(opts.mode, '--mode') as ImportMode,
            errorsOut: opts.errorsOut,
            mappings,
            unitId,
            onProgress: (p) => bar?.update(Math.round(p.fraction * 100), { rows: p.rowsProcessed }),
          }));
        } finally {
          bar?.stop();
        }
        if (opts.json) process.stdout.write(JSON.stringify(report) + '\n');
        else printReport(annex, report, opts.errorsOut);
        process.exitCode = report.errors.length || report.rows.invalid ? 1 : 0;
      });
    });

  program
    .command('template <annex>')
    .description(`write a blank annex workbook with dropdowns and an example row: ${ANNEX_CHOICES}`)
    .requiredOption('--out <file>', 'the .xlsx to write')
    .action(async (annexName: string, opts: { out: string }) => {
      const annex = annexArg(annexName);
      await withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        fs.writeFileSync(opts.out, await buildTemplate(annex, await rt.services.tiers.list(), await rt.services.tiers.listManagementLevels()));
        out(say(`已写入 ${opts.out}（${annex.title}）`, `wrote ${opts.out} (${annex.title})`));
      });
    });

  program
    .command('export <what>')
    .description(`write a workbook: monthly-report (--month YYYY-MM; --pdf for print), or an annex in its own layout: ${ANNEX_CHOICES}`)
    .requiredOption('--out <file>', 'the file to write (.xlsx; .pdf with --pdf; .csv for an annex in UTF-8 with BOM)')
    .option('--month <YYYY-MM>', 'monthly-report: the month (not later than the current one)')
    .option('--pdf', 'monthly-report: write the workbook converted to PDF by LibreOffice (also when --out ends in .pdf)')
    .option('--template <file>', 'monthly-report: fill the company\'s own layout (an .xlsx with placeholders such as {{本月签约}} and an account row of {{客户编号}} {{客户名称}}…)')
    .option('--tier <codes>', 'annexes: only accounts of these tiers (comma separated, e.g. STRATEGIC,KEY)')
    .option('--from <date>', 'ledger: activities on or after YYYY-MM-DD')
    .option('--to <date>', 'ledger: activities on or before YYYY-MM-DD')
    .action(async (what: string, opts: { out: string; month?: string; pdf?: boolean; template?: string; tier?: string; from?: string; to?: string }) => {
      await withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        const ctx = systemContext(`export (${os.userInfo().username})`);
        if (what === 'monthly-report') {
          if (!opts.month) throw new CliError(say('export monthly-report 需要 --month YYYY-MM', 'export monthly-report needs --month YYYY-MM'));
          const pdf = opts.pdf || opts.out.toLowerCase().endsWith('.pdf');
          const report = await rt.services.reports.monthlyReport(ctx, opts.month);
          if (opts.template) {
            if (pdf) throw new CliError(say('--template 写出填好的 .xlsx；请在打印它的程序中转为 PDF', '--template writes the filled .xlsx; convert it to PDF in the program that prints it'));
            let template: Buffer;
            try {
              template = fs.readFileSync(opts.template);
            } catch (e) {
              throw new CliError(say(`--template：无法读取 ${opts.template}（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）`, `--template: cannot read ${opts.template} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`));
            }
            const filled = await rt.services.reports.fillTemplate(ctx, report, template);
            await writeFileAtomically(opts.out, (stream) => new Promise<void>((resolve, reject) => stream.end(filled, () => resolve()).once('error', reject)));
            out(say(
              `已写入 ${opts.out}（战略客户业务状况报告表 ${report.period.month}，按 ${opts.template} 的版式，数据截至 ${report.period.asOf}：${report.rows.length} 个客户）`,
              `wrote ${opts.out} (战略客户业务状况报告表 ${report.period.month} in the layout of ${opts.template}, data as of ${report.period.asOf}: ${report.rows.length} accounts)`,
            ));
            return;
          }
          const rows = await writeFileAtomically(opts.out, (stream) => (pdf ? rt.services.reports.writePdf(ctx, report, stream) : rt.services.reports.writeWorkbook(ctx, report, stream)));
          const close = report.close?.status === 'CLOSED' ? report.close : null;
          const differs = close?.differences.length ?? 0;
          out(say(
            `已写入 ${opts.out}（战略客户业务状况报告表 ${report.period.month}${pdf ? '，PDF' : ''}，数据截至 ${report.period.asOf}：${rows} 个客户${close ? `，已由 ${close.closedBy} 月结${differs ? `；实时数据有 ${differs} 项数字与之不同` : ''}` : ''}）`,
            `wrote ${opts.out} (战略客户业务状况报告表 ${report.period.month}${pdf ? ' as PDF' : ''}, data as of ${report.period.asOf}: ${rows} accounts${close ? `, closed ${close.closedBy}${differs ? `; live data differs in ${differs} figures` : ''}` : ''})`,
          ));
          return;
        }
        const annex = findAnnex(what);
        if (!annex) throw new CliError(say(`未知的导出 "${what}"：可用 monthly-report、${ANNEX_CHOICES}`, `unknown export "${what}": use monthly-report, ${ANNEX_CHOICES}`));
        const format = opts.out.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
        const tiers = opts.tier?.split(',').map((t) => t.trim()).filter(Boolean);
        const prepared = await rt.services.exports.prepare(ctx, annex.annex, { accounts: tiers ? { tierCodes: tiers } : null, from: opts.from, to: opts.to });
        const rows = await writeFileAtomically(opts.out, (stream) => rt.services.exports.write(ctx, prepared, stream, format));
        out(say(`已写入 ${opts.out}（${annex.title}：${rows} 行）`, `wrote ${opts.out} (${annex.title}: ${rows} rows)`));
      });
    });

  program
    .command('report-close <month>')
    .description('month-end close of the monthly report: freeze YYYY-MM\'s figures (as FINANCE/ADMIN would), or --reopen it with --reason (ADMIN)')
    .option('--reopen', 'reopen a closed month (its report follows the live data again)')
    .option('--reason <text>', 'with --reopen: why (kept in the audit trail)')
    .action(async (month: string, opts: { reopen?: boolean; reason?: string }) => {
      await withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        const ctx = systemContext(`report-close (${os.userInfo().username})`);
        if (opts.reopen) {
          const c = await rt.services.reports.reopenMonth(ctx, month, opts.reason ?? '');
          out(say(`已重新打开 ${c.month}（原由 ${c.closedBy} 月结）；再次月结前，其报表跟随实时数据`, `reopened ${c.month} (closed by ${c.closedBy}); its report follows the live data until it is closed again`));
          return;
        }
        const c = await rt.services.reports.closeMonth(ctx, month);
        out(say(`已月结 ${c.month}：冻结 ${c.rowCount} 个客户的数字（${c.closedBy}）`, `closed ${c.month}: ${c.rowCount} accounts frozen (by ${c.closedBy})`));
      });
    });

  program
    .command('schema')
    .description('print the GraphQL schema (sorted SDL)')
    .option('--out <file>', 'write it to a file instead')
    .action(async (opts: { out?: string }) => {
      const sdl = await printKamSchema();
      if (opts.out) fs.writeFileSync(opts.out, sdl);
      else process.stdout.write(sdl);
    });

  program
    .command('config')
    .description('list the environment variables KAM Hub reads, with their values here (secrets hidden)')
    .option('--markdown', 'as a Markdown table (for the README)')
    .option('--env-example', 'as the .env.example of a deployment (every variable, commented)')
    .option('--check', 'only validate, exactly as `kam serve` does: one line per bad variable (exit 2), a warning per unknown KAM_* variable')
    .action((opts: { markdown?: boolean; check?: boolean; envExample?: boolean }) => {
      if (opts.markdown || opts.envExample) {
        process.stdout.write(opts.markdown ? configMarkdown() : envExample());
        return;
      }
      // Invalid values never get here: the preAction hook stopped the command with one line each.
      for (const w of unknownVariableWarnings(process.env, true)) process.stderr.write(`kam: ${say('警告：', 'warning: ')}${w}\n`);
      if (opts.check) {
        const config = configFrom(program);
        out(say(`配置有效（NODE_ENV=${config.env}，数据库 ${describeDatabase(config)}）`, `configuration is valid (NODE_ENV=${config.env}, database ${describeDatabase(config)})`));
      } else {
        // The values this environment sets (else the defaults); secrets show only whether they are set.
        for (const v of describeConfig()) out(`${v.name}=${v.value}\t# ${v.description}`);
      }
    });

  program
    .command('migration:generate <name>', { hidden: true })
    .description('development: generate the next migration for MySQL and SQLite from the entities')
    .action(async (name: string) => {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new CliError(say('迁移名称须为 PascalCase，如 AddProjectPhase', 'the migration name must be PascalCase, e.g. AddProjectPhase'));
      const config = configFrom(program);
      const ts = Date.now();
      for (const kind of ['mysql', 'sqlite'] as const) {
        const file = await generateMigration(kind, name, config.testMysqlUrl, REPO_ROOT, ts);
        out(file ? say(`${kind}：已写入 ${path.relative(REPO_ROOT, file)}`, `${kind}: wrote ${path.relative(REPO_ROOT, file)}`) : say(`${kind}：实体与迁移一致，无需生成`, `${kind}: entities and migrations agree; nothing to generate`));
      }
    });

  // --- Privacy: field-encryption keys and the audit trail (issue 7) ---
  const keys = program.command('keys').description('field-encryption keys (KAM_DATA_KEYS): generate, status, rotate');
  keys
    .command('generate')
    .description('print a new key line to append to KAM_DATA_KEYS (the last key encrypts)')
    .option('--id <id>', 'key id (letters, digits, _ or -); default k<yyyymmdd>')
    .action((opts: { id?: string }) => {
      try {
        out(generateDataKeyLine(opts.id));
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    });
  const printKeyStatus = (s: KeyStatus) => {
    const which = {
      public: say('（公开的开发密钥，不提供任何保护：请设置 KAM_DATA_KEYS）', ' (the public development key, which protects nothing: set KAM_DATA_KEYS)'),
      generated: say(
        `（生成于 ${s.developmentKeyFile} 的开发密钥：请将该文件与数据库一同保管；生产环境需要 KAM_DATA_KEYS）`,
        ` (the development key generated in ${s.developmentKeyFile}: keep that file with the database; production needs KAM_DATA_KEYS)`,
      ),
    };
    const note = s.developmentKey ? which[s.developmentKey] : '';
    out(say(`当前密钥：${s.activeKeyId}${note}；已配置：${s.keyIds.join(', ')}`, `Active key: ${s.activeKeyId}${note}; configured: ${s.keyIds.join(', ')}`));
    for (const [kid, n] of Object.entries(s.rowsByKey)) {
      const known = s.keyIds.includes(kid);
      out(say(`  ${kid}：${n} 行${known ? '' : '（未配置此密钥：这些行无法读取）'}`, `  ${kid}: ${n} rows${known ? '' : ' (key not configured: these cannot be read)'}`));
    }
    out(say(`  明文：${s.clearRows} 行`, `  clear text: ${s.clearRows} rows`));
    out(say(`  含个人数据的行：${s.rowsWithData}`, `  rows with personal data: ${s.rowsWithData}`));
  };
  keys
    .command('status')
    .description('rows of personal data per key id, and rows still in clear text')
    .action(() =>
      withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        printKeyStatus(await rt.services.dataKeys.status(systemContext('keys status')));
      }),
    );
  keys
    .command('rotate')
    .description('re-encrypt every value not under the newest key (and clear-text rows), in batches; resumable')
    .option('--batch <n>', 'rows per transaction', '500')
    .action((opts: { batch: string }) =>
      withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        const batch = Number(opts.batch);
        if (!Number.isInteger(batch) || batch < 1 || batch > 10000) throw new CliError(say(`--batch 应为 1 到 10000 之间的整数，实为 "${opts.batch}"`, `--batch must be an integer between 1 and 10000, got "${opts.batch}"`));
        const r = await rt.services.dataKeys.rotate(systemContext('keys rotate'), { batch, onBatch: (n) => rt.logger.info('keys rotate', { rotated: n }) });
        out(say(`已用密钥 ${r.status.activeKeyId} 重新加密 ${r.rotated} 行${r.rotated ? '：' : '。'}`, `Re-encrypted ${r.rotated} rows under key ${r.status.activeKeyId}${r.rotated ? ':' : '.'}`));
        for (const [kid, n] of Object.entries(r.rotatedFrom)) out(say(`  来自 ${kid === 'clear' ? '明文' : kid}：${n} 行`, `  from ${kid === 'clear' ? 'clear text' : kid}: ${n} rows`));
        printKeyStatus(r.status);
        const failed = r.failed.slice(0, 20).map((f) => `${f.id} (${f.code})`).join(', ');
        if (r.failed.length) throw new CliError(say(`${r.failed.length} 行无法解密，保持原样：${failed}`, `${r.failed.length} rows could not be opened and were left as they are: ${failed}`), 1);
      }),
    );

  const audit = program.command('audit').description('the audit trail (append-only)');
  audit
    .command('prune')
    .description('delete audit events older than KAM_AUDIT_RETENTION_DAYS (the server also does this daily)')
    .option('--days <n>', 'retention in days (default KAM_AUDIT_RETENTION_DAYS)')
    .action((opts: { days?: string }) =>
      withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        const days = opts.days === undefined ? rt.config.auditRetentionDays : Number(opts.days);
        if (!Number.isInteger(days) || days < 1) throw new CliError(say(`--days 应为正整数，实为 "${opts.days}"`, `--days must be a positive integer, got "${opts.days}"`));
        const { deleted, before } = await rt.services.audit.prune(systemContext('audit prune'), days);
        out(say(`已删除 ${deleted} 条记录于 ${before.toISOString()} 之前的审计事件（保留 ${days} 天）。`, `Deleted ${deleted} audit events recorded before ${before.toISOString()} (retention ${days} days).`));
      }),
    );
  // --- end privacy ---

  const bi = program.command('bi').description('the read-only SQL layer for BI tools (MySQL/MariaDB): views in a schema of their own and a user that reads only them');
  bi
    .command('setup')
    .description('create or refresh the BI views (one per entity, labels joined, amounts in 元, no personal data) and a MySQL user that can read them and nothing else')
    .option('--schema <name>', 'schema for the views', 'kam_bi')
    .option('--user <name>', 'read-only MySQL user', 'kam_bi')
    .option('--password <password>', 'its password (default: a generated one, printed once)')
    .option('--host <pattern>', 'hosts the user may connect from (MySQL host pattern)', '%')
    .action((opts: { schema: string; user: string; password?: string; host: string }) =>
      withRuntime(program, async (rt) => {
        await assertMigrated(rt);
        const r = await setupBi(rt.ds, await rt.services.bi.catalog(), opts);
        const views = r.views.sort().join(', ');
        out(say(`BI 库 ${r.schema}：${r.views.length} 个视图（${views}）`, `BI schema ${r.schema}: ${r.views.length} views (${views})`));
        out(say(`只读用户 ${r.user}@${r.host}：仅可 SELECT ${r.schema}.*，别无其他权限`, `Read-only user ${r.user}@${r.host}: SELECT on ${r.schema}.* and nothing else`));
        if (r.generatedPassword) out(say(`密码（只显示这一次）：${r.generatedPassword}`, `Password (shown once): ${r.generatedPassword}`));
      }),
    );
  bi
    .command('remove')
    .description('drop the BI schema and its user')
    .option('--schema <name>', 'schema of the views', 'kam_bi')
    .option('--user <name>', 'read-only MySQL user', 'kam_bi')
    .option('--host <pattern>', 'its host pattern', '%')
    .action((opts: { schema: string; user: string; host: string }) =>
      withRuntime(program, async (rt) => {
        await removeBi(rt.ds, opts);
        out(say(`已删除库 ${opts.schema} 和用户 ${opts.user}@${opts.host}`, `Dropped schema ${opts.schema} and user ${opts.user}@${opts.host}`));
      }),
    );

  return program;
}

/**
 * Writes through a temp file next to `file`, renamed into place when complete: a failed export leaves
 * no half file. Readable by the owner only (0600): exports hold confidential and personal data.
 */
async function writeFileAtomically<T>(file: string, write: (stream: fs.WriteStream) => Promise<T>): Promise<T> {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  const stream = fs.createWriteStream(tmp, { mode: 0o600 });
  const closed = new Promise<void>((resolve, reject) => {
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  try {
    const result = await write(stream);
    await closed;
    fs.renameSync(tmp, file);
    return result;
  } catch (e) {
    stream.destroy();
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function annexArg(name: string): AnnexSpec {
  const annex = findAnnex(name);
  if (!annex) throw new CliError(say(`未知的附件 "${name}"：可用 ${ANNEX_CHOICES}`, `unknown annex "${name}": use ${ANNEX_CHOICES}`));
  return annex;
}

const SHOWN_ISSUES = 50;

/** `kam import undo <job> [--json] [--as <login>]`: one transaction, one audit event (ImportReviewService.undo). */
async function undoImport(program: Command, job: string, opts: { json?: boolean; as?: string }): Promise<void> {
  if (!/^\d{1,10}$/.test(job)) throw new CliError(say(`kam import undo <job>：job 为数字（见 importJobs，或导入报告的 "job"），实为 "${job}"`, `kam import undo <job>: the job is a number (see importJobs, or the "job" of an import report), got "${job}"`));
  await withRuntime(program, async (rt) => {
    await assertMigrated(rt);
    const system = systemContext(`import undo (${os.userInfo().username})`);
    const ctx = opts.as ? { ...system, actor: await rt.services.auth.actorForLogin(opts.as) } : system;
    const r = await rt.services.importReview.undo(ctx, Number(job));
    if (opts.json) {
      process.stdout.write(JSON.stringify({ job: r.job.id, status: r.job.status, removed: r.removed, restored: r.restored, kept: r.kept }) + '\n');
      return;
    }
    out(say(`导入 #${r.job.id}（${r.job.annex} ← ${r.job.fileName}）已撤销：删除 ${r.removed} 条，恢复 ${r.restored} 条，保留 ${r.kept.length} 条`, `import #${r.job.id} (${r.job.annex} ← ${r.job.fileName}) undone: ${r.removed} record(s) removed, ${r.restored} restored, ${r.kept.length} kept`));
    for (const k of r.kept.slice(0, SHOWN_ISSUES)) out(`  ${say('保留', 'kept')} ${k.entity} #${k.id}: ${k.message} [${k.reason}]`);
    if (r.kept.length > SHOWN_ISSUES) out(say(`  …… 另有 ${r.kept.length - SHOWN_ISSUES} 条（--json 列出全部）`, `  … and ${r.kept.length - SHOWN_ISSUES} more (--json lists them all)`));
  });
}

function printReport(annex: AnnexSpec, r: ImportReport, errorsOut?: string): void {
  const rows = r.rows;
  out(say(`${annex.title} ← ${r.file}${r.dryRun ? '（试运行：未写入任何内容）' : ''} —— 导入任务 #${r.job}`, `${annex.title} ← ${r.file}${r.dryRun ? ' (dry run: nothing written)' : ''} — job #${r.job}`));
  out(say(
    `  行：读取 ${rows.total}，有效 ${rows.valid}，拒绝 ${rows.invalid}；${r.dryRun ? '将新建' : '新建'} ${rows.created}，${r.dryRun ? '将更新' : '更新'} ${rows.updated}，未变 ${rows.unchanged}`,
    `  rows: ${rows.total} read, ${rows.valid} valid, ${rows.invalid} rejected; ${r.dryRun ? 'would create' : 'created'} ${rows.created}, ${r.dryRun ? 'would update' : 'updated'} ${rows.updated}, unchanged ${rows.unchanged}`,
  ));
  if (!r.dryRun && r.mode === ImportMode.ATOMIC && (rows.invalid || r.errors.length)) out(say('  整体模式：有行被拒绝，因此未写入任何内容（请修正，或使用 --mode skip-invalid）', '  atomic mode: rows were rejected, so nothing was written (fix them, or use --mode skip-invalid)'));
  const line = (i: ImportReport['errors'][number]) => `  ${[i.sheet, i.cell ?? (i.row ? say(`第 ${i.row} 行`, `row ${i.row}`) : null)].filter(Boolean).join('!')}${i.column ? ` ${i.column}` : ''}: ${i.message} [${i.code}]`;
  if (r.errors.length) {
    out(say(`错误（${r.errors.length}）：`, `errors (${r.errors.length}):`));
    r.errors.slice(0, SHOWN_ISSUES).forEach((e) => out(line(e)));
    if (r.errors.length > SHOWN_ISSUES) out(say(`  …… 另有 ${r.errors.length - SHOWN_ISSUES} 个${errorsOut ? '' : '（--errors-out F.xlsx 写出全部被拒绝的行，--json 列出全部）'}`, `  … and ${r.errors.length - SHOWN_ISSUES} more${errorsOut ? '' : ' (--errors-out F.xlsx writes every rejected row, --json prints them all)'}`));
  }
  if (r.warnings.length) {
    out(say(`警告（${r.warnings.length}）：`, `warnings (${r.warnings.length}):`));
    r.warnings.slice(0, SHOWN_ISSUES).forEach((w) => out(line(w)));
    if (r.warnings.length > SHOWN_ISSUES) out(say(`  …… 另有 ${r.warnings.length - SHOWN_ISSUES} 个（--json 列出全部）`, `  … and ${r.warnings.length - SHOWN_ISSUES} more (--json prints them all)`));
  }
  if (r.truncated) out(say(`  （列表最多 10,000 条：共 ${r.counts.errors} 个错误、${r.counts.warnings} 个警告）`, `  (lists stop at 10,000: ${r.counts.errors} error(s) and ${r.counts.warnings} warning(s) in all)`));
  if (r.mappings.length) {
    out(say(`已应用的映射（${r.mappings.length}）：`, `mappings applied (${r.mappings.length}):`));
    r.mappings.forEach((m) => out(`  ${m.column}: "${m.from}" → ${m.to} (${m.scopeLabel}${m.id ? ` #${m.id}` : ''}), ${say(`${m.rows} 行`, `${m.rows} row(s)`)}`));
  }
  if (errorsOut) out(say(`被拒绝的行已写入 ${errorsOut}`, `rejected rows written to ${errorsOut}`));
  if (!r.dryRun && (rows.created || rows.updated)) out(say(`撤销本次导入：kam import undo ${r.job}`, `undo it with: kam import undo ${r.job}`));
}

/** `--map mappings.json`: read and checked before anything runs (a bad entry is named, exit 2). */
function readMappingFile(file: string, annex: AnnexSpec): MappingRule[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CliError(`--map ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? say('文件不存在', 'no such file') : say(`不是 JSON（${(e as Error).message}）`, `not JSON (${(e as Error).message})`)}`);
  }
  try {
    return parseMappingFile(json, annex.annex, Object.values(ANNEXES));
  } catch (e) {
    throw new CliError(`--map ${file}: ${(e as Error).message}`);
  }
}

function errorLine(e: unknown): string {
  // One line per bad variable, each with the prefix.
  if (e instanceof ConfigError) return e.problems.join('\nkam: ');
  if (e instanceof CliError || e instanceof ConfigError || e instanceof DomainError || e instanceof ImportFileError) return e.message;
  if (e instanceof Error) return e.message.split('\n')[0];
  return String(e);
}

/**
 * `kam schema | head`: the reader closed the pipe. Nothing is wrong with the command, so no stack
 * trace: the rest of the output is dropped and the command finishes as it would have.
 */
function ignoreClosedPipe(e: NodeJS.ErrnoException): void {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
}

export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', ignoreClosedPipe);
  // Usage errors come before the configuration is read: the language is KAM_LANG's already.
  setLanguage(process.env.KAM_LANG?.trim() === 'en' ? 'en' : 'zh');
  process.stderr.on('error', ignoreClosedPipe);
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exit(e.exitCode === 0 ? 0 : 2);
    }
    process.stderr.write(`kam: ${errorLine(e)}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    process.exit(e instanceof CliError ? e.exitCode : 2);
  }
}

if (require.main === module) void main(process.argv);
