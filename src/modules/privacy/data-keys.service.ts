/**
 * Field-encryption key management: which key each stored personal value is under (`kam keys status`)
 * and re-encryption under the newest key (`kam keys rotate`), in batches, each batch its own
 * transaction, so an interrupted rotation loses nothing and running it again continues where it stopped.
 */
import { MoreThan, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError } from '../../common/errors';
import { DEVELOPMENT_KEY, ENCRYPTED_PREFIX, keyIdOf } from '../../common/field-crypto';
import { inTransaction, managerFor } from '../../db/transaction';
import type { AuditService } from '../audit/audit.service';
import type { AccessService } from '../auth/access.service';
import { Contact } from '../contacts/contact.entity';
import { PRIVATE_CONTACT_FIELDS, openContactFields, sealContactFields } from '../contacts/contact-privacy';
import type { KeyRing } from '../../common/field-crypto';
import { mobileLookupHash } from '../contacts/mobile-hash';

export interface KeyStatus {
  /** The key new values are encrypted with. */
  activeKeyId: string;
  /** Configured key ids, oldest first. */
  keyIds: string[];
  /**
   * No KAM_DATA_KEYS: `public` when new values are encrypted with the public development key (tests),
   * `generated` with the key development generated beside its database ({@link developmentKeyFile}).
   */
  developmentKey: 'public' | 'generated' | null;
  /** Where the generated development key is kept. */
  developmentKeyFile: string | null;
  /** Rows holding at least one value under each key id (a key id not configured any more shows too). */
  rowsByKey: Record<string, number>;
  /** Rows holding at least one personal value in clear (written before encryption). */
  clearRows: number;
  /** Rows holding any personal value. */
  rowsWithData: number;
}

export interface RotationReport {
  /** Rows re-encrypted in this run. */
  rotated: number;
  /** Of those, rows that held a value under each key id (`clear`: a value in clear text); a row under two keys counts under both. */
  rotatedFrom: Record<string, number>;
  /** Rows that could not be opened (DATA_INTEGRITY / DATA_KEY_UNKNOWN), by id: left as they are. */
  failed: { id: number; code: string }[];
  status: KeyStatus;
}

const COLUMNS = ['id', 'uid', 'version', 'updatedAt', 'mobileHash', ...PRIVATE_CONTACT_FIELDS] as const;

export class DataKeyService {
  constructor(
    private readonly ds: DataSource,
    private readonly ring: KeyRing,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async status(ctx: RequestContext): Promise<KeyStatus> {
    this.access.assertAdmin(ctx, 'read the encryption key status');
    const ring = this.ring;
    const rowsByKey: Record<string, number> = Object.fromEntries(ring.keyIds.map((k) => [k, 0]));
    let clearRows = 0;
    let rowsWithData = 0;
    let after = 0;
    for (;;) {
      const rows = await managerFor(this.ds, ctx).find(Contact, { select: [...COLUMNS], where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: 1000 });
      if (rows.length === 0) break;
      for (const r of rows) {
        const kids = new Set<string>();
        let clear = false;
        for (const f of PRIVATE_CONTACT_FIELDS) {
          const v = r[f];
          if (v == null) continue;
          const kid = keyIdOf(v);
          if (kid === null) clear = true;
          else kids.add(kid);
        }
        if (clear || kids.size) rowsWithData++;
        if (clear) clearRows++;
        for (const k of kids) rowsByKey[k] = (rowsByKey[k] ?? 0) + 1;
      }
      after = rows[rows.length - 1].id;
    }
    const developmentKey = !ring.development ? null : ring.activeKeyId === DEVELOPMENT_KEY.id ? 'public' : 'generated';
    return { activeKeyId: ring.activeKeyId, keyIds: ring.keyIds, developmentKey, developmentKeyFile: ring.developmentKeyFile, rowsByKey, clearRows, rowsWithData };
  }

  /**
   * Re-encrypts every row holding a value that is not under the newest key (or is in clear), `batch`
   * rows per transaction, and rewrites its mobile lookup hash. A row changed concurrently is skipped
   * (its writer already used the newest key). Resumable: a second run picks up what is left.
   */
  async rotate(ctx: RequestContext, options: { batch?: number; onBatch?: (done: number) => void } = {}): Promise<RotationReport> {
    this.access.assertAdmin(ctx, 'rotate the encryption keys');
    const batch = Math.max(1, Math.min(options.batch ?? 500, 10_000));
    const activeKeyId = this.ring.activeKeyId;
    const active = `${ENCRYPTED_PREFIX}${activeKeyId}:`;
    const stale = PRIVATE_CONTACT_FIELDS.map((f) => `(c.${f} IS NOT NULL AND SUBSTR(c.${f}, 1, :len) <> :active)`).join(' OR ');
    let rotated = 0;
    const rotatedFrom: Record<string, number> = {};
    let cursor = 0;
    const failed: RotationReport['failed'] = [];
    for (;;) {
      const done = await inTransaction(this.ds, ctx, async (tx) => {
        const em = managerFor(this.ds, tx);
        const rows = await em
          .createQueryBuilder(Contact, 'c')
          .select(COLUMNS.map((c) => `c.${c}`))
          .where(`c.id > :cursor AND (${stale})`, { cursor, len: active.length, active })
          .orderBy('c.id', 'ASC')
          .limit(batch)
          .getMany();
        if (rows.length === 0) return null;
        let n = 0;
        const from: Record<string, number> = {};
        for (const r of rows) {
          let clear: ReturnType<typeof openContactFields>;
          try {
            // A database from before field encryption holds clear values: this is where they get encrypted.
            clear = openContactFields(this.ring, r, true);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            failed.push({ id: r.id, code: e.code });
            continue;
          }
          const values = { ...sealContactFields(this.ring, r.uid, clear), mobileHash: clear.mobile ? mobileLookupHash(this.ring, clear.mobile) : null };
          // Version and updatedAt stay: the values did not change, only how they are stored.
          const res = await em.createQueryBuilder().update(Contact).set({ ...values, version: r.version, updatedAt: r.updatedAt }).where('id = :id AND version = :version', { id: r.id, version: r.version }).updateEntity(false).callListeners(false).execute();
          if (!res.affected) continue;
          n += res.affected;
          const keys = new Set(PRIVATE_CONTACT_FIELDS.filter((f) => r[f] != null).map((f) => keyIdOf(r[f] as string) ?? 'clear'));
          keys.delete(activeKeyId);
          for (const k of keys) from[k] = (from[k] ?? 0) + 1;
        }
        await this.audit.record(tx, { action: 'keys.rotate', entity: 'Contact', recordIds: rows.map((r) => r.id), fields: [...PRIVATE_CONTACT_FIELDS, 'mobileHash'], after: { keyId: this.ring.activeKeyId, rows: n } });
        return { n, from, last: rows[rows.length - 1].id };
      });
      if (!done) break;
      rotated += done.n;
      for (const [k, c] of Object.entries(done.from)) rotatedFrom[k] = (rotatedFrom[k] ?? 0) + c;
      cursor = done.last;
      options.onBatch?.(rotated);
    }
    return { rotated, rotatedFrom, failed, status: await this.status(ctx) };
  }
}
