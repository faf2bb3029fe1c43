/**
 * Database constraint violations that slip past the services' own checks (two writers racing for the
 * same unique value, a row deleted under a reference) become {@link DomainError}s with a clean message:
 * clients never see SQL, table or index names.
 */
import { QueryFailedError, type DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors';

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
}

type Kind = 'duplicate' | 'missing-parent' | 'has-children' | 'foreign-key';

function kindOf(e: DriverError): Kind | null {
  switch (e.code) {
    case 'ER_DUP_ENTRY':
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return 'duplicate';
    case 'ER_NO_REFERENCED_ROW':
    case 'ER_NO_REFERENCED_ROW_2':
      return 'missing-parent';
    case 'ER_ROW_IS_REFERENCED':
    case 'ER_ROW_IS_REFERENCED_2':
      return 'has-children';
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return 'foreign-key';
    default:
      return null;
  }
}

/** The entity property behind the violated unique index or column, when the metadata can tell. */
function uniqueField(ds: DataSource | undefined, message: string): string | undefined {
  if (!ds) return undefined;
  // MySQL: "Duplicate entry 'K001' for key 'IDX_…'" (MariaDB: key name; MySQL 8: table.key name).
  const key = /for key '(?:[^'.]+\.)?([^']+)'/.exec(message)?.[1];
  // SQLite: "UNIQUE constraint failed: accounts.code[, accounts.x]".
  const sqlite = /constraint failed: ([\w.]+)/.exec(message)?.[1];
  for (const meta of ds.entityMetadatas) {
    if (key) {
      const index = meta.indices.find((i) => i.name === key) ?? meta.uniques.find((u) => u.name === key);
      if (index) return index.columns.map((c) => c.propertyName).join(',');
    }
    if (sqlite) {
      const [table, column] = sqlite.split('.');
      if (meta.tableName === table) return meta.columns.find((c) => c.databaseName === column)?.propertyName;
    }
  }
  return undefined;
}

/** The {@link DomainError} for a constraint violation, or null when `error` is something else. */
export function translateConstraintError(error: unknown, ds?: DataSource): DomainError | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driver = (error.driverError ?? {}) as DriverError;
  const kind = kindOf(driver);
  if (!kind) return null;
  const message = driver.sqlMessage ?? driver.message ?? '';
  switch (kind) {
    case 'duplicate': {
      const field = uniqueField(ds, message);
      return new DomainError(
        ErrorCode.ALREADY_EXISTS,
        field ? `${field}: another record already has this value` : 'another record already has the same unique value',
        field ? { field, constraint: 'unique' } : { constraint: 'unique' },
      );
    }
    case 'missing-parent':
      return new DomainError(ErrorCode.CONSTRAINT_VIOLATION, 'the record refers to another record that does not exist (any more)', { constraint: 'foreign_key' });
    case 'has-children':
      return new DomainError(ErrorCode.IN_USE, 'other records still depend on this record', { constraint: 'foreign_key' });
    case 'foreign-key':
      return new DomainError(
        ErrorCode.CONSTRAINT_VIOLATION,
        'the change conflicts with related records (a referenced record is missing, or others still depend on this one)',
        { constraint: 'foreign_key' },
      );
  }
}
