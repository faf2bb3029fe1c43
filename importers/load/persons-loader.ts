/**
 * Loads 附件3 rows: a person at an account (natural key account + 姓名 + 手机). A person whose stored
 * record has no mobile yet is the same person when the file adds one. Sensitive fields (家庭成员情况,
 * 家庭住址, 兴趣爱好) need a consent record — in the row or already stored — else the row is rejected
 * naming the field (CONSENT_REQUIRED, by ContactService). A blank cell never erases a stored value.
 */
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { RecordSource } from '../../src/common/enums';
import { nameKey } from '../../src/common/text';
import { maskMobile } from '../../src/common/validation';
import { bulkWrite } from '../../src/db/bulk';
import { Contact } from '../../src/modules/contacts/contact.entity';
import type { ContactInput } from '../../src/modules/contacts/contact.service';
import { mobileLookupHashes } from '../../src/modules/contacts/mobile-hash';
import { erasedNameKeys, openContactFields, sealContactFields } from '../../src/modules/contacts/contact-privacy';
import { assertMayWritePersonal } from '../../src/modules/contacts/contact.service';
import type { ConfidentialityFacts } from '../../src/common/context';
import { ImportCode } from '../read/issues';
import { ErrorCode } from '../../src/common/errors';
import { say } from '../../src/common/messages';
import { SENSITIVE_CONTACT_FIELDS, consentFromImport, fieldsWithoutConsent, type ConsentRecord, type ConsentStatement } from '../../src/modules/consent/consent.rules';
import { cellIssue, type ParsedRow } from '../read/parser';
import { KeyIndex } from './key-index';
import { AccountDirectory, ManagedAccounts, WriteQueue, writableAccounts, cellChanges, changedKeys, idsBy, storedColumns, chunks, em, fullRow, lengthIssue, serviceIssue, updatableColumns, writing, type LoadState, type RowOutcome } from './context';

const FIELDS = ['name', 'gender', 'title', 'department', 'role', 'officePhone', 'mobile', 'email', 'birthday', 'familyInfo', 'homeAddress', 'hobbies', 'closeness', 'consentAt', 'consentSource', 'consentScope', 'active', 'leftOn', 'notes'] as const;

interface Update {
  existing: Contact;
  /** The row to write, private fields sealed. */
  values: Partial<Contact>;
  /** The fields whose clear values changed (names only, for the audit trail). */
  changed: string[];
}

export class PersonsLoader {
  private readonly keys = new KeyIndex();
  private readonly writes = new WriteQueue();

  drain(): Promise<void> {
    return this.writes.drain();
  }

  private readonly managed: ManagedAccounts;
  /** The caller's confidentiality agreements (保密协议), loaded once for the file. */
  private facts: Promise<ConfidentialityFacts | undefined> | null = null;

  constructor(
    private readonly s: LoadState,
    private readonly accounts: AccountDirectory,
  ) {
    this.managed = new ManagedAccounts(s);
  }

