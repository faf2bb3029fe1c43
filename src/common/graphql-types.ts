/** Small GraphQL pieces every module's resolvers share. */
import { DomainError, ErrorCode } from './errors';

/** Description of the `version` argument of update and delete mutations. */
export const VERSION_DESCRIPTION = '读取时的版本号；他人已修改则返回 CONFLICT / the version you read; CONFLICT (VERSION_CONFLICT) when someone changed the record since';


/** A lookup by id that answers null (not an error) when nothing has that id. */
export function nullIfNotFound(e: unknown): null {
  if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) return null;
  throw e;
}
