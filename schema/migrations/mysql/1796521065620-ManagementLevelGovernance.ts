import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ManagementLevelGovernance1796521065620 implements MigrationInterface {
  name = 'ManagementLevelGovernance1796521065620';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`management_level_reviews\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`version\` int NOT NULL, \`account_id\` int NOT NULL, \`reason\` text NOT NULL, \`period\` varchar(16) NULL, \`proposed_by_id\` int NULL, \`proposed_at\` datetime(3) NOT NULL, \`status\` varchar(16) NOT NULL DEFAULT 'PENDING', \`decided_by_id\` int NULL, \`decided_at\` datetime(3) NULL, \`decision_note\` text NULL, \`from_level_id\` int NULL, \`to_level_id\` int NOT NULL, INDEX \`IDX_ba19a6cf8310f5ac54711df62b\` (\`period\`), INDEX \`IDX_3c07d56a2b4092de8c54c146ed\` (\`account_id\`, \`status\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`management_levels\` ADD \`lead_unit_kind\` varchar(16) NOT NULL DEFAULT 'BRANCH'`);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` ADD CONSTRAINT \`FK_26bf5b13eae4b0a49628cd8f7dc\` FOREIGN KEY (\`account_id\`) REFERENCES \`accounts\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` ADD CONSTRAINT \`FK_6b40e1d32235f89186eaea216bb\` FOREIGN KEY (\`proposed_by_id\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` ADD CONSTRAINT \`FK_26c229dae8fa4e070b86f675b0e\` FOREIGN KEY (\`decided_by_id\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` ADD CONSTRAINT \`FK_95214323a938bd2e239d55a3dd9\` FOREIGN KEY (\`from_level_id\`) REFERENCES \`management_levels\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` ADD CONSTRAINT \`FK_947832803d1bdda42367661f006\` FOREIGN KEY (\`to_level_id\`) REFERENCES \`management_levels\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`);
    // 公司级 accounts are led by the head office (policy 004); every other level by the branch.
    await queryRunner.query(`UPDATE \`management_levels\` SET \`lead_unit_kind\` = 'COMPANY' WHERE \`code\` = 'COMPANY'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` DROP FOREIGN KEY \`FK_947832803d1bdda42367661f006\``);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` DROP FOREIGN KEY \`FK_95214323a938bd2e239d55a3dd9\``);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` DROP FOREIGN KEY \`FK_26c229dae8fa4e070b86f675b0e\``);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` DROP FOREIGN KEY \`FK_6b40e1d32235f89186eaea216bb\``);
    await queryRunner.query(`ALTER TABLE \`management_level_reviews\` DROP FOREIGN KEY \`FK_26bf5b13eae4b0a49628cd8f7dc\``);
    await queryRunner.query(`ALTER TABLE \`management_levels\` DROP COLUMN \`lead_unit_kind\``);
    await queryRunner.query(`DROP INDEX \`IDX_3c07d56a2b4092de8c54c146ed\` ON \`management_level_reviews\``);
    await queryRunner.query(`DROP INDEX \`IDX_ba19a6cf8310f5ac54711df62b\` ON \`management_level_reviews\``);
    await queryRunner.query(`DROP TABLE \`management_level_reviews\``);
  }
}
