/**
 * Small, portable WHERE builders for list filters: every service's filter reads the same way and
 * binds every value as a parameter. A filter given as an empty list matches nothing.
 */
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors';
import type { Filterable } from './list-query';
import { escapeLike } from '../common/text';
import { dbKind } from './data-source';

let seq = 0;
const param = (name: string) => `${name.replace(/\W/g, '_')}_${++seq}`;

export class Where {
  constructor(readonly qb: Filterable) {}

  private col(property: string): string {
    return property.includes('.') ? property : `${this.qb.alias}.${property}`;
  }

  /** `property IN (values)`; undefined/null skips the filter, an empty list matches nothing. */
  in(property: string, values: readonly unknown[] | null | undefined): this {
    if (values === undefined || values === null) return this;
    if (values.length === 0) {
      this.qb.andWhere('1 = 0');
      return this;
    }
    const p = param(property);
    this.qb.andWhere(`${this.col(property)} IN (:...${p})`, { [p]: [...new Set(values)] });
    return this;
  }

  eq(property: string, value: unknown): this {
    if (value === undefined || value === null) return this;
    const p = param(property);
    this.qb.andWhere(`${this.col(property)} = :${p}`, { [p]: value });
    return this;
  }

  /** `from <= property <= to`, each bound optional (dates as `YYYY-MM-DD`, timestamps as Date). */
  range(property: string, from: unknown, to: unknown): this {
    if (from !== undefined && from !== null) {
      const p = param(property);
      this.qb.andWhere(`${this.col(property)} >= :${p}`, { [p]: from });
    }
    if (to !== undefined && to !== null) {
      const p = param(property);
      this.qb.andWhere(`${this.col(property)} <= :${p}`, { [p]: to });
    }
    return this;
  }

  /** `property IS NULL` (false) or `IS NOT NULL` (true). */
  present(property: string, present: boolean | null | undefined): this {
    if (present === undefined || present === null) return this;
    this.qb.andWhere(`${this.col(property)} IS ${present ? 'NOT ' : ''}NULL`);
    return this;
  }

  /**
   * Case-insensitive substring match: any of the `[property, text]` pairs matches (LIKE, `%`/`_`
   * escaped). Skipped when `text` is blank — e.g. `contains(q, ['name', q], ['nameKey', nameKey(q)])`.
   */
  contains(text: string | null | undefined, ...pairs: [property: string, value: string][]): this {
    if (text === undefined || text === null || text.trim() === '') return this;
    // A search box, not a document: longer patterns only cost the database (SQLite refuses them outright).
    if (text.length > MAX_SEARCH_TEXT) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `filter.nameContains: at most ${MAX_SEARCH_TEXT} characters`, { field: 'filter.nameContains' });
    }
    const esc = likeEscapeClause(this.qb);
    const params: Record<string, string> = {};
    const parts = pairs.map(([prop, value]) => {
      const p = param(prop);
      params[p] = `%${escapeLike(value)}%`;
      return `${this.col(prop)} LIKE :${p}${esc}`;
    });
    this.qb.andWhere(`(${parts.join(' OR ')})`, params);
    return this;
  }
}

/** The longest text a substring filter accepts. */
export const MAX_SEARCH_TEXT = 200;

/** ` ESCAPE '\'` written so each database reads one backslash (MySQL string literals escape it). */
export function likeEscapeClause(qb: { connection: DataSource }): string {
  return dbKind(qb.connection) === 'mysql' ? " ESCAPE '\\\\'" : " ESCAPE '\\'";
}
