import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditAppendOnly1795600000000 implements MigrationInterface {
  name = 'AuditAppendOnly1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_b25896e0d3162bc1307dd93f79"`);
    await queryRunner.query(`DROP INDEX "IDX_68d908019304f757740bc47a0a"`);
    await queryRunner.query(`DROP INDEX "IDX_beab8192a599dc1f02c275b804"`);
    await queryRunner.query(`DROP INDEX "IDX_3648e11676f1929b9875ee272b"`);
    await queryRunner.query(`CREATE TABLE "temporary_audit_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "at" datetime(3) NOT NULL, "actor" varchar(200) NOT NULL, "actor_role" varchar(16), "action" varchar(64) NOT NULL, "entity" varchar(64) NOT NULL, "entity_id" varchar(64), "record_ids" text, "fields" text, "before" text, "after" text, "origin" varchar(100), "request_id" varchar(64), "user_agent" varchar(200))`);
    await queryRunner.query(`INSERT INTO "temporary_audit_events"("id", "created_at", "updated_at", "at", "actor", "actor_role", "action", "entity", "entity_id", "record_ids", "fields", "before", "after", "origin", "request_id") SELECT "id", "created_at", "updated_at", "at", "actor", "actor_role", "action", "entity", "entity_id", "record_ids", "fields", "before", "after", "origin", "request_id" FROM "audit_events"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`ALTER TABLE "temporary_audit_events" RENAME TO "audit_events"`);
    await queryRunner.query(`CREATE INDEX "IDX_b25896e0d3162bc1307dd93f79" ON "audit_events" ("entity", "entity_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_68d908019304f757740bc47a0a" ON "audit_events" ("action") `);
    await queryRunner.query(`CREATE INDEX "IDX_beab8192a599dc1f02c275b804" ON "audit_events" ("actor") `);
    await queryRunner.query(`CREATE INDEX "IDX_3648e11676f1929b9875ee272b" ON "audit_events" ("at") `);
    // Append-only: no UPDATE ever; a DELETE only from `kam audit prune`, which writes its cutoff into the
    // one-row audit_control table inside its transaction (AuditService.prune) and clears it again.
    // SQLite drops a table's triggers with the table: a later migration that rebuilds audit_events must
    // create these again (test/integration/privacy-audit.test.ts fails otherwise).
    await queryRunner.query(`CREATE TABLE "audit_control" ("id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1), "prune_before" varchar(32))`);
    await queryRunner.query(`INSERT INTO "audit_control" ("id", "prune_before") VALUES (1, NULL)`);
    await queryRunner.query(`CREATE TRIGGER "audit_events_no_update" BEFORE UPDATE ON "audit_events" BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END`);
    await queryRunner.query(`CREATE TRIGGER "audit_events_prune_only" BEFORE DELETE ON "audit_events" WHEN NOT (OLD."at" < COALESCE((SELECT "prune_before" FROM "audit_control" WHERE "id" = 1), '')) BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused (only kam audit prune removes events past retention)'); END`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS "audit_events_prune_only"`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS "audit_events_no_update"`);
    await queryRunner.query(`DROP TABLE "audit_control"`);
    await queryRunner.query(`DROP INDEX "IDX_3648e11676f1929b9875ee272b"`);
    await queryRunner.query(`DROP INDEX "IDX_beab8192a599dc1f02c275b804"`);
    await queryRunner.query(`DROP INDEX "IDX_68d908019304f757740bc47a0a"`);
    await queryRunner.query(`DROP INDEX "IDX_b25896e0d3162bc1307dd93f79"`);
    await queryRunner.query(`ALTER TABLE "audit_events" RENAME TO "temporary_audit_events"`);
    await queryRunner.query(`CREATE TABLE "audit_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "at" datetime(3) NOT NULL, "actor" varchar(200) NOT NULL, "actor_role" varchar(16), "action" varchar(64) NOT NULL, "entity" varchar(64) NOT NULL, "entity_id" varchar(64), "record_ids" text, "fields" text, "before" text, "after" text, "origin" varchar(100), "request_id" varchar(64))`);
    await queryRunner.query(`INSERT INTO "audit_events"("id", "created_at", "updated_at", "at", "actor", "actor_role", "action", "entity", "entity_id", "record_ids", "fields", "before", "after", "origin", "request_id") SELECT "id", "created_at", "updated_at", "at", "actor", "actor_role", "action", "entity", "entity_id", "record_ids", "fields", "before", "after", "origin", "request_id" FROM "temporary_audit_events"`);
    await queryRunner.query(`DROP TABLE "temporary_audit_events"`);
    await queryRunner.query(`CREATE INDEX "IDX_3648e11676f1929b9875ee272b" ON "audit_events" ("at") `);
    await queryRunner.query(`CREATE INDEX "IDX_beab8192a599dc1f02c275b804" ON "audit_events" ("actor") `);
    await queryRunner.query(`CREATE INDEX "IDX_68d908019304f757740bc47a0a" ON "audit_events" ("action") `);
    await queryRunner.query(`CREATE INDEX "IDX_b25896e0d3162bc1307dd93f79" ON "audit_events" ("entity", "entity_id") `);
  }
}
