/**
 * 客户: every account the caller may read, filtered by tier, unit, manager, management level, status and
 * a name-or-code search. Keyset pages of 200 load as the list scrolls, and the table renders only the
 * rows in view (virtual), so 10,000 accounts scroll as smoothly as 100.
 */
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Card, Empty, Flex, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType, TableProps } from 'antd/es/table';
import { useInfiniteQuery } from '@tanstack/react-query';
import { graphql } from '../../gql';
import type { AccountFilter, AccountOrderField, AccountStatus, ConsoleAccountsQuery } from '../../gql/graphql';
import { ApiError, gql } from '../../api/client';
import { useReference } from '../../api/reference';
import { useLang } from '../../i18n/lang';
import { ACCOUNT_STATUS, label, options } from '../../i18n/labels';
import { formatYuan } from '../../format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TierTag } from '../../components/TierTag';
import { useViewportHeight } from '../../components/useViewportHeight';

const PAGE = 200;

const AccountsQuery = graphql(`
  query ConsoleAccounts($first: Int!, $after: String, $filter: AccountFilter, $orderBy: AccountOrder) {
    accounts(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id code name status annualSales expectedContractValue registeredOn
        tier { id code name rank }
        managementLevel { id name }
        ownerUnit { id name }
        manager { id name }
      }
    }
  }
`);

type Row = ConsoleAccountsQuery['accounts']['nodes'][number];

