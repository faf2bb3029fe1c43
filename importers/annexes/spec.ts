/**
 * Declarative annex specs: which columns an annex has, how people write their headers, what type each
 * cell is and where it goes. The parser, the templates and the errors workbook all read these.
 */
import type { ImportAnnex } from '../../src/common/enums';
import type { EnumVocabulary } from '../../src/common/enums';

export type ColumnType =
  | 'text'
  | 'date'
  /** A point in time; a date alone means midnight China time. */
  | 'datetime'
  /** Money in 元; a unit in the header (`（万元）`) or in the cell (`3500万`, `1.2亿`) scales it. */
  | 'amount'
  | 'number'
  | 'year'
  | 'enum'
  /** Several labels of a vocabulary in one cell (`人事变动、竞争对手`). */
  | 'tags'
  /** A tier by code, name or alias — tiers are data (TierService), so the list comes with the parse. */
  | 'tier'
  | 'managementLevel'
  | 'phone'
  | 'mobile'
  | 'email'
  | 'creditCode'
  | 'postalCode'
  /** 在职/离职 (是/否 through the built-in yes/no mapping). */
  | 'active'
  /** 信息采集同意: 同意/不同意 (是/否 through the yes/no mapping), a date, or a way (书面/口头/邮件…). */
  | 'consent'
  /** Read and ignored (序号). */
  | 'ignore';

export interface ColumnSpec {
  /** Field of the parsed row; the same name as the service input field it feeds. */
  key: string;
  /** Sensitive personal information (手机, 🔒): import issues never store or show the cell's value. */
  sensitive?: boolean;
  /** The header as the policy's form writes it (and the template does). */
  header: string;
  /** Other headers people use for the same column. */
  aliases?: readonly string[];
  /** Parent header in a two-level layout (`联系方式` over `电话 | 传真 | 邮箱`). */
  group?: string;
  type: ColumnType;
  /** The column must be in the file (a missing one is a file-level error). */
  required?: boolean;
  /** The cell must not be blank. */
  notBlank?: boolean;
  vocabulary?: EnumVocabulary<string>;
  /**
   * An open vocabulary (descriptive columns): a word the vocabulary does not know is kept as written
   * (the `…Label` field), the row imports, and the report lists the word once as UNKNOWN_VALUE.
   */
  open?: boolean;
  /** Unit the template writes into the header of an amount column. */
  unit?: '元' | '万元' | '亿元';
  /** Where the value lands, for readers of the spec: `Account.expectedContractValueFen`. */
  target: string;
  /** A value for the template's example row. */
  example?: string | number;
  /** Template column width. */
  width?: number;
}

export interface AnnexSpec {
  annex: ImportAnnex;
  /** `附件1 大客户档案汇总表` */
  title: string;
  /** What one row is. */
  rowIs: string;
  columns: readonly ColumnSpec[];
  /** Column sets of which at least one must be present (e.g. one way to name the account). */
  requireOneOf?: readonly (readonly string[])[];
}

export function column(spec: AnnexSpec, key: string): ColumnSpec {
  const c = spec.columns.find((x) => x.key === key);
  if (!c) throw new Error(`${spec.annex}: no column ${key}`);
  return c;
}
