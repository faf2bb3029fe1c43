import fs from 'node:fs';

/** Removes the run's temp folder (see temp-dir.ts): whatever a test file left in it goes with it. */
export default function globalTeardown(): void {
  const root = process.env.KAM_TEST_TMP_ROOT;
  if (root && /kam-jest-run-/.test(root)) fs.rmSync(root, { recursive: true, force: true });
}
