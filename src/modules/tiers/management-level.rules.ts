/** 公司级 / 分公司级 governance (policy 004), as pure functions over the unit tree. */
import type { OrgUnitKind } from '../../common/enums';

type UnitNode = { id: number; parentId: number | null; kind: OrgUnitKind };

/**
 * The unit that leads an account of a level: the nearest unit of the level's `leadUnitKind` at or
 * above the owning unit — the head office (COMPANY) for 公司级, the branch for 分公司级 — else the
 * owning unit itself (an organisation without such a unit above it). Which unit is which is data.
 */
export function leadUnitOf(ownerUnitId: number | null, kind: OrgUnitKind, units: ReadonlyMap<number, UnitNode>): number | null {
  if (ownerUnitId === null) return null;
  const seen = new Set<number>();
  for (let cursor: number | null = ownerUnitId; cursor !== null && !seen.has(cursor); ) {
    seen.add(cursor);
    const unit = units.get(cursor);
    if (!unit) break;
    if (unit.kind === kind) return unit.id;
    cursor = unit.parentId;
  }
  return ownerUnitId;
}
