/**
 * Reads of sensitive personal information are noted per request and written as ONE audit event per
 * entity when the request ends (`AuditService.flushReads`), not one INSERT per field or row.
 */
import type { RequestContext } from '../../common/context';

/** Notes that `field` of record `id` was read in full during this request. */
export function noteSensitiveRead(ctx: RequestContext, entity: string, id: number | string, field: string): void {
  const log = (ctx.reads ??= new Map());
  let e = log.get(entity);
  if (!e) log.set(entity, (e = { ids: new Set(), fields: new Set() }));
  e.ids.add(String(id));
  e.fields.add(field);
}
