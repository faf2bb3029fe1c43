import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StatsIndexes1796610000000 implements MigrationInterface {
  name = 'StatsIndexes1796610000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`IDX_a61ba51a88f4006b81745a253c\` ON \`activities\` (\`contract_amount_fen\`, \`occurred_on\`)`);
    await queryRunner.query(`CREATE INDEX \`IDX_e7ac107ac1aa5b953aac24009f\` ON \`activities\` (\`occurred_on\`, \`type\`, \`manager_id\`, \`account_id\`, \`contract_amount_fen\`, \`project_id\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_e7ac107ac1aa5b953aac24009f\` ON \`activities\``);
    await queryRunner.query(`DROP INDEX \`IDX_a61ba51a88f4006b81745a253c\` ON \`activities\``);
  }
}
