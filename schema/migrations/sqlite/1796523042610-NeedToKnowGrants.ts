import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NeedToKnowGrants1796523042610 implements MigrationInterface {
  name = 'NeedToKnowGrants1796523042610';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "data_access_grants" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "version" integer NOT NULL, "role" varchar(16) NOT NULL, "data_class" varchar(16) NOT NULL, "note" text NOT NULL, "granted_by_id" integer, "granted_by_name" varchar(200) NOT NULL, "revoked_at" datetime(3), "revoked_by_name" varchar(200))`);
    await queryRunner.query(`CREATE INDEX "IDX_9fe81ab39f8a3fab8f2c721f91" ON "data_access_grants" ("role", "data_class") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_9fe81ab39f8a3fab8f2c721f91"`);
    await queryRunner.query(`DROP TABLE "data_access_grants"`);
  }
}
