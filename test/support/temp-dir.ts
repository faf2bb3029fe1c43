/**
 * Every test file gets its own temp directory (TMPDIR, which `os.tmpdir()` and the CLI children read),
 * removed when the file ends: the workbooks, SQLite files and uploads a test makes (`kam-wb-*`,
 * `kam-test-*`…) never outlive it, even when the test fails half-way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const previous = process.env.TMPDIR;
const realTmpdir = os.tmpdir;
const own = fs.mkdtempSync(path.join(realTmpdir(), 'kam-jest-'));
process.env.TMPDIR = own;
// jest gives each test file its own copy of process.env, which node:os does not read: point os.tmpdir itself here.
os.tmpdir = () => own;

const remove = () => fs.rmSync(own, { recursive: true, force: true });
afterAll(() => {
  os.tmpdir = realTmpdir;
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  remove();
});
// A file that fails to load never runs its afterAll: the worker's exit removes what is left (one
// listener per worker, whatever number of files it runs).
const registry = process as unknown as { [k: symbol]: Set<string> | undefined };
const KEY = Symbol.for('kam.test.tempDirs');
if (!registry[KEY]) {
  const dirs = new Set<string>();
  registry[KEY] = dirs;
  process.once('exit', () => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
}
registry[KEY].add(own);
