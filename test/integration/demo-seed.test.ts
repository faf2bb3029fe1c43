import { generateDemoData } from '../../seeds/demo/generator';
import { loadDemoData } from '../../seeds/demo/load';
import { isValidCreditCode } from '../../src/common/validation';
import { ErrorCode } from '../../src/common/errors';
import { describeEachDb } from '../support/db';

const AS_OF = '2026-10-31';

describe('demo data generator', () => {
  const data = generateDemoData({ asOf: AS_OF });

  it('is deterministic for a seed and as-of date', () => {
    expect(generateDemoData({ asOf: AS_OF })).toEqual(data);
    expect(generateDemoData({ asOf: AS_OF, seed: 7 }).accounts[0].name).not.toEqual(data.accounts[0].name);
  });

  it('describes a believable company', () => {
    expect(data.accounts.length).toBeGreaterThanOrEqual(200);
    expect(data.units.filter((u) => u.kind === 'BRANCH').length).toBeGreaterThanOrEqual(4);
    expect(data.users.filter((u) => u.role === 'MANAGER').length).toBeGreaterThanOrEqual(8);
    expect(new Set(data.accounts.map((a) => a.tierCode))).toEqual(new Set(['STRATEGIC', 'KEY', 'MAJOR', 'GENERAL']));
    expect(data.accounts.filter((a) => a.parentCode).length).toBeGreaterThan(5);
    expect(data.accounts.every((a) => isValidCreditCode(a.creditCode))).toBe(true);
    expect(data.accounts.every((a) => /[\u4e00-\u9fa5]/.test(a.name))).toBe(true);
    const perAccount = new Map<string, number>();
    for (const c of data.contacts) perAccount.set(c.accountCode, (perAccount.get(c.accountCode) ?? 0) + 1);
    expect(Math.min(...perAccount.values())).toBeGreaterThanOrEqual(2);
    expect(Math.max(...perAccount.values())).toBeLessThanOrEqual(6);
    expect(new Set(data.credit.map((c) => c.year))).toEqual(new Set([2023, 2024, 2025]));
    const signed = data.projects.filter((p) => p.signedOn).map((p) => p.signedOn as string).sort();
    expect(signed[0] >= '2024-10-31').toBe(true);
    expect(signed[signed.length - 1] <= AS_OF).toBe(true);
    expect(data.projects.some((p) => p.receivables.length > 0 && p.payments.length < p.receivables.filter((x) => x.dueOn <= AS_OF).length)).toBe(true);
  });

  it('mostly follows the strategic visit cadence and sometimes misses it', () => {
    const strategic = data.accounts.filter((a) => a.tierCode === 'STRATEGIC').map((a) => a.code);
    const visitsPerAccount = strategic.map((code) => data.activities.filter((x) => x.accountCode === code && x.type === 'MANAGER_VISIT').length);
    // Monthly manager visits over 24 months: most accounts close to 24, at least one clearly behind.
    expect(visitsPerAccount.filter((n) => n >= 18).length).toBeGreaterThan(strategic.length / 2);
    expect(Math.min(...visitsPerAccount)).toBeLessThan(20);
  });
});

describeEachDb('demo data loaded through the services', (t) => {
  it('loads the whole company and refuses a second load', async () => {
    const data = generateDemoData({ asOf: AS_OF });
    const result = await loadDemoData(t().services, data);
    expect(result.accounts).toBe(data.accounts.length);
    const count = async (table: string) => Number((await t().ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    expect(await count('accounts')).toBe(data.accounts.length);
    expect(await count('contacts')).toBe(data.contacts.length);
    expect(await count('credit_evaluations')).toBe(data.credit.length);
    expect(await count('activities')).toBe(data.activities.length);
    expect(await count('payments')).toBe(result.payments);
    // Accounts, credit, persons and the ledger came in as annex workbooks through the importer.
    const jobs = await t().ds.query(`SELECT annex, status, rows_created AS created FROM import_jobs ORDER BY id`);
    expect(jobs.map((j: { annex: string; status: string }) => `${j.annex}:${j.status}`)).toEqual(['archive:SUCCEEDED', 'archive:SUCCEEDED', 'archive:SUCCEEDED', 'persons:SUCCEEDED', 'ledger:SUCCEEDED']);
    expect(Number(jobs[0].created)).toBe(data.accounts.length);
    expect(await count('accounts WHERE parent_id IS NOT NULL')).toBe(data.accounts.filter((a) => a.parentCode).length);
    expect(await count('activities WHERE manager_id IS NOT NULL')).toBe(data.activities.length);
    // Money survives exactly: the sum of receivables equals the sum of contract amounts, to the fen.
    const [{ c }] = await t().ds.query('SELECT SUM(contract_amount_fen) AS c FROM projects');
    const [{ r }] = await t().ds.query('SELECT SUM(amount_fen) AS r FROM receivables');
    expect(Number(r)).toBe(Number(c));
    await expect(loadDemoData(t().services, data)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
  }, 240_000);
});
