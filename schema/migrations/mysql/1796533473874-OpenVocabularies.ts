import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OpenVocabularies1796533473874 implements MigrationInterface {
  name = 'OpenVocabularies1796533473874';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`import_mappings\` (\`id\` int NOT NULL AUTO_INCREMENT, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \`version\` int NOT NULL, \`kind\` varchar(8) NOT NULL, \`annex\` varchar(16) NULL, \`column\` varchar(64) NOT NULL, \`from_text\` varchar(200) NOT NULL, \`to_value\` varchar(100) NULL, \`unit_id\` int NULL, \`note\` varchar(500) NULL, \`created_by\` varchar(100) NOT NULL, \`scope_key\` varchar(255) NOT NULL, UNIQUE INDEX \`IDX_fe9b4d949fc7fbde5bf7f50484\` (\`scope_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`accounts\` ADD \`ownership_label\` varchar(100) NULL`);
    await queryRunner.query(`ALTER TABLE \`accounts\` ADD \`scale_label\` varchar(100) NULL`);
    await queryRunner.query(`ALTER TABLE \`accounts\` ADD \`reputation_label\` varchar(100) NULL`);
    await queryRunner.query(`ALTER TABLE \`contacts\` ADD \`gender_label\` varchar(100) NULL`);
    await queryRunner.query(`ALTER TABLE \`contacts\` ADD \`role_label\` varchar(100) NULL`);
    await queryRunner.query(`ALTER TABLE \`contacts\` ADD \`closeness_label\` varchar(100) NULL`);
    // Existing codes get their label, so every reader shows a label beside the code.
    await queryRunner.query(`UPDATE \`contacts\` SET \`gender_label\` = CASE \`gender\` WHEN 'MALE' THEN '男' WHEN 'FEMALE' THEN '女' END WHERE \`gender\` IS NOT NULL`);
    await queryRunner.query(`UPDATE \`contacts\` SET \`role_label\` = CASE \`role\` WHEN 'DECISION_MAKER' THEN '决策者' WHEN 'INFLUENCER' THEN '影响者' WHEN 'TECHNICAL' THEN '技术把关' WHEN 'PROCUREMENT' THEN '采购' WHEN 'FINANCE' THEN '财务' WHEN 'USER' THEN '使用者' WHEN 'HEAD' THEN '企业负责人' WHEN 'HANDLER' THEN '经办人' WHEN 'OTHER' THEN '其他' END WHERE \`role\` IS NOT NULL`);
    await queryRunner.query(`UPDATE \`contacts\` SET \`closeness_label\` = CASE \`closeness\` WHEN 'CLOSE' THEN '密切' WHEN 'GOOD' THEN '良好' WHEN 'NORMAL' THEN '一般' WHEN 'DISTANT' THEN '疏远' END WHERE \`closeness\` IS NOT NULL`);
    await queryRunner.query(`UPDATE \`accounts\` SET \`ownership_label\` = CASE \`ownership\` WHEN 'STATE_OWNED' THEN '国有企业' WHEN 'COLLECTIVE' THEN '集体企业' WHEN 'PRIVATE' THEN '民营企业' WHEN 'JOINT_VENTURE' THEN '合资企业' WHEN 'FOREIGN' THEN '外资企业' WHEN 'LISTED' THEN '上市公司' WHEN 'GOVERNMENT' THEN '政府机关及事业单位' WHEN 'OTHER' THEN '其他' END WHERE \`ownership\` IS NOT NULL`);
    await queryRunner.query(`UPDATE \`accounts\` SET \`scale_label\` = CASE \`scale\` WHEN 'LARGE' THEN '大型' WHEN 'MEDIUM' THEN '中型' WHEN 'SMALL' THEN '小型' WHEN 'MICRO' THEN '微型' END WHERE \`scale\` IS NOT NULL`);
    await queryRunner.query(`UPDATE \`accounts\` SET \`reputation_label\` = CASE \`reputation\` WHEN 'EXCELLENT' THEN '优' WHEN 'GOOD' THEN '良' WHEN 'FAIR' THEN '中' WHEN 'POOR' THEN '差' END WHERE \`reputation\` IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`contacts\` DROP COLUMN \`closeness_label\``);
    await queryRunner.query(`ALTER TABLE \`contacts\` DROP COLUMN \`role_label\``);
    await queryRunner.query(`ALTER TABLE \`contacts\` DROP COLUMN \`gender_label\``);
    await queryRunner.query(`ALTER TABLE \`accounts\` DROP COLUMN \`reputation_label\``);
    await queryRunner.query(`ALTER TABLE \`accounts\` DROP COLUMN \`scale_label\``);
    await queryRunner.query(`ALTER TABLE \`accounts\` DROP COLUMN \`ownership_label\``);
    await queryRunner.query(`DROP INDEX \`IDX_fe9b4d949fc7fbde5bf7f50484\` ON \`import_mappings\``);
    await queryRunner.query(`DROP TABLE \`import_mappings\``);
  }
}
