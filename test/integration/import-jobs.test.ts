/**
 * Import job bookkeeping on every database: the per-annex lock is a unique key (two starts racing on
 * separate connections: one wins, the other gets IMPORT_IN_PROGRESS), dry runs take no lock, and a job
 * left RUNNING is recognised as interrupted — at once when its process is gone from this host, after
 * the heartbeat expiry when it ran elsewhere — marked FAILED, and its lock freed.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { systemContext } from '../../src/common/context';
import { ErrorCode } from '../../src/common/errors';
import { ImportAnnex, ImportMode, ImportStatus } from '../../src/common/enums';
import { ImportJob } from '../../src/modules/imports/import-job.entity';
import { STALE_AFTER_MS, THIS_RUNNER, importLockKey, isInterrupted } from '../../src/modules/imports/import.service';
import { describeEachDb } from '../support/db';

const input = (annex: ImportAnnex, dryRun = false) => ({ annex, fileName: `${annex}.xlsx`, sha256: 'f'.repeat(64), sizeBytes: 10, mode: ImportMode.ATOMIC, dryRun });

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describeEachDb('import jobs: locks and interrupted runs', (t) => {
  const ctx = systemContext('test');
  const finish = (id: number) => t().services.imports.finish(id, ImportStatus.SUCCEEDED, { rowsTotal: 0, rowsValid: 0, rowsInvalid: 0, rowsCreated: 0, rowsUpdated: 0, rowsUnchanged: 0 }, []);

  it('lets one writing import per annex group run; the other is refused with IMPORT_IN_PROGRESS naming the job; dry runs and other annexes are not held up', async () => {
    const { services } = t();
    const results = await Promise.allSettled([services.imports.start(ctx, input(ImportAnnex.LEDGER)), services.imports.start(ctx, input(ImportAnnex.LEDGER))]);
    const won = results.filter((r): r is PromiseFulfilledResult<ImportJob> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toMatchObject({ code: ErrorCode.IMPORT_IN_PROGRESS, message: expect.stringContaining(`任务 #${won[0].value.id}`) });
    expect(won[0].value.lockKey).toBe('import:ledger');
    const dry = await services.imports.start(ctx, input(ImportAnnex.LEDGER, true));
    expect(dry.lockKey).toBeNull();
    const persons = await services.imports.start(ctx, input(ImportAnnex.PERSONS));
    // 附件1 and 附件2 write the same accounts: one lock.
    expect(importLockKey('summary')).toBe(importLockKey('archive'));
    const archive = await services.imports.start(ctx, input(ImportAnnex.ARCHIVE));
    await expect(services.imports.start(ctx, input(ImportAnnex.SUMMARY))).rejects.toMatchObject({ code: ErrorCode.IMPORT_IN_PROGRESS });
    for (const j of [won[0].value, dry, persons, archive]) await finish(j.id);
    // Finished: the lock is free again.
    const next = await services.imports.start(ctx, input(ImportAnnex.LEDGER));
    await finish(next.id);
    expect(await t().ds.getRepository(ImportJob).countBy({ status: ImportStatus.RUNNING })).toBe(0);
  });

  it('marks FAILED (freeing the lock) a job whose process on this host is gone, and one from another host without a heartbeat for the expiry', async () => {
    const { services, ds } = t();
    const repo = ds.getRepository(ImportJob);
    const dead = await services.imports.start(ctx, input(ImportAnnex.LEDGER));
    const live = await services.imports.start(ctx, input(ImportAnnex.PERSONS));
    const elsewhere = await services.imports.start(ctx, input(ImportAnnex.ARCHIVE));
    const now = Date.now();
    await repo.update({ id: dead.id }, { runner: `${os.hostname()}:${deadPid()}` });
    await repo.update({ id: elsewhere.id }, { runner: 'another-host:4242', heartbeatAt: new Date(now - STALE_AFTER_MS + 30_000) });
    expect(live.runner).toBe(THIS_RUNNER);

    // Elsewhere still beating (30 s left): only the dead local runner is interrupted.
    expect(isInterrupted((await repo.findOneByOrFail({ id: elsewhere.id })), now)).toBe(false);
    expect(await services.imports.recoverInterrupted(now)).toEqual([dead.id]);
    const failed = await repo.findOneByOrFail({ id: dead.id });
    expect(failed).toMatchObject({ status: ImportStatus.FAILED, lockKey: null, message: expect.stringMatching(/^已中断：/) });
    // Its lock is free: the ledger can be imported again.
    const again = await services.imports.start(ctx, input(ImportAnnex.LEDGER));

    // A minute later, the other host's job has been silent for longer than the expiry.
    expect(await services.imports.recoverInterrupted(now + 60_000)).toEqual([elsewhere.id]);
    expect((await repo.findOneByOrFail({ id: live.id })).status).toBe(ImportStatus.RUNNING);
    for (const j of [live, again]) await finish(j.id);
  });

  it('lists interrupted jobs as FAILED: listing recovers them', async () => {
    const { services, ds } = t();
    const job = await services.imports.start(ctx, input(ImportAnnex.LEDGER));
    await ds.getRepository(ImportJob).update({ id: job.id }, { runner: `${os.hostname()}:${deadPid()}` });
    const page = await services.imports.list(ctx, { statuses: [ImportStatus.RUNNING] }, { first: 10 });
    expect(await page.totalCount).toBe(0);
    expect((await services.imports.get(ctx, job.id)).status).toBe(ImportStatus.FAILED);
  });
});
