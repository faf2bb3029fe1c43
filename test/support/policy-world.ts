/**
 * A small company for the policy tests: three branches, managers in each, a committee member, an
 * admin, finance and an analyst — each with an API key — and helpers to act as any of them, through
 * the services (a RequestContext) or over HTTP (a GqlClient).
 */
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../src/common/context';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import type { RunningServer } from '../../src/http/server';
import type { Services } from '../../src/services';
import type { OrgUnit } from '../../src/modules/org/org-unit.entity';
import type { User } from '../../src/modules/org/user.entity';
import type { AccountInput } from '../../src/modules/accounts/account.service';
import type { Account } from '../../src/modules/accounts/account.entity';
import { GqlClient, startTestServer } from './graphql-client';

export type Who = 'admin' | 'committee' | 'hdManager' | 'hdManager2' | 'hnManager' | 'hbManager' | 'finance' | 'analyst' | 'newcomer';

export interface PolicyWorld {
  units: { hq: OrgUnit; hd: OrgUnit; hn: OrgUnit; hb: OrgUnit };
  users: Record<Who, User>;
  /** A service-level context acting as that user. */
  as(who: Who): RequestContext;
  /** A GraphQL client over HTTP with that user's API key. */
  gql(who: Who): GqlClient;
  /** That user's API key (for the HTTP routes). */
  key(who: Who): string;
  anonymous: GqlClient;
  server: RunningServer;
  system: RequestContext;
  close(): Promise<void>;
}

const ROLE: Record<Who, Role> = {
  admin: Role.ADMIN, committee: Role.COMMITTEE, hdManager: Role.MANAGER, hdManager2: Role.MANAGER, hnManager: Role.MANAGER,
  hbManager: Role.MANAGER, finance: Role.FINANCE, analyst: Role.ANALYST, newcomer: Role.MANAGER,
};

/** Everyone signed the confidentiality agreement (保密协议) — except the newcomer, whose agreement is not on file yet. */
const WITHOUT_AGREEMENT: readonly Who[] = ['newcomer'];

export async function createPolicyWorld(services: Services): Promise<PolicyWorld> {
  const system = systemContext('test', 'test');
  const hq = await services.org.createUnit(system, { code: 'HQ', name: '总公司', kind: 'COMPANY' });
  const hd = await services.org.createUnit(system, { code: 'HD', name: '华东分公司', parentId: hq.id });
  const hn = await services.org.createUnit(system, { code: 'HN', name: '华南分公司', parentId: hq.id });
  const hb = await services.org.createUnit(system, { code: 'HB', name: '华北分公司', parentId: hq.id });
  const spec: Record<Who, { name: string; unit: OrgUnit | null }> = {
    admin: { name: '系统管理员', unit: hq }, committee: { name: '王委员', unit: hq }, hdManager: { name: '周浩然', unit: hd },
    hdManager2: { name: '陈静', unit: hd }, hnManager: { name: '李晓峰', unit: hn }, hbManager: { name: '赵磊', unit: hb },
    finance: { name: '钱会计', unit: hq }, analyst: { name: '孙分析', unit: null }, newcomer: { name: '吴新人', unit: hd },
  };
  const users = {} as Record<Who, User>;
  const keys = {} as Record<Who, string>;
  for (const who of Object.keys(spec) as Who[]) {
    users[who] = await services.org.createUser(system, { login: who, name: spec[who].name, role: ROLE[who], unitId: spec[who].unit?.id ?? null });
    keys[who] = (await services.auth.createApiKey(system, { name: `key-${who}`, role: ROLE[who], userId: users[who].id })).secret;
    if (!WITHOUT_AGREEMENT.includes(who)) await services.agreements.record(system, { userId: users[who].id, documentVersion: '2024版', signedOn: '2024-01-01' });
  }
  const server = await startTestServer(services);
  const client = new GqlClient(server.url);
  return {
    units: { hq, hd, hn, hb },
    users,
    as: (who) => ({
      actor: { kind: 'user', name: who, role: ROLE[who], userId: users[who].id, unitId: users[who].unitId },
      requestId: randomUUID(),
      origin: 'test',
      confidentiality: WITHOUT_AGREEMENT.includes(who) ? { userId: users[who].id, agreements: [], requiredVersion: null } : { userId: users[who].id, agreements: [{ documentVersion: '2024版', signedOn: '2024-01-01', expiresOn: null, revokedOn: null }], requiredVersion: null },
    }),
    gql: (who) => client.as(keys[who]),
    key: (who) => keys[who],
    anonymous: client,
    server,
    system,
    close: () => server.close(),
  };
}

let serial = 0;

/** An ACTIVE account owned by `unit` and `manager`, created the way an ADMIN or an import would. */
export async function ownedAccount(services: Services, world: PolicyWorld, unit: OrgUnit, manager: User, extra: AccountInput = {}): Promise<Account> {
  serial++;
  return services.accounts.create(world.system, {
    code: `T${String(serial).padStart(4, '0')}`,
    name: `测试客户${serial}有限公司`,
    tierCode: 'KEY',
    ownerUnitId: unit.id,
    managerId: manager.id,
    registeredOn: '2024-01-01',
    ...extra,
  });
}

/** The GraphQL error code and reason of a failed request (first error). */
export function errorOf(r: { errors?: { message: string; extensions?: { code?: string; reason?: string; field?: string } }[] }) {
  const e = r.errors?.[0];
  return { code: e?.extensions?.code, reason: e?.extensions?.reason, field: e?.extensions?.field, message: e?.message ?? '' };
}
