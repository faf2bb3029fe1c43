import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IntelTagsOther1796600000001 implements MigrationInterface {
  name = 'IntelTagsOther1796600000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`activities\` ADD \`intel_tags_other\` varchar(100) NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`activities\` DROP COLUMN \`intel_tags_other\``);
  }
}
