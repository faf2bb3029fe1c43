import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportReviewUndo1796536518108 implements MigrationInterface {
  name = 'ImportReviewUndo1796536518108';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "import_job_files" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "job_id" integer NOT NULL, "kind" varchar(8) NOT NULL, "seq" integer NOT NULL, "data" blob NOT NULL)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_b4f05bf3efdef770a45a996e84" ON "import_job_files" ("job_id", "kind", "seq") `);
    await queryRunner.query(`CREATE TABLE "import_job_rows" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "job_id" integer NOT NULL, "seq" integer NOT NULL, "sheet" varchar(100) NOT NULL, "row" integer NOT NULL, "outcome" varchar(12) NOT NULL, "account_id" integer, "label" varchar(200), "changes" text)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_e7f70f3f600efa15bc81893ede" ON "import_job_rows" ("job_id", "seq") `);
    await queryRunner.query(`CREATE TABLE "import_job_changes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "job_id" integer NOT NULL, "seq" integer NOT NULL, "entity" varchar(40) NOT NULL, "entity_id" integer NOT NULL, "action" varchar(8) NOT NULL, "before" text, "version_after" integer)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_40b55e337f0eeb0c22cccff1f5" ON "import_job_changes" ("job_id", "seq") `);
    await queryRunner.query(`DROP INDEX "IDX_2ca539e492850972e95cda1f5d"`);
    await queryRunner.query(`DROP INDEX "IDX_aa25a3132dcfb530ba0d5f1504"`);
    await queryRunner.query(`DROP INDEX "IDX_ee3a0bc9213c14df2e8b4b02dd"`);
    await queryRunner.query(`CREATE TABLE "temporary_import_jobs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "annex" varchar(16) NOT NULL, "file_name" varchar(255) NOT NULL, "sha256" varchar(64) NOT NULL, "size_bytes" integer NOT NULL DEFAULT (0), "mode" varchar(16) NOT NULL, "dry_run" boolean NOT NULL DEFAULT (0), "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "rows_total" integer NOT NULL DEFAULT (0), "rows_valid" integer NOT NULL DEFAULT (0), "rows_invalid" integer NOT NULL DEFAULT (0), "rows_created" integer NOT NULL DEFAULT (0), "rows_updated" integer NOT NULL DEFAULT (0), "rows_unchanged" integer NOT NULL DEFAULT (0), "rows_processed" integer NOT NULL DEFAULT (0), "message" text, "actor" varchar(200) NOT NULL, "unit_id" integer, "started_at" datetime(3), "finished_at" datetime(3), "heartbeat_at" datetime(3), "runner" varchar(200), "lock_key" varchar(100), "actor_user_id" integer, "error_count" integer NOT NULL DEFAULT (0), "warning_count" integer NOT NULL DEFAULT (0), "expires_at" datetime(3), "confirmed_at" datetime(3), "confirmed_by" varchar(200), "undone_at" datetime(3), "undone_by" varchar(200), CONSTRAINT "FK_94f310cf6937facdde1f3f04236" FOREIGN KEY ("unit_id") REFERENCES "org_units" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "temporary_import_jobs"("id", "created_at", "updated_at", "annex", "file_name", "sha256", "size_bytes", "mode", "dry_run", "status", "rows_total", "rows_valid", "rows_invalid", "rows_created", "rows_updated", "rows_unchanged", "rows_processed", "message", "actor", "unit_id", "started_at", "finished_at", "heartbeat_at", "runner", "lock_key") SELECT "id", "created_at", "updated_at", "annex", "file_name", "sha256", "size_bytes", "mode", "dry_run", "status", "rows_total", "rows_valid", "rows_invalid", "rows_created", "rows_updated", "rows_unchanged", "rows_processed", "message", "actor", "unit_id", "started_at", "finished_at", "heartbeat_at", "runner", "lock_key" FROM "import_jobs"`);
    await queryRunner.query(`DROP TABLE "import_jobs"`);
    await queryRunner.query(`ALTER TABLE "temporary_import_jobs" RENAME TO "import_jobs"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_2ca539e492850972e95cda1f5d" ON "import_jobs" ("lock_key") `);
    await queryRunner.query(`CREATE INDEX "IDX_aa25a3132dcfb530ba0d5f1504" ON "import_jobs" ("status", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_ee3a0bc9213c14df2e8b4b02dd" ON "import_jobs" ("sha256") `);
    await queryRunner.query(`DROP INDEX "IDX_b4f05bf3efdef770a45a996e84"`);
    await queryRunner.query(`CREATE TABLE "temporary_import_job_files" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "job_id" integer NOT NULL, "kind" varchar(8) NOT NULL, "seq" integer NOT NULL, "data" blob NOT NULL, CONSTRAINT "FK_49871401b2107bd4d7c03ebd0c2" FOREIGN KEY ("job_id") REFERENCES "import_jobs" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "temporary_import_job_files"("id", "created_at", "updated_at", "job_id", "kind", "seq", "data") SELECT "id", "created_at", "updated_at", "job_id", "kind", "seq", "data" FROM "import_job_files"`);
    await queryRunner.query(`DROP TABLE "import_job_files"`);
    await queryRunner.query(`ALTER TABLE "temporary_import_job_files" RENAME TO "import_job_files"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_b4f05bf3efdef770a45a996e84" ON "import_job_files" ("job_id", "kind", "seq") `);
    await queryRunner.query(`DROP INDEX "IDX_e7f70f3f600efa15bc81893ede"`);
    await queryRunner.query(`CREATE TABLE "temporary_import_job_rows" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "job_id" integer NOT NULL, "seq" integer NOT NULL, "sheet" varchar(100) NOT NULL, "row" integer NOT NULL, "outcome" varchar(12) NOT NULL, "account_id" integer, "label" varchar(200), "changes" text, CONSTRAINT "FK_0f675c2998d04ab0dc6293420e0" FOREIGN KEY ("job_id") REFERENCES "import_jobs" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "temporary_import_job_rows"("id", "created_at", "updated_at", "job_id", "seq", "sheet", "row", "outcome", "account_id", "label", "changes") SELECT "id", "created_at", "updated_at", "job_id", "seq", "sheet", "row", "outcome", "account_id", "label", "changes" FROM "import_job_rows"`);
    await queryRunner.query(`DROP TABLE "import_job_rows"`);
    await queryRunner.query(`ALTER TABLE "temporary_import_job_rows" RENAME TO "import_job_rows"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_e7f70f3f600efa15bc81893ede" ON "import_job_rows" ("job_id", "seq") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_e7f70f3f600efa15bc81893ede"`);
    await queryRunner.query(`ALTER TABLE "import_job_rows" RENAME TO "temporary_import_job_rows"`);
    await queryRunner.query(`CREATE TABLE "import_job_rows" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "job_id" integer NOT NULL, "seq" integer NOT NULL, "sheet" varchar(100) NOT NULL, "row" integer NOT NULL, "outcome" varchar(12) NOT NULL, "account_id" integer, "label" varchar(200), "changes" text)`);
    await queryRunner.query(`INSERT INTO "import_job_rows"("id", "created_at", "updated_at", "job_id", "seq", "sheet", "row", "outcome", "account_id", "label", "changes") SELECT "id", "created_at", "updated_at", "job_id", "seq", "sheet", "row", "outcome", "account_id", "label", "changes" FROM "temporary_import_job_rows"`);
    await queryRunner.query(`DROP TABLE "temporary_import_job_rows"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_e7f70f3f600efa15bc81893ede" ON "import_job_rows" ("job_id", "seq") `);
    await queryRunner.query(`DROP INDEX "IDX_b4f05bf3efdef770a45a996e84"`);
    await queryRunner.query(`ALTER TABLE "import_job_files" RENAME TO "temporary_import_job_files"`);
    await queryRunner.query(`CREATE TABLE "import_job_files" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "job_id" integer NOT NULL, "kind" varchar(8) NOT NULL, "seq" integer NOT NULL, "data" blob NOT NULL)`);
    await queryRunner.query(`INSERT INTO "import_job_files"("id", "created_at", "updated_at", "job_id", "kind", "seq", "data") SELECT "id", "created_at", "updated_at", "job_id", "kind", "seq", "data" FROM "temporary_import_job_files"`);
    await queryRunner.query(`DROP TABLE "temporary_import_job_files"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_b4f05bf3efdef770a45a996e84" ON "import_job_files" ("job_id", "kind", "seq") `);
    await queryRunner.query(`DROP INDEX "IDX_ee3a0bc9213c14df2e8b4b02dd"`);
    await queryRunner.query(`DROP INDEX "IDX_aa25a3132dcfb530ba0d5f1504"`);
    await queryRunner.query(`DROP INDEX "IDX_2ca539e492850972e95cda1f5d"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" RENAME TO "temporary_import_jobs"`);
    await queryRunner.query(`CREATE TABLE "import_jobs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "annex" varchar(16) NOT NULL, "file_name" varchar(255) NOT NULL, "sha256" varchar(64) NOT NULL, "size_bytes" integer NOT NULL DEFAULT (0), "mode" varchar(16) NOT NULL, "dry_run" boolean NOT NULL DEFAULT (0), "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "rows_total" integer NOT NULL DEFAULT (0), "rows_valid" integer NOT NULL DEFAULT (0), "rows_invalid" integer NOT NULL DEFAULT (0), "rows_created" integer NOT NULL DEFAULT (0), "rows_updated" integer NOT NULL DEFAULT (0), "rows_unchanged" integer NOT NULL DEFAULT (0), "rows_processed" integer NOT NULL DEFAULT (0), "message" text, "actor" varchar(200) NOT NULL, "unit_id" integer, "started_at" datetime(3), "finished_at" datetime(3), "heartbeat_at" datetime(3), "runner" varchar(200), "lock_key" varchar(100), CONSTRAINT "FK_94f310cf6937facdde1f3f04236" FOREIGN KEY ("unit_id") REFERENCES "org_units" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "import_jobs"("id", "created_at", "updated_at", "annex", "file_name", "sha256", "size_bytes", "mode", "dry_run", "status", "rows_total", "rows_valid", "rows_invalid", "rows_created", "rows_updated", "rows_unchanged", "rows_processed", "message", "actor", "unit_id", "started_at", "finished_at", "heartbeat_at", "runner", "lock_key") SELECT "id", "created_at", "updated_at", "annex", "file_name", "sha256", "size_bytes", "mode", "dry_run", "status", "rows_total", "rows_valid", "rows_invalid", "rows_created", "rows_updated", "rows_unchanged", "rows_processed", "message", "actor", "unit_id", "started_at", "finished_at", "heartbeat_at", "runner", "lock_key" FROM "temporary_import_jobs"`);
    await queryRunner.query(`DROP TABLE "temporary_import_jobs"`);
    await queryRunner.query(`CREATE INDEX "IDX_ee3a0bc9213c14df2e8b4b02dd" ON "import_jobs" ("sha256") `);
    await queryRunner.query(`CREATE INDEX "IDX_aa25a3132dcfb530ba0d5f1504" ON "import_jobs" ("status", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_2ca539e492850972e95cda1f5d" ON "import_jobs" ("lock_key") `);
    await queryRunner.query(`DROP INDEX "IDX_40b55e337f0eeb0c22cccff1f5"`);
    await queryRunner.query(`DROP TABLE "import_job_changes"`);
    await queryRunner.query(`DROP INDEX "IDX_e7f70f3f600efa15bc81893ede"`);
    await queryRunner.query(`DROP TABLE "import_job_rows"`);
    await queryRunner.query(`DROP INDEX "IDX_b4f05bf3efdef770a45a996e84"`);
    await queryRunner.query(`DROP TABLE "import_job_files"`);
  }
}