/** Filters live in the URL, so a filtered list can be bookmarked and shared. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const list = (k: string) => params.getAll(k);
  const filter: AccountFilter = {
    search: params.get('q') || undefined,
    tierCodes: list('tier').length ? list('tier') : undefined,
    unitIds: list('unit').length ? list('unit') : undefined,
    includeSubUnits: list('unit').length ? true : undefined,
    managerIds: list('manager').length ? list('manager') : undefined,
    managementLevels: list('level').length ? list('level') : undefined,
    statuses: list('status').length ? (list('status') as AccountStatus[]) : undefined,
  };
  const set = (k: string, v: string | string[] | undefined) => {
    const next = new URLSearchParams(params);
    next.delete(k);
    for (const x of Array.isArray(v) ? v : v ? [v] : []) next.append(k, x);
    setParams(next, { replace: true });
  };
  return { params, filter, set };
}

export default function AccountsPage() {
  const { t, lang } = useLang();
  const ref = useReference();
  const { params, filter, set } = useFilters();
  const [order, setOrder] = useState<{ field: AccountOrderField; direction: 'ASC' | 'DESC' }>({ field: 'CODE', direction: 'ASC' });
  const [search, setSearch] = useState(params.get('q') ?? '');
  const height = useViewportHeight(330);

  const query = useInfiniteQuery<ConsoleAccountsQuery['accounts'], ApiError>({
    queryKey: ['ConsoleAccounts', filter, order],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => (await gql(AccountsQuery, { first: PAGE, after: pageParam as string | null, filter, orderBy: order })).accounts,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.nodes) ?? [], [query.data]);
  const total = query.data?.pages[0]?.totalCount;

  const columns: ColumnsType<Row> = [
    { key: 'CODE', title: t('客户编号', 'Code'), dataIndex: 'code', width: 130, sorter: true, sortOrder: order.field === 'CODE' ? (order.direction === 'ASC' ? 'ascend' : 'descend') : null },
    {
      key: 'NAME', title: t('单位名称', 'Name'), dataIndex: 'name', width: 300, sorter: true, ellipsis: true,
      sortOrder: order.field === 'NAME' ? (order.direction === 'ASC' ? 'ascend' : 'descend') : null,
      render: (_, r) => <Link to={`/accounts/${r.id}`}>{r.name}</Link>,
    },
    { key: 'tier', title: t('级别', 'Tier'), width: 90, render: (_, r) => <TierTag tier={r.tier} /> },
    { key: 'level', title: t('管理层级', 'Level'), width: 100, render: (_, r) => r.managementLevel?.name ?? '' },
    { key: 'status', title: t('状态', 'Status'), width: 100, render: (_, r) => <Tag color={r.status === 'ACTIVE' ? 'green' : r.status === 'CANDIDATE' ? 'gold' : 'default'}>{label(ACCOUNT_STATUS, r.status, lang)}</Tag> },
    { key: 'unit', title: t('推荐单位', 'Owning unit'), width: 150, ellipsis: true, render: (_, r) => r.ownerUnit?.name ?? '' },
    { key: 'manager', title: t('客户经理', 'Manager'), width: 100, render: (_, r) => r.manager?.name ?? '' },
    {
      key: 'ANNUAL_SALES', title: t('年合作销售额（元）', 'Annual sales (¥)'), dataIndex: 'annualSales', width: 170, align: 'right', sorter: true,
      sortOrder: order.field === 'ANNUAL_SALES' ? (order.direction === 'ASC' ? 'ascend' : 'descend') : null, render: (v: number | null) => formatYuan(v),
    },
    {
      key: 'EXPECTED_CONTRACT_VALUE', title: t('后续合同成交额（元）', 'Expected contracts (¥)'), dataIndex: 'expectedContractValue', width: 180, align: 'right', sorter: true,
      sortOrder: order.field === 'EXPECTED_CONTRACT_VALUE' ? (order.direction === 'ASC' ? 'ascend' : 'descend') : null, render: (v: number | null) => formatYuan(v),
    },
    { key: 'REGISTERED_ON', title: t('建档日期', 'Registered'), dataIndex: 'registeredOn', width: 120 },
  ];

  const onChange: TableProps<Row>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    if (s?.order && typeof s.columnKey === 'string') setOrder({ field: s.columnKey as AccountOrderField, direction: s.order === 'ascend' ? 'ASC' : 'DESC' });
    else setOrder({ field: 'CODE', direction: 'ASC' });
  };

  const onScroll = (e: React.UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget ?? (e.target as HTMLDivElement);
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 600 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  };

  const r = ref.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('客户', 'Accounts')}</Typography.Title>
      <Card size="small">
        <Flex wrap gap="small" role="search" aria-label={t('筛选客户', 'Filter accounts')}>
          <Input.Search
            aria-label={t('搜索名称或客户编号', 'Search name or code')}
            placeholder={t('名称或客户编号', 'Name or code')}
            allowClear
            style={{ width: 240 }}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => set('q', v.trim() || undefined)}
          />
          <Select aria-label={t('客户级别', 'Tier')} mode="multiple" allowClear placeholder={t('客户级别', 'Tier')} style={{ minWidth: 150 }} value={params.getAll('tier')} onChange={(v) => set('tier', v)}
            options={r?.tiers.map((x) => ({ value: x.code, label: x.name }))} />
          <Select aria-label={t('推荐单位', 'Owning unit')} mode="multiple" allowClear placeholder={t('推荐单位', 'Owning unit')} style={{ minWidth: 170 }} value={params.getAll('unit')} onChange={(v) => set('unit', v)}
            optionFilterProp="label" options={r?.orgUnits.nodes.map((x) => ({ value: x.id, label: x.name }))} />
          <Select aria-label={t('客户经理', 'Manager')} mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('客户经理', 'Manager')} style={{ minWidth: 160 }} value={params.getAll('manager')} onChange={(v) => set('manager', v)}
            options={r?.users.nodes.map((x) => ({ value: x.id, label: `${x.name}${x.unit ? `（${x.unit.name}）` : ''}` }))} />
          <Select aria-label={t('管理层级', 'Management level')} mode="multiple" allowClear placeholder={t('管理层级', 'Management level')} style={{ minWidth: 150 }} value={params.getAll('level')} onChange={(v) => set('level', v)}
            options={r?.managementLevels.map((x) => ({ value: x.code, label: x.name }))} />
          <Select aria-label={t('状态', 'Status')} mode="multiple" allowClear placeholder={t('状态', 'Status')} style={{ minWidth: 150 }} value={params.getAll('status')} onChange={(v) => set('status', v)}
            options={options(ACCOUNT_STATUS, lang)} />
        </Flex>
      </Card>
      {query.isError && <ErrorAlert error={query.error} />}
      <Card size="small" title={<span data-testid="accounts-total">{total === undefined ? t('加载中…', 'Loading…') : t(`共 ${total} 个客户`, `${total} accounts`)}</span>}
        extra={total !== undefined && <Typography.Text type="secondary">{t(`已加载 ${rows.length} 个`, `${rows.length} loaded`)}</Typography.Text>}>
        <Table<Row>
          virtual
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={rows}
          loading={query.isLoading}
          pagination={false}
          scroll={{ x: 1440, y: height }}
          onChange={onChange}
          onScroll={onScroll}
          locale={{ emptyText: <Empty description={t('没有符合条件的客户', 'No accounts match')} /> }}
          footer={query.isFetchingNextPage ? () => t('正在加载更多…', 'Loading more…') : undefined}
        />
      </Card>
    </Space>
  );
}