  async process(rows: ParsedRow[]): Promise<(RowOutcome | null)[]> {
    const m = em(this.s);
    const resolved = await writableAccounts(this.s, this.accounts, this.managed, rows, 'write people of this account');
    const accountIds = [...new Set(resolved.filter((a) => a).map((a) => a!.id))];
    const nameKeys = [...new Set(rows.map((r) => (typeof r.values.name === 'string' ? nameKey(r.values.name) : '')).filter(Boolean))];
    const existingBy = new Map<string, Contact[]>();
    for (const ids of chunks(accountIds, 500)) {
      for (const names of chunks(nameKeys, 500)) {
        for (const c of await m.findBy(Contact, { accountId: In(ids), nameKey: In(names) })) {
          const k = `${c.accountId}|${c.nameKey}`;
          existingBy.set(k, [...(existingBy.get(k) ?? []), c]);
        }
      }
    }
    // Persons erased at their request keep only a keyed hash of their name as a tombstone (see erasedNameKeys).
    const tombstones = new Map<string, string>();
    for (const n of nameKeys) for (const t of erasedNameKeys(this.s.services.contacts.keyRing, n)) tombstones.set(t, n);
    const erased = new Set<string>();
    for (const ids of chunks(accountIds, 500)) {
      for (const keys of chunks([...tombstones.keys()], 500)) {
        for (const c of await m.find(Contact, { select: { id: true, accountId: true, nameKey: true }, where: { accountId: In(ids), nameKey: In(keys) } })) {
          erased.add(`${c.accountId}|${tombstones.get(c.nameKey)}`);
        }
      }
    }
    this.facts ??= this.s.services.contacts.confidentialityFacts(this.s.base);
    const facts = await this.facts;
    const outcomes: (RowOutcome | null)[] = [];
    const inserts: Partial<Contact>[] = [];
    const updates: Update[] = [];
    rows.forEach((row, i) => {
      const account = resolved[i];
      if (!account || row.errors.length) {
        outcomes.push(null);
        return;
      }
      const v = row.values;
      const name = v.name as string;
      const mobile = typeof v.mobile === 'string' ? v.mobile : null;
      const first = this.keys.seen(`${account.id}|${nameKey(name)}|${mobile ?? ''}`, row.sheet, row.row);
      if (first) {
        row.errors.push(cellIssue(row, 'name', ImportCode.DUPLICATE_ROW, say(`${account.code} 的 ${name}${mobile ? `（${maskMobile(mobile)}）` : ''}已在${first.sheet === row.sheet ? '' : `工作表「${first.sheet}」`}第 ${first.row} 行`, `${name}${mobile ? ` (${maskMobile(mobile)})` : ''} of ${account.code} is already in ${first.sheet === row.sheet ? '' : `sheet "${first.sheet}" `}row ${first.row}`)));
        outcomes.push(null);
        return;
      }
      try {
        // Before the stored person is looked at: who may not read personal data learns nothing from a dry run.
        assertMayWritePersonal(this.s.base.actor, facts, this.s.today, v);
      } catch (e) {
        row.errors.push(serviceIssue(row, e));
        outcomes.push(null);
        return;
      }
      const candidates = existingBy.get(`${account.id}|${nameKey(name)}`) ?? [];
      const hashes = mobile ? mobileLookupHashes(this.s.services.contacts.keyRing, mobile) : [];
      const existing = candidates.find((c) => (mobile ? c.mobileHash !== null && hashes.includes(c.mobileHash) : c.mobileHash === null)) ?? (mobile ? candidates.find((c) => c.mobileHash === null) : undefined) ?? null;
      if (!existing && erased.has(`${account.id}|${nameKey(name)}`)) {
        row.errors.push(cellIssue(row, 'name', ImportCode.ERASED_PERSON, say(`${account.code} 的 ${name}：此人的个人信息已应本人要求删除（个人信息保护法），不再保存；请删除本行，如是另一人请手工添加`, `${name} of ${account.code}: this person's personal data was erased at their request (PIPL) and is not stored again; remove the row, or add the person by hand if it is someone else`)));
        outcomes.push(null);
        return;
      }
      let clear: (Contact & ReturnType<typeof openContactFields>) | null;
      try {
        clear = existing ? { ...existing, ...openContactFields(this.s.services.contacts.keyRing, existing) } : null;
      } catch (e) {
        // The stored person failed its integrity check (DATA_INTEGRITY): this row is refused, not the file.
        row.errors.push(serviceIssue(row, e));
        outcomes.push(null);
        return;
      }
      const input: Record<string, unknown> = clear ? pickInput(clear) : { source: RecordSource.IMPORT };
      for (const f of FIELDS) if (v[f] !== null && v[f] !== undefined) input[f] = v[f];
      if (v.leftOn && v.active == null) input.active = false;
      this.applyConsent(row, input, clear);
      input.accountId = account.id;
      let values: Partial<Contact>;
      try {
        values = this.s.services.contacts.normalize(input as unknown as ContactInput);
      } catch (e) {
        row.errors.push(serviceIssue(row, e));
        outcomes.push(null);
        return;
      }
      if (existing && nameKey(existing.name) === values.nameKey) values.name = existing.name;
      if (existing) values.erasedAt = existing.erasedAt;
      // Stored under an older key's hash until `kam keys rotate` reaches the row: still the same mobile.
      if (existing?.mobileHash && hashes.includes(existing.mobileHash)) values.mobileHash = existing.mobileHash;
      const tooLong = lengthIssue(m, Contact, row, values as Record<string, unknown>);
      if (tooLong) {
        row.errors.push(tooLong);
        outcomes.push(null);
        return;
      }
      const describe = (changes: string[] | undefined) =>
        this.s.record?.describe?.(row, { accountId: account.id, label: account.code, changes: cellChanges('Contact', clear, values, changes).filter((c) => (FIELDS as readonly string[]).includes(c.field)) });
      if (!existing) {
        describe(undefined);
        const uid = randomUUID();
        inserts.push({ ...sealContactFields(this.s.services.contacts.keyRing, uid, values), uid });
        outcomes.push('created');
        return;
      }
      // Compared in clear: the stored values are encrypted with a random IV.
      const changed = changedKeys(clear!, values);
      describe(changed);
      if (changed.length === 0) {
        outcomes.push('unchanged');
        return;
      }
      updates.push({ existing, values: sealContactFields(this.s.services.contacts.keyRing, existing.uid, values, existing, clear!), changed });
      outcomes.push('updated');
    });
    if (writing(this.s)) await this.writes.push(() => this.write(inserts, updates));
    return outcomes;
  }

