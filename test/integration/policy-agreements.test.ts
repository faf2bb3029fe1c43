/**
 * 保密协议 (policy 002): a valid confidentiality agreement on file is a precondition for reading personal
 * data unmasked, exporting it and writing it. Without one a user is served masked data and told why;
 * the ADMIN records agreements and sees who needs renewing.
 */
import ExcelJS from 'exceljs';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { addDays, today } from '../../src/common/dates';
import type { Account } from '../../src/modules/accounts/account.entity';
import type { Contact } from '../../src/modules/contacts/contact.entity';
import { countQueries } from '../../src/db/query-counter';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld, type Who } from '../support/policy-world';

const READ = 'query($id: ID!) { contact(id: $id) { name mobile hobbies privacyNotice } }';
const ME = '{ me { name confidentiality { status valid notice agreement { documentVersion expiresOn } } } }';
type Read = { contact: { name: string; mobile: string | null; hobbies: string | null; privacyNotice: string | null } };

describeEachDb('confidentiality agreements gate personal data', (t) => {
  let w: PolicyWorld;
  let mine: Account;
  let newcomers: Account;
  let person: Contact;
  let newcomersPerson: Contact;

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
    const s = t().services;
    mine = await ownedAccount(s, w, w.units.hd, w.users.hdManager);
    newcomers = await ownedAccount(s, w, w.units.hd, w.users.newcomer);
    const consent = { consentAt: new Date('2025-01-01T00:00:00Z'), consentSource: '书面同意书' };
    person = await s.contacts.create(w.system, { accountId: mine.id, name: '张总', mobile: '13912340001', hobbies: '围棋', ...consent });
    newcomersPerson = await s.contacts.create(w.system, { accountId: newcomers.id, name: '李总', mobile: '13912340002', hobbies: '钓鱼', ...consent });
  });

  afterAll(async () => {
    await w?.close();
  });

  const read = (who: Who, c: Contact) => w.gql(who).data<Read>(READ, { id: String(c.id) });

  it('serves the account\'s own manager without an agreement masked, and says why', async () => {
    expect((await read('hdManager', person)).contact).toEqual({ name: '张总', mobile: '13912340001', hobbies: '围棋', privacyNotice: null });
    const masked = (await read('newcomer', newcomersPerson)).contact;
    expect(masked).toMatchObject({ name: '李总', mobile: '139****0002', hobbies: null });
    expect(masked.privacyNotice).toContain('保密协议');
    const me = await w.gql('newcomer').data<{ me: { confidentiality: { status: string; valid: boolean; notice: string } } }>(ME);
    expect(me.me.confidentiality).toMatchObject({ status: 'MISSING', valid: false });
    // Masked reads are not reads of personal data: the read audit names the name (served in full), never the masked mobile or the withheld hobbies.
    const reads = await t().services.audit.list(systemContext(), { action: 'contact.read', actor: 'apikey:key-newcomer' }, { first: 10 });
    expect(reads.nodes.map((e) => e.fields)).toEqual([['name']]);
  });

  it('refuses writing personal data without an agreement (AGREEMENT_REQUIRED), but not the rest of the record', async () => {
    const r = await w.gql('newcomer').request('mutation($id: ID!, $v: Int!) { updateContact(id: $id, version: $v, input: { hobbies: "高尔夫" }) { id } }', { id: String(newcomersPerson.id), v: newcomersPerson.version });
    expect(errorOf(r)).toMatchObject({ code: 'FORBIDDEN', reason: 'AGREEMENT_REQUIRED', field: 'hobbies' });
    const ok = await w.gql('newcomer').request('mutation($id: ID!, $v: Int!) { updateContact(id: $id, version: $v, input: { title: "总经理" }) { id } }', { id: String(newcomersPerson.id), v: newcomersPerson.version });
    expect(ok.errors).toBeUndefined();
  });

  it('exports personal data masked for someone without an agreement', async () => {
    const res = await fetch(`${w.server.url.replace(/\/graphql$/, '')}/exports/persons.xlsx`, { headers: { authorization: `Bearer ${w.key('newcomer')}` } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const cells = wb.worksheets[0].getSheetValues().flat().map(String);
    expect(cells).toContain('139****0002');
    expect(cells).not.toContain('13912340002');
    expect(cells).not.toContain('钓鱼');
  });

  it('lets an ADMIN record an agreement (effective at once), lists who is missing or expiring, and refuses everyone else', async () => {
    const RECORD = 'mutation($input: RecordConfidentialityAgreementInput!) { recordConfidentialityAgreement(input: $input) { id documentVersion expiresOn } }';
    const input = { userId: String(w.users.newcomer.id), documentVersion: '2026版', signedOn: today(), expiresOn: addDays(today(), 20), documentRef: 'HR-2026-118' };
    for (const who of ['committee', 'hdManager', 'newcomer'] as const) expect(errorOf(await w.gql(who).request(RECORD, { input })).code).toBe('FORBIDDEN');
    expect(errorOf(await w.gql('admin').request(RECORD, { input: { ...input, signedOn: addDays(today(), 9) } }))).toMatchObject({ reason: 'DATE_IN_FUTURE', field: 'signedOn' });
    expect(errorOf(await w.gql('admin').request(RECORD, { input: { ...input, expiresOn: addDays(today(), -1) } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresOn' });
    const recorded = await w.gql('admin').data<{ recordConfidentialityAgreement: { id: string } }>(RECORD, { input });
    expect((await read('newcomer', newcomersPerson)).contact).toMatchObject({ mobile: '13912340002', hobbies: '钓鱼', privacyNotice: null });
    const REGISTER = '{ confidentialityRegister(filter: { statuses: [MISSING, EXPIRING] }) { status daysLeft user { login } } }';
    expect(errorOf(await w.gql('committee').request(REGISTER)).code).toBe('FORBIDDEN');
    const register = await w.gql('admin').data<{ confidentialityRegister: { status: string; daysLeft: number | null; user: { login: string } }[] }>(REGISTER);
    expect(register.confidentialityRegister.find((r) => r.user.login === 'newcomer')).toEqual({ status: 'EXPIRING', daysLeft: 20, user: { login: 'newcomer' } });
    // Revoked (entered for the wrong person): masked again from today.
    await w.gql('admin').data('mutation($id: ID!) { revokeConfidentialityAgreement(id: $id, reason: "登记错误") { revokedOn } }', { id: recorded.recordConfidentialityAgreement.id });
    expect((await read('newcomer', newcomersPerson)).contact.mobile).toBe('139****0002');
    const me = await w.gql('newcomer').data<{ me: { confidentiality: { status: string } } }>(ME);
    expect(me.me.confidentiality.status).toBe('REVOKED');
  });

  it('makes every agreement of another version stop counting once a new version is in force', async () => {
    await w.gql('admin').data('mutation { setConfidentialityRequiredVersion(version: "2027版") }');
    try {
      const masked = (await read('hdManager', person)).contact;
      expect(masked).toMatchObject({ mobile: '139****0001', hobbies: null });
      expect(masked.privacyNotice).toContain('2027版');
    } finally {
      await w.gql('admin').data('mutation { setConfidentialityRequiredVersion(version: null) }');
    }
    expect((await read('hdManager', person)).contact.mobile).toBe('13912340001');
  });

  it('reads the version in force only for a caller with agreements on file: it can change nothing for the rest', async () => {
    const s = t().services;
    const ctx = systemContext('test');
    const nobody = (await s.auth.createApiKey(ctx, { name: 'bi-tool', role: Role.ANALYST })).secret;
    const fresh = await s.org.createUser(ctx, { login: 'fresh', name: '新同事', role: Role.MANAGER, unitId: w.units.hd.id });
    const freshKey = (await s.auth.createApiKey(ctx, { name: 'fresh', role: Role.MANAGER, userId: fresh.id })).secret;
    await w.gql('admin').data('mutation { setConfidentialityRequiredVersion(version: "2027版") }');
    const counter = countQueries(t().ds, { keep: true });
    const settingReads = async (ask: () => Promise<unknown>) => {
      counter.reset();
      await ask();
      return counter.queries.filter((q) => /policy_settings/.test(q)).length;
    };
    type Me = { me: { confidentiality: { status: string } } };
    try {
      // A user with an agreement of the old version: the version is read, and it outdates the agreement.
      let me: Me | undefined;
      expect(await settingReads(async () => (me = await w.gql('hdManager').data<Me>(ME)))).toBe(1);
      expect(me!.me.confidentiality.status).toBe('OUTDATED');
      // A user with none on file, and a BI tool's key that acts as nobody: no setting read, the same answer.
      expect(await settingReads(async () => (me = await w.anonymous.as(freshKey).data<Me>(ME)))).toBe(0);
      expect(me!.me.confidentiality.status).toBe('MISSING');
      let masked: Read | undefined;
      expect(await settingReads(async () => (masked = await w.anonymous.as(nobody).data<Read>(READ, { id: String(person.id) })))).toBe(0);
      expect(masked!.contact).toMatchObject({ mobile: '139****0001', hobbies: null });
    } finally {
      counter.stop();
      await w.gql('admin').data('mutation { setConfidentialityRequiredVersion(version: null) }');
    }
  });

  it('refuses a PIPL export to an ADMIN without an agreement, and masks for a key that acts as nobody', async () => {
    const s = t().services;
    const ctx = systemContext('test');
    const admin2 = await s.org.createUser(ctx, { login: 'admin2', name: '新管理员', role: Role.ADMIN });
    const key = (await s.auth.createApiKey(ctx, { name: 'admin2', role: Role.ADMIN, userId: admin2.id })).secret;
    const r = await w.gql('admin').request(`{ exportPersonData(id: "${person.id}") { person { mobile } } }`);
    expect(r.errors).toBeUndefined();
    const refused = await w.anonymous.as(key).request(`{ exportPersonData(id: "${person.id}") { person { mobile } } }`);
    expect(errorOf(refused)).toMatchObject({ code: 'FORBIDDEN', reason: 'AGREEMENT_REQUIRED' });
    const nobody = (await s.auth.createApiKey(ctx, { name: 'service-admin', role: Role.ADMIN })).secret;
    const masked = await w.anonymous.as(nobody).data<Read>(READ, { id: String(person.id) });
    expect(masked.contact.mobile).toBe('139****0001');
    expect(masked.contact.privacyNotice).toContain('保密协议');
  });
});
