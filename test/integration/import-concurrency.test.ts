/**
 * A write the API makes while an import runs is the API's own, whatever becomes of the import. On SQLite
 * the process shares one connection: the import's transaction takes its turn with the others, so an
 * account created meanwhile is neither written inside the import's transaction nor lost when an atomic
 * import rolls back. On MySQL each transaction has its own connection.
 */
import fs from 'node:fs';
import { systemContext } from '../../src/common/context';
import { ImportStatus } from '../../src/common/enums';
import { Account } from '../../src/modules/accounts/account.entity';
import { SUMMARY } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { describeEachDb } from '../support/db';
import { tmpFile } from '../support/workbooks';

describeEachDb('an API write while an import runs', (t) => {
  it('survives an atomic import that rolls back', async () => {
    const { services } = t();
    const ctx = systemContext('test');
    const file = tmpFile('concurrent.csv');
    // Three batches of good rows, then a row without a name: the atomic import rolls back at the end.
    fs.writeFileSync(file, ['客户编号,客户名称,客户级别', ...Array.from({ length: 2500 }, (_, i) => `CC${i},并发导入${i}有限公司,一般`), 'CCBAD,,一般'].join('\n') + '\n');
    let created: Promise<Account> | undefined;
    const { report } = await importAnnex(services, ctx, {
      annex: SUMMARY, file, batchSize: 1000,
      // While the import's transaction is open (its first batch written), the API creates an account.
      onProgress: () => void (created ??= services.accounts.create(ctx, { code: 'CCAPI', name: '导入期间创建的客户有限公司' })),
    });
    expect((await services.imports.get(ctx, report.job)).status).toBe(ImportStatus.REJECTED);
    expect(created).toBeDefined();
    const account = await created!;
    expect(await services.ds.manager.countBy(Account, { code: 'CCAPI' })).toBe(1);
    expect(await services.ds.manager.countBy(Account, { code: 'CC1' })).toBe(0);
    expect((await services.accounts.get(ctx, account.id)).name).toBe('导入期间创建的客户有限公司');
  });
});
