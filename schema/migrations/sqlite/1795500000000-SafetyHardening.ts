import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SafetyHardening1795500000000 implements MigrationInterface {
  name = 'SafetyHardening1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "login_throttles" ("key" varchar(100) PRIMARY KEY NOT NULL, "failures" integer NOT NULL DEFAULT (0), "window_start" datetime(3) NOT NULL)`);
    // Plain ADD COLUMNs, not TypeORM's table rebuild: DROP TABLE import_jobs would cascade to import_issues (foreign keys stay on in migrations).
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD COLUMN "runner" varchar(200)`);
    await queryRunner.query(`ALTER TABLE "import_jobs" ADD COLUMN "lock_key" varchar(100)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_2ca539e492850972e95cda1f5d" ON "import_jobs" ("lock_key") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_2ca539e492850972e95cda1f5d"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP COLUMN "lock_key"`);
    await queryRunner.query(`ALTER TABLE "import_jobs" DROP COLUMN "runner"`);
    await queryRunner.query(`DROP TABLE "login_throttles"`);
  }
}
