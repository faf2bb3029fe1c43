import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportReviewUndo1796536518108 implements MigrationInterface {
  name = 'ImportReviewUndo1796536518108';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`import_job_files\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`job_id\` int NOT NULL, \`kind\` varchar(8) NOT NULL, \`seq\` int NOT NULL, \`data\` blob NOT NULL, UNIQUE INDEX \`IDX_b4f05bf3efdef770a45a996e84\` (\`job_id\`, \`kind\`, \`seq\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`import_job_rows\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`job_id\` int NOT NULL, \`seq\` int NOT NULL, \`sheet\` varchar(100) NOT NULL, \`row\` int NOT NULL, \`outcome\` varchar(12) NOT NULL, \`account_id\` int NULL, \`label\` varchar(200) NULL, \`changes\` text NULL, UNIQUE INDEX \`IDX_e7f70f3f600efa15bc81893ede\` (\`job_id\`, \`seq\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`import_job_changes\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`job_id\` int NOT NULL, \`seq\` int NOT NULL, \`entity\` varchar(40) NOT NULL, \`entity_id\` int NOT NULL, \`action\` varchar(8) NOT NULL, \`before\` text NULL, \`version_after\` int NULL, UNIQUE INDEX \`IDX_40b55e337f0eeb0c22cccff1f5\` (\`job_id\`, \`seq\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`actor_user_id\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`error_count\` int NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`warning_count\` int NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`expires_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`confirmed_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`confirmed_by\` varchar(200) NULL`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`undone_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` ADD \`undone_by\` varchar(200) NULL`);
    await queryRunner.query(`ALTER TABLE \`import_job_files\` ADD CONSTRAINT \`FK_49871401b2107bd4d7c03ebd0c2\` FOREIGN KEY (\`job_id\`) REFERENCES \`import_jobs\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`import_job_rows\` ADD CONSTRAINT \`FK_0f675c2998d04ab0dc6293420e0\` FOREIGN KEY (\`job_id\`) REFERENCES \`import_jobs\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`import_job_rows\` DROP FOREIGN KEY \`FK_0f675c2998d04ab0dc6293420e0\``);
    await queryRunner.query(`ALTER TABLE \`import_job_files\` DROP FOREIGN KEY \`FK_49871401b2107bd4d7c03ebd0c2\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`undone_by\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`undone_at\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`confirmed_by\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`confirmed_at\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`expires_at\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`warning_count\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`error_count\``);
    await queryRunner.query(`ALTER TABLE \`import_jobs\` DROP COLUMN \`actor_user_id\``);
    await queryRunner.query(`DROP INDEX \`IDX_40b55e337f0eeb0c22cccff1f5\` ON \`import_job_changes\``);
    await queryRunner.query(`DROP TABLE \`import_job_changes\``);
    await queryRunner.query(`DROP INDEX \`IDX_e7f70f3f600efa15bc81893ede\` ON \`import_job_rows\``);
    await queryRunner.query(`DROP TABLE \`import_job_rows\``);
    await queryRunner.query(`DROP INDEX \`IDX_b4f05bf3efdef770a45a996e84\` ON \`import_job_files\``);
    await queryRunner.query(`DROP TABLE \`import_job_files\``);
  }
}
