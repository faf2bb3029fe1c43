import { randomUUID } from 'node:crypto';
import { say } from '../../common/messages';
import type { DataSource } from 'typeorm';
import type { Actor, ConfidentialityFacts, RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { Closenesses, ContactRoles, Genders, RecordSource, type ContactRole } from '../../common/enums';
import { assertLocalDate, localDateAt, type LocalDate } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { toId, toIds, type Id } from '../../common/ids';
import { paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { cleanText, nameKey } from '../../common/text';
import { openInput, openValue } from '../../common/open-vocabulary';
import { fieldsWithoutConsent } from '../consent/consent.rules';
import { normalizeEmail, normalizeMobile, normalizePhone } from '../../common/validation';
import { inTransaction, managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { Where } from '../../db/filters';
import { ListQuery } from '../../db/list-query';
import { deleteVersioned, mergePatch, patchFields, updateVersioned } from '../../db/versioned';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../auth/access.service';
import { Contact } from './contact.entity';
import { mobileLookupHash } from './mobile-hash';
import type { KeyRing } from '../../common/field-crypto';
import { PRIVATE_CONTACT_FIELDS, openContactFields, sealContactFields, type PrivateContactField } from './contact-privacy';
import { assertAgreement } from '../agreements/agreement.rules';

export interface ContactInput {
  accountId: Id;
  name: string;
  /** 性别: a code or any word (open vocabulary); `genderLabel` (free text) wins when given. */
  gender?: string | null;
  genderLabel?: string | null;
  title?: string | null;
  department?: string | null;
  /** 角色: a code or any word (企业负责人, 经办人, a branch's own word, kept as written). */
  role?: string | null;
  roleLabel?: string | null;
  officePhone?: string | null;
  mobile?: string | null;
  email?: string | null;
  birthday?: string | null;
  familyInfo?: string | null;
  homeAddress?: string | null;
  hobbies?: string | null;
  closeness?: string | null;
  closenessLabel?: string | null;
  consentAt?: Date | null;
  consentSource?: string | null;
  consentScope?: string | null;
  active?: boolean;
  leftOn?: string | null;
  notes?: string | null;
  source?: RecordSource;
}

/** A change to a person: the fields given (null clears). A person stays with its account. */
export type ContactPatch = Partial<Omit<ContactInput, 'accountId' | 'source'>>;

export interface ContactFilter {
  accountIds?: Id[] | null;
  roles?: (ContactRole | string)[] | null;
  /** true: 在职 only; false: 离职 only. */
  active?: boolean | null;
  nameContains?: string | null;
  updatedSince?: Date | null;
}

export enum ContactSortField {
  ID = 'ID',
  NAME = 'NAME',
  UPDATED_AT = 'UPDATED_AT',
}

const CONTACT_SORTS: SortColumns<ContactSortField> = {
  ID: { column: 'id', property: 'id' },
  NAME: { column: 'name', property: 'name' },
  UPDATED_AT: { column: 'updatedAt', property: 'updatedAt', datetime: true },
};

export { SENSITIVE_CONTACT_FIELDS } from '../consent/consent.rules';

/**
 * Personal data (手机 and the 🔒 fields) is written only by someone with a valid confidentiality
 * agreement (保密协议, policy 002) — who may not read it may not write it either, and an import may
 * not compare it. Pure: the facts come loaded (per request, or once per import).
 */
export function assertMayWritePersonal(actor: Actor, facts: ConfidentialityFacts | undefined, today: LocalDate, values: Partial<Record<PrivateContactField, unknown>>): void {
  const field = PRIVATE_CONTACT_FIELDS.find((f) => values[f] !== undefined && values[f] !== null && String(values[f]).trim() !== '');
  if (field) assertAgreement(actor, facts, today, 'write personal data (手机、家庭成员情况、家庭住址、兴趣爱好)', field);
}

/** Loads a caller's confidentiality facts (the agreements module). */
export interface ConfidentialityFactsSource {
  factsFor(ctx: RequestContext, actor: Actor): Promise<ConfidentialityFacts>;
}

/** 大客户相关人员: the people at an account. Writes: ADMIN, or the MANAGER of the account. */
export class ContactService {
  constructor(
    private readonly ds: DataSource,
    /** This instance's field-encryption keys (KAM_DATA_KEYS). */
    readonly keyRing: KeyRing,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly maxPageSize: () => number,
    private readonly clock: Clock,
    private readonly agreements?: ConfidentialityFactsSource,
  ) {}

  /** The caller's confidentiality facts: the request's, else loaded now (a CLI import acting as a user). */
  async confidentialityFacts(ctx: RequestContext): Promise<ConfidentialityFacts | undefined> {
    return ctx.confidentiality ?? (await this.agreements?.factsFor(ctx, ctx.actor));
  }

  private async assertMayWritePersonal(ctx: RequestContext, values: Partial<Record<PrivateContactField, unknown>>): Promise<void> {
    if (!PRIVATE_CONTACT_FIELDS.some((f) => values[f] != null)) return;
    assertMayWritePersonal(ctx.actor, await this.confidentialityFacts(ctx), this.clock.today(), values);
  }

  list(ctx: RequestContext, filter: ContactFilter | null | undefined, page: PageArgs, order?: SortOrder<ContactSortField> | null, columns?: readonly string[]): Promise<Connection<Contact>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), Contact, 'c');
    const q = cleanText(f.nameContains);
    new Where(qb)
      .in('accountId', toIds(f.accountIds, 'filter.accountIds'))
      .in('role', f.roles?.map((r) => ContactRoles.parse(String(r), 'filter.roles')))
      .eq('active', f.active)
      .contains(q, ['name', q ?? ''], ['nameKey', q ? nameKey(q) : ''])
      .range('updatedAt', f.updatedSince, null);
    return paginate(qb, page, sortSpec(CONTACT_SORTS, order, ContactSortField.ID), this.maxPageSize(), columns);
  }

  async get(ctx: RequestContext, id: number): Promise<Contact> {
    const c = await managerFor(this.ds, ctx).findOneBy(Contact, { id });
    if (!c) throw notFound('Contact', id);
    return c;
  }

  /** Validates and normalises one person; throws a DomainError naming the field. */
  normalize(input: ContactInput): Partial<Contact> {
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, `name: ${say('姓名为必填项', '姓名 is required')}`, { field: 'name' });
    const consent = input.consentAt ?? null;
    if (consent) assertConsentNotFuture(this.clock, consent);
    const refused = fieldsWithoutConsent(input, consent);
    if (refused.length) {
      throw new DomainError(ErrorCode.CONSENT_REQUIRED, `${refused[0]}: ${say('个人信息须有信息采集同意记录才能保存（consentAt、consentSource）', 'personal information is stored only with a consent record (consentAt, consentSource)')}`, { field: refused[0] });
    }
    const mobile = cleanText(input.mobile) ? normalizeMobile(input.mobile as string, 'mobile') : null;
    const open = input as unknown as Record<string, unknown>;
    const gender = openValue(Genders, openInput(open, 'gender'), 'gender');
    const role = openValue(ContactRoles, openInput(open, 'role'), 'role');
    const closeness = openValue(Closenesses, openInput(open, 'closeness'), 'closeness');
    return {
      accountId: toId(input.accountId, 'accountId'),
      name,
      nameKey: nameKey(name),
      gender: gender.code,
      genderLabel: gender.label,
      title: cleanText(input.title),
      department: cleanText(input.department),
      role: role.code,
      roleLabel: role.label,
      officePhone: cleanText(input.officePhone) ? normalizePhone(input.officePhone as string, 'officePhone') : null,
      mobile,
      mobileHash: mobile ? mobileLookupHash(this.keyRing, mobile) : null,
      email: cleanText(input.email) ? normalizeEmail(input.email as string, 'email') : null,
      birthday: input.birthday ? assertLocalDate(input.birthday, 'birthday') : null,
      familyInfo: cleanText(input.familyInfo),
      homeAddress: cleanText(input.homeAddress),
      hobbies: cleanText(input.hobbies),
      closeness: closeness.code,
      closenessLabel: closeness.label,
      consentAt: consent,
      consentSource: cleanText(input.consentSource),
      consentScope: cleanText(input.consentScope),
      active: input.active ?? !input.leftOn,
      leftOn: input.leftOn ? assertLocalDate(input.leftOn, 'leftOn') : null,
      notes: cleanText(input.notes),
      source: input.source ?? RecordSource.MANUAL,
      erasedAt: null,
    };
  }

  async create(ctx: RequestContext, input: ContactInput): Promise<Contact> {
    const em = managerFor(this.ds, ctx);
    const account = await this.access.accountForWrite(ctx, input.accountId, 'accountId', 'add people to this account');
    await this.assertMayWritePersonal(ctx, input);
    const uid = randomUUID();
    const contact = em.create(Contact, { ...sealContactFields(this.keyRing, uid, this.normalize({ ...input, accountId: account.id })), uid });
    await em.save(contact);
    await this.audit.record(ctx, { action: 'contact.create', entity: 'Contact', entityId: contact.id, fields: patchFields(input) });
    return contact;
  }

  /** Applies a patch (validated as a whole person), refusing a stale `expectedVersion`. */
  async update(ctx: RequestContext, id: Id, patch: ContactPatch, expectedVersion?: number | null): Promise<Contact> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const contact = await this.get(tx, toId(id, 'id'));
      await this.access.accountForWrite(tx, contact.accountId, 'accountId', 'change people of this account');
      await this.assertMayWritePersonal(tx, patch);
      const clear = openContactFields(this.keyRing, contact);
      const merged = mergePatch(contactInput({ ...contact, ...clear }), patch);
      // Giving a 离职 date without saying otherwise means the person has left.
      if (patch.leftOn && patch.active === undefined) merged.active = false;
      const { source: _source, uid: _uid, erasedAt: _erased, ...values } = this.normalize(merged);
      if (contact.erasedAt) assertNothingPersonal(contact, values);
      await updateVersioned(em, Contact, contact, sealContactFields(this.keyRing, contact.uid, values, contact, clear), expectedVersion, `contact ${contact.name}`);
      // Never the values: personal information stays out of the audit trail.
      await this.audit.record(tx, { action: 'contact.update', entity: 'Contact', entityId: contact.id, fields: patchFields(patch) });
      return this.get(tx, contact.id);
    });
  }

  async delete(ctx: RequestContext, id: Id, expectedVersion: number): Promise<Contact> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const contact = await this.get(tx, toId(id, 'id'));
      await this.access.accountForWrite(tx, contact.accountId, 'accountId', 'remove people of this account');
      await deleteVersioned(managerFor(this.ds, tx), Contact, contact, expectedVersion, `contact ${contact.name}`);
      await this.audit.record(tx, { action: 'contact.delete', entity: 'Contact', entityId: contact.id });
      return contact;
    });
  }

  /** Validates every row first, then writes them in batches: all or nothing within the caller's transaction. */
  async createMany(ctx: RequestContext, inputs: ContactInput[]): Promise<void> {
    for (const i of inputs) await this.assertMayWritePersonal(ctx, i);
    const rows = inputs.map((i) => {
      const uid = randomUUID();
      return { ...sealContactFields(this.keyRing, uid, this.normalize(i)), uid, version: 1 };
    });
    await bulkInsert(managerFor(this.ds, ctx), Contact, rows);
  }
}

