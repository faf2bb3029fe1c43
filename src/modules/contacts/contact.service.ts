import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { Closenesses, ContactRoles, Genders, RecordSource } from '../../common/enums';
import { assertLocalDate } from '../../common/dates';
import { cleanText, nameKey } from '../../common/text';
import { normalizeEmail, normalizeMobile, normalizePhone } from '../../common/validation';
import { managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { Account } from '../accounts/account.entity';
import { Contact } from './contact.entity';
import { mobileLookupHash } from './mobile-hash';

export interface ContactInput {
  accountId: number;
  name: string;
  gender?: string | null;
  title?: string | null;
  department?: string | null;
  role?: string | null;
  officePhone?: string | null;
  mobile?: string | null;
  email?: string | null;
  birthday?: string | null;
  familyInfo?: string | null;
  homeAddress?: string | null;
  hobbies?: string | null;
  closeness?: string | null;
  consentAt?: Date | null;
  consentSource?: string | null;
  consentScope?: string | null;
  active?: boolean;
  leftOn?: string | null;
  notes?: string | null;
  source?: RecordSource;
}

/** The 🔒 fields: stored only with a consent record. */
export const SENSITIVE_CONTACT_FIELDS = ['familyInfo', 'homeAddress', 'hobbies'] as const;

/** 大客户相关人员: the people at an account. */
export class ContactService {
  constructor(private readonly ds: DataSource) {}

  async get(ctx: RequestContext, id: number): Promise<Contact> {
    const c = await managerFor(this.ds, ctx).findOneBy(Contact, { id });
    if (!c) throw notFound('Contact', id);
    return c;
  }

  /** Validates and normalises one person; throws a DomainError naming the field. */
  normalize(input: ContactInput): Partial<Contact> {
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 姓名 is required', { field: 'name' });
    const consent = input.consentAt ?? null;
    for (const f of SENSITIVE_CONTACT_FIELDS) {
      if (cleanText(input[f]) && !consent) {
        throw new DomainError(ErrorCode.CONSENT_REQUIRED, `${f}: personal information is stored only with a consent record (consentAt, consentSource)`, { field: f });
      }
    }
    const mobile = cleanText(input.mobile) ? normalizeMobile(input.mobile as string, 'mobile') : null;
    return {
      accountId: input.accountId,
      name,
      nameKey: nameKey(name),
      gender: cleanText(input.gender) ? Genders.parse(input.gender as string, 'gender') : null,
      title: cleanText(input.title),
      department: cleanText(input.department),
      role: cleanText(input.role) ? ContactRoles.parse(input.role as string, 'role') : null,
      officePhone: cleanText(input.officePhone) ? normalizePhone(input.officePhone as string, 'officePhone') : null,
      mobile,
      mobileHash: mobile ? mobileLookupHash(mobile) : null,
      email: cleanText(input.email) ? normalizeEmail(input.email as string, 'email') : null,
      birthday: input.birthday ? assertLocalDate(input.birthday, 'birthday') : null,
      familyInfo: cleanText(input.familyInfo),
      homeAddress: cleanText(input.homeAddress),
      hobbies: cleanText(input.hobbies),
      closeness: cleanText(input.closeness) ? Closenesses.parse(input.closeness as string, 'closeness') : null,
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
    if (!(await em.existsBy(Account, { id: input.accountId }))) throw new DomainError(ErrorCode.NOT_FOUND, `accountId: account ${input.accountId} not found`, { field: 'accountId' });
    const contact = em.create(Contact, { ...this.normalize(input), uid: randomUUID() });
    await em.save(contact);
    return contact;
  }

  /** Validates every row first, then writes them in batches: all or nothing within the caller's transaction. */
  async createMany(ctx: RequestContext, inputs: ContactInput[]): Promise<void> {
    const rows = inputs.map((i) => ({ ...this.normalize(i), uid: randomUUID(), version: 1 }));
    await bulkInsert(managerFor(this.ds, ctx), Contact, rows);
  }
}
