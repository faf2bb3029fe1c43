/**
 * Every deletion leaves a tombstone (issue 15) because every delete of a record goes through
 * src/db/deletions.ts (`deleteWhere`, `deleteIds`) or src/db/versioned.ts (`deleteVersioned`). This scans the code
 * for deletes written around them, so a new one cannot slip in unseen: an incremental BI refresh would
 * never hear of the rows it removes.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
/** Deletes that are not of records a BI tool reads: throttling windows, the audit trail's own prune, tombstone retention. */
const ALLOWED: Record<string, RegExp> = {
  'src/db/deletions.ts': /const del = `DELETE FROM \$\{d\.escape\(meta\.tableName\)\}/,
  'src/db/versioned.ts': /createQueryBuilder\(\)\.delete\(\)\.from\(entity\)/,
  'src/modules/auth/login-throttle.service.ts': /delete\(\)\.from\(LoginThrottle\)/,
  'src/modules/audit/audit.service.ts': /DELETE FROM audit_events/,
  'src/modules/bi/bi.service.ts': /\.delete\(Tombstone,/,
  // An import job's own working records (its stored files, preview rows, issues) and a closed month's snapshot pieces.
  'src/modules/imports/import-review.service.ts': /\.delete\((ImportIssue|ImportJobFile|ImportJobRow),/,
  'src/modules/imports/import.service.ts': /\.delete\(ImportJobFile,/,
  'src/modules/reports/report.service.ts': /\.delete\(ReportSnapshotPart,/,
};
const DELETE = /\.delete\((?!\))[A-Z]\w*\s*,|\.delete\(\)\s*\.from\(|\bDELETE\s+FROM\b|\b(?:em|m|manager|repo|getRepository\([^)]*\))\.(?:remove|softDelete|softRemove)\(/;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.ts$/.test(e.name) ? [rel] : [];
  });
}

describe('deletions go through the tombstone door', () => {
  it('no code deletes records around deleteWhere / deleteIds / deleteVersioned', () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const file of [...sources('src'), ...sources('importers')]) {
      scanned++;
      fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
        if (!DELETE.test(line) || /^\s*(\*|\/\/)/.test(line)) return;
        if (ALLOWED[file]?.test(line)) return;
        offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(scanned).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it('the scan finds a delete written around the door (it can fail)', () => {
    expect(DELETE.test('await em.delete(Payment, { id })')).toBe(true);
    expect(DELETE.test("await em.createQueryBuilder().delete().from(Activity).where('id = 1').execute()")).toBe(true);
    expect(DELETE.test('await em.remove(contact)')).toBe(true);
    expect(DELETE.test('this.blocked.delete(key)')).toBe(false);
    expect(DELETE.test('this.remove(waiter)')).toBe(false);
  });
});
