import { IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { OrgUnitKind, Role, Roles, OrgUnitKinds } from '../../common/enums';
import { cleanText, nameKey } from '../../common/text';
import { normalizeEmail, normalizePhone } from '../../common/validation';
import { managerFor } from '../../db/transaction';
import { AuditService } from '../audit/audit.service';
import { OrgUnit } from './org-unit.entity';
import { User } from './user.entity';
import { hashPassword } from '../auth/password';

export interface CreateUnitInput {
  code: string;
  name: string;
  kind?: OrgUnitKind | string | null;
  parentId?: number | null;
}

export interface CreateUserInput {
  login?: string | null;
  name: string;
  role: Role | string;
  unitId?: number | null;
  phone?: string | null;
  email?: string | null;
  password?: string | null;
  active?: boolean;
}

/** 单位与用户: units (公司/分公司/部门) and the people who use KAM Hub, managers among them. */
export class OrgService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

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
    const em = managerFor(this.ds, ctx);
    const code = cleanText(input.code);
    const name = cleanText(input.name);
    if (!code) throw new DomainError(ErrorCode.REQUIRED, 'code: a unit needs a code', { field: 'code' });
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: a unit needs a name', { field: 'name' });
    if (await em.existsBy(OrgUnit, { code })) throw new DomainError(ErrorCode.ALREADY_EXISTS, `code: unit ${code} already exists`, { field: 'code' });
    if (await em.existsBy(OrgUnit, { nameKey: nameKey(name) })) throw new DomainError(ErrorCode.ALREADY_EXISTS, `name: a unit named ${name} already exists`, { field: 'name' });
    if (input.parentId != null) await this.getUnit(ctx, input.parentId);
    const unit = em.create(OrgUnit, {
      code,
      name,
      nameKey: nameKey(name),
      kind: input.kind ? OrgUnitKinds.parse(String(input.kind), 'kind') : OrgUnitKind.BRANCH,
      parentId: input.parentId ?? null,
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
    const em = managerFor(this.ds, ctx);
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: a user needs a name', { field: 'name' });
    const role = Roles.parse(String(input.role), 'role');
    const login = cleanText(input.login);
    if (login !== null) {
      if (!/^[A-Za-z0-9._@-]{2,64}$/.test(login)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `login: "${login}" may use letters, digits and . _ @ - (2–64 characters)`, { field: 'login' });
      if (await em.existsBy(User, { login })) throw new DomainError(ErrorCode.ALREADY_EXISTS, `login: ${login} is taken`, { field: 'login' });
    }
    if (input.unitId != null) await this.getUnit(ctx, input.unitId);
    const phone = cleanText(input.phone);
    const email = cleanText(input.email);
    const user = em.create(User, {
      login,
      name,
      nameKey: nameKey(name),
      role,
      unitId: input.unitId ?? null,
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
