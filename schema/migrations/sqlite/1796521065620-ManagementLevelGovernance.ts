import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ManagementLevelGovernance1796521065620 implements MigrationInterface {
  name = 'ManagementLevelGovernance1796521065620';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "management_level_reviews" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "account_id" integer NOT NULL, "reason" text NOT NULL, "period" varchar(16), "proposed_by_id" integer, "proposed_at" datetime(3) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "decided_by_id" integer, "decided_at" datetime(3), "decision_note" text, "from_level_id" integer, "to_level_id" integer NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "IDX_ba19a6cf8310f5ac54711df62b" ON "management_level_reviews" ("period") `);
    await queryRunner.query(`CREATE INDEX "IDX_3c07d56a2b4092de8c54c146ed" ON "management_level_reviews" ("account_id", "status") `);
    // A plain ADD COLUMN, not TypeORM's table rebuild: DROP TABLE management_levels would fail while accounts reference it (foreign keys stay on in migrations).
    await queryRunner.query(`ALTER TABLE "management_levels" ADD COLUMN "lead_unit_kind" varchar(16) NOT NULL DEFAULT ('BRANCH')`);
    await queryRunner.query(`DROP INDEX "IDX_ba19a6cf8310f5ac54711df62b"`);
    await queryRunner.query(`DROP INDEX "IDX_3c07d56a2b4092de8c54c146ed"`);
    await queryRunner.query(`CREATE TABLE "temporary_management_level_reviews" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "account_id" integer NOT NULL, "reason" text NOT NULL, "period" varchar(16), "proposed_by_id" integer, "proposed_at" datetime(3) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "decided_by_id" integer, "decided_at" datetime(3), "decision_note" text, "from_level_id" integer, "to_level_id" integer NOT NULL, CONSTRAINT "FK_26bf5b13eae4b0a49628cd8f7dc" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_6b40e1d32235f89186eaea216bb" FOREIGN KEY ("proposed_by_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_26c229dae8fa4e070b86f675b0e" FOREIGN KEY ("decided_by_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_95214323a938bd2e239d55a3dd9" FOREIGN KEY ("from_level_id") REFERENCES "management_levels" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_947832803d1bdda42367661f006" FOREIGN KEY ("to_level_id") REFERENCES "management_levels" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "temporary_management_level_reviews"("id", "created_at", "updated_at", "version", "account_id", "reason", "period", "proposed_by_id", "proposed_at", "status", "decided_by_id", "decided_at", "decision_note", "from_level_id", "to_level_id") SELECT "id", "created_at", "updated_at", "version", "account_id", "reason", "period", "proposed_by_id", "proposed_at", "status", "decided_by_id", "decided_at", "decision_note", "from_level_id", "to_level_id" FROM "management_level_reviews"`);
    await queryRunner.query(`DROP TABLE "management_level_reviews"`);
    await queryRunner.query(`ALTER TABLE "temporary_management_level_reviews" RENAME TO "management_level_reviews"`);
    await queryRunner.query(`CREATE INDEX "IDX_ba19a6cf8310f5ac54711df62b" ON "management_level_reviews" ("period") `);
    await queryRunner.query(`CREATE INDEX "IDX_3c07d56a2b4092de8c54c146ed" ON "management_level_reviews" ("account_id", "status") `);
    // 公司级 accounts are led by the head office (policy 004); every other level by the branch.
    await queryRunner.query(`UPDATE "management_levels" SET "lead_unit_kind" = 'COMPANY' WHERE "code" = 'COMPANY'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_3c07d56a2b4092de8c54c146ed"`);
    await queryRunner.query(`DROP INDEX "IDX_ba19a6cf8310f5ac54711df62b"`);
    await queryRunner.query(`ALTER TABLE "management_level_reviews" RENAME TO "temporary_management_level_reviews"`);
    await queryRunner.query(`CREATE TABLE "management_level_reviews" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "account_id" integer NOT NULL, "reason" text NOT NULL, "period" varchar(16), "proposed_by_id" integer, "proposed_at" datetime(3) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "decided_by_id" integer, "decided_at" datetime(3), "decision_note" text, "from_level_id" integer, "to_level_id" integer NOT NULL)`);
    await queryRunner.query(`INSERT INTO "management_level_reviews"("id", "created_at", "updated_at", "version", "account_id", "reason", "period", "proposed_by_id", "proposed_at", "status", "decided_by_id", "decided_at", "decision_note", "from_level_id", "to_level_id") SELECT "id", "created_at", "updated_at", "version", "account_id", "reason", "period", "proposed_by_id", "proposed_at", "status", "decided_by_id", "decided_at", "decision_note", "from_level_id", "to_level_id" FROM "temporary_management_level_reviews"`);
    await queryRunner.query(`DROP TABLE "temporary_management_level_reviews"`);
    await queryRunner.query(`CREATE INDEX "IDX_3c07d56a2b4092de8c54c146ed" ON "management_level_reviews" ("account_id", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_ba19a6cf8310f5ac54711df62b" ON "management_level_reviews" ("period") `);
    await queryRunner.query(`ALTER TABLE "management_levels" DROP COLUMN "lead_unit_kind"`);
    await queryRunner.query(`DROP INDEX "IDX_3c07d56a2b4092de8c54c146ed"`);
    await queryRunner.query(`DROP INDEX "IDX_ba19a6cf8310f5ac54711df62b"`);
    await queryRunner.query(`DROP TABLE "management_level_reviews"`);
  }
}
