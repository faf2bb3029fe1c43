/** Shared test fixtures: one API key per role (two managers), on a small org. */
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import type { OrgUnit } from '../../src/modules/org/org-unit.entity';
import type { User } from '../../src/modules/org/user.entity';
import type { Services } from '../../src/services';

export interface TestActor {
  /** Bearer secret. */
  key: string;
  role: Role;
  user: User | null;
}

export interface TestActors {
  unit: OrgUnit;
  otherUnit: OrgUnit;
  admin: TestActor;
  committee: TestActor;
  /** Manages the accounts the tests call "own". */
  manager: TestActor;
  /** Another manager (of other accounts, in another unit). */
  otherManager: TestActor;
  finance: TestActor;
  analyst: TestActor;
}

let seq = 0;

/** Units, a user per role and an API key acting as each. `tag` keeps logins unique within a database. */
export async function createActors(services: Services, tag = `t${++seq}`): Promise<TestActors> {
  const ctx = systemContext('test');
  const unit = await services.org.createUnit(ctx, { code: `${tag}-HD`, name: `${tag}华东分公司` });
  const otherUnit = await services.org.createUnit(ctx, { code: `${tag}-HN`, name: `${tag}华南分公司` });
  const actor = async (role: Role, name: string, unitId: number | null): Promise<TestActor> => {
    const user = await services.org.createUser(ctx, { login: `${tag}.${role.toLowerCase()}.${unitId ?? 0}`, name, role, unitId });
    const { secret } = await services.auth.createApiKey(ctx, { name: `${tag}-${role}-${name}`, role, userId: user.id });
    // Everyone who handles key-account information has signed the confidentiality agreement (保密协议).
    await services.agreements.record(ctx, { userId: user.id, documentVersion: '2024版', signedOn: '2024-01-01' });
    return { key: secret, role, user };
  };
  return {
    unit,
    otherUnit,
    admin: await actor(Role.ADMIN, '管理员', null),
    committee: await actor(Role.COMMITTEE, '委员', null),
    manager: await actor(Role.MANAGER, '周浩然', unit.id),
    otherManager: await actor(Role.MANAGER, '李思远', otherUnit.id),
    finance: await actor(Role.FINANCE, '财务', null),
    analyst: await actor(Role.ANALYST, '分析', null),
  };
}
