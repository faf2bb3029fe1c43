import type { MigrationInterface, QueryRunner } from 'typeorm';
import { deleteDefaultPolicy, insertDefaultPolicy } from '../default-policy';

export class DefaultPolicy1763870000001 implements MigrationInterface {
  name = 'DefaultPolicy1763870000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await insertDefaultPolicy(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await deleteDefaultPolicy(queryRunner);
  }
}
