import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../db/columns';

/**
 * Failed credentials per client address in a fixed window (`login:<ip>` for passwords, `bearer:<ip>`
 * for API keys and tokens). In the database, not in memory: every API instance counts the same
 * failures.
 */
@Entity('login_throttles')
export class LoginThrottle {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'int', default: 0 })
  failures!: number;

  /** Start of the current window; failures older than the window no longer count. */
  @TimestampColumn({ nullable: false })
  windowStart!: Date;
}
