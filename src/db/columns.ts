/**
 * Column conventions shared by every entity, chosen to behave the same on MySQL/MariaDB and SQLite:
 * money as BIGINT 分, calendar dates as DATE (`YYYY-MM-DD` strings), timestamps as DATETIME(3) UTC.
 */
import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn, type ColumnOptions } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { fenTransformer } from '../common/money';

/** An amount in 分 (BIGINT). Expose it to GraphQL in 元 through a getter. */
export function MoneyColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({ type: 'bigint', nullable: true, transformer: fenTransformer, ...options });
}

/** A calendar date without time (`DATE`), hydrated as a `YYYY-MM-DD` string. */
export function DateColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return Column({ type: 'date', nullable: true, ...options });
}

/** A point in time with millisecond precision, stored in UTC. */
export function TimestampColumn(options: Omit<ColumnOptions, 'type' | 'precision'> = {}): PropertyDecorator {
  return Column({ type: 'datetime', precision: 3, nullable: true, ...options });
}

/** `id`, `created_at`, `updated_at`: every table has them. */
@ObjectType({ simpleResolvers: true })
export abstract class BaseRecord {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id!: number;

  @Field({ description: '创建时间 / created at' })
  @CreateDateColumn()
  createdAt!: Date;

  @Field({ description: '更新时间 / last updated at' })
  @UpdateDateColumn()
  updatedAt!: Date;
}

/** A mutable aggregate: optimistic concurrency through `version`. */
@ObjectType({ simpleResolvers: true })
export abstract class VersionedRecord extends BaseRecord {
  @Field(() => Int, { description: '版本号，更新时回传以防并发覆盖 / version for optimistic concurrency' })
  @VersionColumn()
  version!: number;
}

/** A list of codes or ids stored as `A,B` (simple-array); NULL — a column added later, a row written by SQL — reads as []. */
export function ListColumn(): PropertyDecorator {
  return Column({ type: 'simple-array', nullable: true, transformer: { to: (v: unknown) => v, from: (v: unknown) => v ?? [] } });
}
