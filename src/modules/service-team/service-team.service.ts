/**
 * 服务团队 (policy 003): every account has a team — the account manager (the ownership's seat), a
 * resident representative for large strategic accounts, one named owner each for technical, quality
 * and after-sales, design, legal… Roles and the requirements per tier are data; every seat is kept
 * with its dates, so the per-role visit rules count only the visits the role's holder took part in.
 */
import { deleteWhere } from '../../db/deletions';
import { In, IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { AccountStatus, Role } from '../../common/enums';
import { dateOrToday, type LocalDate } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { cleanText, nameKey, optionalText } from '../../common/text';
import { yuanToFen } from '../../common/money';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { updateVersioned } from '../../db/versioned';
import type { AuditService } from '../audit/audit.service';
import type { AccessService } from '../auth/access.service';
import { assertRole } from '../auth/access.rules';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { activeUser } from '../org/active-user';
import { Assignment } from '../ownership/assignment.entity';
import type { TierService } from '../tiers/tier.service';
import { matchByLabel } from '../tiers/tier.service';
import { TeamMember } from './team-member.entity';
import { TeamRequirement } from './team-requirement.entity';
import { TeamRole } from './team-role.entity';
import { TeamGapReasons, decideTeamChange, teamGaps, type Seat, type TeamGap } from './service-team.rules';

export interface AssignTeamMemberInput {
  accountId: number;
  /** Role code, name or alias (技术负责人, TECHNICAL…). */
  role: string;
  userId: number;
  /** From this day (default today); the previous holder's seat ends on it. */
  fromDate?: LocalDate | null;
  note?: string | null;
}

export interface TeamRoleInput {
  code?: string | null;
  name?: string | null;
  rank?: number | null;
  aliases?: string[] | null;
  description?: string | null;
  active?: boolean | null;
}

export interface TeamRequirementInput {
  /** Tier code, name or alias; null = every tier. */
  tier?: string | null;
  role: string;
  /** Recorded annual sales (元) from which the requirement applies; null = always. */
  minAnnualSales?: number | null;
  description?: string | null;
}

/** One seat of an account's team now: a member, or the account manager from the ownership. */
export interface TeamSeat {
  accountId: number;
  roleId: number;
  userId: number;
  fromDate: LocalDate;
  /** The member row; null for the account manager's seat (the ownership's assignment). */
  member: TeamMember | null;
}

export interface TeamGapFilter {
  accountIds?: number[] | null;
  tierIds?: number[] | null;
  ownerUnitId?: number | null;
  managerId?: number | null;
}

const LIVE = [AccountStatus.ACTIVE, AccountStatus.SUSPENDED];

export class AccountTeamService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly tiers: TierService,
    private readonly clock: Clock,
  ) {}

  getRole(ctx: RequestContext, id: number): Promise<TeamRole> {
    return findByIdOrFail(this.ds, ctx, TeamRole, id);
  }

  getRequirement(ctx: RequestContext, id: number): Promise<TeamRequirement> {
    return findByIdOrFail(this.ds, ctx, TeamRequirement, id);
  }

  listRoles(ctx: RequestContext): Promise<TeamRole[]> {
    return managerFor(this.ds, ctx).find(TeamRole, { order: { rank: 'ASC', id: 'ASC' } });
  }

  /** The role a label names (code, name or alias); VALIDATION_FAILED listing the roles when none. */
  async resolveRole(ctx: RequestContext, input: string, field = 'role'): Promise<TeamRole> {
    const roles = await this.listRoles(ctx);
    const role = matchByLabel(roles, input);
    if (!role) throw new DomainError(ErrorCode.INVALID_ENUM, `${field}: "${input}" is not a team role (${roles.filter((r) => r.active).map((r) => r.name).join('、')})`, { field, value: input });
    return role;
  }

  async createRole(ctx: RequestContext, input: TeamRoleInput): Promise<TeamRole> {
    assertRole(ctx, [], 'createTeamRole');
    const code = cleanText(input.code)?.toUpperCase().replace(/\s+/g, '_');
    const name = cleanText(input.name);
    if (!code || !/^[A-Z][A-Z0-9_]{0,31}$/.test(code)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'code: letters, digits and _ (at most 32, starting with a letter)', { field: 'code' });
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 名称 is required', { field: 'name' });
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const values = { code, name, rank: input.rank ?? 50, aliases: cleanAliases(input.aliases), description: optionalText(input.description, 'description'), active: input.active ?? true };
      await this.assertLabelsFree(tx, values, null);
      const role = em.create(TeamRole, { ...values, fromOwnership: false });
      await em.save(role);
      await this.audit.record(tx, { action: 'teamRole.create', entity: 'TeamRole', entityId: role.id, after: values });
      return role;
    });
  }

  async updateRole(ctx: RequestContext, id: number, input: TeamRoleInput, expectedVersion?: number | null): Promise<TeamRole> {
    assertRole(ctx, [], 'updateTeamRole');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const role = await em.findOneBy(TeamRole, { id });
      if (!role) throw notFound('TeamRole', id);
      const values: Partial<TeamRole> = {};
      if (input.name !== undefined) {
        const name = cleanText(input.name);
        if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 名称 is required', { field: 'name' });
        values.name = name;
      }
      if (input.rank != null) values.rank = input.rank;
      if (input.aliases !== undefined) values.aliases = cleanAliases(input.aliases);
      if (input.description !== undefined) values.description = optionalText(input.description, 'description');
      if (input.active != null) {
        if (!input.active && role.fromOwnership) throw new DomainError(ErrorCode.INVALID_STATE, 'active: the account manager\'s seat cannot be switched off', { field: 'active' });
        values.active = input.active;
      }
      await this.assertLabelsFree(tx, { code: role.code, name: values.name ?? role.name, aliases: values.aliases ?? role.aliases }, id);
      await updateVersioned(em, TeamRole, role, values, expectedVersion, `team role ${role.code}`);
      await this.audit.record(tx, { action: 'teamRole.update', entity: 'TeamRole', entityId: id, fields: Object.keys(values), after: values });
      return em.findOneByOrFail(TeamRole, { id });
    });
  }

  listRequirements(ctx: RequestContext): Promise<TeamRequirement[]> {
    return managerFor(this.ds, ctx).find(TeamRequirement, { order: { id: 'ASC' } });
  }

  /** Sets what a tier's accounts must have (the committee): one requirement per tier and role. */
  async setRequirement(ctx: RequestContext, input: TeamRequirementInput): Promise<TeamRequirement> {
    assertRole(ctx, [Role.COMMITTEE], 'setTeamRequirement');
    const role = await this.resolveRole(ctx, input.role);
    if (role.fromOwnership) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'role: every live account has its account manager through the ownership already', { field: 'role' });
    const tierId = cleanText(input.tier) ? (await this.tiers.resolve(input.tier as string, 'tier')).id : null;
    if (input.minAnnualSales != null && input.minAnnualSales < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, 'minAnnualSales: must not be negative', { field: 'minAnnualSales' });
    const values = { minAnnualSalesFen: input.minAnnualSales == null ? null : yuanToFen(input.minAnnualSales, 'minAnnualSales'), description: optionalText(input.description, 'description'), active: true };
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const existing = await em.findOneBy(TeamRequirement, { tierId: tierId ?? IsNull(), roleId: role.id });
      if (existing) await updateVersioned(em, TeamRequirement, existing, values, null, `team requirement #${existing.id}`);
      else await em.insert(TeamRequirement, { tierId, roleId: role.id, ...values, version: 1 });
      const row = await em.findOneByOrFail(TeamRequirement, { tierId: tierId ?? IsNull(), roleId: role.id });
      await this.audit.record(tx, {
        action: 'teamRequirement.set', entity: 'TeamRequirement', entityId: row.id, fields: ['minAnnualSalesFen', 'active'],
        before: existing ? { minAnnualSalesFen: existing.minAnnualSalesFen, active: existing.active } : null, after: { tierId, roleId: role.id, ...values },
      });
      return row;
    });
  }

  async deleteRequirement(ctx: RequestContext, id: number): Promise<TeamRequirement> {
    assertRole(ctx, [Role.COMMITTEE], 'deleteTeamRequirement');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const row = await em.findOneBy(TeamRequirement, { id });
      if (!row) throw notFound('TeamRequirement', id);
      await deleteWhere(em, TeamRequirement, { id });
      await this.audit.record(tx, { action: 'teamRequirement.delete', entity: 'TeamRequirement', entityId: id, before: { tierId: row.tierId, roleId: row.roleId, minAnnualSalesFen: row.minAnnualSalesFen } });
      return row;
    });
  }

  /** Seats `userId` in a role on an account; whoever held the role before leaves it on the same day. */
  async assign(ctx: RequestContext, input: AssignTeamMemberInput): Promise<TeamMember> {
    const fromDate = assertNotFuture(this.clock, dateOrToday(input.fromDate, 'fromDate'), 'fromDate');
    const note = optionalText(input.note, 'note');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const { account, role } = await this.decide(tx, input.accountId, input.role);
      const user = await activeUser(em, input.userId, 'userId');
      const current = await em.findBy(TeamMember, { accountId: account.id, roleId: role.id, toDate: IsNull() });
      if (current.some((m) => m.userId === user.id)) throw new DomainError(ErrorCode.ALREADY_EXISTS, `userId: ${user.name} already is ${role.name} of account ${account.code}`, { field: 'userId' });
      for (const m of current) {
        if (fromDate < m.fromDate) throw new DomainError(ErrorCode.VALIDATION_FAILED, `fromDate: ${fromDate} is before the current ${role.name} took the role (${m.fromDate})`, { field: 'fromDate' });
        await em.update(TeamMember, { id: m.id, toDate: IsNull() }, { toDate: fromDate });
      }
      const member = em.create(TeamMember, { accountId: account.id, roleId: role.id, userId: user.id, fromDate, toDate: null, note, assignedById: ctx.actor.userId });
      await em.save(member);
      await this.audit.record(tx, {
        action: 'team.assign', entity: 'Account', entityId: account.id, fields: ['serviceTeam'],
        before: { role: role.code, userIds: current.map((m) => m.userId) }, after: { role: role.code, userId: user.id, fromDate, memberId: member.id },
      });
      return member;
    });
  }

  /** Ends a seat (the role stays empty until someone is seated). */
  async end(ctx: RequestContext, memberId: number, toDateInput?: LocalDate | null, noteInput?: string | null): Promise<TeamMember> {
    const toDate = assertNotFuture(this.clock, dateOrToday(toDateInput, 'toDate'), 'toDate');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const member = await em.findOneBy(TeamMember, { id: memberId });
      if (!member) throw notFound('TeamMember', memberId);
      const role = await em.findOneByOrFail(TeamRole, { id: member.roleId });
      await this.decide(tx, member.accountId, role.code);
      if (member.toDate !== null) throw new DomainError(ErrorCode.ALREADY_DECIDED, `id: the seat already ended on ${member.toDate}`, { field: 'id' });
      if (toDate < member.fromDate) throw new DomainError(ErrorCode.VALIDATION_FAILED, `toDate: before the seat began (${member.fromDate})`, { field: 'toDate' });
      await em.update(TeamMember, { id: member.id }, { toDate, note: optionalText(noteInput, 'note') ?? member.note });
      await this.audit.record(tx, { action: 'team.end', entity: 'Account', entityId: member.accountId, fields: ['serviceTeam'], before: { memberId, toDate: null }, after: { role: role.code, userId: member.userId, toDate } });
      return em.findOneByOrFail(TeamMember, { id: memberId });
    });
  }

  /** Moves a seat to a successor from `on` (a handover: the leaving holder's seat ends, the successor's begins). */
  async handOver(ctx: RequestContext, member: TeamMember, successorId: number, on: LocalDate): Promise<void> {
    const em = managerFor(this.ds, ctx);
    await em.update(TeamMember, { id: member.id, toDate: IsNull() }, { toDate: on < member.fromDate ? member.fromDate : on });
    const open = await em.findOneBy(TeamMember, { accountId: member.accountId, roleId: member.roleId, userId: successorId, toDate: IsNull() });
    if (!open) await em.insert(TeamMember, { accountId: member.accountId, roleId: member.roleId, userId: successorId, fromDate: on, toDate: null, note: '工作交接 / handover', assignedById: ctx.actor.userId });
  }

  /** Open seats a user holds (for handovers). */
  openSeatsOf(ctx: RequestContext, userId: number): Promise<TeamMember[]> {
    return managerFor(this.ds, ctx).find(TeamMember, { where: { userId, toDate: IsNull() }, order: { id: 'ASC' } });
  }

  /** Everyone who held a role on an account (history), oldest first. */
  history(ctx: RequestContext, accountId: number): Promise<TeamMember[]> {
    return managerFor(this.ds, ctx).find(TeamMember, { where: { accountId }, order: { fromDate: 'ASC', id: 'ASC' } });
  }

  /** The current team of each account: the account manager's seat (ownership) and the open members. */
  async seats(ctx: RequestContext, accountIds: readonly number[]): Promise<Map<number, TeamSeat[]>> {
    const em = managerFor(this.ds, ctx);
    const ids = [...new Set(accountIds)];
    const out = new Map<number, TeamSeat[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const managerRole = (await this.listRoles(ctx)).find((r) => r.fromOwnership);
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      if (managerRole) {
        const accounts = await em.find(Account, { select: { id: true, managerId: true }, where: { id: In(chunk) } });
        const primaries = await em.find(Assignment, { select: { id: true, accountId: true, managerId: true, fromDate: true }, where: { accountId: In(chunk), isPrimary: true, toDate: IsNull() } });
        const since = new Map(primaries.map((p) => [p.accountId, p.fromDate]));
        for (const a of accounts) {
          if (a.managerId !== null) out.get(a.id)!.push({ accountId: a.id, roleId: managerRole.id, userId: a.managerId, fromDate: since.get(a.id) ?? '', member: null });
        }
      }
      for (const m of await em.find(TeamMember, { where: { accountId: In(chunk), toDate: IsNull() }, order: { roleId: 'ASC', id: 'ASC' } })) {
        out.get(m.accountId)!.push({ accountId: m.accountId, roleId: m.roleId, userId: m.userId, fromDate: m.fromDate, member: m });
      }
    }
    return out;
  }

  /**
   * Required seats that are empty (or held by someone who left) on live accounts: the requirements
   * of each account's tier whose recorded-sales threshold it reaches.
   */
  async gaps(ctx: RequestContext, filter: TeamGapFilter = {}): Promise<TeamGap[]> {
    const em = managerFor(this.ds, ctx);
    const requirements = (await this.listRequirements(ctx)).filter((r) => r.active);
    if (!requirements.length) return [];
    const qb = em.createQueryBuilder(Account, 'a').select(['a.id', 'a.tierId', 'a.managerId']).where('a.status IN (:...live)', { live: LIVE });
    if (filter.accountIds) qb.andWhere(filter.accountIds.length ? 'a.id IN (:...ids)' : '1 = 0', { ids: filter.accountIds });
    if (filter.tierIds) qb.andWhere(filter.tierIds.length ? 'a.tierId IN (:...tierIds)' : '1 = 0', { tierIds: filter.tierIds });
    if (filter.ownerUnitId != null) qb.andWhere('a.ownerUnitId = :unit', { unit: filter.ownerUnitId });
    if (filter.managerId != null) qb.andWhere('a.managerId = :mgr', { mgr: filter.managerId });
    const tierIds = new Set(requirements.map((r) => r.tierId));
    const accounts = (await qb.orderBy('a.id', 'ASC').getMany()).filter((a) => tierIds.has(null) || tierIds.has(a.tierId));
    if (!accounts.length) return [];
    const figures = await this.tiers.figures(ctx, accounts.map((a) => a.id));
    const seats = await this.seats(ctx, accounts.map((a) => a.id));
    const userIds = [...new Set([...seats.values()].flat().map((s) => s.userId))];
    const active = new Set<number>();
    for (let i = 0; i < userIds.length; i += 1000) for (const u of await em.find(User, { select: { id: true, active: true }, where: { id: In(userIds.slice(i, i + 1000)) } })) if (u.active) active.add(u.id);
    const flat: Seat[] = [...seats.values()].flat().map((s) => ({ accountId: s.accountId, roleId: s.roleId, userId: s.userId, userActive: active.has(s.userId) }));
    return teamGaps(accounts.map((a) => ({ id: a.id, tierId: a.tierId, recordedSalesFen: figures.get(a.id)?.recordedSalesFen ?? 0 })), requirements, flat);
  }

  /**
   * 风险提示 lines for the monthly report: per account, the required seats empty today —
   * `服务团队缺位：驻点代表（未指定）、技术支持（人员已离职或停用）`.
   */
  async gapRiskLines(ctx: RequestContext, accountIds: readonly number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (!accountIds.length) return out;
    const roles = new Map((await this.listRoles(ctx)).map((r) => [r.id, r.name]));
    const byAccount = new Map<number, string[]>();
    for (const gap of await this.gaps(ctx, { accountIds: [...new Set(accountIds)] })) {
      const seat = `${roles.get(gap.requirement.roleId) ?? `#${gap.requirement.roleId}`}（${TeamGapReasons.label(gap.reason)}）`;
      const seats = byAccount.get(gap.accountId) ?? [];
      if (!seats.includes(seat)) byAccount.set(gap.accountId, [...seats, seat]);
    }
    for (const [accountId, seats] of byAccount) out.set(accountId, [`服务团队缺位：${seats.join('、')}`]);
    return out;
  }

  private async decide(ctx: RequestContext, accountId: number, roleLabel: string): Promise<{ account: Account; role: TeamRole }> {
    assertRole(ctx, [Role.MANAGER, Role.COMMITTEE], 'change service teams');
    const account = await managerFor(this.ds, ctx).findOneBy(Account, { id: accountId });
    if (!account) throw new DomainError(ErrorCode.NOT_FOUND, `accountId: account ${accountId} not found`, { field: 'accountId' });
    const role = await this.resolveRole(ctx, roleLabel);
    const manages = ctx.actor.role === Role.MANAGER && (await this.access.manages(ctx, account));
    decideTeamChange(ctx.actor, account, manages, role);
    return { account, role };
  }

  private async assertLabelsFree(ctx: RequestContext, values: { code: string; name: string; aliases: string[] }, selfId: number | null): Promise<void> {
    const others = (await this.listRoles(ctx)).filter((r) => r.id !== selfId);
    for (const label of [values.code, values.name, ...values.aliases]) {
      const clash = others.find((o) => [o.code, o.name, ...o.aliases].some((l) => nameKey(l) === nameKey(label)));
      if (clash) throw new DomainError(ErrorCode.ALREADY_EXISTS, `${label === values.code ? 'code' : label === values.name ? 'name' : 'aliases'}: "${label}" already names the role ${clash.name}`, { field: 'code' });
    }
  }
}

function cleanAliases(input: string[] | null | undefined): string[] {
  const out: string[] = [];
  for (const raw of input ?? []) {
    const a = cleanText(raw);
    if (a && !out.some((x) => nameKey(x) === nameKey(a))) out.push(a);
  }
  return out;
}
