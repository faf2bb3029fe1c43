import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors';
import { nameKey } from '../../common/text';
import { Tier } from './tier.entity';
import { ManagementLevel } from './management-level.entity';

/** Tiers and management levels: data, matched by code, name or any alias. */
export class TierService {
  constructor(private readonly ds: DataSource) {}

  list(): Promise<Tier[]> {
    return this.ds.getRepository(Tier).find({ order: { rank: 'ASC', id: 'ASC' } });
  }

  listManagementLevels(): Promise<ManagementLevel[]> {
    return this.ds.getRepository(ManagementLevel).find({ order: { rank: 'ASC', id: 'ASC' } });
  }

  /** The tier whose code, name or alias matches (`战略客户`, `重要级`, `KEY`…), or undefined. */
  async lookup(input: string): Promise<Tier | undefined> {
    return matchByLabel(await this.list(), input);
  }

  async resolve(input: string, field = 'tierCode'): Promise<Tier> {
    const tiers = await this.list();
    const tier = matchByLabel(tiers, input);
    if (!tier) {
      throw new DomainError(ErrorCode.UNKNOWN_TIER, `${field}: "${input}" is not a tier (${tiers.map((t) => `${t.name} ${t.code}`).join('、')})`, { field, value: input });
    }
    return tier;
  }

  async resolveManagementLevel(input: string, field = 'managementLevel'): Promise<ManagementLevel> {
    const levels = await this.listManagementLevels();
    const level = matchByLabel(levels, input);
    if (!level) {
      throw new DomainError(ErrorCode.INVALID_ENUM, `${field}: "${input}" is not a management level (${levels.map((t) => t.name).join('、')})`, { field, value: input });
    }
    return level;
  }
}

/** Matches a code, name or alias, ignoring case, width and spaces. */
export function matchByLabel<T extends { code: string; name: string; aliases: string[] }>(rows: T[], input: string): T | undefined {
  const key = nameKey(input);
  return rows.find((r) => [r.code, r.name, ...r.aliases].some((l) => nameKey(l) === key));
}
