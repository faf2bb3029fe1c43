import type { DataSource } from 'typeorm';
import { say } from '../../common/messages';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { ImportAnnex } from '../../common/enums';
import { nameKey } from '../../common/text';
import { toIdOrNull, type Id } from '../../common/ids';
import { managerFor, inTransaction } from '../../db/transaction';
import { deleteVersioned, updateVersioned } from '../../db/versioned';
import { assertRole } from '../auth/access.rules';
import type { AuditService } from '../audit/audit.service';
import { OrgUnit } from '../org/org-unit.entity';
import { ANNEXES } from '../../../importers/annexes';
import { builtInRules, validateMapping, type MappingRule } from '../../../importers/read/mappings';
import { ImportMapping, ImportMappingKind } from './import-mapping.entity';

export interface ImportMappingInput {
  kind: ImportMappingKind;
  /** null: every annex. */
  annex?: ImportAnnex | null;
  /** Column key (`role`) or header (角色). */
  column: string;
  fromText: string;
  /** VALUE: code or label (决策者); 是/否 for 在职 and 信息采集同意. */
  toValue?: string | null;
  /** null: global. */
  unitId?: Id | null;
  note?: string | null;
}

export interface ImportMappingFilter {
  kind?: ImportMappingKind | null;
  annex?: ImportAnnex | null;
  /** Mappings of this unit (and the global ones when `withGlobal`). */
  unitId?: Id | null;
}

/** A built-in mapping as the API lists it. */
export interface BuiltInMappingView {
  annex: ImportAnnex | null;
  column: string;
  fromText: string;
  toValue: string;
  set: string;
}

const ADMIN_ONLY = [] as const;

/**
 * 导入映射: header aliases and value mappings an admin confirmed (关键人 → 决策者, "3" → 一般), global or
 * for one unit's files, for one annex or all. Imports apply them (a unit's before the global ones, both
 * before the vocabularies) and name each one in the report where it applied. ADMIN only.
 */
