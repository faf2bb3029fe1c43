import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScheduledRuns1796600000000 implements MigrationInterface {
  name = 'ScheduledRuns1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`scheduled_runs\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`job\` varchar(64) NOT NULL, \`slot\` varchar(32) NOT NULL, \`runner\` varchar(200) NOT NULL, \`finished_at\` datetime(3) NULL, UNIQUE INDEX \`UQ_scheduled_runs_job_slot\` (\`job\`, \`slot\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`UQ_scheduled_runs_job_slot\` ON \`scheduled_runs\``);
    await queryRunner.query(`DROP TABLE \`scheduled_runs\``);
  }
}
