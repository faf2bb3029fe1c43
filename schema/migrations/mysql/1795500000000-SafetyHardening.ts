import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SafetyHardening1795500000000 implements MigrationInterface {
  name = 'SafetyHardening1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`login_throttles\` (\`key\` varchar(100) NOT NULL, \`failures\` int NOT NULL DEFAULT '0', \`window_start\` datetime(3) NOT NULL, PRIMARY KEY (\`key\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`runner\` varchar(200) NULL`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`lock_key\` varchar(100) NULL`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD UNIQUE INDEX \`IDX_2ca539e492850972e95cda1f5d\` (\`lock_key\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP INDEX \`IDX_2ca539e492850972e95cda1f5d\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`lock_key\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`runner\``);
    await queryRunner.query(`DROP TABLE \`login_throttles\``);
  }
}
