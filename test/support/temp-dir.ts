/**
 * Every test file gets its own temp directory (TMPDIR, which `os.tmpdir()` and the CLI children read),
 * removed when the file ends: the workbooks, SQLite files and uploads a test makes (`kam-wb-*`,
 * `kam-test-*`…) never outlive it, even when the test fails half-way. The folders live in the run's own
 * folder (made by the globalSetup, removed by the globalTeardown), which also takes what a file whose
 * hooks never ran leaves (a file whose tests are all skipped runs no afterAll).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const previous = process.env.TMPDIR;
// node:os is one module for every file a worker runs: the real os.tmpdir is taken once per worker, not
// from a previous file that could not put it back.
const worker = process as unknown as { [k: symbol]: unknown };
const REAL = Symbol.for('kam.test.realTmpdir');
worker[REAL] ??= os.tmpdir;
const realTmpdir = worker[REAL] as typeof os.tmpdir;
const root = process.env.KAM_TEST_TMP_ROOT && fs.existsSync(process.env.KAM_TEST_TMP_ROOT) ? process.env.KAM_TEST_TMP_ROOT : realTmpdir();
const own = fs.mkdtempSync(path.join(root, 'kam-jest-'));
process.env.TMPDIR = own;
// jest gives each test file its own copy of process.env, which node:os does not read: point os.tmpdir itself here.
os.tmpdir = () => own;

afterAll(() => {
  os.tmpdir = realTmpdir;
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  fs.rmSync(own, { recursive: true, force: true });
});
