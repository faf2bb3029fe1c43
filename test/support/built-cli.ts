/**
 * The CLI the child-process tests run, and whether dist/ is older than its sources: tests that spawn
 * `kam` run dist/, so a stale build would test old code. The jest globalSetup rebuilds it when stale.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
/** What `npm run build:server` compiles into dist/ (tsconfig.build.json's include). */
const SOURCES = ['src', 'importers', 'seeds', 'schema'];
/** The CLI the child-process tests run. */
export const BUILT_CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

function newestMtime(dir: string): { ms: number; file: string } {
  let best = { ms: 0, file: '' };
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|json|graphql)$/.test(e.name)) {
        const ms = fs.statSync(p).mtimeMs;
        if (ms > best.ms) best = { ms, file: p };
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return best;
}

/**
 * The reason dist/ cannot be trusted, or null when it was built after the last change to its sources.
 * Tests that spawn the CLI run dist/: a stale build would test old code.
 */
export function staleBuild(): string | null {
  if (!fs.existsSync(BUILT_CLI)) return 'dist/ is missing';
  const built = fs.statSync(BUILT_CLI).mtimeMs;
  for (const dir of SOURCES) {
    const newest = newestMtime(path.join(ROOT, dir));
    if (newest.ms > built) return `${path.relative(ROOT, newest.file)} is newer than dist/`;
  }
  return null;
}

/** The built CLI's path, refusing a dist/ older than the source it is meant to test. */
export function builtCli(): string {
  const stale = staleBuild();
  if (stale) throw new Error(`${stale}: run \`npm run build:server\` (jest's globalSetup does when it starts)`);
  return BUILT_CLI;
}
