import { ImportAnnex, ImportAnnexes } from '../../src/common/enums';
import { ARCHIVE, SUMMARY } from './accounts';
import { PERSONS } from './persons';
import { LEDGER } from './ledger';
import type { AnnexSpec } from './spec';

export const ANNEXES: Record<ImportAnnex, AnnexSpec> = {
  [ImportAnnex.SUMMARY]: SUMMARY,
  [ImportAnnex.ARCHIVE]: ARCHIVE,
  [ImportAnnex.PERSONS]: PERSONS,
  [ImportAnnex.LEDGER]: LEDGER,
};

/** `summary`, `1`, `附件1`, `大客户档案汇总表` → the annex; undefined when unknown. */
export function findAnnex(input: string): AnnexSpec | undefined {
  const code = ImportAnnexes.lookup(input);
  return code ? ANNEXES[code] : undefined;
}

export const ANNEX_CHOICES = 'summary (1), archive (2), persons (3), ledger (4)';
export { SUMMARY, ARCHIVE, PERSONS, LEDGER };
export type { AnnexSpec, ColumnSpec } from './spec';
