/**
 * 我的工作台 (account manager): my accounts, the visits due and overdue on the business day, this
 * month's visits, and a form to log a visit or activity — after which the counters and the due list
 * show it at once (every query is refreshed after a write).
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { graphql } from '../../gql';
import type { ActivityType } from '../../gql/graphql';
import { useGql } from '../../api/client';
import { useBusinessToday } from '../../api/reference';
import { useViewer } from '../../api/viewer';
import { useLang } from '../../i18n/lang';
import { ACTIVITY_TYPE, CADENCE_STATUS, label } from '../../i18n/labels';
import { formatYuan } from '../../format';
import { ActivityForm, type ActivityDraft } from '../../components/ActivityForm';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TierTag } from '../../components/TierTag';
import { PageLoading } from '../../layout/guards';

const ManagerQuery = graphql(`
  query ManagerDesk($me: ID!, $today: LocalDate!, $monthStart: LocalDate!, $yearStart: LocalDate!) {
    accounts(first: 500, filter: { managerIds: [$me] }, orderBy: { field: NAME, direction: ASC }) {
      totalCount
      nodes { id code name status tier { id name rank } annualSales }
    }
    due: visitCompliance(asOf: $today, filter: { managerId: $me, statuses: [OVERDUE, DUE_SOON, NEVER] }, first: 500) {
      totalCount
      nodes { accountId account { id name code } activityType lastOn nextDueOn daysUntilDue status overdue tier { id name rank } }
    }
    visits: activityStats(managerIds: [$me], from: $monthStart, to: $today, types: [EXECUTIVE_VISIT, MANAGER_VISIT], groupBy: []) {
      rows { activities accounts }
    }
    year: accountStats(filter: { managerIds: [$me] }, from: $yearStart, to: $today, groupBy: []) {
      total { signed received receivable overdue }
    }
  }
`);

const STATUS_COLOR: Record<string, string> = { DUE_SOON: 'gold', OVERDUE: 'red', NEVER: 'red' };

export default function ManagerPage() {
  const { t, lang } = useLang();
  const me = useViewer().data?.me;
  const today = useBusinessToday();
  const [draft, setDraft] = useState<ActivityDraft | null>(null);
  const userId = me?.user?.id;
  const q = useGql(
    ManagerQuery,
    { me: userId ?? '', today: today ?? '', monthStart: `${today?.slice(0, 7)}-01`, yearStart: `${today?.slice(0, 4)}-01-01` },
    { enabled: !!userId && !!today },
  );

  if (!userId) return <Empty description={t('此凭据不代表客户经理本人（API 密钥）。', 'This credential is not a manager login.')} />;
  if (q.isError) return <ErrorAlert error={q.error} />;
  if (!q.data) return <PageLoading />;
  const d = q.data;
  const overdue = d.due.nodes.filter((n) => n.overdue).length;
  const dueSoon = d.due.nodes.length - overdue;
  const visits = d.visits.rows[0]?.activities ?? 0;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('我的工作台', 'My work')}</Typography.Title>
        <Button type="primary" onClick={() => setDraft({})}>{t('登记拜访/活动', 'Log a visit or activity')}</Button>
      </Space>
      <Row gutter={16}>
        <Col xs={12} md={6}><Card><Statistic title={t('我的客户', 'My accounts')} value={d.accounts.totalCount} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('拜访已逾期', 'Visits overdue')} value={overdue} styles={{ content: { color: overdue ? '#cf1322' : undefined } }} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('即将到期', 'Due soon')} value={dueSoon} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('本月拜访次数', 'Visits this month')} value={visits} data-testid="visits-this-month" /></Card></Col>
      </Row>
      <Row gutter={16}>
        <Col xs={12} md={6}><Card><Statistic title={t('本年签约（元）', 'Signed this year (¥)')} value={formatYuan(d.year.total.signed)} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('本年回款（元）', 'Received this year (¥)')} value={formatYuan(d.year.total.received)} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('应收余额（元）', 'Receivable (¥)')} value={formatYuan(d.year.total.receivable)} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('逾期应收（元）', 'Overdue (¥)')} value={formatYuan(d.year.total.overdue)} /></Card></Col>
      </Row>
      <Card title={t(`待办拜访（截至 ${today}）`, `Visits due (as of ${today})`)}>
        <Table size="small" rowKey={(r) => `${r.accountId}-${r.activityType}`} dataSource={d.due.nodes} pagination={{ pageSize: 10, showSizeChanger: false }} data-testid="due-table"
          locale={{ emptyText: t('没有逾期或即将到期的拜访', 'Nothing due') }}
          columns={[
            { title: t('客户', 'Account'), render: (_, r) => <Link to={`/accounts/${r.accountId}`}>{r.account?.name}</Link> },
            { title: t('级别', 'Tier'), render: (_, r) => <TierTag tier={r.tier} /> },
            { title: t('活动类型', 'Type'), render: (_, r) => label(ACTIVITY_TYPE, r.activityType, lang) },
            { title: t('最近一次', 'Last'), render: (_, r) => r.lastOn ?? '—' },
            { title: t('期限', 'Due'), render: (_, r) => r.nextDueOn ?? '—' },
            { title: t('状态', 'Status'), render: (_, r) => <Tag color={STATUS_COLOR[r.status]}>{label(CADENCE_STATUS, r.status, lang)}{r.daysUntilDue !== null && r.daysUntilDue < 0 ? t(` ${-r.daysUntilDue} 天`, ` ${-r.daysUntilDue} d`) : ''}</Tag> },
            {
              title: t('操作', 'Action'),
              render: (_, r) => (
                <Button size="small" onClick={() => setDraft({ accountId: r.accountId, type: r.activityType as ActivityType })} aria-label={t(`登记 ${r.account?.name} 的${label(ACTIVITY_TYPE, r.activityType, lang)}`, `Log ${label(ACTIVITY_TYPE, r.activityType, lang)} at ${r.account?.name}`)}>
                  {t('登记', 'Log')}
                </Button>
              ),
            },
          ]} />
      </Card>
      <Card title={t('我的客户', 'My accounts')}>
        <Table size="small" rowKey="id" dataSource={d.accounts.nodes} pagination={{ pageSize: 10, showSizeChanger: false }}
          columns={[
            { title: t('客户编号', 'Code'), dataIndex: 'code' },
            { title: t('单位名称', 'Name'), render: (_, a) => <Link to={`/accounts/${a.id}`}>{a.name}</Link> },
            { title: t('级别', 'Tier'), render: (_, a) => <TierTag tier={a.tier} /> },
            { title: t('年合作销售额（元）', 'Annual sales (¥)'), align: 'right', render: (_, a) => formatYuan(a.annualSales) },
          ]} />
      </Card>
      {draft && <ActivityForm open draft={draft} today={today} accounts={d.accounts.nodes} onClose={() => setDraft(null)} />}
    </Space>
  );
}
