/**
 * Every test file gets its own temp directory (TMPDIR, which `os.tmpdir()` and the CLI children read),
 * removed when the file ends: the workbooks, SQLite files and uploads a test makes (`kam-wb-*`,
 * `kam-test-*`…) never outlive it, even when the test fails half-way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const previous = process.env.TMPDIR;
const own = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-jest-'));
process.env.TMPDIR = own;

afterAll(() => {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  fs.rmSync(own, { recursive: true, force: true });
});
