import type { MigrationInterface, QueryRunner } from 'typeorm';
import { deletePolicyRuleDefaults, insertPolicyRuleDefaults } from '../policy-rules';

export class PolicyRuleDefaults1795407374460 implements MigrationInterface {
  name = 'PolicyRuleDefaults1795407374460';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await insertPolicyRuleDefaults(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await deletePolicyRuleDefaults(queryRunner);
  }
}