  private async write(inserts: Partial<Contact>[], updates: Update[]): Promise<void> {
    const m = em(this.s);
    {
      const now = new Date();
      const inserted = await bulkWrite(m, Contact, inserts.map((c) => ({ ...c, version: 1, createdAt: now, updatedAt: now })), { returning: this.s.record?.written ? ['id', 'uid'] : undefined });
      if (updates.length) {
        await bulkWrite(m, Contact, updates.map((u) => fullRow(m, Contact, u.existing, { ...u.values, version: u.existing.version + 1, updatedAt: now })), {
          upsert: { conflict: ['id'], update: updatableColumns(m, Contact) },
        });
        // Which fields changed, never their values: these are personal data.
        await this.s.services.audit.recordMany(this.s.tx!, updates.map((u) => ({ action: 'contact.import', entity: 'Contact', entityId: u.existing.id, fields: u.changed })));
      }
      if (this.s.record?.written) {
        // Before-values as stored: personal fields stay sealed in the undo log.
        // New persons' ids as the INSERT returned them (version 1, as written), or found again by uid (MySQL).
        const created = inserted ? new Map(inserted.map((r) => [r.uid, { id: r.id as number, version: 1 }])) : await idsBy(m, Contact, 'uid', inserts.map((c) => c.uid));
        await this.s.record.written([
          ...inserts.flatMap((c) => (created.has(c.uid) ? [{ entity: 'Contact', id: created.get(c.uid)!.id, action: 'created' as const, versionAfter: created.get(c.uid)!.version }] : [])),
          ...updates.map((u) => ({ entity: 'Contact', id: u.existing.id, action: 'updated' as const, before: storedColumns(m, Contact, u.existing), versionAfter: u.existing.version + 1 })),
        ]);
      }
    }
  }

  async finish(): Promise<void> {}

  close(): void {
    this.keys.close();
  }

  /**
   * The row's 信息采集同意 cell becomes the person's consent record (its source: the file and the job);
   * 🔒 values the row gives without a consent — 不同意, or blank with none on record — are refused on
   * those cells only (CONSENT_REQUIRED, a warning naming the cell): the rest of the row imports.
   */
  private applyConsent(row: ParsedRow, input: Record<string, unknown>, stored: ConsentRecord | null): void {
    const v = row.values;
    const cell = v.consent as ConsentStatement | null | undefined;
    if (v.consentAt == null) {
      const origin = this.s.origin ?? { fileName: '', jobId: 0 };
      const record = consentFromImport(cell, stored, { ...origin, now: new Date() });
      if (record) Object.assign(input, record, v.consentSource != null ? { consentSource: v.consentSource } : {}, v.consentScope != null ? { consentScope: v.consentScope } : {});
    }
    const given = Object.fromEntries(SENSITIVE_CONTACT_FIELDS.map((f) => [f, v[f]]));
    const refused = cell && !cell.given ? fieldsWithoutConsent(given, null) : fieldsWithoutConsent(given, input.consentAt as Date | null);
    for (const f of refused) {
      input[f] = stored ? (stored as unknown as Record<string, unknown>)[f] : null;
      this.s.warn(cellIssue(row, f, ErrorCode.CONSENT_REQUIRED, cell && !cell.given
        ? say('本行信息采集同意为「不同意」：此项个人信息未保存，本行其余内容已导入', 'the row says 不同意 (信息采集同意); this value was not stored, the rest of the row was')
        : say('无信息采集同意记录：此项个人信息未保存，本行其余内容已导入；填写「同意」、同意日期或方式（书面/口头/邮件）后重新导入', 'no consent on record (信息采集同意); this value was not stored, the rest of the row was — add 同意, its date or how it was given (书面/口头/邮件) and import again')));
    }
  }
}

/** A stored person as service input, so the row's blank cells keep what is stored. */
function pickInput(c: Record<(typeof FIELDS)[number] | 'source', unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { source: c.source };
  for (const f of FIELDS) out[f] = c[f];
  return out;
}
