import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportMonthClose1796533681007 implements MigrationInterface {
  name = 'ReportMonthClose1796533681007';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`report_month_closes\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`version\` int NOT NULL, \`month\` varchar(7) NOT NULL, \`status\` varchar(16) NOT NULL, \`closed_at\` datetime(3) NOT NULL, \`closed_by\` varchar(200) NOT NULL, \`reopened_at\` datetime(3) NULL, \`reopened_by\` varchar(200) NULL, \`reopen_reason\` text NULL, \`row_count\` int NOT NULL DEFAULT '0', \`sha256\` varchar(64) NOT NULL, \`parts\` int NOT NULL DEFAULT '0', UNIQUE INDEX \`IDX_86618cd464bc280689394e8bb4\` (\`month\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`report_snapshot_parts\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`close_id\` int NOT NULL, \`seq\` int NOT NULL, \`data\` text NOT NULL, UNIQUE INDEX \`IDX_58b35f7244117232e981aa7c09\` (\`close_id\`, \`seq\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`report_snapshot_parts\` ADD CONSTRAINT \`FK_fd021630c5adfa1dea0a83c2889\` FOREIGN KEY (\`close_id\`) REFERENCES \`report_month_closes\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`report_snapshot_parts\` DROP FOREIGN KEY \`FK_fd021630c5adfa1dea0a83c2889\``);
    await queryRunner.query(`DROP INDEX \`IDX_58b35f7244117232e981aa7c09\` ON \`report_snapshot_parts\``);
    await queryRunner.query(`DROP TABLE \`report_snapshot_parts\``);
    await queryRunner.query(`DROP INDEX \`IDX_86618cd464bc280689394e8bb4\` ON \`report_month_closes\``);
    await queryRunner.query(`DROP TABLE \`report_month_closes\``);
  }
}
