/**
 * Privacy over GraphQL (issue 7): a role × field masking matrix GENERATED from the schema (every path
 * from a query root to every sensitive field, plain, aliased, through a named and an inline fragment),
 * read-audit events counted per query shape, and the PIPL export and erasure.
 */
import { getNamedType, isEnumType, isNonNullType, isObjectType, isScalarType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { systemContext, type RequestContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { kamSchema } from '../../src/http/schema';
import type { RunningServer } from '../../src/http/server';
import { PRIVATE_CONTACT_FIELDS } from '../../src/modules/contacts/contact-privacy';
import { describeEachDb } from '../support/db';
import { createActors, type TestActors } from '../support/fixtures';
import { GqlClient, startTestServer } from '../support/graphql-client';

type RoleName = 'admin' | 'committee' | 'manager' | 'otherManager' | 'finance' | 'analyst';
const ROLES: RoleName[] = ['admin', 'committee', 'manager', 'otherManager', 'finance', 'analyst'];
/** Who may see the fixture person in full (the manager manages its account). */
const FULL: Record<RoleName, boolean> = { admin: true, committee: true, manager: true, otherManager: false, finance: false, analyst: false };
/** Roots only some roles may call at all (the others are refused, which shows nothing either). */
// confidentialityAgreements is asked for the manager's own agreements: the manager and ADMIN may read them.
const RESTRICTED_ROOTS: Record<string, RoleName[]> = { exportPersonData: ['admin'], confidentialityRegister: ['admin'], handovers: ['admin', 'committee'], handover: ['admin', 'committee'], confidentialityAgreements: ['admin', 'manager'] };
// A user's holdings (service-team seats) are the committee's to read.
RESTRICTED_ROOTS['user.holdings'] = ['admin', 'committee'];
RESTRICTED_ROOTS['tierListApprover.holdings'] = ['admin', 'committee'];
/** May `role` query `route` (its root, or a restricted field on the way)? */
const mayCall = (route: string, role: RoleName) =>
  Object.entries(RESTRICTED_ROOTS).every(([prefix, who]) => !(route === prefix || route.startsWith(`${prefix}.`)) || who.includes(role));

const PERSON = { name: '孙丽', mobile: '13812341234', familyInfo: '配偶、一子', homeAddress: '上海市徐汇区某路1号', hobbies: '网球、书法' } as const;

/** Every field of the schema that holds sensitive personal information: the privacy list, and anything described with 🔒. */
function sensitiveCoordinates(schema: GraphQLSchema): { type: string; field: string }[] {
  const out: { type: string; field: string }[] = [];
  for (const t of Object.values(schema.getTypeMap())) {
    if (!isObjectType(t) || t.name.startsWith('__')) continue;
    for (const f of Object.values(t.getFields())) {
      if ((PRIVATE_CONTACT_FIELDS as readonly string[]).includes(f.name) || f.description?.includes('🔒')) {
        if (!isScalarType(getNamedType(f.type))) continue;
        out.push({ type: t.name, field: f.name });
      }
    }
  }
  return out;
}

interface Step {
  field: GraphQLField<unknown, unknown>;
  parent: GraphQLObjectType;
}
interface PathToSensitive {
  steps: Step[];
  /** The object type holding the sensitive fields. */
  holder: GraphQLObjectType;
}

/** Every path (up to `maxDepth` object fields) from a query root to a type holding a sensitive field. */
function pathsToSensitive(schema: GraphQLSchema, holders: Set<string>, maxDepth = 4): PathToSensitive[] {
  const out: PathToSensitive[] = [];
  const walk = (type: GraphQLObjectType, steps: Step[], seen: Set<string>) => {
    if (holders.has(type.name) && steps.length) out.push({ steps, holder: type });
    if (steps.length >= maxDepth) return;
    for (const f of Object.values(type.getFields())) {
      const next = getNamedType(f.type);
      if (!isObjectType(next) || seen.has(next.name)) continue;
      walk(next, [...steps, { field: f, parent: type }], new Set([...seen, next.name]));
    }
  };
  walk(schema.getQueryType()!, [], new Set(['Query']));
  return out;
}

describeEachDb('privacy over GraphQL', (t) => {
  let server: RunningServer;
  let client: GqlClient;
  let actors: TestActors;
  let accountId: number;
  let contactId: number;
  const ctx = systemContext('test');
  const readEvents = async () => Number((await t().ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact.read'"))[0].n);

  beforeAll(async () => {
    const { services } = t();
    actors = await createActors(services);
    // 战略 and 公司级: the account is on the management-level list, the visit compliance and the team gaps too.
    const account = await services.accounts.create(ctx, { code: 'PRIV1', name: '隐私客户一', ownerUnitId: actors.unit.id, managerId: actors.manager.user!.id, tierCode: 'STRATEGIC', managementLevel: '公司级', registeredOn: '2024-01-01' });
    accountId = account.id;
    const c = await services.contacts.create(ctx, { accountId, ...PERSON, email: 'sunli@example.com', consentAt: new Date('2025-01-01T00:00:00Z'), consentSource: '书面同意书' });
    contactId = c.id;
    const project = await services.projects.createProject(ctx, { accountId, name: '隐私项目', status: 'IN_PROGRESS', managerId: actors.manager.user!.id });
    const committee: RequestContext = { ...ctx, actor: { kind: 'user', name: '委员', role: Role.COMMITTEE, userId: actors.committee.user!.id, unitId: null } };
    const manager: RequestContext = { ...ctx, actor: { kind: 'user', name: '周浩然', role: Role.MANAGER, userId: actors.manager.user!.id, unitId: actors.unit.id } };
    // An activity reaching every relation an activity has: its manager and participants, its project, the
    // collection it records (a payment), the follow-up (下一步工作) and complaint it raises, the plan it fulfils.
    const visit = await services.activities.create(ctx, {
      accountId, occurredOn: '2025-04-01', type: 'MANAGER_VISIT', managerId: actors.manager.user!.id, participantIds: [actors.manager.user!.id], projectId: project.id,
      subject: '回款与投诉', paymentAmount: 800, intelTags: ['投诉'], nextAction: '跟进投诉处理', nextActionDue: '2025-04-15',
    });
    // (The first activity is the one activity(id) is asked for; this one names the person.)
    await services.activities.create(ctx, { accountId, occurredOn: '2025-03-01', type: 'MANAGER_VISIT', counterparts: '孙丽', subject: '拜访孙丽' });
    // A record behind every single-record root that leads to the account, so the matrix reaches the person through each.
    await services.credit.create(ctx, { accountId, year: 2025, score: 70, rating: 'C' });
    await services.projects.createReceivable(ctx, { accountId, projectId: project.id, dueOn: '2025-06-30', amount: 1000 });
    await services.projects.createPayment(ctx, { accountId, projectId: project.id, receivedOn: '2025-05-30', amount: 500 });
    // Proposed by the manager: the proposer's managed accounts lead back to the person.
    await services.tierReviews.propose(manager, { accountId, toTier: 'KEY', reason: '年销售额调整' });
    await services.levelReviews.propose(manager, { accountId, toLevel: '分公司级', reason: '集团统一采购' });
    // The policies' records on the account (issue 19): a planned visit, a follow-up, a complaint, and the manager's handover.
    const plan = await services.plans.create(ctx, { accountId, scheduledOn: '2025-07-01', agenda: '回访孙丽', ourParticipantIds: [actors.manager.user!.id] });
    await services.plans.fulfil(ctx, plan.id, visit.id);
    // The manager on the account's service team (the user's holdings).
    await services.team.assign(ctx, { accountId, role: '技术负责人', userId: actors.manager.user!.id, fromDate: '2025-01-01' });
    // The committee member approves the yearly list and holds a seat on the team too.
    await services.team.assign(ctx, { accountId, role: '质量负责人', userId: actors.committee.user!.id, fromDate: '2025-01-01' });
    await services.tierLists.setApprover(committee, actors.committee.user!.id);
    await services.followUps.create(ctx, { accountId, description: '寄送报价', dueOn: '2025-07-10' });
    await services.complaints.create(ctx, { accountId, kind: 'QUALITY', subject: '异响', reportedOn: '2025-05-01' });
    await services.handovers.start(ctx, { userId: actors.manager.user!.id, reason: 'LONG_LEAVE', deactivate: false });
    // A recommendation (its own new candidate account, the manager's, with the person on it too) and the
    // year's tier list (every live account on it): the matrix reaches the person through both roots.
    const rec = await services.ownership.recommend(committee, { unitId: actors.unit.id, managerId: actors.manager.user!.id, account: { code: 'PRIV2', name: '隐私推荐客户' }, reason: '新客户' });
    await services.contacts.create(ctx, { accountId: rec.accountId, ...PERSON, consentAt: new Date('2025-01-01T00:00:00Z'), consentSource: '书面同意书' });
    await services.tierLists.draft(committee, new Date().getUTCFullYear());
    server = await startTestServer(services);
    client = new GqlClient(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('masks every sensitive field on every path of the schema, for every role (plain, aliased, fragments, nested)', async () => {
    const schema = await kamSchema();
    const coords = sensitiveCoordinates(schema);
    // The privacy list is in the schema (a new sensitive field joins the matrix by name or 🔒).
    expect(coords).toEqual(expect.arrayContaining(PRIVATE_CONTACT_FIELDS.map((field) => ({ type: 'Contact', field }))));
    const holders = new Set(coords.map((c) => c.type));
    const firstId = async (table: string) => {
      const [row] = await t().ds.query(`SELECT MIN(id) AS id FROM ${table}`);
      return row?.id == null ? undefined : Number(row.id);
    };
    /** The record each single-record root is asked for: the fixture's own, found by its table. */
    const TABLES: Record<string, string> = {
      Activity: 'activities', Project: 'projects', Assignment: 'assignments', CreditEvaluation: 'credit_evaluations', Receivable: 'receivables', Payment: 'payments',
      TierReview: 'tier_reviews', ManagementLevelReview: 'management_level_reviews', AccountRecommendation: 'account_recommendations', TierList: 'tier_lists',
      CommunicationPlan: 'communication_plans', FollowUpAction: 'follow_up_actions', Complaint: 'complaints', Handover: 'handovers',
    };
    const ids: Record<string, number | undefined> = { Contact: contactId, Account: accountId, PersonDataExport: contactId, OrgUnit: actors.unit.id, User: actors.manager.user!.id };
    for (const [type, table] of Object.entries(TABLES)) ids[type] = await firstId(table);
    const argsFor = (f: GraphQLField<unknown, unknown>): string | null => {
      const parts: string[] = [];
      const target = getNamedType(f.type).name;
      for (const a of f.args) {
        const named = getNamedType(a.type);
        // Statistics reach accounts only when grouped by account.
        if (a.name === 'groupBy' && isEnumType(named) && named.getValue('ACCOUNT')) {
          parts.push(`groupBy: [${['ACCOUNT', 'MANAGER'].filter((d) => named.getValue(d)).join(', ')}]`);
          continue;
        }
        if (!isNonNullType(a.type) || a.defaultValue !== undefined) {
          if (a.name === 'first') parts.push('first: 5');
          // account(id, code): one of them.
          if (a.name === 'id' && ids[target] !== undefined) parts.push(`id: "${ids[target]}"`);
          if (a.name === 'from') parts.push('from: "2025-01-01"');
          continue;
        }
        if (named.name === 'ID' && a.name === 'userId') parts.push(`${a.name}: "${actors.manager.user!.id}"`);
        else if (named.name === 'ID' && ids[target] !== undefined) parts.push(`${a.name}: "${ids[target]}"`);
        else if (named.name === 'LocalDate') parts.push(`${a.name}: "2025-06-30"`);
        else if (named.name === 'Int' && a.name === 'year') parts.push(`${a.name}: 2025`);
        else return null;
      }
      return parts.length ? `(${parts.join(', ')})` : '';
    };
    const covered = new Set<string>();
    const paths = pathsToSensitive(schema, holders);
    let tested = 0;
    /** Routes this matrix could not query (an argument it cannot generate) or that brought back nobody: each proves nothing, so each fails the test. */
    const ungenerated: string[] = [];
    /** Per route and field, how many values the roles that see the person in full read. */
    const fullValues = new Map<string, number>();
    /** Per route and field, how many masked values the masked roles read (a route no masked role reaches proves no masking). */
    const maskedValues = new Map<string, number>();
    for (const p of paths) {
      const args = p.steps.map((s) => argsFor(s.field));
      if (args.some((a) => a === null)) {
        ungenerated.push(p.steps.map((s) => s.field.name).join('.'));
        continue;
      }
      const fields = coords.filter((c) => c.type === p.holder.name).map((c) => c.field);
      // The leaf selection four ways: plain-aliased, aliased again, a named fragment, an inline fragment.
      const leaf = fields.map((f) => `p_${f}: ${f} a_${f}: ${f} ...F ... on ${p.holder.name} { i_${f}: ${f} }`).join(' ');
      let sel = `{ __typename ${leaf} }`;
      for (let i = p.steps.length - 1; i >= 0; i--) sel = `{ ${p.steps[i].field.name}${args[i]} ${sel} }`;
      const query = `query M ${sel} fragment F on ${p.holder.name} { ${fields.map((f) => `f_${f}: ${f}`).join(' ')} }`;
      const route = p.steps.map((s) => s.field.name).join('.');
      for (const role of ROLES) {
        const r = await client.as(actors[role].key).request(query);
        const seen: Record<string, unknown[]> = {};
        const collect = (v: unknown) => {
          if (Array.isArray(v)) return v.forEach(collect);
          if (!v || typeof v !== 'object') return;
          for (const [k, x] of Object.entries(v)) {
            const m = /^[paif]_(\w+)$/.exec(k);
            if (m) (seen[m[1]] ??= []).push(x);
            else collect(x);
          }
        };
        collect(r.data);
        const refused = r.errors?.some((e) => e.extensions?.code === 'FORBIDDEN') ?? false;
        for (const f of fields) {
          const values = seen[f] ?? [];
          const clear = (PERSON as Record<string, string>)[f];
          const label = `${role} ${route}.${f}`;
          if (FULL[role] && mayCall(route, role)) {
            expect([label, r.errors ?? []]).toEqual([label, []]);
            // A route that reaches no person here proves nothing about masking: the fixture must reach every one.
            if (values.length === 0) continue;
            fullValues.set(`${route}.${f}`, (fullValues.get(`${route}.${f}`) ?? 0) + values.length);
            // The fixture person in clear, four ways.
            expect([label, values.filter((v) => v === clear).length >= 4]).toEqual([label, true]);
          } else {
            // A masked role's answer came back (not an error that hides everything), unless it may not call the root at all.
            if (mayCall(route, role)) {
              expect([label, r.errors ?? []]).toEqual([label, []]);
              maskedValues.set(`${route}.${f}`, (maskedValues.get(`${route}.${f}`) ?? 0) + values.length);
            }
            // Never the clear value; the mobile masked, the 🔒 fields null.
            expect([label, values.filter((v) => v === clear)]).toEqual([label, []]);
            for (const v of values) expect([label, v === null || (f === 'mobile' && /^\d{3}\*{4}\d{4}$/.test(String(v)))]).toEqual([label, true]);
            if (!mayCall(route, role)) expect([label, refused]).toEqual([label, true]);
          }
          if (role === 'admin') covered.add(`${p.holder.name}.${f}`);
        }
      }
      tested++;
    }
    /**
     * Routes that can never lead back to a person, each for a reason of the domain, not of this fixture:
     * the test fails if one of them ever brings data (then it belongs in the matrix) or no longer exists.
     */
    const NEVER_REACHES: [RegExp, string][] = [
      [/\.decidedBy\.managedAccounts\.contacts$/, 'decisions are made by COMMITTEE or ADMIN users, who manage no account'],
      [/^tierLists?\.proposedBy\.managedAccounts\.contacts$/, 'the committee drafts the tier list'],
      [/^tierListApprover\.managedAccounts\.contacts$/, 'the approver is a COMMITTEE or ADMIN user'],
      [/^accountStats\.total\.account\.contacts$/, 'the total row belongs to no account'],
      [/^serviceTeamGaps\.user\.managedAccounts\.contacts$/, 'a vacant seat has no user, an inactive holder manages nothing'],
    ];
    /** Routes the masked roles reach nothing through: each reads itself, and they manage no account (a manager of it reads it in full). */
    const MASKED_NEVER_REACH = [/^me\.user\.managedAccounts\.contacts$/];
    const never = (key: string) => NEVER_REACHES.some(([re]) => re.test(key.replace(/\.\w+$/, '')));
    const allRoutes = [...new Set(paths.map((p) => p.steps.map((s) => s.field.name).join('.')))];
    for (const [re, why] of NEVER_REACHES) expect([why, allRoutes.some((r) => re.test(r))]).toEqual([why, true]);
    for (const [key, n] of [...fullValues, ...maskedValues]) if (never(key)) expect([key, n]).toEqual([key, 0]);
    const empty = paths.flatMap((p) => {
      const route = p.steps.map((s) => s.field.name).join('.');
      return coords.filter((c) => c.type === p.holder.name).map((c) => `${route}.${c.field}`).filter((k) => !fullValues.get(k) && !never(k));
    });
    const maskedEmpty = paths.flatMap((p) => {
      const route = p.steps.map((s) => s.field.name).join('.');
      if (!ROLES.some((r) => !FULL[r] && mayCall(route, r))) return [];
      if (MASKED_NEVER_REACH.some((re) => re.test(route))) return [];
      return coords.filter((c) => c.type === p.holder.name).map((c) => `${route}.${c.field}`).filter((k) => !maskedValues.get(k) && !never(k));
    });
    expect(ungenerated).toEqual([]);
    // Every route the schema has (but those above) brought the person back: in clear to a role that sees it
    // in full, masked to a masked role that may query it. A route with no data fails here, never skipped.
    expect(empty).toEqual([]);
    expect(maskedEmpty).toEqual([]);
    // Routes through which the fixture person must come back (in clear to ADMIN, masked to the masked roles):
    // the lists, the single records and every record type the fixture makes, plus statistics by account.
    const mustReach = [
      'contact', 'contacts.nodes', 'contacts.edges.node', 'account.contacts', 'accounts.nodes.contacts', 'exportPersonData.person',
      'assignment.account.contacts', 'creditEvaluation.account.contacts', 'receivable.account.contacts', 'payment.account.contacts',
      'tierReview.account.contacts', 'managementLevelReview.account.contacts', 'accountStats.rows.account.contacts', 'activity.account.contacts', 'project.account.contacts',
    ];
    for (const route of mustReach) {
      for (const f of PRIVATE_CONTACT_FIELDS) {
        const key = `${route}.${f}`;
        if (!paths.some((p) => p.steps.map((s) => s.field.name).join('.') === route)) continue;
        expect([key, empty.includes(key)]).toEqual([key, false]);
        if (route !== 'exportPersonData.person') expect([key, (maskedValues.get(key) ?? 0) > 0]).toEqual([key, true]);
      }
    }
    expect(mustReach.filter((r) => !paths.some((p) => p.steps.map((s) => s.field.name).join('.') === r))).toEqual([]);
    // Every sensitive field of the schema was reached by at least one generated query.
    expect([...covered].sort()).toEqual(coords.map((c) => `${c.type}.${c.field}`).sort());
    // Lists, single records and nested relations are all among the routes.
    const routes = paths.map((p) => p.steps.map((s) => s.field.name).join('.'));
    expect(routes).toEqual(expect.arrayContaining(['contact', 'contacts.nodes', 'contacts.edges.node', 'account.contacts', 'accounts.nodes.contacts', 'exportPersonData.person']));
    expect(tested).toBeGreaterThanOrEqual(10);
    // Some 150 routes × 6 roles, each a real HTTP request: minutes on a loaded 2-core machine.
  }, 300_000);

  it('writes ONE read event per request listing the persons and fields read in full, and none for masked reads', async () => {
    const { services } = t();
    const account = await services.accounts.create(ctx, { code: 'PRIV50', name: '五十人客户', managerId: actors.manager.user!.id });
    await services.contacts.createMany(ctx, Array.from({ length: 50 }, (_, i) => ({ accountId: account.id, name: `员工${i}`, mobile: `1390000${String(i).padStart(4, '0')}` })));
    const list = `{ contacts(first: 50, filter: { accountIds: ["${account.id}"] }) { nodes { id name mobile } } }`;

    let before = await readEvents();
    const d = await client.as(actors.admin.key).data<{ contacts: { nodes: { id: string; mobile: string }[] } }>(list);
    expect(d.contacts.nodes).toHaveLength(50);
    expect(d.contacts.nodes[0].mobile).toBe('13900000000');
    expect(await readEvents()).toBe(before + 1);
    const [ev] = await t().ds.query("SELECT * FROM audit_events WHERE action = 'contact.read' ORDER BY id DESC LIMIT 1");
    expect(ev.actor_role).toBe('ADMIN');
    // The name is 企业机密, read in full: on record as well.
    expect(ev.fields).toBe('mobile,name');
    expect(String(ev.record_ids).split(',').sort()).toEqual(d.contacts.nodes.map((n) => n.id).sort());
    expect(ev.origin).toMatch(/127\.0\.0\.1/);
    expect(ev.user_agent).toBeTruthy();
    // Never the values.
    expect(JSON.stringify(ev)).not.toContain('1390000');

    // ADMIN finds it in the trail of any one of the 50 persons.
    const trail = await client.as(actors.admin.key).data<{ auditEvents: { nodes: { action: string; recordIds: string[]; fields: string[]; userAgent: string | null }[] } }>(
      `{ auditEvents(filter: { entity: "Contact", entityId: "${d.contacts.nodes[17].id}", action: "contact.read" }) { nodes { action recordIds fields userAgent } } }`,
    );
    expect(trail.auditEvents.nodes).toHaveLength(1);
    expect(trail.auditEvents.nodes[0]).toMatchObject({ action: 'contact.read', fields: ['mobile', 'name'] });
    expect(trail.auditEvents.nodes[0].recordIds).toHaveLength(50);

    // The same query masked as ANALYST or another unit's manager: no read event (name 员*, mobile masked).
    before = await readEvents();
    const masked = await client.as(actors.analyst.key).data<{ contacts: { nodes: { mobile: string; name: string }[] } }>(list);
    expect(masked.contacts.nodes[0]).toMatchObject({ mobile: '139****0000', name: '员**' });
    await client.as(actors.otherManager.key).data(list);
    expect(await readEvents()).toBe(before);
    // FINANCE reads the names (企业机密) but not the mobiles (personal): one event naming the names only.
    await client.as(actors.finance.key).data(list);
    expect(await readEvents()).toBe(before + 1);
    const [fin] = await t().ds.query("SELECT actor_role, fields FROM audit_events WHERE action = 'contact.read' ORDER BY id DESC LIMIT 1");
    expect(fin).toMatchObject({ actor_role: 'FINANCE', fields: 'name' });

    // Twice through aliases, plus a fragment: still one event.
    before = await readEvents();
    await client.as(actors.manager.key).data(`{ a: contacts(first: 50, filter: { accountIds: ["${account.id}"] }) { nodes { mobile } } b: contacts(first: 10, filter: { accountIds: ["${account.id}"] }) { nodes { ...P } } } fragment P on Contact { m: mobile hobbies }`);
    expect(await readEvents()).toBe(before + 1);
    const [ev2] = await t().ds.query("SELECT actor, record_ids, fields FROM audit_events WHERE action = 'contact.read' ORDER BY id DESC LIMIT 1");
    expect(String(ev2.record_ids).split(',')).toHaveLength(50);
    // hobbies is null for all of them: nothing of it was read.
    expect(ev2.fields).toBe('mobile');

    // A query selecting no classified field: no event.
    before = await readEvents();
    await client.as(actors.admin.key).data(`{ contacts(first: 50, filter: { accountIds: ["${account.id}"] }) { nodes { id department } } }`);
    expect(await readEvents()).toBe(before);
  });

  it('exports everything held on a person (ADMIN), with consent history, activities naming them and who read their data', async () => {
    const { services } = t();
    await client.as(actors.committee.key).data(`{ contact(id: "${contactId}") { homeAddress } }`);
    await services.consent.record({ ...ctx }, contactId, { source: '微信确认', scope: '家庭住址' });
    const q = `{ exportPersonData(id: "${contactId}") { person { name mobile familyInfo homeAddress hobbies email } account { code } consents { action source scope } activities { subject } reads { actor fields } changes { action } } }`;
    const refused = await client.as(actors.committee.key).request(q);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const d = await client.as(actors.admin.key).data<{ exportPersonData: { person: Record<string, string>; account: { code: string }; consents: { action: string; source: string; scope: string }[]; activities: { subject: string }[]; reads: { actor: string; fields: string[] }[]; changes: { action: string }[] } }>(q);
    const x = d.exportPersonData;
    expect(x.person).toEqual({ ...PERSON, email: 'sunli@example.com' });
    expect(x.account.code).toBe('PRIV1');
    expect(x.consents.map((c) => [c.action, c.source])).toEqual([['RECORDED', '书面同意书'], ['RECORDED', '微信确认']]);
    expect(x.activities.map((a) => a.subject)).toEqual(['拜访孙丽']);
    expect(x.reads.some((r) => /COMMITTEE/.test(r.actor) && r.fields.includes('homeAddress'))).toBe(true);
    expect(x.changes.map((c) => c.action)).toEqual(expect.arrayContaining(['contact.consent.record']));
    const [exp] = await t().ds.query("SELECT entity_id, fields FROM audit_events WHERE action = 'contact.export' ORDER BY id DESC LIMIT 1");
    expect(exp.entity_id).toBe(String(contactId));
  });

  it('erases a person: personal fields cleared, stub name, audited once, idempotent, update cannot refill', async () => {
    const { ds, services } = t();
    const m = `mutation { erasePerson(id: "${contactId}", reason: "本人要求删除") { id name mobile familyInfo email erasedAt version } }`;
    expect((await client.as(actors.manager.key).request(m)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const d = await client.as(actors.admin.key).data<{ erasePerson: { name: string; mobile: null; familyInfo: null; email: null; erasedAt: string; version: number } }>(m);
    expect(d.erasePerson).toMatchObject({ name: `已删除-${contactId}`, mobile: null, familyInfo: null, email: null });
    expect(d.erasePerson.erasedAt).toBeTruthy();
    const [raw] = await ds.query('SELECT name, name_key, mobile, mobile_hash, email, birthday, family_info, home_address, hobbies, consent_source FROM contacts WHERE id = ?', [contactId]);
    expect(raw).toMatchObject({ name: `已删除-${contactId}`, mobile: null, mobile_hash: null, email: null, birthday: null, family_info: null, home_address: null, hobbies: null, consent_source: null });
    expect(raw.name_key).toMatch(/^erased:[0-9a-f]{64}$/);
    const again = await client.as(actors.admin.key).data<{ erasePerson: { version: number } }>(m);
    expect(again.erasePerson.version).toBe(d.erasePerson.version);
    const events = await ds.query("SELECT fields, after FROM audit_events WHERE action = 'contact.erase' AND entity_id = ?", [String(contactId)]);
    expect(events).toHaveLength(1);
    expect(events[0].fields).toContain('mobile');
    expect(events[0].after).toContain('本人要求删除');
    expect(events[0].after).not.toContain('13812341234');
    const c = await services.contacts.get(ctx, contactId);
    await expect(services.contacts.update(ctx, contactId, { mobile: '13812341234' }, c.version)).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
  it('withholds the data when the read cannot be recorded', async () => {
    const { services } = t();
    const audit = Object.assign(Object.create(Object.getPrototypeOf(services.audit)), services.audit, { flushReads: () => Promise.reject(new Error('disk full')) });
    const fresh = await services.contacts.create(ctx, { accountId, name: '钱进', mobile: PERSON.mobile });
    const broken = await startTestServer({ ...services, audit });
    try {
      const r = await new GqlClient(broken.url).as(actors.admin.key).request(`{ contact(id: "${fresh.id}") { name mobile } }`);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(r)).not.toContain(PERSON.mobile);
      // A masked read records nothing, so it is answered.
      const masked = await new GqlClient(broken.url).as(actors.analyst.key).data<{ contact: { mobile: string } }>(`{ contact(id: "${fresh.id}") { mobile } }`);
      expect(masked.contact.mobile).toBe('138****1234');
    } finally {
      await broken.close();
    }
  });

  it('the audit trail is append-only: UPDATE and DELETE are refused by the database, except the retention prune', async () => {
    const { ds, services } = t();
    const [{ n: total }] = await ds.query('SELECT COUNT(*) AS n FROM audit_events');
    expect(Number(total)).toBeGreaterThan(0);
    await expect(ds.query("UPDATE audit_events SET actor = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(ds.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM audit_events'))[0].n)).toBe(Number(total));

    // Nothing is old enough yet: the prune deletes nothing and says so.
    expect((await services.audit.prune(ctx, 30)).deleted).toBe(0);
    // Ten days from now with a retention of one day: everything before that goes, the prune's own record stays.
    const later = new Date(Date.now() + 10 * 86_400_000);
    const res = await services.audit.prune(ctx, 1, later);
    expect(res.deleted).toBe(Number(total) + 1);
    const rest = await ds.query('SELECT action FROM audit_events ORDER BY id');
    expect(rest.map((r: { action: string }) => r.action)).toEqual(['audit.prune']);
    // And the guard is back in place after the prune.
    await expect(ds.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    // Pruning is for ADMIN only.
    await expect(services.audit.prune({ ...ctx, actor: { ...ctx.actor, role: 'COMMITTEE' as never, kind: 'user' } }, 1)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
