import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportChangeRuns1796620000000 implements MigrationInterface {
  name = 'ImportChangeRuns1796620000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_job_changes" ADD COLUMN "last_entity_id" integer`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "import_job_changes" DROP COLUMN "last_entity_id"`);
  }
}
