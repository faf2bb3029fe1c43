/**
 * The import's parse worker is a thread of its own, with its own copy of every module it loads: it loads
 * the annex reading and the vocabularies, never GraphQL (type-graphql and graphql cost a thread some 14 MB;
 * the vocabularies become GraphQL enums only when the schema is built). Checked on the compiled worker
 * (dist/, rebuilt by the tests' global setup when stale), by loading what it requires in a fresh process.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

describe('the parse worker\'s footprint', () => {
  it('loads what reads and checks an annex, and no GraphQL', () => {
    const script = `
      const fs = require('node:fs');
      const path = require('node:path');
      const dir = path.join(${JSON.stringify(ROOT)}, 'dist', 'importers', 'read');
      require('reflect-metadata');
      const source = fs.readFileSync(path.join(dir, 'parse-worker.js'), 'utf8');
      const local = [...source.matchAll(/require\\("(\\.[^"]+)"\\)/g)].map((m) => m[1]);
      for (const m of local) require(path.resolve(dir, m));
      const loaded = Object.keys(require.cache).map((f) => path.relative(${JSON.stringify(ROOT)}, f));
      console.log(JSON.stringify({ local, loaded }));
    `;
    const out = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    const { local, loaded } = JSON.parse(out.stdout) as { local: string[]; loaded: string[] };
    // What the worker does: open the workbook, parse the annex against its vocabularies.
    expect(local).toEqual(expect.arrayContaining(['./open', './parser', '../annexes']));
    expect(loaded).toEqual(expect.arrayContaining([path.join('dist', 'src', 'common', 'enums.js'), path.join('dist', 'importers', 'read', 'parser.js')]));
    expect(loaded.filter((f) => /node_modules\/(type-graphql|graphql|graphql-scalars|typeorm)\//.test(f))).toEqual([]);
  });
});
