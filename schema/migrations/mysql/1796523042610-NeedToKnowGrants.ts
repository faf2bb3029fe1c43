import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NeedToKnowGrants1796523042610 implements MigrationInterface {
  name = 'NeedToKnowGrants1796523042610';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`data_access_grants\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`version\` int NOT NULL, \`role\` varchar(16) NOT NULL, \`data_class\` varchar(16) NOT NULL, \`note\` text NOT NULL, \`granted_by_id\` int NULL, \`granted_by_name\` varchar(200) NOT NULL, \`revoked_at\` datetime(3) NULL, \`revoked_by_name\` varchar(200) NULL, INDEX \`IDX_9fe81ab39f8a3fab8f2c721f91\` (\`role\`, \`data_class\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_9fe81ab39f8a3fab8f2c721f91\` ON \`data_access_grants\``);
    await queryRunner.query(`DROP TABLE \`data_access_grants\``);
  }
}
