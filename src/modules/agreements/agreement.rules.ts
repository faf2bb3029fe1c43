/**
 * 保密协议 as pure decisions (policy 002: a confidentiality agreement from everyone who touches
 * key-account information). An agreement on file — signed, not expired, not revoked, of the version in
 * force — is a precondition for reading personal data unmasked, exporting it and writing it. The facts
 * come loaded (per request for reads, once per import for a file); these functions only decide.
 */
import type { Actor, AgreementFact, ConfidentialityFacts } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { addDays, type LocalDate } from '../../common/dates';
import { defineVocabulary } from '../../common/enums';
import { who } from '../auth/access.rules';

export enum AgreementStatus {
  VALID = 'VALID',
  EXPIRING = 'EXPIRING',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
  OUTDATED = 'OUTDATED',
  NOT_YET_VALID = 'NOT_YET_VALID',
  MISSING = 'MISSING',
  NOT_REQUIRED = 'NOT_REQUIRED',
}
export const AgreementStatuses = defineVocabulary(AgreementStatus, 'AgreementStatus', '保密协议状态 / confidentiality agreement status', {
  VALID: { label: '有效', en: 'valid' },
  EXPIRING: { label: '即将到期', en: 'valid, expiring soon', aliases: ['临期'] },
  EXPIRED: { label: '已过期', en: 'expired' },
  REVOKED: { label: '已撤销', en: 'revoked' },
  OUTDATED: { label: '版本过旧', en: 'signed on an older version than the one in force' },
  NOT_YET_VALID: { label: '尚未生效', en: 'signed with a date still to come' },
  MISSING: { label: '未签署', en: 'none on file', aliases: ['无'] },
  NOT_REQUIRED: { label: '无需签署', en: 'not required (system process)' },
});

/** Days before expiry an agreement counts as EXPIRING (the ADMIN's renewal list). */
export const EXPIRY_WARNING_DAYS = 30;

/** Which callers need an agreement: every person and credential; not KAM Hub's own processes (CLI, seeds). */
export function requiresAgreement(actor: Pick<Actor, 'kind'>): boolean {
  return actor.kind !== 'system';
}

function validOn(a: AgreementFact, day: LocalDate): boolean {
  return a.signedOn <= day && (a.expiresOn === null || a.expiresOn >= day) && (a.revokedOn === null || a.revokedOn > day);
}

export interface AgreementStanding {
  status: AgreementStatus;
  /** The agreement that makes it valid (the one lasting longest), else the latest on file. */
  agreement: AgreementFact | null;
}

/**
 * Where a caller stands on `today`: VALID (EXPIRING within `warningDays`), or why not — the most
 * telling reason among the agreements on file (a revoked, expired, outdated or future-dated one), else
 * MISSING. A key that acts as nobody has nobody who signed: MISSING.
 */
export function agreementStanding(actor: Pick<Actor, 'kind'>, facts: ConfidentialityFacts | undefined, today: LocalDate, warningDays = EXPIRY_WARNING_DAYS): AgreementStanding {
  if (!requiresAgreement(actor)) return { status: AgreementStatus.NOT_REQUIRED, agreement: null };
  const all = facts?.userId != null ? facts.agreements : [];
  const inForce = all.filter((a) => facts!.requiredVersion === null || a.documentVersion === facts!.requiredVersion);
  const valid = inForce.filter((a) => validOn(a, today)).sort((x, y) => (x.expiresOn ?? '9999') < (y.expiresOn ?? '9999') ? 1 : -1);
  if (valid.length) {
    const best = valid[0];
    const expiring = best.expiresOn !== null && best.expiresOn <= addDays(today, warningDays);
    return { status: expiring ? AgreementStatus.EXPIRING : AgreementStatus.VALID, agreement: best };
  }
  const latest = [...all].sort((x, y) => (x.signedOn < y.signedOn ? 1 : -1))[0] ?? null;
  if (!latest) return { status: AgreementStatus.MISSING, agreement: null };
  if (latest.revokedOn !== null && latest.revokedOn <= today) return { status: AgreementStatus.REVOKED, agreement: latest };
  if (facts!.requiredVersion !== null && latest.documentVersion !== facts!.requiredVersion) return { status: AgreementStatus.OUTDATED, agreement: latest };
  if (latest.signedOn > today) return { status: AgreementStatus.NOT_YET_VALID, agreement: latest };
  return { status: AgreementStatus.EXPIRED, agreement: latest };
}

/** THE predicate: may this caller handle personal data in full today? */
export function hasValidAgreement(actor: Pick<Actor, 'kind'>, facts: ConfidentialityFacts | undefined, today: LocalDate): boolean {
  const { status } = agreementStanding(actor, facts, today);
  return status === AgreementStatus.VALID || status === AgreementStatus.EXPIRING || status === AgreementStatus.NOT_REQUIRED;
}

/** Why personal data is withheld from someone without a valid agreement, for people (null when it is not). */
export function agreementNotice(standing: AgreementStanding, requiredVersion: string | null = null): string | null {
  const a = standing.agreement;
  switch (standing.status) {
    case AgreementStatus.VALID:
    case AgreementStatus.EXPIRING:
    case AgreementStatus.NOT_REQUIRED:
      return null;
    case AgreementStatus.MISSING:
      return '未登记有效的保密协议，个人信息已脱敏；请联系管理员登记 / no confidentiality agreement on file: personal data is masked until an ADMIN records one';
    case AgreementStatus.EXPIRED:
      return `保密协议已于 ${a?.expiresOn} 到期，个人信息已脱敏；请续签 / the confidentiality agreement expired on ${a?.expiresOn}: renew it to see personal data`;
    case AgreementStatus.REVOKED:
      return `保密协议已于 ${a?.revokedOn} 撤销，个人信息已脱敏 / the confidentiality agreement was revoked on ${a?.revokedOn}`;
    case AgreementStatus.OUTDATED:
      return `现行保密协议为「${requiredVersion ?? '新版'}」，已签「${a?.documentVersion}」不再有效；请签署新版 / the agreement in force is ${requiredVersion ?? 'a newer version'}: sign it to see personal data`;
    case AgreementStatus.NOT_YET_VALID:
      return `保密协议自 ${a?.signedOn} 起生效 / the confidentiality agreement takes effect on ${a?.signedOn}`;
  }
}

/**
 * AGREEMENT_REQUIRED unless the caller has a valid agreement: for writing or exporting personal data
 * (`what` completes "may not …", `field` names the input it is about).
 */
export function assertAgreement(actor: Actor, facts: ConfidentialityFacts | undefined, today: LocalDate, what: string, field?: string): void {
  const standing = agreementStanding(actor, facts, today);
  if (hasValidAgreement(actor, facts, today)) return;
  throw new DomainError(
    ErrorCode.AGREEMENT_REQUIRED,
    `${field ? `${field}: ` : ''}${who(actor)} may not ${what}: ${agreementNotice(standing, facts?.requiredVersion ?? null)}`,
    field ? { field } : {},
  );
}
