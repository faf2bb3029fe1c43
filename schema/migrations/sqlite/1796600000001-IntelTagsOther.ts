import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IntelTagsOther1796600000001 implements MigrationInterface {
  name = 'IntelTagsOther1796600000001';

  // The column is added and dropped in place: recreating activities by renaming it away would point the
  // other tables' foreign keys (payments, complaints…) at the renamed, then dropped, table.
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "activities" ADD COLUMN "intel_tags_other" varchar(100)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "activities" DROP COLUMN "intel_tags_other"`);
  }
}
