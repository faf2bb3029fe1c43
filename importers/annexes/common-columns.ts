/** Columns several annexes share: the row number and the three ways to name an account. */
import type { ColumnSpec } from './spec';

export const SEQ: ColumnSpec = { key: '_seq', header: '序号', aliases: ['行号', 'No', 'No.', '编号序号'], type: 'ignore', target: '—', width: 6 };

/** How persons and ledger rows name their account: 客户编号, else 统一社会信用代码, else 客户名称. */
export const ACCOUNT_REF: ColumnSpec[] = [
  { key: 'accountCode', header: '客户编号', aliases: ['大客户编号', '客户代码', '客户编码'], type: 'text', target: 'Account.code (lookup)', example: 'KA0001', width: 12 },
  { key: 'accountCreditCode', header: '统一社会信用代码', aliases: ['信用代码', '社会信用代码', '组织机构代码'], type: 'creditCode', target: 'Account.creditCode (lookup)', width: 22 },
  { key: 'accountName', header: '客户名称', aliases: ['单位名称', '大客户名称', '客户单位', '企业名称', '公司名称'], type: 'text', target: 'Account.name (lookup)', example: '北京宏达建设集团有限公司', width: 28 },
];

export const ACCOUNT_REF_KEYS = ACCOUNT_REF.map((c) => c.key);
