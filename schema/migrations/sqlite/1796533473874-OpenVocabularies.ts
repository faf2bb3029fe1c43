import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OpenVocabularies1796533473874 implements MigrationInterface {
  name = 'OpenVocabularies1796533473874';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "import_mappings" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "kind" varchar(8) NOT NULL, "annex" varchar(16), "column" varchar(64) NOT NULL, "from_text" varchar(200) NOT NULL, "to_value" varchar(100), "unit_id" integer, "note" varchar(500), "created_by" varchar(100) NOT NULL, "scope_key" varchar(255) NOT NULL)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_fe9b4d949fc7fbde5bf7f50484" ON "import_mappings" ("scope_key") `);
    await queryRunner.query(`DROP INDEX "IDX_4c1c91d8f3a1af3b604fa919c4"`);
    await queryRunner.query(`DROP INDEX "IDX_76c001ebf4dd9c184da2412c42"`);
    await queryRunner.query(`DROP INDEX "IDX_deebf10ca7299d1e0ceceefcbc"`);
    await queryRunner.query(`DROP INDEX "IDX_ecd806309a44545de35344424e"`);
    await queryRunner.query(`DROP INDEX "IDX_9c89ef1553ac279b6e313c6aa0"`);
    await queryRunner.query(`DROP INDEX "IDX_9157536ee07cb6f34850f257dc"`);
    await queryRunner.query(`DROP INDEX "IDX_0e109822a6ee5f18de8a148454"`);
    await queryRunner.query(`DROP INDEX "IDX_f7ea327e4100ce4d6002ecdd12"`);
    await queryRunner.query(`DROP INDEX "IDX_9ecbf1c48cb9820bfc42e6f8f6"`);
    await queryRunner.query(`DROP INDEX "IDX_490319656e54a7957dc1fed027"`);
    await queryRunner.query(`CREATE TABLE "temporary_accounts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "code" varchar(64) NOT NULL, "name" varchar(200) NOT NULL, "name_key" varchar(200) NOT NULL, "parent_id" integer, "registered_on" date, "credit_code" varchar(18), "ownership" varchar(32), "industry" varchar(100), "scale" varchar(16), "main_products" text, "reputation" varchar(16), "total_assets_fen" bigint, "shareholders" text, "address" varchar(300), "postal_code" varchar(6), "phone" varchar(40), "fax" varchar(40), "email" varchar(254), "tier_id" integer, "management_level_id" integer, "status" varchar(16) NOT NULL DEFAULT ('ACTIVE'), "owner_unit_id" integer, "manager_id" integer, "expected_contract_value_fen" bigint, "annual_sales_fen" bigint, "terminated_on" date, "source" varchar(16) NOT NULL DEFAULT ('MANUAL'), "notes" text, "ownership_label" varchar(100), "scale_label" varchar(100), "reputation_label" varchar(100), CONSTRAINT "FK_76c001ebf4dd9c184da2412c42e" FOREIGN KEY ("manager_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT "FK_deebf10ca7299d1e0ceceefcbc0" FOREIGN KEY ("owner_unit_id") REFERENCES "org_units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_39a41eab268cadce234f160e49c" FOREIGN KEY ("management_level_id") REFERENCES "management_levels" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_9c89ef1553ac279b6e313c6aa0a" FOREIGN KEY ("tier_id") REFERENCES "tiers" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_f7ea327e4100ce4d6002ecdd12b" FOREIGN KEY ("parent_id") REFERENCES "accounts" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "temporary_accounts"("id", "created_at", "updated_at", "version", "code", "name", "name_key", "parent_id", "registered_on", "credit_code", "ownership", "industry", "scale", "main_products", "reputation", "total_assets_fen", "shareholders", "address", "postal_code", "phone", "fax", "email", "tier_id", "management_level_id", "status", "owner_unit_id", "manager_id", "expected_contract_value_fen", "annual_sales_fen", "terminated_on", "source", "notes") SELECT "id", "created_at", "updated_at", "version", "code", "name", "name_key", "parent_id", "registered_on", "credit_code", "ownership", "industry", "scale", "main_products", "reputation", "total_assets_fen", "shareholders", "address", "postal_code", "phone", "fax", "email", "tier_id", "management_level_id", "status", "owner_unit_id", "manager_id", "expected_contract_value_fen", "annual_sales_fen", "terminated_on", "source", "notes" FROM "accounts"`);
    await queryRunner.query(`DROP TABLE "accounts"`);
    await queryRunner.query(`ALTER TABLE "temporary_accounts" RENAME TO "accounts"`);
    await queryRunner.query(`CREATE INDEX "IDX_4c1c91d8f3a1af3b604fa919c4" ON "accounts" ("updated_at", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_76c001ebf4dd9c184da2412c42" ON "accounts" ("manager_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_deebf10ca7299d1e0ceceefcbc" ON "accounts" ("owner_unit_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_ecd806309a44545de35344424e" ON "accounts" ("status") `);
    await queryRunner.query(`CREATE INDEX "IDX_9c89ef1553ac279b6e313c6aa0" ON "accounts" ("tier_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_9157536ee07cb6f34850f257dc" ON "accounts" ("industry") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_0e109822a6ee5f18de8a148454" ON "accounts" ("credit_code") `);
    await queryRunner.query(`CREATE INDEX "IDX_f7ea327e4100ce4d6002ecdd12" ON "accounts" ("parent_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_9ecbf1c48cb9820bfc42e6f8f6" ON "accounts" ("name_key") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_490319656e54a7957dc1fed027" ON "accounts" ("code") `);
    await queryRunner.query(`DROP INDEX "IDX_4667ef613582359ef54689c3a6"`);
    await queryRunner.query(`DROP INDEX "IDX_f5036f2cc2778d2f7a36c92eee"`);
    await queryRunner.query(`DROP INDEX "IDX_f68f589ad3b1ce1b7fff3e530b"`);
    await queryRunner.query(`CREATE TABLE "temporary_contacts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "uid" varchar(36) NOT NULL, "account_id" integer NOT NULL, "name" varchar(100) NOT NULL, "name_key" varchar(100) NOT NULL, "gender" varchar(8), "title" varchar(100), "department" varchar(100), "role" varchar(32), "office_phone" varchar(40), "mobile" text, "mobile_hash" varchar(64), "email" varchar(254), "birthday" date, "family_info" text, "home_address" text, "hobbies" text, "closeness" varchar(16), "consent_at" datetime(3), "consent_source" varchar(200), "consent_scope" varchar(200), "active" boolean NOT NULL DEFAULT (1), "left_on" date, "notes" text, "erased_at" datetime(3), "source" varchar(16) NOT NULL DEFAULT ('MANUAL'), "gender_label" varchar(100), "role_label" varchar(100), "closeness_label" varchar(100), CONSTRAINT "FK_85bbf0f254d76347a346a8cbb15" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await queryRunner.query(`INSERT INTO "temporary_contacts"("id", "created_at", "updated_at", "version", "uid", "account_id", "name", "name_key", "gender", "title", "department", "role", "office_phone", "mobile", "mobile_hash", "email", "birthday", "family_info", "home_address", "hobbies", "closeness", "consent_at", "consent_source", "consent_scope", "active", "left_on", "notes", "erased_at", "source") SELECT "id", "created_at", "updated_at", "version", "uid", "account_id", "name", "name_key", "gender", "title", "department", "role", "office_phone", "mobile", "mobile_hash", "email", "birthday", "family_info", "home_address", "hobbies", "closeness", "consent_at", "consent_source", "consent_scope", "active", "left_on", "notes", "erased_at", "source" FROM "contacts"`);
    await queryRunner.query(`DROP TABLE "contacts"`);
    await queryRunner.query(`ALTER TABLE "temporary_contacts" RENAME TO "contacts"`);
    await queryRunner.query(`CREATE INDEX "IDX_4667ef613582359ef54689c3a6" ON "contacts" ("account_id", "name_key") `);
    await queryRunner.query(`CREATE INDEX "IDX_f5036f2cc2778d2f7a36c92eee" ON "contacts" ("mobile_hash") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f68f589ad3b1ce1b7fff3e530b" ON "contacts" ("uid") `);
    // Existing codes get their label, so every reader shows a label beside the code.
    await queryRunner.query(`UPDATE "contacts" SET "gender_label" = CASE "gender" WHEN 'MALE' THEN '男' WHEN 'FEMALE' THEN '女' END WHERE "gender" IS NOT NULL`);
    await queryRunner.query(`UPDATE "contacts" SET "role_label" = CASE "role" WHEN 'DECISION_MAKER' THEN '决策者' WHEN 'INFLUENCER' THEN '影响者' WHEN 'TECHNICAL' THEN '技术把关' WHEN 'PROCUREMENT' THEN '采购' WHEN 'FINANCE' THEN '财务' WHEN 'USER' THEN '使用者' WHEN 'HEAD' THEN '企业负责人' WHEN 'HANDLER' THEN '经办人' WHEN 'OTHER' THEN '其他' END WHERE "role" IS NOT NULL`);
    await queryRunner.query(`UPDATE "contacts" SET "closeness_label" = CASE "closeness" WHEN 'CLOSE' THEN '密切' WHEN 'GOOD' THEN '良好' WHEN 'NORMAL' THEN '一般' WHEN 'DISTANT' THEN '疏远' END WHERE "closeness" IS NOT NULL`);
    await queryRunner.query(`UPDATE "accounts" SET "ownership_label" = CASE "ownership" WHEN 'STATE_OWNED' THEN '国有企业' WHEN 'COLLECTIVE' THEN '集体企业' WHEN 'PRIVATE' THEN '民营企业' WHEN 'JOINT_VENTURE' THEN '合资企业' WHEN 'FOREIGN' THEN '外资企业' WHEN 'LISTED' THEN '上市公司' WHEN 'GOVERNMENT' THEN '政府机关及事业单位' WHEN 'OTHER' THEN '其他' END WHERE "ownership" IS NOT NULL`);
    await queryRunner.query(`UPDATE "accounts" SET "scale_label" = CASE "scale" WHEN 'LARGE' THEN '大型' WHEN 'MEDIUM' THEN '中型' WHEN 'SMALL' THEN '小型' WHEN 'MICRO' THEN '微型' END WHERE "scale" IS NOT NULL`);
    await queryRunner.query(`UPDATE "accounts" SET "reputation_label" = CASE "reputation" WHEN 'EXCELLENT' THEN '优' WHEN 'GOOD' THEN '良' WHEN 'FAIR' THEN '中' WHEN 'POOR' THEN '差' END WHERE "reputation" IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Columns dropped in place: recreating accounts or contacts by renaming them away would point the
    // other tables' foreign keys at the renamed (then dropped) table.
    for (const column of ['gender_label', 'role_label', 'closeness_label']) await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "${column}"`);
    for (const column of ['ownership_label', 'scale_label', 'reputation_label']) await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "${column}"`);
    await queryRunner.query(`DROP INDEX "IDX_fe9b4d949fc7fbde5bf7f50484"`);
    await queryRunner.query(`DROP TABLE "import_mappings"`);
  }
}
