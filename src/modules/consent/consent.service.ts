import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { Role } from '../../common/enums';
import { inTransaction, managerFor } from '../../db/transaction';
import type { AuditService } from '../audit/audit.service';
import { Account } from '../accounts/account.entity';
import { Contact } from '../contacts/contact.entity';
import { SENSITIVE_CONTACT_FIELDS } from '../contacts/contact.service';
import type { AccessService } from '../auth/access.service';
import type { Clock } from '../../common/clock';
import { assertConsentNotFuture } from '../contacts/contact.service';
import { optionalText, requiredText } from '../../common/text';
import { assertRole } from '../auth/access.rules';
import { updateVersioned } from '../../db/versioned';

export interface RecordConsentInput {
  /** When the person consented (default now); never in the future. */
  consentAt?: Date | null;
  /** How: 书面同意书、微信确认、面谈口头同意并记录… */
  source: string | null;
  /** What it covers (default: the three sensitive fields). */
  scope?: string | null;
}

export { DEFAULT_CONSENT_SCOPE } from './consent.rules';
import { DEFAULT_CONSENT_SCOPE } from './consent.rules';

/**
 * 信息采集同意 (PIPL): a related person's family, home address and hobbies are kept only while a consent
 * record (when, how, what) exists. Withdrawing consent erases those fields in the same transaction and
 * says so in the audit trail — which names the fields, never their values.
 */
export class ConsentService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
  ) {}

  /** Records (or renews) consent: the account's manager, or an ADMIN. */
  async record(ctx: RequestContext, contactId: number, input: RecordConsentInput): Promise<Contact> {
    assertRole(ctx, [Role.MANAGER], 'recordContactConsent');
    const source = requiredText(input.source, 'source', '同意方式 / how consent was obtained', 200);
    const scope = optionalText(input.scope, 'scope', 200) ?? DEFAULT_CONSENT_SCOPE;
    const consentAt = input.consentAt ?? new Date();
    if (Number.isNaN(consentAt.getTime())) throw new DomainError(ErrorCode.INVALID_DATE, 'consentAt: not a date-time', { field: 'consentAt' });
    assertConsentNotFuture(this.clock, consentAt);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const contact = await this.contactFor(tx, contactId, 'recordContactConsent');
      const values = { consentAt, consentSource: source, consentScope: scope };
      await updateVersioned(em, Contact, contact, values, null, `contact ${contact.name}`);
      await this.audit.record(tx, {
        action: 'contact.consent.record', entity: 'Contact', entityId: contact.id, fields: Object.keys(values),
        before: { consentAt: contact.consentAt, consentSource: contact.consentSource, consentScope: contact.consentScope },
        after: { accountId: contact.accountId, ...values },
      });
      return em.findOneByOrFail(Contact, { id: contactId });
    });
  }

  /** Withdraws consent and erases the sensitive fields (the account's manager, the committee or an ADMIN). */
  async withdraw(ctx: RequestContext, contactId: number, noteInput?: string | null): Promise<Contact> {
    assertRole(ctx, [Role.MANAGER, Role.COMMITTEE], 'withdrawContactConsent');
    const note = optionalText(noteInput, 'note');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const contact = await this.contactFor(tx, contactId, 'withdrawContactConsent');
      const held = SENSITIVE_CONTACT_FIELDS.filter((f) => contact[f] !== null);
      if (contact.consentAt === null && held.length === 0) {
        throw new DomainError(ErrorCode.INVALID_STATE, `contact ${contact.name} has no consent on record and no personal information to erase`, { field: 'contactId' });
      }
      const values = { familyInfo: null, homeAddress: null, hobbies: null, consentAt: null, consentSource: null, consentScope: null };
      await updateVersioned(em, Contact, contact, values, null, `contact ${contact.name}`);
      await this.audit.record(tx, {
        action: 'contact.consent.withdraw', entity: 'Contact', entityId: contact.id, fields: [...held, 'consentAt', 'consentSource', 'consentScope'],
        before: { consentAt: contact.consentAt, consentSource: contact.consentSource, consentScope: contact.consentScope },
        after: { accountId: contact.accountId, erased: held, note },
      });
      return em.findOneByOrFail(Contact, { id: contactId });
    });
  }

  private async contactFor(ctx: RequestContext, contactId: number, what: string): Promise<Contact> {
    const em = managerFor(this.ds, ctx);
    const contact = await em.findOneBy(Contact, { id: contactId });
    if (!contact) throw notFound('Contact', contactId);
    const account = await em.findOneByOrFail(Account, { id: contact.accountId });
    await this.access.assertActorManages(ctx, account, what);
    return contact;
  }
}
