/**
 * PIPL rights of a related person (个人信息主体权利): access (everything held on the person, plus who
 * has read it) and erasure. Both are ADMIN only — the data protection officer handles requests of
 * data subjects — and both are themselves on the audit trail.
 *
 * Consent history comes from the audit trail (`contact.consent.record` / `.withdraw` carry when, how
 * and scope, never the personal values); the current consent is on the contact.
 */
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { cleanText } from '../../common/text';
import { today } from '../../common/dates';
import { assertAgreement } from '../agreements/agreement.rules';
import { inTransaction, managerFor, findByIdOrFail } from '../../db/transaction';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { recordIdsContain, type AuditService } from '../audit/audit.service';
import type { AccessService } from '../auth/access.service';
import { Contact } from '../contacts/contact.entity';
import { PRIVATE_CONTACT_FIELDS, erasedNameKey, openContactFields, openedContact } from '../contacts/contact-privacy';
import type { KeyRing } from '../../common/field-crypto';

/** A consent event of the person: recorded or withdrawn, when, how, what. */
export interface ConsentRecord {
  action: 'RECORDED' | 'WITHDRAWN';
  /** When the change was recorded. */
  at: Date;
  /** Who recorded it. */
  actor: string;
  consentAt: Date | null;
  source: string | null;
  scope: string | null;
}

export interface PersonDataExport {
  exportedAt: Date;
  /** The stored person with every field in clear. */
  person: Contact;
  account: Account;
  consents: ConsentRecord[];
  /** Activities of the account whose participants, counterparts, subject or summary name the person. */
  activities: Activity[];
  /** Who read the person's personal data in full: the `contact.read` events naming the person. */
  reads: AuditEvent[];
  /** Every other audit event about the person (changes, imports, consent, exports). */
  changes: AuditEvent[];
}

/** Fields erasure clears (besides the name, which becomes a stub, and the 🔒 / mobile fields). */
const ERASED_FIELDS = ['gender', 'officePhone', 'mobile', 'mobileHash', 'email', 'birthday', 'familyInfo', 'homeAddress', 'hobbies', 'closeness', 'notes', 'consentAt', 'consentSource', 'consentScope'] as const;

const EVENT_LIMIT = 10_000;

