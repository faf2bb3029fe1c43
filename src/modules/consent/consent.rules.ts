/**
 * 信息采集同意 (PIPL), as pure decisions every door shares: which 🔒 fields a record may hold (only with
 * a consent record), and what a file's 信息采集同意 cell records as a person's consent — its source naming
 * the file and the import job, so the record says where the consent came from.
 */

/** The 🔒 fields: stored only with a consent record. */
export const SENSITIVE_CONTACT_FIELDS = ['familyInfo', 'homeAddress', 'hobbies'] as const;
export type SensitiveContactField = (typeof SENSITIVE_CONTACT_FIELDS)[number];

export const DEFAULT_CONSENT_SCOPE = '家庭成员情况、家庭住址、兴趣爱好 / family, home address, hobbies';

/** The 🔒 fields `values` fills while no consent is on record (`consentAt` null): each is CONSENT_REQUIRED. */
export function fieldsWithoutConsent(values: Partial<Record<SensitiveContactField, unknown>>, consentAt: Date | null | undefined): SensitiveContactField[] {
  if (consentAt) return [];
  return SENSITIVE_CONTACT_FIELDS.filter((f) => values[f] !== null && values[f] !== undefined && String(values[f]).trim() !== '');
}

/** A 信息采集同意 cell: given or not, maybe when, maybe how (书面 / 口头 / 邮件…). */
export interface ConsentStatement {
  given: boolean;
  at: Date | null;
  way: string | null;
}

export interface ConsentRecord {
  consentAt: Date | null;
  consentSource: string | null;
  consentScope: string | null;
}

/** Where a consent read from a file came from. */
export interface ConsentOrigin {
  fileName: string;
  jobId: number;
  /** When the import runs: the consent's time when the cell gives no date. */
  now: Date;
}

/**
 * The consent record a file's cell makes for a person, or null when it records none (不同意 or blank
 * leaves what is stored alone: withdrawing consent erases data, which only `withdrawContactConsent`
 * does). A consent already on record stays as it is unless the cell gives another date, so importing
 * the same file again changes nothing.
 */
export function consentFromImport(cell: ConsentStatement | null | undefined, stored: ConsentRecord | null, origin: ConsentOrigin): ConsentRecord | null {
  if (!cell?.given) return null;
  if (stored?.consentAt && (!cell.at || cell.at.getTime() === new Date(stored.consentAt).getTime())) return null;
  const suffix = `（导入：导入任务 #${origin.jobId}，文件 ${origin.fileName}）`;
  const source = `${cell.way ?? '同意'}${suffix}`;
  return {
    consentAt: cell.at ?? origin.now,
    consentSource: source.length <= 200 ? source : `${source.slice(0, 199)}…`,
    consentScope: stored?.consentScope ?? DEFAULT_CONSENT_SCOPE,
  };
}
