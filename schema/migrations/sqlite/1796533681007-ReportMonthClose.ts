import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportMonthClose1796533681007 implements MigrationInterface {
  name = 'ReportMonthClose1796533681007';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_month_closes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "month" varchar(7) NOT NULL, "status" varchar(16) NOT NULL, "closed_at" datetime(3) NOT NULL, "closed_by" varchar(200) NOT NULL, "reopened_at" datetime(3), "reopened_by" varchar(200), "reopen_reason" text, "row_count" integer NOT NULL DEFAULT (0), "sha256" varchar(64) NOT NULL, "parts" integer NOT NULL DEFAULT (0))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_86618cd464bc280689394e8bb4" ON "report_month_closes" ("month") `);
    await queryRunner.query(`CREATE TABLE "report_snapshot_parts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "close_id" integer NOT NULL, "seq" integer NOT NULL, "data" text NOT NULL)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_58b35f7244117232e981aa7c09" ON "report_snapshot_parts" ("close_id", "seq") `);
    await queryRunner.query(`DROP INDEX "IDX_58b35f7244117232e981aa7c09"`);
    await queryRunner.query(`CREATE TABLE "temporary_report_snapshot_parts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "close_id" integer NOT NULL, "seq" integer NOT NULL, "data" text NOT NULL, CONSTRAINT "FK_fd021630c5adfa1dea0a83c2889" FOREIGN KEY ("close_id") REFERENCES "report_month_closes" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "temporary_report_snapshot_parts"("id", "created_at", "updated_at", "close_id", "seq", "data") SELECT "id", "created_at", "updated_at", "close_id", "seq", "data" FROM "report_snapshot_parts"`);
    await queryRunner.query(`DROP TABLE "report_snapshot_parts"`);
    await queryRunner.query(`ALTER TABLE "temporary_report_snapshot_parts" RENAME TO "report_snapshot_parts"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_58b35f7244117232e981aa7c09" ON "report_snapshot_parts" ("close_id", "seq") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_58b35f7244117232e981aa7c09"`);
    await queryRunner.query(`ALTER TABLE "report_snapshot_parts" RENAME TO "temporary_report_snapshot_parts"`);
    await queryRunner.query(`CREATE TABLE "report_snapshot_parts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "close_id" integer NOT NULL, "seq" integer NOT NULL, "data" text NOT NULL)`);
    await queryRunner.query(`INSERT INTO "report_snapshot_parts"("id", "created_at", "updated_at", "close_id", "seq", "data") SELECT "id", "created_at", "updated_at", "close_id", "seq", "data" FROM "temporary_report_snapshot_parts"`);
    await queryRunner.query(`DROP TABLE "temporary_report_snapshot_parts"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_58b35f7244117232e981aa7c09" ON "report_snapshot_parts" ("close_id", "seq") `);
    await queryRunner.query(`DROP INDEX "IDX_58b35f7244117232e981aa7c09"`);
    await queryRunner.query(`DROP TABLE "report_snapshot_parts"`);
    await queryRunner.query(`DROP INDEX "IDX_86618cd464bc280689394e8bb4"`);
    await queryRunner.query(`DROP TABLE "report_month_closes"`);
  }
}
