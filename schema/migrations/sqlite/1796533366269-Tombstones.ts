import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Tombstones1796533366269 implements MigrationInterface {
  name = 'Tombstones1796533366269';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "tombstones" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "entity" varchar(64) NOT NULL, "entity_id" integer NOT NULL, "deleted_at" datetime(3) NOT NULL, "deleted_by" varchar(200))`);
    await queryRunner.query(`CREATE INDEX "IDX_c2a8ae7cd01925b371a862e5fe" ON "tombstones" ("deleted_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_a205b0fec95f60c405dbcf80b4" ON "tombstones" ("entity", "deleted_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_a205b0fec95f60c405dbcf80b4"`);
    await queryRunner.query(`DROP INDEX "IDX_c2a8ae7cd01925b371a862e5fe"`);
    await queryRunner.query(`DROP TABLE "tombstones"`);
  }
}
