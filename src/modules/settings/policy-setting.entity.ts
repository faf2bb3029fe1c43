import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '../../db/columns';

/**
 * A scalar policy setting (data, like tiers and rules): the confidentiality agreement version in force,
 * who approves the yearly tier list. One row per key; the value is JSON. Services read them through
 * {@link PolicySettingsService}, never by key strings of their own.
 */
@Entity('policy_settings')
export class PolicySetting extends BaseRecord {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  key!: string;

  /** JSON; null = unset (the default applies). */
  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ type: 'int', nullable: true })
  updatedById!: number | null;
}
