import { Arg, Authorized, Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../http/graphql-context';
import { BiEntityKind, feedName } from './bi-vocabulary';
import { Tombstone } from './tombstone.entity';

@ObjectType({ description: '增量变更：某时刻以来新增、修改、删除的记录 / what changed in an entity since a moment (created, updated, deleted ids)' })
export class ChangeSet {
  @Field(() => BiEntityKind, { description: '数据集 / entity' })
  entity!: BiEntityKind;

  @Field({ description: '起始时间（含）/ changes at or after this moment' })
  since!: Date;

  @Field({ description: '读取时刻：下次以此为 since / when this was read: pass it as the next since' })
  until!: Date;

  @Field(() => [ID], { description: '新增记录 / ids created since' })
  created!: number[];

  @Field(() => [ID], { description: '修改记录（此前已存在）/ ids updated since (created before)' })
  updated!: number[];

  @Field(() => [Tombstone], { description: '删除记录 / records deleted since (tombstones)' })
  deleted!: Tombstone[];
}

@Resolver()
export class BiResolver {
  @Authorized()
  @Query(() => ChangeSet, {
    description:
      '增量刷新：某时刻以来的新增、修改、删除（删除记录保留 KAM_TOMBSTONE_RETENTION_DAYS 天，更早的 since 返回 CHANGES_EXPIRED，需全量重载）/ incremental refresh: ids created, updated and deleted since a moment; a since older than the tombstone retention is refused (CHANGES_EXPIRED: reload in full)',
  })
  async changes(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('entity', () => BiEntityKind) entity: BiEntityKind,
    @Arg('since', () => Date, { description: '起始时间（ISO 8601，上次的 until）/ the previous until' }) since: Date,
  ): Promise<ChangeSet> {
    const set = await services.bi.changes(ctx, feedName(entity), since);
    return { ...set, entity };
  }
}
