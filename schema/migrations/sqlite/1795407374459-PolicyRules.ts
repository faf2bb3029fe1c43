import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PolicyRules1795407374459 implements MigrationInterface {
  name = 'PolicyRules1795407374459';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "account_recommendations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "account_id" integer NOT NULL, "unit_id" integer NOT NULL, "manager_id" integer, "recommended_by_id" integer, "recommended_by_name" varchar(200) NOT NULL, "recommended_at" datetime(3) NOT NULL, "reason" text, "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "previous_status" varchar(16), "previous_owner_unit_id" integer, "previous_manager_id" integer, "decided_by_id" integer, "decided_at" datetime(3), "decision_note" text)`);
    await queryRunner.query(`CREATE INDEX "IDX_91e2d8b2eb276210b4cc4cdbe8" ON "account_recommendations" ("unit_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_ec7843e86ca337af29b48c22a4" ON "account_recommendations" ("status", "recommended_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_a52d3c835438947af9d3235358" ON "account_recommendations" ("account_id", "status") `);
    await queryRunner.query(`CREATE TABLE "year_end_rules" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "position" integer NOT NULL, "name" varchar(100) NOT NULL, "decision" varchar(16) NOT NULL, "ratings" text, "score_at_least" decimal(5,2), "score_below" decimal(5,2), "signed_at_least_fen" bigint, "signed_below_fen" bigint, "received_at_least_fen" bigint, "received_below_fen" bigint, "compliance_at_least" integer, "compliance_below" integer, "description" text, "active" boolean NOT NULL DEFAULT (1))`);
    await queryRunner.query(`CREATE INDEX "IDX_2f3c470cd1c5e18dd6dcd12fd8" ON "year_end_rules" ("position", "id") `);
    await queryRunner.query(`CREATE TABLE "policy_locks" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "name" varchar(64) NOT NULL, "counter" bigint NOT NULL DEFAULT (0))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_5ea6b64f58785707a45206fa5c" ON "policy_locks" ("name") `);
    // A plain ADD COLUMN, not TypeORM's table rebuild: DROP TABLE management_levels would fail while accounts reference it (foreign keys stay on in migrations).
    await queryRunner.query(`ALTER TABLE "management_levels" ADD COLUMN "active" boolean NOT NULL DEFAULT (1)`);
    await queryRunner.query(`DROP INDEX "IDX_91e2d8b2eb276210b4cc4cdbe8"`);
    await queryRunner.query(`DROP INDEX "IDX_ec7843e86ca337af29b48c22a4"`);
    await queryRunner.query(`DROP INDEX "IDX_a52d3c835438947af9d3235358"`);
    await queryRunner.query(`CREATE TABLE "temporary_account_recommendations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "account_id" integer NOT NULL, "unit_id" integer NOT NULL, "manager_id" integer, "recommended_by_id" integer, "recommended_by_name" varchar(200) NOT NULL, "recommended_at" datetime(3) NOT NULL, "reason" text, "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "previous_status" varchar(16), "previous_owner_unit_id" integer, "previous_manager_id" integer, "decided_by_id" integer, "decided_at" datetime(3), "decision_note" text, CONSTRAINT "FK_8d7c6867999a8bdf7d27fce33a6" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_91e2d8b2eb276210b4cc4cdbe8d" FOREIGN KEY ("unit_id") REFERENCES "org_units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_4a7632172705b6d6da04cd18a64" FOREIGN KEY ("manager_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_eb66f9edc7b5ac55a7f8a377a28" FOREIGN KEY ("recommended_by_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_13c2b76e73120ece2524bf3d364" FOREIGN KEY ("decided_by_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "temporary_account_recommendations"("id", "created_at", "updated_at", "version", "account_id", "unit_id", "manager_id", "recommended_by_id", "recommended_by_name", "recommended_at", "reason", "status", "previous_status", "previous_owner_unit_id", "previous_manager_id", "decided_by_id", "decided_at", "decision_note") SELECT "id", "created_at", "updated_at", "version", "account_id", "unit_id", "manager_id", "recommended_by_id", "recommended_by_name", "recommended_at", "reason", "status", "previous_status", "previous_owner_unit_id", "previous_manager_id", "decided_by_id", "decided_at", "decision_note" FROM "account_recommendations"`);
    await queryRunner.query(`DROP TABLE "account_recommendations"`);
    await queryRunner.query(`ALTER TABLE "temporary_account_recommendations" RENAME TO "account_recommendations"`);
    await queryRunner.query(`CREATE INDEX "IDX_91e2d8b2eb276210b4cc4cdbe8" ON "account_recommendations" ("unit_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_ec7843e86ca337af29b48c22a4" ON "account_recommendations" ("status", "recommended_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_a52d3c835438947af9d3235358" ON "account_recommendations" ("account_id", "status") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_a52d3c835438947af9d3235358"`);
    await queryRunner.query(`DROP INDEX "IDX_ec7843e86ca337af29b48c22a4"`);
    await queryRunner.query(`DROP INDEX "IDX_91e2d8b2eb276210b4cc4cdbe8"`);
    await queryRunner.query(`ALTER TABLE "account_recommendations" RENAME TO "temporary_account_recommendations"`);
    await queryRunner.query(`CREATE TABLE "account_recommendations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "account_id" integer NOT NULL, "unit_id" integer NOT NULL, "manager_id" integer, "recommended_by_id" integer, "recommended_by_name" varchar(200) NOT NULL, "recommended_at" datetime(3) NOT NULL, "reason" text, "status" varchar(16) NOT NULL DEFAULT ('PENDING'), "previous_status" varchar(16), "previous_owner_unit_id" integer, "previous_manager_id" integer, "decided_by_id" integer, "decided_at" datetime(3), "decision_note" text)`);
    await queryRunner.query(`INSERT INTO "account_recommendations"("id", "created_at", "updated_at", "version", "account_id", "unit_id", "manager_id", "recommended_by_id", "recommended_by_name", "recommended_at", "reason", "status", "previous_status", "previous_owner_unit_id", "previous_manager_id", "decided_by_id", "decided_at", "decision_note") SELECT "id", "created_at", "updated_at", "version", "account_id", "unit_id", "manager_id", "recommended_by_id", "recommended_by_name", "recommended_at", "reason", "status", "previous_status", "previous_owner_unit_id", "previous_manager_id", "decided_by_id", "decided_at", "decision_note" FROM "temporary_account_recommendations"`);
    await queryRunner.query(`DROP TABLE "temporary_account_recommendations"`);
    await queryRunner.query(`CREATE INDEX "IDX_a52d3c835438947af9d3235358" ON "account_recommendations" ("account_id", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_ec7843e86ca337af29b48c22a4" ON "account_recommendations" ("status", "recommended_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_91e2d8b2eb276210b4cc4cdbe8" ON "account_recommendations" ("unit_id") `);
    await queryRunner.query(`ALTER TABLE "management_levels" DROP COLUMN "active"`);
    await queryRunner.query(`DROP INDEX "IDX_5ea6b64f58785707a45206fa5c"`);
    await queryRunner.query(`DROP TABLE "policy_locks"`);
    await queryRunner.query(`DROP INDEX "IDX_2f3c470cd1c5e18dd6dcd12fd8"`);
    await queryRunner.query(`DROP TABLE "year_end_rules"`);
    await queryRunner.query(`DROP INDEX "IDX_a52d3c835438947af9d3235358"`);
    await queryRunner.query(`DROP INDEX "IDX_ec7843e86ca337af29b48c22a4"`);
    await queryRunner.query(`DROP INDEX "IDX_91e2d8b2eb276210b4cc4cdbe8"`);
    await queryRunner.query(`DROP TABLE "account_recommendations"`);
  }
}
