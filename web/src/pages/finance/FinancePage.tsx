/**
 * 财务: the monthly 战略客户业务状况报告表 on screen — the report's own figures (GraphQL `monthlyReport`,
 * the numbers the workbook prints) — with charts of signed versus received by month and by tier, and
 * the workbook itself for any month up to the current one.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { App, Button, Card, Col, DatePicker, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { graphql } from '../../gql';
import type { MonthlyReportQuery } from '../../gql/graphql';
import { useGql } from '../../api/client';
import { useBusinessToday, useReference } from '../../api/reference';
import { download } from '../../api/downloads';
import { useLang } from '../../i18n/lang';
import { ACTIVITY_TYPE, label } from '../../i18n/labels';
import { formatDateTime, formatPercent, formatWan } from '../../format';
import { Chart } from '../../components/Chart';
import { ErrorAlert, useExplain } from '../../components/ErrorAlert';
import { PageLoading } from '../../layout/guards';

const ReportQuery = graphql(`
  query MonthlyReport($month: String!, $from: LocalDate!, $to: LocalDate!, $tiers: [String!]) {
    monthlyReport(month: $month) {
      month asOf generatedAt
      total { tierCode tierName accounts signedMonth signedYtd signedPrevYtd signedYoy receivedMonth receivedYtd receivable overdue }
      tiers { tierCode tierName accounts signedMonth signedYtd signedPrevYtd signedYoy receivedMonth receivedYtd receivable overdue }
      rows {
        seq accountId code name tierName unitName managerName signedMonth signedYtd signedPrevYtd signedYoy receivedMonth receivedYtd
        receivable overdue visits lastExecutiveVisitOn cadenceCompliant cadenceOverdue creditRating events risks
      }
      compliance { accountId code name tierName managerName activityType intervalMonths lastOn dueOn daysOverdue }
    }
    byMonth: accountStats(groupBy: [MONTH], from: $from, to: $to, filter: { tierCodes: $tiers }) {
      rows { month signed received }
    }
  }
`);

type Report = MonthlyReportQuery['monthlyReport'];
type TierRow = Report['tiers'][number];

export default function FinancePage() {
  const { t, lang } = useLang();
  const today = useBusinessToday();
  const [picked, setPicked] = useState<string | null>(null);
  const month = picked ?? today?.slice(0, 7);
  const monthEnd = month ? dayjs(`${month}-01`).endOf('month').format('YYYY-MM-DD') : '';
  const to = today && monthEnd > today ? today : monthEnd;
  // The charts cover the report's tiers (those marked inMonthlyReport: 战略 and 重点 by default).
  const reportTiers = useReference().data?.tiers.filter((x) => x.inMonthlyReport).map((x) => x.code);
  const q = useGql(ReportQuery, { month: month ?? '', from: `${month?.slice(0, 4)}-01-01`, to, tiers: reportTiers ?? [] }, { enabled: !!month && !!reportTiers });
  const { message } = App.useApp();
  const explain = useExplain();
  const [downloading, setDownloading] = useState(false);

  async function getWorkbook() {
    setDownloading(true);
    try {
      const name = await download(`/reports/monthly/${month}.xlsx`, `monthly-report-${month}.xlsx`);
      message.success(t(`已下载 ${name}`, `Downloaded ${name}`));
    } catch (e) {
      message.error(explain(e), 8);
    } finally {
      setDownloading(false);
    }
  }

  const header = (
    <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('战略客户业务状况报告表', 'Monthly key account report')}</Typography.Title>
      <Space>
        <label htmlFor="report-month">{t('月份', 'Month')}</label>
        <DatePicker id="report-month" picker="month" allowClear={false} value={month ? dayjs(`${month}-01`) : null}
          disabledDate={(d) => !!today && d.isAfter(dayjs(today), 'month')} onChange={(d) => d && setPicked(d.format('YYYY-MM'))} />
        <Button type="primary" icon={<DownloadOutlined />} loading={downloading} onClick={getWorkbook} disabled={!month}>
          {t('下载报表工作簿', 'Download workbook')}
        </Button>
      </Space>
    </Space>
  );

  if (q.isError) return <Space orientation="vertical" style={{ width: '100%' }}>{header}<ErrorAlert error={q.error} /></Space>;
  if (!q.data) return <Space orientation="vertical" style={{ width: '100%' }}>{header}<PageLoading /></Space>;
  const r = q.data.monthlyReport;
  const months = q.data.byMonth.rows;
  // Amounts are 企业机密: null for a caller who may not read them (finance always may).
  const wan = (v: number | null) => (v === null ? null : Number((v / 10_000).toFixed(2)));
  const tierColumns = [
    { title: t('级别', 'Tier'), dataIndex: 'tierName', key: 'tier' },
    { title: t('客户数', 'Accounts'), dataIndex: 'accounts', key: 'accounts', align: 'right' as const },
    { title: t('本月签约', 'Signed (month)'), key: 'sm', align: 'right' as const, render: (_: unknown, x: TierRow) => formatWan(x.signedMonth) },
    { title: t('本年累计签约', 'Signed YTD'), key: 'sy', align: 'right' as const, render: (_: unknown, x: TierRow) => formatWan(x.signedYtd) },
    { title: t('上年同期', 'Prior YTD'), key: 'sp', align: 'right' as const, render: (_: unknown, x: TierRow) => formatWan(x.signedPrevYtd) },
    { title: t('同比', 'YoY'), key: 'yoy', align: 'right' as const, render: (_: unknown, x: TierRow) => formatPercent(x.signedYoy) },
    { title: t('本月回款', 'Received (month)'), key: 'rm', align: 'right' as const, render: (_: unknown, x: TierRow) => formatWan(x.receivedMonth) },
    { title: t('本年累计回款', 'Received YTD'), key: 'ry', align: 'right' as const, render: (_: unknown, x: TierRow) => formatWan(x.receivedYtd) },
    { title: t('应收余额', 'Receivable'), key: 'rc', align: 'right' as const, render: (_: unknown, x: TierRow) => formatWan(x.receivable) },
    { title: t('逾期金额', 'Overdue'), key: 'od', align: 'right' as const, render: (_: unknown, x: TierRow) => formatWan(x.overdue) },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {header}
      <Typography.Text type="secondary" data-testid="report-asof">
        {t(`${r.month} · 数据截至 ${r.asOf} · 生成于 ${formatDateTime(r.generatedAt)} · 金额单位：万元`, `${r.month} · as of ${r.asOf} · generated ${formatDateTime(r.generatedAt)} · amounts in 10k ¥`)}
      </Typography.Text>
      <Row gutter={16}>
        <Col xs={12} lg={6}><Card><Statistic title={t('本月签约（万元）', 'Signed this month (10k ¥)')} value={formatWan(r.total.signedMonth)} /></Card></Col>
        <Col xs={12} lg={6}><Card><Statistic title={t('本月回款（万元）', 'Received this month (10k ¥)')} value={formatWan(r.total.receivedMonth)} /></Card></Col>
        <Col xs={12} lg={6}><Card><Statistic title={t('应收余额（万元）', 'Receivable (10k ¥)')} value={formatWan(r.total.receivable)} /></Card></Col>
        <Col xs={12} lg={6}><Card><Statistic title={t('逾期金额（万元）', 'Overdue (10k ¥)')} value={formatWan(r.total.overdue)} styles={{ content: { color: r.total.overdue > 0 ? '#cf1322' : undefined } }} /></Card></Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card title={t('签约与回款（按月，报告范围内的客户，万元）', 'Signed vs received by month (accounts in the report, 10k ¥)')}>
            <Chart label={t('按月签约与回款柱状图', 'Signed and received by month')} option={{
              tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
              xAxis: { type: 'category', data: months.map((m) => m.month ?? '') },
              yAxis: { type: 'value', name: t('万元', '10k ¥') },
              series: [
                { name: t('签约', 'Signed'), type: 'bar', data: months.map((m) => wan(m.signed)) },
                { name: t('回款', 'Received'), type: 'bar', data: months.map((m) => wan(m.received)) },
              ],
            }} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('本年累计签约与回款（按级别，万元）', 'Signed vs received YTD by tier (10k ¥)')}>
            <Chart label={t('按级别签约与回款柱状图', 'Signed and received by tier')} option={{
              tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
              xAxis: { type: 'category', data: r.tiers.map((x) => x.tierName) },
              yAxis: { type: 'value', name: t('万元', '10k ¥') },
              series: [
                { name: t('本年累计签约', 'Signed YTD'), type: 'bar', data: r.tiers.map((x) => wan(x.signedYtd)) },
                { name: t('本年累计回款', 'Received YTD'), type: 'bar', data: r.tiers.map((x) => wan(x.receivedYtd)) },
              ],
            }} />
          </Card>
        </Col>
      </Row>
      <Card>
        <Tabs items={[
          {
            key: 'summary', label: t('汇总', 'Summary'),
            children: <Table size="small" rowKey="tierCode" pagination={false} dataSource={[...r.tiers, r.total]} columns={tierColumns} data-testid="report-summary"
              rowClassName={(x) => (x.tierCode === 'TOTAL' ? 'report-total' : '')} />,
          },
          {
            key: 'detail', label: `${t('明细', 'Detail')} (${r.rows.length})`,
            children: <Table size="small" rowKey="accountId" dataSource={r.rows} pagination={{ pageSize: 20, showSizeChanger: false }} scroll={{ x: 1700 }}
              columns={[
                { title: t('序号', '#'), dataIndex: 'seq', width: 60, fixed: 'left' },
                { title: t('客户名称', 'Account'), width: 220, fixed: 'left', render: (_, x) => <Link to={`/accounts/${x.accountId}`}>{x.name}</Link> },
                { title: t('级别', 'Tier'), dataIndex: 'tierName', width: 70 },
                { title: t('推荐单位', 'Unit'), dataIndex: 'unitName', width: 120 },
                { title: t('客户经理', 'Manager'), dataIndex: 'managerName', width: 90 },
                { title: t('本月签约', 'Signed (m)'), width: 100, align: 'right', render: (_, x) => formatWan(x.signedMonth) },
                { title: t('本年累计签约', 'Signed YTD'), width: 110, align: 'right', render: (_, x) => formatWan(x.signedYtd) },
                { title: t('同比', 'YoY'), width: 80, align: 'right', render: (_, x) => formatPercent(x.signedYoy) },
                { title: t('本月回款', 'Received (m)'), width: 100, align: 'right', render: (_, x) => formatWan(x.receivedMonth) },
                { title: t('本年累计回款', 'Received YTD'), width: 110, align: 'right', render: (_, x) => formatWan(x.receivedYtd) },
                { title: t('应收余额', 'Receivable'), width: 100, align: 'right', render: (_, x) => formatWan(x.receivable) },
                { title: t('逾期金额', 'Overdue'), width: 100, align: 'right', render: (_, x) => formatWan(x.overdue) },
                { title: t('本月拜访', 'Visits'), dataIndex: 'visits', width: 80, align: 'right' },
                { title: t('拜访合规', 'Cadence'), width: 90, render: (_, x) => (x.cadenceCompliant ? <Tag color="green">{t('合规', 'OK')}</Tag> : <Tag color="red">{t('逾期', 'Overdue')}</Tag>) },
                { title: t('信用等级', 'Credit'), width: 80, render: (_, x) => x.creditRating ?? '—' },
                { title: t('风险提示', 'Risks'), width: 220, render: (_, x) => x.risks.map((s) => <Tag color="orange" key={s}>{s}</Tag>) },
                { title: t('本月重要事项', 'Events'), width: 260, ellipsis: true, render: (_, x) => x.events.join('；') },
              ]} />,
          },
          {
            key: 'compliance', label: `${t('拜访合规', 'Visit compliance')} (${r.compliance.length})`,
            children: <Table size="small" rowKey={(x) => `${x.accountId}-${x.activityType}`} dataSource={r.compliance} pagination={{ pageSize: 20, showSizeChanger: false }}
              columns={[
                { title: t('客户名称', 'Account'), render: (_, x) => <Link to={`/accounts/${x.accountId}`}>{x.name}</Link> },
                { title: t('级别', 'Tier'), dataIndex: 'tierName' },
                { title: t('客户经理', 'Manager'), dataIndex: 'managerName' },
                { title: t('活动类型', 'Type'), render: (_, x) => label(ACTIVITY_TYPE, x.activityType, lang) },
                { title: t('规定间隔（月）', 'Interval (months)'), dataIndex: 'intervalMonths' },
                { title: t('最近一次', 'Last'), render: (_, x) => x.lastOn ?? t('从未', 'never') },
                { title: t('应完成日期', 'Due on'), render: (_, x) => x.dueOn ?? '—' },
                { title: t('逾期天数', 'Days overdue'), align: 'right', render: (_, x) => x.daysOverdue ?? '—' },
              ]} />,
          },
        ]} />
      </Card>
    </Space>
  );
}
