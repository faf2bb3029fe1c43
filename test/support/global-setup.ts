import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { staleBuild } from './built-cli';

/** Says plainly, once per run, whether the MySQL suite runs; rebuilds dist/ when its sources changed since. */
export default function globalSetup(): void {
  // The run's temp folder: each test file's own folder is made in it (temp-dir.ts), the globalTeardown removes it.
  process.env.KAM_TEST_TMP_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-jest-run-'));
  const url = process.env.KAM_TEST_MYSQL_URL;
  if (url) {
    process.stdout.write(`\n[kam] MySQL suite: ON (${url.replace(/\/\/([^:@]+):[^@]*@/, '//$1:***@')}); every test file uses its own database\n`);
  } else {
    process.stdout.write('\n[kam] MySQL suite: SKIPPED — KAM_TEST_MYSQL_URL is not set (e.g. KAM_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306). Only SQLite was tested.\n');
  }
  const stale = staleBuild();
  if (stale) {
    process.stdout.write(`[kam] ${stale}: building the server (npm run build:server) so the CLI tests run this code\n`);
    execFileSync('npm', ['run', 'build:server', '--silent'], { cwd: path.join(__dirname, '..', '..'), stdio: 'inherit' });
    const still = staleBuild();
    if (still) throw new Error(`dist/ is still stale after the build: ${still}`);
  }
}
