/**
 * 客户 at scale: 10,000 accounts (imported as a 附件1 file, the way a company loads them) scroll to the
 * last one in the browser — keyset pages load as the list scrolls, and the table keeps only the rows in
 * view in the page, so the DOM stays small however long the list.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createTestDb, type TestDb } from '../support/db';
import { startTestServer } from '../support/graphql-client';
import { describeWithBrowser, launchBrowser, openConsole, signIn, waitForText, type ConsolePage } from '../support/browser';
import { systemContext } from '../../src/common/context';
import { ImportMode, Role } from '../../src/common/enums';
import { findAnnex } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import type { RunningServer } from '../../src/http/server';

const N = 10_000;
const PASSWORD = 'console-test-Pa55';

describeWithBrowser('客户 list with 10,000 accounts', () => {
  let db: TestDb;
  let server: RunningServer;
  let browser: Browser;
  let c: ConsolePage | undefined;

  beforeAll(async () => {
    db = await createTestDb('sqlite', __filename);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-10k-'));
    try {
      const file = path.join(dir, 'accounts.csv');
      const tiers = ['战略', '重点', '主要', '一般'];
      const lines = ['客户编号,客户名称,客户级别,年合作销售额'];
      for (let i = 1; i <= N; i++) lines.push(`KX${String(i).padStart(5, '0')},测试客户${i}有限公司,${tiers[i % 4]},${(i % 50) * 100}`);
      fs.writeFileSync(file, lines.join('\n') + '\n');
      const { report } = await importAnnex(db.services, systemContext('test'), { annex: findAnnex('summary')!, file, mode: ImportMode.SKIP_INVALID });
      expect(report.rows.created).toBe(N);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await db.services.org.createUser(systemContext('test'), { name: '管理员', login: 'admin10k', role: Role.ADMIN, password: PASSWORD });
    server = await startTestServer(db.services);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await c?.close();
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  it('scrolls to the last of 10,000 accounts with a small DOM', async () => {
    c = await openConsole(browser, server.url.replace(/\/graphql$/, ''));
    await signIn(c, 'admin10k', PASSWORD);
    await c.page.goto('/accounts');
    await waitForText(c.page.getByTestId('accounts-total'), `共 ${N} 个客户`);
    const holder = c.page.locator('.ant-table-tbody-virtual-holder');
    const started = Date.now();
    let maxRows = 0;
    let steps = 0;
    for (;;) {
      const loaded = Number(((await c.page.getByText(/已加载 \d+ 个/).textContent()) ?? '').replace(/\D/g, ''));
      maxRows = Math.max(maxRows, await c.page.locator('.ant-table-tbody-virtual .ant-table-row').count());
      if (loaded >= N) break;
      await holder.hover();
      await c.page.mouse.wheel(0, 20_000);
      await c.page.waitForTimeout(100);
      if (++steps > 600) throw new Error(`stuck at ${loaded} rows loaded`);
    }
    // The end of the list: scroll to the bottom and the last account is on screen.
    await c.page.mouse.wheel(0, 1_000_000);
    await c.page.getByRole('link', { name: `测试客户${N}有限公司` }).waitFor();
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`[kam] 10,000 accounts scrolled to the end in ${seconds.toFixed(1)} s (${steps} wheel steps), at most ${maxRows} rows in the DOM\n`);
    await c.shot('25-accounts-10k-end');
    expect(maxRows).toBeLessThan(100);
    expect(seconds).toBeLessThan(90);
  });
});
