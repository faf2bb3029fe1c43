import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditAppendOnly1795600000000 implements MigrationInterface {
  name = 'AuditAppendOnly1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`audit_events\` ADD \`user_agent\` varchar(200) NULL`);
    // Append-only: no UPDATE ever; a DELETE only from `kam audit prune`, which sets its cutoff in a session
    // variable inside its transaction (AuditService.prune) and may only remove events older than it.
    // TiDB has no triggers: there the trail is append-only by the application alone (no update/delete API).
    const [{ v }] = (await queryRunner.query('SELECT VERSION() AS v')) as { v: string }[];
    if (/tidb/i.test(v)) return;
    await queryRunner.query(`CREATE TRIGGER \`audit_events_no_update\` BEFORE UPDATE ON \`audit_events\` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_events is append-only: UPDATE refused'`);
    await queryRunner.query(`CREATE TRIGGER \`audit_events_prune_only\` BEFORE DELETE ON \`audit_events\` FOR EACH ROW BEGIN IF @kam_audit_prune_before IS NULL OR OLD.\`at\` >= @kam_audit_prune_before THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_events is append-only: DELETE refused (only kam audit prune removes events past retention)'; END IF; END`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS \`audit_events_prune_only\``);
    await queryRunner.query(`DROP TRIGGER IF EXISTS \`audit_events_no_update\``);
    await queryRunner.query(`ALTER TABLE \`audit_events\` DROP COLUMN \`user_agent\``);
  }
}
