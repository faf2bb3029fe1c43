import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Tombstones1796533366269 implements MigrationInterface {
  name = 'Tombstones1796533366269';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`tombstones\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`entity\` varchar(64) NOT NULL, \`entity_id\` int NOT NULL, \`deleted_at\` datetime(3) NOT NULL, \`deleted_by\` varchar(200) NULL, INDEX \`IDX_c2a8ae7cd01925b371a862e5fe\` (\`deleted_at\`), INDEX \`IDX_a205b0fec95f60c405dbcf80b4\` (\`entity\`, \`deleted_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_a205b0fec95f60c405dbcf80b4\` ON \`tombstones\``);
    await queryRunner.query(`DROP INDEX \`IDX_c2a8ae7cd01925b371a862e5fe\` ON \`tombstones\``);
    await queryRunner.query(`DROP TABLE \`tombstones\``);
  }
}
