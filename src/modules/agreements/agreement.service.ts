/**
 * 保密协议 on file: an ADMIN records (and, for a mistaken or withdrawn one, revokes) the agreements users
 * signed; the facts for the privacy rule are loaded once per request ({@link factsFor}); the register
 * lists every active user's standing, expiring ones first, for the ADMIN to chase renewals.
 */
import { In, type DataSource } from 'typeorm';
import type { Actor, ConfidentialityFacts, RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { assertLocalDate, type LocalDate } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { optionalText, requiredText } from '../../common/text';
import { inTransaction, managerFor } from '../../db/transaction';
import { updateVersioned } from '../../db/versioned';
import type { AuditService } from '../audit/audit.service';
import { assertRole } from '../auth/access.rules';
import { User } from '../org/user.entity';
import type { PolicySettingsService } from '../settings/policy-settings.service';
import { ConfidentialityAgreement } from './agreement.entity';
import { AgreementStatus, EXPIRY_WARNING_DAYS, agreementNotice, agreementStanding, type AgreementStanding } from './agreement.rules';

export interface RecordAgreementInput {
  userId: number;
  /** Document version; the version in force when absent. */
  documentVersion?: string | null;
  signedOn: LocalDate;
  expiresOn?: LocalDate | null;
  documentRef?: string | null;
  note?: string | null;
}

/** One user's line in the register. */
export interface AgreementRegisterRow extends AgreementStanding {
  user: User;
  /** Days from today to expiry (negative once expired); null without an expiry date. */
  daysLeft: number | null;
  notice: string | null;
}

export interface AgreementRegisterFilter {
  statuses?: AgreementStatus[] | null;
  /** Agreements expiring within this many days count as EXPIRING (default 30). */
  withinDays?: number | null;
}

const daysBetween = (from: LocalDate, to: LocalDate) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export class AgreementService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly settings: PolicySettingsService,
    private readonly clock: Clock,
  ) {}

  /** The caller's agreements and the version in force: the facts the privacy rule reads during one request. */
  async factsFor(ctx: RequestContext, actor: Actor): Promise<ConfidentialityFacts> {
    // Every authenticated request comes here: a BI tool's key (no user) or a user without an agreement on
    // file reads no setting — the version in force only sorts agreements, and they have none.
    if (actor.userId === null) return { userId: null, agreements: [], requiredVersion: null };
    const agreements = await managerFor(this.ds, ctx).findBy(ConfidentialityAgreement, { userId: actor.userId });
    const requiredVersion = agreements.length ? await this.settings.get(ctx, 'confidentiality.requiredVersion') : null;
    return { userId: actor.userId, agreements, requiredVersion };
  }

  /** The same facts for many users at once (the register, handovers). */
  private async factsForUsers(ctx: RequestContext, userIds: number[]): Promise<Map<number, ConfidentialityFacts>> {
    const requiredVersion = await this.settings.get(ctx, 'confidentiality.requiredVersion');
    const out = new Map<number, ConfidentialityFacts>(userIds.map((id) => [id, { userId: id, agreements: [], requiredVersion }]));
    for (let i = 0; i < userIds.length; i += 1000) {
      for (const a of await managerFor(this.ds, ctx).findBy(ConfidentialityAgreement, { userId: In(userIds.slice(i, i + 1000)) })) out.get(a.userId)!.agreements.push(a);
    }
    return out;
  }

  /** Where the caller stands today, and why personal data is masked when it is. */
  standing(ctx: RequestContext): AgreementStanding & { notice: string | null } {
    const s = agreementStanding(ctx.actor, ctx.confidentiality, this.clock.today());
    return { ...s, notice: agreementNotice(s, ctx.confidentiality?.requiredVersion ?? null) };
  }

  list(ctx: RequestContext, userId: number): Promise<ConfidentialityAgreement[]> {
    if (ctx.actor.userId !== userId) assertRole(ctx, [], 'read other users\' confidentiality agreements');
    return managerFor(this.ds, ctx).find(ConfidentialityAgreement, { where: { userId }, order: { signedOn: 'DESC', id: 'DESC' } });
  }

  /** Records a signed agreement (ADMIN). Signed on a day that has come; valid until after it was signed. */
  async record(ctx: RequestContext, input: RecordAgreementInput): Promise<ConfidentialityAgreement> {
    assertRole(ctx, [], 'record confidentiality agreements');
    const signedOn = assertNotFuture(this.clock, assertLocalDate(input.signedOn, 'signedOn'), 'signedOn', 'an agreement is recorded once it was signed');
    const expiresOn = input.expiresOn ? assertLocalDate(input.expiresOn, 'expiresOn') : null;
    if (expiresOn !== null && expiresOn < signedOn) throw new DomainError(ErrorCode.VALIDATION_FAILED, `expiresOn: ${expiresOn} is before the agreement was signed (${signedOn})`, { field: 'expiresOn' });
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const user = await em.findOneBy(User, { id: input.userId });
      if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `userId: user ${input.userId} not found`, { field: 'userId' });
      const inForce = await this.settings.get(tx, 'confidentiality.requiredVersion');
      const documentVersion = optionalText(input.documentVersion, 'documentVersion', 50) ?? inForce;
      if (!documentVersion) throw new DomainError(ErrorCode.REQUIRED, 'documentVersion: 协议版本 is required (no version is set as the one in force)', { field: 'documentVersion' });
      const row = em.create(ConfidentialityAgreement, {
        userId: user.id, documentVersion, signedOn, expiresOn, documentRef: optionalText(input.documentRef, 'documentRef', 200), note: optionalText(input.note, 'note'),
        revokedOn: null, revokeReason: null, recordedById: ctx.actor.userId,
      });
      await em.save(row);
      await this.audit.record(tx, { action: 'agreement.record', entity: 'ConfidentialityAgreement', entityId: row.id, after: { userId: user.id, documentVersion, signedOn, expiresOn } });
      return row;
    });
  }

  /** Revokes an agreement from `revokedOn` (default today), saying why (ADMIN): a record entered by mistake, a withdrawal. */
  async revoke(ctx: RequestContext, id: number, reasonInput: string | null, revokedOnInput?: LocalDate | null): Promise<ConfidentialityAgreement> {
    assertRole(ctx, [], 'revoke confidentiality agreements');
    const reason = requiredText(reasonInput, 'reason', '撤销原因 / why it is revoked', 500);
    const revokedOn = revokedOnInput ? assertLocalDate(revokedOnInput, 'revokedOn') : this.clock.today();
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const row = await em.findOneBy(ConfidentialityAgreement, { id });
      if (!row) throw notFound('ConfidentialityAgreement', id);
      if (row.revokedOn !== null) throw new DomainError(ErrorCode.ALREADY_DECIDED, `id: agreement #${id} was already revoked on ${row.revokedOn}`, { field: 'id' });
      await updateVersioned(em, ConfidentialityAgreement, row, { revokedOn, revokeReason: reason }, null, `agreement #${id}`);
      await this.audit.record(tx, { action: 'agreement.revoke', entity: 'ConfidentialityAgreement', entityId: id, fields: ['revokedOn'], before: { revokedOn: null }, after: { userId: row.userId, revokedOn, reason } });
      return em.findOneByOrFail(ConfidentialityAgreement, { id });
    });
  }

  /** Sets the agreement version in force (ADMIN); agreements of other versions stop counting. Null: any version. */
  async setRequiredVersion(ctx: RequestContext, versionInput: string | null): Promise<string | null> {
    assertRole(ctx, [], 'set the confidentiality agreement version in force');
    const version = optionalText(versionInput, 'version', 50);
    await inTransaction(this.ds, ctx, (tx) => this.settings.set(tx, 'confidentiality.requiredVersion', version));
    return version;
  }

  /**
   * Every active user's standing on today (ADMIN): who has none, whose expired, whose runs out within
   * `withinDays` — the renewal list — ordered by urgency (missing and expired first, then by expiry).
   */
  async register(ctx: RequestContext, filter: AgreementRegisterFilter = {}): Promise<AgreementRegisterRow[]> {
    assertRole(ctx, [], 'read the confidentiality agreement register');
    const within = filter.withinDays ?? EXPIRY_WARNING_DAYS;
    if (!Number.isInteger(within) || within < 0 || within > 366) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'withinDays: a whole number of days from 0 to 366', { field: 'withinDays' });
    const today = this.clock.today();
    const users = await managerFor(this.ds, ctx).find(User, { where: { active: true }, order: { id: 'ASC' } });
    const facts = await this.factsForUsers(ctx, users.map((u) => u.id));
    const order: AgreementStatus[] = [AgreementStatus.MISSING, AgreementStatus.EXPIRED, AgreementStatus.REVOKED, AgreementStatus.OUTDATED, AgreementStatus.NOT_YET_VALID, AgreementStatus.EXPIRING, AgreementStatus.VALID];
    return users
      .map((user) => {
        const f = facts.get(user.id)!;
        const s = agreementStanding({ kind: 'user' }, f, today, within);
        const expiresOn = s.agreement?.expiresOn ?? null;
        return { ...s, user, daysLeft: expiresOn === null ? null : daysBetween(today, expiresOn), notice: agreementNotice(s, f.requiredVersion) };
      })
      .filter((r) => !filter.statuses?.length || filter.statuses.includes(r.status))
      .sort((x, y) => order.indexOf(x.status) - order.indexOf(y.status) || (x.daysLeft ?? 1e9) - (y.daysLeft ?? 1e9) || x.user.id - y.user.id);
  }
}
