/**
 * Need-to-know: the facts the pure rules (need-to-know.rules.ts) read — the grants an ADMIN made and
 * the unit tree — loaded once per request, the accounts' owners per batch, and the grants themselves.
 */
import { In, IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { Role, Roles } from '../../common/enums';
import { requiredText } from '../../common/text';
import { managerFor } from '../../db/transaction';
import type { AuditService } from '../audit/audit.service';
import { assertRole } from '../auth/access.rules';
import { Account } from '../accounts/account.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { Assignment } from '../ownership/assignment.entity';
import { DataAccessGrant } from './data-access-grant.entity';
import { DataClass } from './data-classes';
import { readsAllConfidentialByRole, type AccountFacts, type ReadFacts } from './need-to-know.rules';
import { hasValidAgreement } from '../agreements/agreement.rules';
import { today } from '../../common/dates';

/** Classes whose scope an ADMIN may grant a role (personal data never: PIPL). */
const GRANTABLE: readonly DataClass[] = [DataClass.CONFIDENTIAL];

export class NeedToKnowService {
  private readonly perRequest = new WeakMap<RequestContext, Promise<ReadFacts>>();
  /** The same facts once loaded, for callers that can then decide without waiting. */
  private readonly loaded = new WeakMap<RequestContext, ReadFacts>();

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The grants and the unit tree, once per request context. */
  facts(ctx: RequestContext): Promise<ReadFacts> {
    let facts = this.perRequest.get(ctx);
    if (!facts) {
      facts = this.loadFacts(ctx).then((f) => {
        this.loaded.set(ctx, f);
        return f;
      });
      this.perRequest.set(ctx, facts);
    }
    return facts;
  }

  /** {@link facts} when they are already loaded for this request (undefined until then). */
  loadedFacts(ctx: RequestContext): ReadFacts | undefined {
    return this.loaded.get(ctx);
  }

  private async loadFacts(ctx: RequestContext): Promise<ReadFacts> {
    const em = managerFor(this.ds, ctx);
    const { actor } = ctx;
    // Only what a decision for this caller can read: grants never widen a role that reads every
    // account's confidential data anyway, and the unit tree only places accounts relative to the
    // caller's own unit (every rule answers "not in the caller's unit" first for a caller without one).
    const needsGrants = actor.kind !== 'anonymous' && !readsAllConfidentialByRole(actor.role);
    const needsUnits = actor.kind !== 'anonymous' && actor.unitId !== null;
    const [grants, units] = await Promise.all([
      needsGrants ? em.find(DataAccessGrant, { select: { id: true, role: true, dataClass: true }, where: { dataClass: DataClass.CONFIDENTIAL, revokedAt: IsNull() } }) : [],
      needsUnits ? em.find(OrgUnit, { select: { id: true, parentId: true } }) : [],
    ]);
    const parent = new Map(units.map((u) => [u.id, u.parentId]));
    const above = new Map<number, number[]>();
    return {
      agreementValid: hasValidAgreement(ctx.actor, ctx.confidentiality, today()),
      grantedRoles: new Set(grants.map((g) => g.role)),
      unitsAbove(unitId: number): readonly number[] {
        // A programming error, not a decision: the rules never place accounts for a caller without a unit.
        if (!needsUnits) throw new Error('unitsAbove: the unit tree is not loaded for a caller without a unit');
        let chain = above.get(unitId);
        if (!chain) {
          chain = [];
          for (let u: number | null | undefined = unitId; u != null && !chain.includes(u) && chain.length < 32; u = parent.get(u)) chain.push(u);
          above.set(unitId, chain);
        }
        return chain;
      },
    };
  }

  /** Owner, manager and cross-region units of accounts, for the rules (two queries per 1,000 accounts). */
  async accountFacts(ctx: RequestContext, ids: readonly number[]): Promise<Map<number, AccountFacts>> {
    const em = managerFor(this.ds, ctx);
    const out = new Map<number, AccountFacts>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 1000) {
      const chunk = unique.slice(i, i + 1000);
      for (const a of await em.find(Account, { select: { id: true, ownerUnitId: true, managerId: true }, where: { id: In(chunk) } })) {
        out.set(a.id, { id: a.id, ownerUnitId: a.ownerUnitId, managerId: a.managerId, crossRegionUnitIds: [] });
      }
      for (const x of await em.find(Assignment, { select: { id: true, accountId: true, unitId: true }, where: { accountId: In(chunk), isPrimary: false, toDate: IsNull() } })) {
        (out.get(x.accountId)?.crossRegionUnitIds as number[] | undefined)?.push(x.unitId);
      }
    }
    return out;
  }

  listGrants(ctx: RequestContext, includeRevoked = false): Promise<DataAccessGrant[]> {
    assertRole(ctx, [Role.COMMITTEE], 'read data access grants');
    return managerFor(this.ds, ctx).find(DataAccessGrant, { where: includeRevoked ? {} : { revokedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** One grant (null when there is none with that id). */
  getGrant(ctx: RequestContext, id: number): Promise<DataAccessGrant | null> {
    assertRole(ctx, [Role.COMMITTEE], 'read data access grants');
    return managerFor(this.ds, ctx).findOneBy(DataAccessGrant, { id });
  }

  /** An ADMIN grants `role` the scope of `dataClass` over every account (e.g. ANALYST: CONFIDENTIAL for BI). */
  async grant(ctx: RequestContext, input: { role: Role | string; dataClass: DataClass; note: string }): Promise<DataAccessGrant> {
    assertRole(ctx, [], 'grant data access');
    const role = Roles.parse(String(input.role), 'role');
    if (!GRANTABLE.includes(input.dataClass)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `dataClass: ${input.dataClass} is not granted by role; personal information stays with the people responsible (PIPL)`, { field: 'dataClass' });
    }
    const note = requiredText(input.note, 'note', '授权理由 / why the role needs it', 1000);
    const em = managerFor(this.ds, ctx);
    const existing = await em.findOneBy(DataAccessGrant, { role, dataClass: input.dataClass, revokedAt: IsNull() });
    if (existing) throw new DomainError(ErrorCode.ALREADY_EXISTS, `role: ${role} already has ${input.dataClass} (grant #${existing.id})`, { field: 'role' });
    const grant = em.create(DataAccessGrant, {
      role, dataClass: input.dataClass, note, grantedById: ctx.actor.userId, grantedByName: ctx.actor.name.slice(0, 200), revokedAt: null, revokedByName: null,
    });
    await em.save(grant);
    await this.audit.record(ctx, { action: 'dataAccess.grant', entity: 'DataAccessGrant', entityId: grant.id, after: { role, dataClass: input.dataClass, note } });
    return grant;
  }

  async revoke(ctx: RequestContext, id: number, noteInput: string): Promise<DataAccessGrant> {
    assertRole(ctx, [], 'revoke data access');
    const note = requiredText(noteInput, 'note', '撤销理由 / why', 1000);
    const em = managerFor(this.ds, ctx);
    const grant = await em.findOneBy(DataAccessGrant, { id });
    if (!grant) throw notFound('DataAccessGrant', id);
    if (grant.revokedAt) throw new DomainError(ErrorCode.ALREADY_DECIDED, `grant #${id} was already revoked`, { field: 'id' });
    await em.update(DataAccessGrant, { id }, { revokedAt: new Date(), revokedByName: ctx.actor.name.slice(0, 200) });
    await this.audit.record(ctx, { action: 'dataAccess.revoke', entity: 'DataAccessGrant', entityId: id, before: { role: grant.role, dataClass: grant.dataClass }, after: { note } });
    return em.findOneByOrFail(DataAccessGrant, { id });
  }
}