export class PrivacyService {
  constructor(
    private readonly ds: DataSource,
    private readonly ring: KeyRing,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** Everything held on a person (decrypted), their consent history, the activities naming them and who read their data. */
  async exportPersonData(ctx: RequestContext, contactId: number): Promise<PersonDataExport> {
    this.access.assertAdmin(ctx, 'export a person\'s data (PIPL)');
    assertAgreement(ctx.actor, ctx.confidentiality, today(), 'export a person\'s data in full (PIPL)');
    const em = managerFor(this.ds, ctx);
    const stored = await findByIdOrFail(this.ds, ctx, Contact, contactId);
    const person = openedContact(Object.assign(new Contact(), stored, openContactFields(this.ring, stored)));
    const account = await em.findOneByOrFail(Account, { id: stored.accountId });
    const events = await this.eventsAbout(ctx, contactId);
    const reads = events.filter((e) => e.action === 'contact.read');
    const changes = events.filter((e) => e.action !== 'contact.read');
    const consents: ConsentRecord[] = changes
      .filter((e) => e.action === 'contact.consent.record' || e.action === 'contact.consent.withdraw')
      .map((e) => {
        const after = parse(e.after);
        const recorded = e.action === 'contact.consent.record';
        return {
          action: recorded ? 'RECORDED' : 'WITHDRAWN',
          at: e.at,
          actor: e.actor,
          consentAt: recorded && after.consentAt ? new Date(String(after.consentAt)) : null,
          source: recorded ? (after.consentSource as string | null) ?? null : null,
          scope: recorded ? (after.consentScope as string | null) ?? null : null,
        };
      });
    // Consent given with the record itself (created or imported with 信息采集同意) has no consent event:
    // the first consent event's `before`, or else the record, holds it.
    const first = changes.find((e) => e.action === 'contact.consent.record' || e.action === 'contact.consent.withdraw');
    const initial = first ? parse(first.before) : stored.consentAt ? { consentAt: stored.consentAt, consentSource: stored.consentSource, consentScope: stored.consentScope } : {};
    if (initial.consentAt) {
      consents.unshift({ action: 'RECORDED', at: stored.createdAt, actor: 'record', consentAt: new Date(String(initial.consentAt instanceof Date ? initial.consentAt.toISOString() : initial.consentAt)), source: (initial.consentSource as string | null) ?? null, scope: (initial.consentScope as string | null) ?? null });
    }
    const activities = stored.erasedAt ? [] : await this.activitiesNaming(ctx, stored);
    await this.audit.record(ctx, { action: 'contact.export', entity: 'Contact', entityId: contactId, fields: [...PRIVATE_CONTACT_FIELDS, 'email', 'birthday'] });
    return { exportedAt: new Date(), person, account, consents, activities, reads, changes };
  }

  /**
   * Erases the person's personal data: the 🔒 fields, mobile and its hash, email, birthday, office
   * phone, gender, closeness, notes and consent are cleared; the name becomes the stub `已删除-<id>`
   * (activities and projects of the account still refer to the record); `erasedAt` is set. The old
   * name survives only as a keyed hash (the tombstone), so re-importing the old file is refused
   * (ERASED_PERSON) instead of silently bringing the person back. Idempotent: erasing again changes
   * nothing and records nothing.
   */
  async erasePerson(ctx: RequestContext, contactId: number, reasonInput: string): Promise<Contact> {
    this.access.assertAdmin(ctx, 'erase a person\'s data (PIPL)');
    const reason = cleanText(reasonInput);
    if (!reason) throw new DomainError(ErrorCode.REQUIRED, 'reason: say why the data is erased (e.g. 本人要求删除)', { field: 'reason' });
    if (reason.length > 500) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'reason: at most 500 characters', { field: 'reason' });
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const contact = await findByIdOrFail(this.ds, tx, Contact, contactId);
      if (contact.erasedAt) return contact;
      const held = ERASED_FIELDS.filter((f) => contact[f] !== null && contact[f] !== undefined);
      const values: Partial<Contact> = { name: `已删除-${contact.id}`, nameKey: erasedNameKey(this.ring, contact.nameKey), erasedAt: new Date() };
      for (const f of ERASED_FIELDS) (values as Record<string, unknown>)[f] = null;
      const res = await em.createQueryBuilder().update(Contact).set(values).where('id = :id AND version = :version', { id: contact.id, version: contact.version }).execute();
      if (res.affected === 0) throw new DomainError(ErrorCode.VERSION_CONFLICT, `contact ${contact.id} was changed concurrently; retry`, { field: 'version' });
      // The ledger names the person as a counterpart (客户方人员): the name and title go from there too.
      const scrubbed: number[] = [];
      for (const a of await this.activitiesNaming(tx, contact)) {
        const counterparts = scrubPerson(a.counterparts, contact.name, contact.title);
        if (counterparts === a.counterparts) continue;
        // Not versioned as an edit (nobody changed the event): only the person's traces go.
        await em.createQueryBuilder().update(Activity).set({ counterparts, version: a.version, updatedAt: new Date() }).where('id = :id', { id: a.id }).updateEntity(false).callListeners(false).execute();
        scrubbed.push(a.id);
      }
      // Field names and the reason, never the erased values.
      await this.audit.record(tx, {
        action: 'contact.erase', entity: 'Contact', entityId: contact.id, fields: ['name', ...held],
        after: { accountId: contact.accountId, reason, ...(scrubbed.length ? { activitiesScrubbed: scrubbed } : {}) },
      });
      return em.findOneByOrFail(Contact, { id: contact.id });
    });
  }

  private async eventsAbout(ctx: RequestContext, contactId: number): Promise<AuditEvent[]> {
    return managerFor(this.ds, ctx)
      .createQueryBuilder(AuditEvent, 'ae')
      .where(`ae.entity = 'Contact' AND (ae.entity_id = :id OR ${recordIdsContain(this.ds, 'ae', ':needle')})`, { id: String(contactId), needle: `,${contactId},` })
      .orderBy('ae.id', 'ASC')
      .limit(EVENT_LIMIT)
      .getMany();
  }

  private async activitiesNaming(ctx: RequestContext, c: Contact): Promise<Activity[]> {
    const rows = await managerFor(this.ds, ctx).find(Activity, { where: { accountId: c.accountId }, order: { occurredOn: 'ASC', id: 'ASC' } });
    return rows.filter((a) => [a.participants, a.counterparts, a.subject, a.summary].some((t) => t?.includes(c.name)));
  }
}

function parse(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The mark an erased person leaves in free text (客户方人员). */
export const ERASED_MARK = '〔已删除〕';

/**
 * `text` without the person: each occurrence of the name — with the title written after it in
 * brackets or right after it (`李明（采购经理）`, `李明 采购经理`, `李明采购经理`) — becomes one
 * {@link ERASED_MARK}. Text not naming the person comes back unchanged.
 */
export function scrubPerson(text: string | null, name: string, title: string | null): string | null {
  if (!text || !name || !text.includes(name)) return text;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const t = title ? `(?:\\s*[（(]\\s*${esc(title)}\\s*[)）]|\\s*${esc(title)})?` : '';
  return text.replace(new RegExp(`${esc(name)}${t}`, 'g'), ERASED_MARK);
}