/** A consent is recorded once given: its time cannot lie ahead (DATE_IN_FUTURE), through any door. */
export function assertConsentNotFuture(clock: Clock, consentAt: Date): void {
  if (Number.isNaN(consentAt.getTime())) throw new DomainError(ErrorCode.INVALID_DATE, `consentAt: ${say('不是日期时间', 'not a date-time')}`, { field: 'consentAt' });
  assertNotFuture(clock, localDateAt(consentAt), 'consentAt', say('同意须在给出后才能记录', 'consent is recorded once it was given'));
}

/** An erased person stays erased: an update may change business fields, never bring personal data back. */
function assertNothingPersonal(contact: Contact, values: Partial<Contact>): void {
  const given = (['mobile', 'email', 'birthday', 'familyInfo', 'homeAddress', 'hobbies'] as const).filter((f) => values[f] != null);
  if (given.length) throw new DomainError(ErrorCode.INVALID_STATE, say(`联系人 ${contact.id}：此人的个人信息已删除（个人信息保护法），${given.join('、')} 不能再保存`, `contact ${contact.id}: the person's personal data was erased (PIPL); ${given.join(', ')} cannot be stored again`), { field: given[0] });
}

/** A stored person as input, so a patch can be validated as a whole person. */
function contactInput(c: Contact): ContactInput {
  return {
    accountId: c.accountId, name: c.name, gender: c.gender ?? c.genderLabel, title: c.title, department: c.department, role: c.role ?? c.roleLabel,
    officePhone: c.officePhone, mobile: c.mobile, email: c.email, birthday: c.birthday, familyInfo: c.familyInfo,
    homeAddress: c.homeAddress, hobbies: c.hobbies, closeness: c.closeness ?? c.closenessLabel, consentAt: c.consentAt, consentSource: c.consentSource,
    consentScope: c.consentScope, active: c.active, leftOn: c.leftOn, notes: c.notes, source: c.source,
  };
}
