import { IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { OrgUnitKind, Role, Roles, OrgUnitKinds } from '../../common/enums';
import { toId, toIdOrNull, toIds, type Id } from '../../common/ids';
import { paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { cleanText, nameKey } from '../../common/text';
import { normalizeEmail, normalizePhone } from '../../common/validation';
import { inTransaction, managerFor } from '../../db/transaction';
import { Where } from '../../db/filters';
import { ListQuery } from '../../db/list-query';
import { deleteVersioned, patchFields, updateVersioned } from '../../db/versioned';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../auth/access.service';
import { Account } from '../accounts/account.entity';
import { Project } from '../projects/project.entity';
import { Activity } from '../activities/activity.entity';
import { Assignment } from '../ownership/assignment.entity';
import { TeamMember } from '../service-team/team-member.entity';
import { ConfidentialityAgreement } from '../agreements/agreement.entity';
import { OrgUnit } from './org-unit.entity';
import { User } from './user.entity';
import { hashPassword } from '../auth/password';

export interface CreateUnitInput {
  code: string;
  name: string;
  kind?: OrgUnitKind | string | null;
  parentId?: Id | null;
}

export interface UpdateUnitInput {
  code?: string | null;
  name?: string | null;
  kind?: OrgUnitKind | string | null;
  parentId?: Id | null;
  active?: boolean | null;
}

export interface UnitFilter {
  kinds?: (OrgUnitKind | string)[] | null;
  parentIds?: Id[] | null;
  active?: boolean | null;
}

export interface UserFilter {
  roles?: (Role | string)[] | null;
  unitIds?: Id[] | null;
  active?: boolean | null;
  nameContains?: string | null;
}

export enum UnitSortField {
  ID = 'ID',
  CODE = 'CODE',
  NAME = 'NAME',
}

export enum UserSortField {
  ID = 'ID',
  NAME = 'NAME',
  LOGIN = 'LOGIN',
}

const UNIT_SORTS: SortColumns<UnitSortField> = {
  ID: { column: 'id', property: 'id' },
  CODE: { column: 'code', property: 'code' },
  NAME: { column: 'name', property: 'name' },
};
const USER_SORTS: SortColumns<UserSortField> = {
  ID: { column: 'id', property: 'id' },
  NAME: { column: 'name', property: 'name' },
  LOGIN: { column: 'login', property: 'login' },
};

export interface UpdateUserInput {
  login?: string | null;
  name?: string | null;
  role?: Role | string | null;
  unitId?: Id | null;
  phone?: string | null;
  email?: string | null;
  active?: boolean | null;
}

export interface CreateUserInput {
  login?: string | null;
  name: string;
  role: Role | string;
  unitId?: Id | null;
  phone?: string | null;
  email?: string | null;
  password?: string | null;
  active?: boolean;
}

/** Asked before a user is deactivated: refuses (HANDOVER_REQUIRED) while they still hold anything. */
export type DeactivationGuard = (ctx: RequestContext, user: User) => Promise<void>;

/** 单位与用户: units (公司/分公司/部门) and the people who use KAM Hub, managers among them. Writes: ADMIN. */
export class OrgService {
  private deactivationGuard: DeactivationGuard | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly maxPageSize: () => number,
  ) {}

  /** The handover rule (policy 002): nobody leaves with accounts, seats, actions or complaints left behind. */
  setDeactivationGuard(guard: DeactivationGuard): void {
    this.deactivationGuard = guard;
  }

  pageUnits(ctx: RequestContext, filter: UnitFilter | null | undefined, page: PageArgs, order?: SortOrder<UnitSortField> | null, columns?: readonly string[]): Promise<Connection<OrgUnit>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), OrgUnit, 'u');
    new Where(qb)
      .in('kind', f.kinds?.map((k) => OrgUnitKinds.parse(String(k), 'filter.kinds')))
      .in('parentId', toIds(f.parentIds, 'filter.parentIds'))
      .eq('active', f.active);
    return paginate(qb, page, sortSpec(UNIT_SORTS, order, UnitSortField.ID), this.maxPageSize(), columns);
  }

  pageUsers(ctx: RequestContext, filter: UserFilter | null | undefined, page: PageArgs, order?: SortOrder<UserSortField> | null, columns?: readonly string[]): Promise<Connection<User>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), User, 'usr');
    const q = cleanText(f.nameContains);
    new Where(qb)
      .in('role', f.roles?.map((r) => Roles.parse(String(r), 'filter.roles')))
      .in('unitId', toIds(f.unitIds, 'filter.unitIds'))
      .eq('active', f.active)
      .contains(q, ['name', q ?? ''], ['nameKey', q ? nameKey(q) : '']);
    return paginate(qb, page, sortSpec(USER_SORTS, order, UserSortField.ID), this.maxPageSize(), columns);
  }

  /** Applies a patch to a unit (ADMIN); its place in the tree stays a tree. */
  async updateUnit(ctx: RequestContext, id: Id, input: UpdateUnitInput, expectedVersion?: number | null): Promise<OrgUnit> {
    this.access.assertAdmin(ctx, 'change units');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const unit = await this.getUnit(tx, toId(id, 'id'));
      const v: Partial<OrgUnit> = {};
      if (input.code !== undefined) {
        const code = cleanText(input.code);
        if (!code) throw new DomainError(ErrorCode.REQUIRED, 'code: a unit needs a code', { field: 'code' });
        const other = await em.findOneBy(OrgUnit, { code });
        if (other && other.id !== unit.id) throw new DomainError(ErrorCode.ALREADY_EXISTS, `code: unit ${code} already exists`, { field: 'code' });
        v.code = code;
      }
      if (input.name !== undefined) {
        const name = cleanText(input.name);
        if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: a unit needs a name', { field: 'name' });
        const other = await em.findOneBy(OrgUnit, { nameKey: nameKey(name) });
        if (other && other.id !== unit.id) throw new DomainError(ErrorCode.ALREADY_EXISTS, `name: a unit named ${name} already exists`, { field: 'name' });
        v.name = name;
        v.nameKey = nameKey(name);
      }
      if (input.kind !== undefined) v.kind = input.kind ? OrgUnitKinds.parse(String(input.kind), 'kind') : OrgUnitKind.BRANCH;
      if (input.active !== undefined && input.active !== null) v.active = input.active;
      if (input.parentId !== undefined) {
        const parentId = toIdOrNull(input.parentId, 'parentId');
        if (parentId !== null) {
          await this.getUnit(tx, parentId).catch(() => {
            throw new DomainError(ErrorCode.NOT_FOUND, `parentId: unit ${parentId} not found`, { field: 'parentId' });
          });
          for (let cursor: number | null = parentId; cursor !== null; ) {
            if (cursor === unit.id) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'parentId: the unit tree would become a cycle', { field: 'parentId' });
            cursor = (await em.findOne(OrgUnit, { where: { id: cursor }, select: { id: true, parentId: true } }))?.parentId ?? null;
          }
        }
        v.parentId = parentId;
      }
      await updateVersioned(em, OrgUnit, unit, v, expectedVersion, `unit ${unit.code}`);
      await this.audit.record(tx, { action: 'unit.update', entity: 'OrgUnit', entityId: unit.id, fields: patchFields(input), after: v });
      return this.getUnit(tx, unit.id);
    });
  }

  /** Deletes a unit nothing refers to (ADMIN); otherwise IN_USE — deactivate it instead. */
  async deleteUnit(ctx: RequestContext, id: Id, expectedVersion: number): Promise<OrgUnit> {
    this.access.assertAdmin(ctx, 'delete units');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const unit = await this.getUnit(tx, toId(id, 'id'));
      const used = (
        [
          ['units below it', await em.countBy(OrgUnit, { parentId: unit.id })],
          ['users', await em.countBy(User, { unitId: unit.id })],
          ['accounts', await em.countBy(Account, { ownerUnitId: unit.id })],
          ['projects', await em.countBy(Project, { unitId: unit.id })],
          ['assignments', await em.countBy(Assignment, { unitId: unit.id })],
        ] as [string, number][]
      ).filter(([, n]) => n > 0);
      if (used.length) {
        throw new DomainError(ErrorCode.IN_USE, `unit ${unit.code} still has ${used.map(([w, n]) => `${n} ${w}`).join(', ')}; deactivate it (active: false) instead`, { field: 'id' });
      }
      await deleteVersioned(em, OrgUnit, unit, expectedVersion, `unit ${unit.code}`);
      await this.audit.record(tx, { action: 'unit.delete', entity: 'OrgUnit', entityId: unit.id, before: { code: unit.code, name: unit.name } });
      return unit;
    });
  }

  /** Applies a patch to a user (ADMIN). A new role or unit applies to login tokens issued from now on. */
  async updateUser(ctx: RequestContext, id: Id, input: UpdateUserInput, expectedVersion?: number | null): Promise<User> {
    this.access.assertAdmin(ctx, 'change users');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const user = await this.getUser(tx, toId(id, 'id'));
      const v: Partial<User> = {};
      if (input.login !== undefined) {
        const login = cleanText(input.login);
        if (login !== null) {
          assertLogin(login);
          const other = await em.findOneBy(User, { login });
          if (other && other.id !== user.id) throw new DomainError(ErrorCode.ALREADY_EXISTS, `login: ${login} is taken`, { field: 'login' });
        }
        v.login = login;
      }
      if (input.name !== undefined) {
        const name = cleanText(input.name);
        if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: a user needs a name', { field: 'name' });
        v.name = name;
        v.nameKey = nameKey(name);
      }
      if (input.role !== undefined) {
        if (!input.role) throw new DomainError(ErrorCode.REQUIRED, 'role: a user needs a role', { field: 'role' });
        v.role = Roles.parse(String(input.role), 'role');
      }
      if (input.unitId !== undefined) {
        const unitId = toIdOrNull(input.unitId, 'unitId');
        if (unitId !== null && !(await em.existsBy(OrgUnit, { id: unitId }))) throw new DomainError(ErrorCode.NOT_FOUND, `unitId: unit ${unitId} not found`, { field: 'unitId' });
        v.unitId = unitId;
      }
      if (input.phone !== undefined) v.phone = cleanText(input.phone) ? normalizePhone(input.phone as string, 'phone') : null;
      if (input.email !== undefined) v.email = cleanText(input.email) ? normalizeEmail(input.email as string, 'email') : null;
      if (input.active !== undefined && input.active !== null) v.active = input.active;
      if (v.active === false && user.active) await this.deactivationGuard?.(tx, user);
      await updateVersioned(em, User, user, v, expectedVersion, `user ${user.name}`);
      await this.audit.record(tx, { action: 'user.update', entity: 'User', entityId: user.id, fields: patchFields(input) });
      return this.getUser(tx, user.id);
    });
  }

  /**
   * Deletes a user entered by mistake (ADMIN). Someone who manages accounts or projects, logged
   * activities or took part in ownership decisions is refused (IN_USE): deactivate them (active: false).
   */
  async deleteUser(ctx: RequestContext, id: Id, expectedVersion: number): Promise<User> {
    this.access.assertAdmin(ctx, 'delete users');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const user = await this.getUser(tx, toId(id, 'id'));
      if (ctx.actor.userId === user.id) throw new DomainError(ErrorCode.INVALID_STATE, 'id: you cannot delete yourself', { field: 'id' });
      const used = (
        [
          ['accounts', await em.countBy(Account, { managerId: user.id })],
          ['projects', await em.countBy(Project, { managerId: user.id })],
          ['activities', await em.countBy(Activity, { managerId: user.id })],
          ['assignments', await em.countBy(Assignment, { managerId: user.id })],
          ['service-team seats', await em.countBy(TeamMember, { userId: user.id })],
          ['confidentiality agreements', await em.countBy(ConfidentialityAgreement, { userId: user.id })],
        ] as [string, number][]
      ).filter(([, n]) => n > 0);
      if (used.length) {
        throw new DomainError(ErrorCode.IN_USE, `user ${user.name} is referenced by ${used.map(([w, n]) => `${n} ${w}`).join(', ')}; deactivate them (active: false) instead`, { field: 'id' });
      }
      await deleteVersioned(em, User, user, expectedVersion, `user ${user.name}`);
      await this.audit.record(tx, { action: 'user.delete', entity: 'User', entityId: user.id, before: { login: user.login, name: user.name } });
      return user;
    });
  }

  async getUnit(ctx: RequestContext, id: number): Promise<OrgUnit> {
    const unit = await managerFor(this.ds, ctx).findOneBy(OrgUnit, { id });
    if (!unit) throw notFound('OrgUnit', id);
    return unit;
  }

  findUnitByName(ctx: RequestContext, name: string): Promise<OrgUnit | null> {
    return managerFor(this.ds, ctx).findOneBy(OrgUnit, { nameKey: nameKey(name) });
  }

  findUnitByCode(ctx: RequestContext, code: string): Promise<OrgUnit | null> {
    return managerFor(this.ds, ctx).findOneBy(OrgUnit, { code: code.trim() });
  }

  listUnits(ctx: RequestContext): Promise<OrgUnit[]> {
    return managerFor(this.ds, ctx).find(OrgUnit, { order: { id: 'ASC' } });
  }

  async createUnit(ctx: RequestContext, input: CreateUnitInput): Promise<OrgUnit> {
    this.access.assertAdmin(ctx, 'create units');
    const em = managerFor(this.ds, ctx);
    const code = cleanText(input.code);
    const name = cleanText(input.name);
    if (!code) throw new DomainError(ErrorCode.REQUIRED, 'code: a unit needs a code', { field: 'code' });
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: a unit needs a name', { field: 'name' });
    if (await em.existsBy(OrgUnit, { code })) throw new DomainError(ErrorCode.ALREADY_EXISTS, `code: unit ${code} already exists`, { field: 'code' });
    if (await em.existsBy(OrgUnit, { nameKey: nameKey(name) })) throw new DomainError(ErrorCode.ALREADY_EXISTS, `name: a unit named ${name} already exists`, { field: 'name' });
    const parentId = toIdOrNull(input.parentId, 'parentId');
    if (parentId !== null && !(await em.existsBy(OrgUnit, { id: parentId }))) throw new DomainError(ErrorCode.NOT_FOUND, `parentId: unit ${parentId} not found`, { field: 'parentId' });
    const unit = em.create(OrgUnit, {
      code,
      name,
      nameKey: nameKey(name),
      kind: input.kind ? OrgUnitKinds.parse(String(input.kind), 'kind') : OrgUnitKind.BRANCH,
      parentId,
      active: true,
    });
    await em.save(unit);
    await this.audit.record(ctx, { action: 'unit.create', entity: 'OrgUnit', entityId: unit.id, after: { code, name } });
    return unit;
  }

  async getUser(ctx: RequestContext, id: number): Promise<User> {
    const user = await managerFor(this.ds, ctx).findOneBy(User, { id });
    if (!user) throw notFound('User', id);
    return user;
  }

  findUserByLogin(ctx: RequestContext, login: string): Promise<User | null> {
    return managerFor(this.ds, ctx).findOneBy(User, { login: login.trim() });
  }

  /** A manager by name within a unit (names repeat across a company, not within a unit). */
  findManager(ctx: RequestContext, unitId: number | null, name: string): Promise<User | null> {
    return managerFor(this.ds, ctx).findOne(User, { where: { unitId: unitId ?? IsNull(), nameKey: nameKey(name) }, order: { id: 'ASC' } });
  }

  async createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    this.access.assertAdmin(ctx, 'create users');
    const em = managerFor(this.ds, ctx);
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: a user needs a name', { field: 'name' });
    const role = Roles.parse(String(input.role), 'role');
    const login = cleanText(input.login);
    if (login !== null) {
      assertLogin(login);
      if (await em.existsBy(User, { login })) throw new DomainError(ErrorCode.ALREADY_EXISTS, `login: ${login} is taken`, { field: 'login' });
    }
    const unitId = toIdOrNull(input.unitId, 'unitId');
    if (unitId !== null && !(await em.existsBy(OrgUnit, { id: unitId }))) throw new DomainError(ErrorCode.NOT_FOUND, `unitId: unit ${unitId} not found`, { field: 'unitId' });
    const phone = cleanText(input.phone);
    const email = cleanText(input.email);
    const user = em.create(User, {
      login,
      name,
      nameKey: nameKey(name),
      role,
      unitId,
      phone: phone ? normalizePhone(phone, 'phone') : null,
      email: email ? normalizeEmail(email, 'email') : null,
      active: input.active ?? true,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      failedLogins: 0,
      lockedUntil: null,
    });
    await em.save(user);
    await this.audit.record(ctx, { action: 'user.create', entity: 'User', entityId: user.id, after: { login, name, role, unitId: user.unitId } });
    return user;
  }
}

function assertLogin(login: string): void {
  if (!/^[A-Za-z0-9._@-]{2,64}$/.test(login)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `login: "${login}" may use letters, digits and . _ @ - (2–64 characters)`, { field: 'login' });
}
