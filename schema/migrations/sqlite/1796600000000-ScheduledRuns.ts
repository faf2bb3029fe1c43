import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScheduledRuns1796600000000 implements MigrationInterface {
  name = 'ScheduledRuns1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "scheduled_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "created_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "updated_at" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "job" varchar(64) NOT NULL, "slot" varchar(32) NOT NULL, "runner" varchar(200) NOT NULL, "finished_at" datetime(3))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_scheduled_runs_job_slot" ON "scheduled_runs" ("job", "slot") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "UQ_scheduled_runs_job_slot"`);
    await queryRunner.query(`DROP TABLE "scheduled_runs"`);
  }
}