export class ImportMappingService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext, filter?: ImportMappingFilter | null): Promise<ImportMapping[]> {
    assertRole(ctx, ADMIN_ONLY, 'read import mappings');
    const qb = managerFor(this.ds, ctx).createQueryBuilder(ImportMapping, 'm').orderBy('m.id', 'ASC');
    if (filter?.kind) qb.andWhere('m.kind = :kind', { kind: filter.kind });
    if (filter?.annex) qb.andWhere('(m.annex = :annex OR m.annex IS NULL)', { annex: filter.annex });
    const unitId = toIdOrNull(filter?.unitId ?? null, 'filter.unitId');
    if (unitId !== null) qb.andWhere('m.unitId = :unitId', { unitId });
    return qb.getMany();
  }

  /** The built-in scales and yes/no words (saved mappings for the same word override them). */
  builtIn(annex?: ImportAnnex | null): BuiltInMappingView[] {
    return builtInRules()
      .filter((r) => !annex || r.annex === null || r.annex === annex)
      .map((r) => ({ annex: r.annex, column: r.column, fromText: r.fromText, toValue: r.toValue ?? '', set: r.scopeLabel }));
  }

  /** Saves a mapping: a new one, or the one already saved for the same word in the same scope (replaced). */
  async save(ctx: RequestContext, input: ImportMappingInput): Promise<ImportMapping> {
    assertRole(ctx, ADMIN_ONLY, 'save import mappings');
    const values = await this.normalize(ctx, input);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const existing = await em.findOneBy(ImportMapping, { scopeKey: values.scopeKey });
      let saved: ImportMapping;
      if (existing) {
        await updateVersioned(em, ImportMapping, existing, values, null, `import mapping ${existing.id}`);
        saved = await em.findOneByOrFail(ImportMapping, { id: existing.id });
      } else {
        saved = await em.save(em.create(ImportMapping, { ...values, createdBy: ctx.actor.name.slice(0, 100) }));
      }
      await this.audit.record(tx, { action: 'import.mapping.save', entity: 'ImportMapping', entityId: saved.id, before: existing ? view(existing) : undefined, after: view(saved) });
      return saved;
    });
  }

  /** Changes a saved mapping (all of it), refusing a stale version. */
  async update(ctx: RequestContext, id: Id, input: ImportMappingInput, expectedVersion: number): Promise<ImportMapping> {
    assertRole(ctx, ADMIN_ONLY, 'change import mappings');
    const values = await this.normalize(ctx, input);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const m = await this.get(tx, id);
      const clash = await em.findOneBy(ImportMapping, { scopeKey: values.scopeKey });
      if (clash && clash.id !== m.id) throw new DomainError(ErrorCode.ALREADY_EXISTS, say(`映射 ${clash.id} 已在此范围内映射「${values.fromText}」：请修改或删除那一条`, `mapping ${clash.id} already maps "${values.fromText}" in this scope; change or delete that one`), { field: 'fromText' });
      await updateVersioned(em, ImportMapping, m, values, expectedVersion, `import mapping ${m.id}`);
      const saved = await em.findOneByOrFail(ImportMapping, { id: m.id });
      await this.audit.record(tx, { action: 'import.mapping.update', entity: 'ImportMapping', entityId: m.id, before: view(m), after: view(saved) });
      return saved;
    });
  }

  async delete(ctx: RequestContext, id: Id, expectedVersion: number): Promise<ImportMapping> {
    assertRole(ctx, ADMIN_ONLY, 'delete import mappings');
    return inTransaction(this.ds, ctx, async (tx) => {
      const m = await this.get(tx, id);
      await deleteVersioned(managerFor(this.ds, tx), ImportMapping, m, expectedVersion, `import mapping ${m.id}`);
      await this.audit.record(tx, { action: 'import.mapping.delete', entity: 'ImportMapping', entityId: m.id, before: view(m) });
      return m;
    });
  }

  /** One saved mapping by id (ADMIN). */
  async get(ctx: RequestContext, id: Id): Promise<ImportMapping> {
    assertRole(ctx, ADMIN_ONLY, 'read import mappings');
    const n = toIdOrNull(id, 'id');
    const m = n === null ? null : await managerFor(this.ds, ctx).findOneBy(ImportMapping, { id: n });
    if (!m) throw notFound('ImportMapping', String(id));
    return m;
  }

  /**
   * The saved mappings one import applies: the global ones and those of `unitId` (the unit the file
   * comes from), as rules for the parser. Read by the importer (no role check: the import checked it).
   */
  async rulesFor(annex: ImportAnnex, unitId: number | null): Promise<MappingRule[]> {
    const em = this.ds.manager;
    const rows = await em
      .createQueryBuilder(ImportMapping, 'm')
      .where('(m.annex = :annex OR m.annex IS NULL)', { annex })
      .andWhere(unitId === null ? 'm.unitId IS NULL' : '(m.unitId IS NULL OR m.unitId = :unitId)', { unitId })
      .getMany();
    const units = new Map<number, string>();
    for (const u of unitId === null ? [] : await em.find(OrgUnit, { select: { id: true, name: true }, where: { id: unitId } })) units.set(u.id, u.name);
    return rows.map((r) => ({
      kind: r.kind, annex: r.annex, column: r.column, fromText: r.fromText, toValue: r.toValue, id: r.id,
      scope: r.unitId === null ? 'GLOBAL' : 'UNIT',
      scopeLabel: r.unitId === null ? '全局 / global' : `单位 / unit ${units.get(r.unitId) ?? r.unitId}`,
    }));
  }

  private async normalize(ctx: RequestContext, input: ImportMappingInput): Promise<Omit<ImportMapping, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'createdBy'>> {
    let v;
    try {
      v = validateMapping({ kind: input.kind, annex: input.annex ?? null, column: input.column, fromText: input.fromText, toValue: input.toValue }, Object.values(ANNEXES));
    } catch (e) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `${say('导入映射', 'import mapping')}: ${(e as Error).message}`, { field: input.kind === 'HEADER' ? 'column' : 'toValue' });
    }
    const unitId = toIdOrNull(input.unitId ?? null, 'unitId');
    if (unitId !== null && !(await managerFor(this.ds, ctx).existsBy(OrgUnit, { id: unitId }))) throw notFound('OrgUnit', unitId);
    const note = input.note?.trim() || null;
    if (note && note.length > 500) throw new DomainError(ErrorCode.VALIDATION_FAILED, `note: ${say('最多 500 个字', 'at most 500 characters')}`, { field: 'note' });
    const kind = v.kind === 'HEADER' ? ImportMappingKind.HEADER : ImportMappingKind.VALUE;
    // One mapping per word and scope: a header alias per annex, a value per column.
    const scopeKey = [kind, v.annex ?? '*', kind === ImportMappingKind.VALUE ? v.column : '', nameKey(v.fromText), unitId ?? 0].join('|').slice(0, 255);
    return { kind, annex: v.annex, column: v.column, fromText: v.fromText, toValue: v.toValue, unitId, note, scopeKey };
  }
}

function view(m: ImportMapping) {
  return { kind: m.kind, annex: m.annex, column: m.column, fromText: m.fromText, toValue: m.toValue, unitId: m.unitId };
}
