import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PolicyRules1795407374459 implements MigrationInterface {
  name = 'PolicyRules1795407374459';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`account_recommendations\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`version\` int NOT NULL, \`account_id\` int NOT NULL, \`unit_id\` int NOT NULL, \`manager_id\` int NULL, \`recommended_by_id\` int NULL, \`recommended_by_name\` varchar(200) NOT NULL, \`recommended_at\` datetime(3) NOT NULL, \`reason\` text NULL, \`status\` varchar(16) NOT NULL DEFAULT 'PENDING', \`previous_status\` varchar(16) NULL, \`previous_owner_unit_id\` int NULL, \`previous_manager_id\` int NULL, \`decided_by_id\` int NULL, \`decided_at\` datetime(3) NULL, \`decision_note\` text NULL, INDEX \`IDX_91e2d8b2eb276210b4cc4cdbe8\` (\`unit_id\`), INDEX \`IDX_ec7843e86ca337af29b48c22a4\` (\`status\`, \`recommended_at\`), INDEX \`IDX_a52d3c835438947af9d3235358\` (\`account_id\`, \`status\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`year_end_rules\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`version\` int NOT NULL, \`position\` int NOT NULL, \`name\` varchar(100) NOT NULL, \`decision\` varchar(16) NOT NULL, \`ratings\` text NULL, \`score_at_least\` decimal(5,2) NULL, \`score_below\` decimal(5,2) NULL, \`signed_at_least_fen\` bigint NULL, \`signed_below_fen\` bigint NULL, \`received_at_least_fen\` bigint NULL, \`received_below_fen\` bigint NULL, \`compliance_at_least\` int NULL, \`compliance_below\` int NULL, \`description\` text NULL, \`active\` tinyint NOT NULL DEFAULT 1, INDEX \`IDX_2f3c470cd1c5e18dd6dcd12fd8\` (\`position\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`policy_locks\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`name\` varchar(64) NOT NULL, \`counter\` bigint NOT NULL DEFAULT '0', UNIQUE INDEX \`IDX_5ea6b64f58785707a45206fa5c\` (\`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`management_levels\` ADD \`active\` tinyint NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` ADD CONSTRAINT \`FK_8d7c6867999a8bdf7d27fce33a6\` FOREIGN KEY (\`account_id\`) REFERENCES \`accounts\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` ADD CONSTRAINT \`FK_91e2d8b2eb276210b4cc4cdbe8d\` FOREIGN KEY (\`unit_id\`) REFERENCES \`org_units\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` ADD CONSTRAINT \`FK_4a7632172705b6d6da04cd18a64\` FOREIGN KEY (\`manager_id\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` ADD CONSTRAINT \`FK_eb66f9edc7b5ac55a7f8a377a28\` FOREIGN KEY (\`recommended_by_id\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` ADD CONSTRAINT \`FK_13c2b76e73120ece2524bf3d364\` FOREIGN KEY (\`decided_by_id\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` DROP FOREIGN KEY \`FK_13c2b76e73120ece2524bf3d364\``);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` DROP FOREIGN KEY \`FK_eb66f9edc7b5ac55a7f8a377a28\``);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` DROP FOREIGN KEY \`FK_4a7632172705b6d6da04cd18a64\``);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` DROP FOREIGN KEY \`FK_91e2d8b2eb276210b4cc4cdbe8d\``);
    await queryRunner.query(`ALTER TABLE \`account_recommendations\` DROP FOREIGN KEY \`FK_8d7c6867999a8bdf7d27fce33a6\``);
    await queryRunner.query(`ALTER TABLE \`management_levels\` DROP COLUMN \`active\``);
    await queryRunner.query(`DROP INDEX \`IDX_5ea6b64f58785707a45206fa5c\` ON \`policy_locks\``);
    await queryRunner.query(`DROP TABLE \`policy_locks\``);
    await queryRunner.query(`DROP INDEX \`IDX_2f3c470cd1c5e18dd6dcd12fd8\` ON \`year_end_rules\``);
    await queryRunner.query(`DROP TABLE \`year_end_rules\``);
    await queryRunner.query(`DROP INDEX \`IDX_a52d3c835438947af9d3235358\` ON \`account_recommendations\``);
    await queryRunner.query(`DROP INDEX \`IDX_ec7843e86ca337af29b48c22a4\` ON \`account_recommendations\``);
    await queryRunner.query(`DROP INDEX \`IDX_91e2d8b2eb276210b4cc4cdbe8\` ON \`account_recommendations\``);
    await queryRunner.query(`DROP TABLE \`account_recommendations\``);
  }
}
