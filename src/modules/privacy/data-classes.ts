/**
 * The classification of KAM Hub's data (policy 004: key-account information is 企业机密, seen by the
 * people responsible; PIPL: personal information on a need-to-know basis). It is data — one table,
 * reviewed like code — and every door reads it: the GraphQL schema wraps each classified field, the
 * annex exports and the aggregates mask by it, and the role × field matrix test is generated from it.
 *
 * - INTERNAL: every signed-in role.
 * - CONFIDENTIAL (企业机密): ADMIN, COMMITTEE, FINANCE, the account's manager and its own unit (its owning
 *   unit, a unit above it, a cross-region unit working on it); other units' managers and ANALYST see null unless an
 *   ADMIN grants their role that scope (`grantDataAccess`).
 * - PERSONAL (个人信息): ADMIN, COMMITTEE and the account's manager; nobody else, whatever the grants.
 * - SENSITIVE (敏感个人信息 🔒): as PERSONAL, and stored only with consent (see contact-privacy.ts).
 */
import { registerEnumType } from 'type-graphql';

export enum DataClass {
  INTERNAL = 'INTERNAL',
  CONFIDENTIAL = 'CONFIDENTIAL',
  PERSONAL = 'PERSONAL',
  SENSITIVE = 'SENSITIVE',
}
registerEnumType(DataClass, {
  name: 'DataClass',
  description: '数据分级：INTERNAL 内部 / CONFIDENTIAL 企业机密 / PERSONAL 个人信息 / SENSITIVE 敏感个人信息 / data classification',
});

const C = DataClass.CONFIDENTIAL;
const P = DataClass.PERSONAL;
const S = DataClass.SENSITIVE;

const CREDIT_FIELDS = ['performance', 'paymentRecord', 'contractMode', 'biddingMethod', 'contractHabits', 'priceLevel', 'paymentCapacity', 'managementCapacity', 'score', 'rating', 'decision', 'evaluator', 'notes'];

/**
 * GraphQL type → field → class. Fields not listed are INTERNAL. Entity properties holding the same
 * value under another name (分 columns behind 元 getters) are listed too, for the exports.
 */
export const CLASSIFICATION: Readonly<Record<string, Readonly<Record<string, DataClass>>>> = {
  Account: {
    notes: C, annualSales: C, annualSalesFen: C, expectedContractValue: C, expectedContractValueFen: C, recordedAnnualSales: C,
    groupAnnualSales: C, groupExpectedContractValue: C,
  },
  CreditEvaluation: Object.fromEntries(CREDIT_FIELDS.map((f) => [f, C])),
  Contact: {
    name: C, title: C, notes: P, email: P, birthday: P,
    mobile: P, familyInfo: S, homeAddress: S, hobbies: S,
  },
  Project: { contractAmount: C, contractAmountFen: C, notes: C },
  Receivable: { amount: C, amountFen: C, description: C },
  Payment: { amount: C, amountFen: C, reference: C },
  Activity: { contractAmount: C, contractAmountFen: C, paymentAmount: C, paymentAmountFen: C },
  YearEndAssessment: { signed: C, received: C },
  AccountStatsRow: { signed: C, received: C, receivable: C, overdue: C },
  ProjectStatsRow: { contractAmount: C },
};

/** The class of a field of a GraphQL type (or entity), INTERNAL when unlisted. */
export function classOf(type: string, field: string): DataClass {
  return CLASSIFICATION[type]?.[field] ?? DataClass.INTERNAL;
}

/** Every classified coordinate, for the matrix tests and `dataClassification`. */
export function classifiedFields(): { type: string; field: string; dataClass: DataClass }[] {
  return Object.entries(CLASSIFICATION).flatMap(([type, fields]) => Object.entries(fields).map(([field, dataClass]) => ({ type, field, dataClass })));
}
