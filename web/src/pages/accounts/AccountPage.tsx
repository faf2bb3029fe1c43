/**
 * One account: the archive (附件2), related persons as the API shows them to this caller (mobiles
 * masked, 🔒 fields absent unless allowed), projects, receivables and payments, the ledger, credit
 * evaluations, ownership history, tier reviews and visit compliance. Write buttons appear only for the
 * roles that may use them (the server checks every write again).
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { App, Breadcrumb, Button, Card, Descriptions, Empty, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { graphql } from '../../gql';
import type { ConsoleAccountQuery } from '../../gql/graphql';
import { useGql, useGqlMutation } from '../../api/client';
import { useBusinessToday, useReference } from '../../api/reference';
import { canWrite, useViewer } from '../../api/viewer';
import { useLang } from '../../i18n/lang';
import {
  ACCOUNT_STATUS, ACTIVITY_TYPE, ASSIGNMENT_REASON, CADENCE_STATUS, CLOSENESS, CONTACT_ROLE, GENDER, INTEL_TAG, OWNERSHIP,
  PROJECT_STATUS, REPUTATION, REVIEW_STATUS, SCALE, YEAR_END_DECISION, label,
} from '../../i18n/labels';
import { formatDateTime, formatYuan } from '../../format';
import { ErrorAlert, useExplain } from '../../components/ErrorAlert';
import { TierTag } from '../../components/TierTag';
import { ActivityForm } from '../../components/ActivityForm';
import { PageLoading } from '../../layout/guards';

const AccountQuery = graphql(`
  query ConsoleAccount($id: ID!, $today: LocalDate!) {
    account(id: $id) {
      id code name version status registeredOn creditCode ownership industry scale mainProducts reputation totalAssets shareholders
      address postalCode phone fax email annualSales expectedContractValue groupAnnualSales groupExpectedContractValue notes terminatedOn
      tier { id code name rank } suggestedTier { id code name rank }
      managementLevel { id name } suggestedLevel { id name }
      parent { id name code } children { id name code }
      ownerUnit { id name } manager { id name }
      contacts { id name gender title department role active mobile officePhone email closeness familyInfo homeAddress hobbies consentAt erasedAt }
      projects { id code name status contractAmount signedOn startOn endOn location manager { id name } }
      receivables { id dueOn amount description project { id name } }
      payments { id receivedOn amount method reference activityId project { id name } }
      activities { id occurredOn type subject summary participants counterparts outcome nextAction nextActionDue intelTags contractAmount paymentAmount manager { id name } }
      creditEvaluations { id year rating score performance paymentRecord paymentCapacity managementCapacity priceLevel decision decisionStatus evaluator }
      assignments { id fromDate toDate isPrimary reason note unit { id name } manager { id name } decidedBy { id name } }
      tierReviews { id period fromTier { id name } toTier { id name } reason status proposedAt proposedBy { id name } decisionNote decidedAt }
    }
    visitCompliance(asOf: $today, filter: { accountIds: [$id] }, first: 50) {
      nodes { activityType lastOn nextDueOn daysUntilDue status intervalMonths }
    }
  }
`);

const ProposeTier = graphql(`
  mutation ProposeTierChange($input: ProposeTierChangeInput!) {
    proposeTierChange(input: $input) { id status toTier { name } }
  }
`);

type Account = NonNullable<ConsoleAccountQuery['account']>;

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);

const STATUS_COLOR: Record<string, string> = { OK: 'green', DUE_SOON: 'gold', OVERDUE: 'red', NEVER: 'red' };

export default function AccountPage() {
  const { id = '' } = useParams();
  const today = useBusinessToday();
  const { t, lang } = useLang();
  const me = useViewer().data?.me;
  const q = useGql(AccountQuery, { id, today: today ?? '' }, { enabled: !!today });
  const [logging, setLogging] = useState(false);
  const [proposing, setProposing] = useState(false);

  if (q.isError) return <ErrorAlert error={q.error} />;
  if (!q.data) return <PageLoading />;
  const a = q.data.account;
  if (!a) return <Empty description={t('没有这个客户，或您无权查看。', 'No such account, or you may not read it.')} />;

  const mine = me?.role === 'ADMIN' || (me?.role === 'MANAGER' && a.manager?.id === me.user?.id);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/accounts">{t('客户', 'Accounts')}</Link> }, { title: a.name }]} />
      <Card>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
          <Space orientation="vertical" size={4}>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="account-name">{a.name}</Typography.Title>
            <Space wrap>
              <Typography.Text type="secondary">{a.code}</Typography.Text>
              <TierTag tier={a.tier} />
              {a.managementLevel && <Tag>{a.managementLevel.name}</Tag>}
              <Tag color={a.status === 'ACTIVE' ? 'green' : 'default'}>{label(ACCOUNT_STATUS, a.status, lang)}</Tag>
              <Typography.Text>{t('推荐单位', 'Owning unit')}：{a.ownerUnit?.name ?? '—'}</Typography.Text>
              <Typography.Text>{t('客户经理', 'Manager')}：{a.manager?.name ?? '—'}</Typography.Text>
            </Space>
          </Space>
          {canWrite(me?.role) && mine && (
            <Space>
              <Button type="primary" onClick={() => setLogging(true)}>{t('登记拜访/活动', 'Log a visit')}</Button>
              <Button onClick={() => setProposing(true)}>{t('提议调整级别', 'Propose a tier')}</Button>
            </Space>
          )}
        </Space>
      </Card>
      <Card>
        <Tabs
          items={[
            { key: 'archive', label: t('档案', 'Archive'), children: <Archive a={a} /> },
            { key: 'contacts', label: `${t('相关人员', 'Persons')} (${a.contacts.length})`, children: <Contacts a={a} /> },
            { key: 'projects', label: `${t('合作项目', 'Projects')} (${a.projects.length})`, children: <Projects a={a} /> },
            { key: 'money', label: t('应收与回款', 'Receivables & payments'), children: <Money a={a} /> },
            { key: 'ledger', label: `${t('经营档案', 'Ledger')} (${a.activities.length})`, children: <Ledger a={a} /> },
            { key: 'credit', label: t('信用评价', 'Credit'), children: <Credit a={a} /> },
            { key: 'ownership', label: t('归属记录', 'Ownership'), children: <Ownership a={a} /> },
            {
              key: 'compliance', label: t('拜访达标', 'Visit compliance'),
              children: (
                <Table size="small" rowKey="activityType" pagination={false} dataSource={q.data.visitCompliance.nodes}
                  locale={{ emptyText: t('仅合作中的客户有拜访要求', 'Only active accounts have visit obligations') }}
                  columns={[
                    { title: t('活动类型', 'Type'), render: (_, r) => label(ACTIVITY_TYPE, r.activityType, lang) },
                    { title: t('要求间隔（月）', 'Interval (months)'), dataIndex: 'intervalMonths' },
                    { title: t('最近一次', 'Last'), render: (_, r) => dash(r.lastOn) },
                    { title: t('下次期限', 'Next due'), render: (_, r) => dash(r.nextDueOn) },
                    { title: t('状态', 'Status'), render: (_, r) => <Tag color={STATUS_COLOR[r.status]}>{label(CADENCE_STATUS, r.status, lang)}</Tag> },
                  ]} />
              ),
            },
            {
              key: 'reviews', label: t('级别复核', 'Tier reviews'),
              children: (
                <Table size="small" rowKey="id" pagination={false} dataSource={a.tierReviews}
                  columns={[
                    { title: t('复核期', 'Period'), render: (_, r) => dash(r.period) },
                    { title: t('调整', 'Change'), render: (_, r) => `${r.fromTier?.name ?? '—'} → ${r.toTier?.name ?? '—'}` },
                    { title: t('理由', 'Reason'), dataIndex: 'reason' },
                    { title: t('提议', 'Proposed'), render: (_, r) => `${r.proposedBy?.name ?? ''} ${formatDateTime(r.proposedAt)}` },
                    { title: t('状态', 'Status'), render: (_, r) => label(REVIEW_STATUS, r.status, lang) },
                    { title: t('审批意见', 'Decision note'), render: (_, r) => dash(r.decisionNote) },
                  ]} />
              ),
            },
          ]}
        />
      </Card>
      {logging && <ActivityForm open={logging} draft={{ accountId: a.id }} accounts={[a]} today={today} onClose={() => setLogging(false)} />}
      {proposing && <ProposeTierModal a={a} onClose={() => setProposing(false)} />}
    </Space>
  );
}

function Archive({ a }: { a: Account }) {
  const { t, lang } = useLang();
  return (
    <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }}>
      <Descriptions.Item label={t('客户编号', 'Code')}>{a.code}</Descriptions.Item>
      <Descriptions.Item label={t('单位名称', 'Name')}>{a.name}</Descriptions.Item>
      <Descriptions.Item label={t('统一社会信用代码', 'Credit code')}>{dash(a.creditCode)}</Descriptions.Item>
      <Descriptions.Item label={t('建档日期', 'Registered')}>{dash(a.registeredOn)}</Descriptions.Item>
      <Descriptions.Item label={t('上级集团', 'Parent group')}>{a.parent ? <Link to={`/accounts/${a.parent.id}`}>{a.parent.name}</Link> : '—'}</Descriptions.Item>
      <Descriptions.Item label={t('下属单位', 'Members')}>{a.children.length ? a.children.map((c) => <Link key={c.id} to={`/accounts/${c.id}`} style={{ marginRight: 8 }}>{c.name}</Link>) : '—'}</Descriptions.Item>
      <Descriptions.Item label={t('单位性质', 'Ownership')}>{dash(label(OWNERSHIP, a.ownership, lang))}</Descriptions.Item>
      <Descriptions.Item label={t('行业类别', 'Industry')}>{dash(a.industry)}</Descriptions.Item>
      <Descriptions.Item label={t('规模', 'Scale')}>{dash(label(SCALE, a.scale, lang))}</Descriptions.Item>
      <Descriptions.Item label={t('主要产品', 'Main products')}>{dash(a.mainProducts)}</Descriptions.Item>
      <Descriptions.Item label={t('信誉', 'Reputation')}>{dash(label(REPUTATION, a.reputation, lang))}</Descriptions.Item>
      <Descriptions.Item label={t('资产状况（元）', 'Total assets (¥)')}>{dash(formatYuan(a.totalAssets))}</Descriptions.Item>
      <Descriptions.Item label={t('股东结构', 'Shareholders')}>{dash(a.shareholders)}</Descriptions.Item>
      <Descriptions.Item label={t('地址', 'Address')}>{dash(a.address)}</Descriptions.Item>
      <Descriptions.Item label={t('邮编', 'Postal code')}>{dash(a.postalCode)}</Descriptions.Item>
      <Descriptions.Item label={t('电话', 'Phone')}>{dash(a.phone)}</Descriptions.Item>
      <Descriptions.Item label={t('传真', 'Fax')}>{dash(a.fax)}</Descriptions.Item>
      <Descriptions.Item label={t('邮箱', 'Email')}>{dash(a.email)}</Descriptions.Item>
      <Descriptions.Item label={t('客户级别（建议）', 'Tier (suggested)')}><TierTag tier={a.tier} /> {a.suggestedTier && a.suggestedTier.id !== a.tier?.id ? t(`建议：${a.suggestedTier.name}`, `suggested: ${a.suggestedTier.name}`) : ''}</Descriptions.Item>
      <Descriptions.Item label={t('管理层级（建议）', 'Level (suggested)')}>{a.managementLevel?.name ?? '—'} {a.suggestedLevel && a.suggestedLevel.id !== a.managementLevel?.id ? t(`建议：${a.suggestedLevel.name}`, `suggested: ${a.suggestedLevel.name}`) : ''}</Descriptions.Item>
      <Descriptions.Item label={t('年合作销售额（元）', 'Annual sales (¥)')}>{dash(formatYuan(a.annualSales))}{a.groupAnnualSales !== null && a.groupAnnualSales !== a.annualSales ? t(`（集团 ${formatYuan(a.groupAnnualSales)}）`, ` (group ${formatYuan(a.groupAnnualSales)})`) : ''}</Descriptions.Item>
      <Descriptions.Item label={t('后续合同成交额（元）', 'Expected contracts (¥)')}>{dash(formatYuan(a.expectedContractValue))}</Descriptions.Item>
      <Descriptions.Item label={t('终止合作日期', 'Terminated on')}>{dash(a.terminatedOn)}</Descriptions.Item>
      <Descriptions.Item label={t('备注', 'Notes')}>{dash(a.notes)}</Descriptions.Item>
    </Descriptions>
  );
}

function Contacts({ a }: { a: Account }) {
  const { t, lang } = useLang();
  return (
    <Table size="small" rowKey="id" pagination={false} dataSource={a.contacts} scroll={{ x: 1200 }} data-testid="contacts-table"
      columns={[
        { title: t('姓名', 'Name'), dataIndex: 'name', fixed: 'left', width: 110 },
        { title: t('性别', 'Gender'), width: 60, render: (_, c) => label(GENDER, c.gender, lang) },
        { title: t('职务', 'Title'), dataIndex: 'title', width: 120 },
        { title: t('部门', 'Department'), dataIndex: 'department', width: 110 },
        { title: t('角色', 'Role'), width: 100, render: (_, c) => label(CONTACT_ROLE, c.role, lang) },
        { title: t('手机', 'Mobile'), dataIndex: 'mobile', width: 130, className: 'contact-mobile' },
        { title: t('办公电话', 'Office phone'), dataIndex: 'officePhone', width: 130 },
        { title: t('邮箱', 'Email'), dataIndex: 'email', width: 180, ellipsis: true },
        { title: t('关系亲密度', 'Closeness'), width: 90, render: (_, c) => label(CLOSENESS, c.closeness, lang) },
        { title: t('家庭成员情况 🔒', 'Family 🔒'), width: 140, ellipsis: true, render: (_, c) => dash(c.familyInfo) },
        { title: t('家庭住址 🔒', 'Home address 🔒'), width: 140, ellipsis: true, render: (_, c) => dash(c.homeAddress) },
        { title: t('兴趣爱好 🔒', 'Hobbies 🔒'), width: 120, ellipsis: true, render: (_, c) => dash(c.hobbies) },
        { title: t('在职', 'Active'), width: 70, render: (_, c) => (c.active ? t('在职', 'Yes') : t('离职', 'Left')) },
      ]} />
  );
}

function Projects({ a }: { a: Account }) {
  const { t, lang } = useLang();
  return (
    <Table size="small" rowKey="id" pagination={false} dataSource={a.projects}
      columns={[
        { title: t('项目编号', 'Code'), render: (_, p) => dash(p.code) },
        { title: t('项目名称', 'Name'), dataIndex: 'name' },
        { title: t('状态', 'Status'), render: (_, p) => label(PROJECT_STATUS, p.status, lang) },
        { title: t('合同金额（元）', 'Contract (¥)'), align: 'right', render: (_, p) => formatYuan(p.contractAmount) },
        { title: t('签约日期', 'Signed'), render: (_, p) => dash(p.signedOn) },
        { title: t('工期', 'Period'), render: (_, p) => `${p.startOn ?? ''} ~ ${p.endOn ?? ''}` },
        { title: t('地点', 'Location'), render: (_, p) => dash(p.location) },
        { title: t('负责人', 'Manager'), render: (_, p) => dash(p.manager?.name) },
      ]} />
  );
}

function Money({ a }: { a: Account }) {
  const { t } = useLang();
  // Amounts are 企业机密: null where the caller may not read them, and then no total is shown.
  const masked = [...a.receivables, ...a.payments].some((x) => x.amount === null);
  const due = a.receivables.reduce((s, r) => s + (r.amount ?? 0), 0);
  const paid = a.payments.reduce((s, p) => s + (p.amount ?? 0), 0);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Text>{masked ? t('金额为企业机密，您无权查看', 'Amounts are confidential to you') : t(`应收计划合计 ${formatYuan(due)} 元，回款合计 ${formatYuan(paid)} 元`, `Receivables ¥${formatYuan(due)}, payments ¥${formatYuan(paid)}`)}</Typography.Text>
      <Typography.Title level={5}>{t('应收计划', 'Receivables')}</Typography.Title>
      <Table size="small" rowKey="id" pagination={false} dataSource={a.receivables}
        columns={[
          { title: t('应收日期', 'Due on'), dataIndex: 'dueOn' },
          { title: t('金额（元）', 'Amount (¥)'), align: 'right', render: (_, r) => formatYuan(r.amount) },
          { title: t('说明', 'Description'), render: (_, r) => dash(r.description) },
          { title: t('项目', 'Project'), render: (_, r) => dash(r.project?.name) },
        ]} />
      <Typography.Title level={5}>{t('回款', 'Payments')}</Typography.Title>
      <Table size="small" rowKey="id" pagination={false} dataSource={a.payments}
        columns={[
          { title: t('回款日期', 'Received on'), dataIndex: 'receivedOn' },
          { title: t('金额（元）', 'Amount (¥)'), align: 'right', render: (_, p) => formatYuan(p.amount) },
          { title: t('方式', 'Method'), render: (_, p) => dash(p.method) },
          { title: t('凭证号', 'Reference'), render: (_, p) => dash(p.reference) },
          { title: t('项目', 'Project'), render: (_, p) => dash(p.project?.name) },
          { title: t('来源', 'Source'), render: (_, p) => (p.activityId ? t('经营档案', 'Ledger') : t('财务登记', 'Finance')) },
        ]} />
    </Space>
  );
}

function Ledger({ a }: { a: Account }) {
  const { t, lang } = useLang();
  return (
    <Table size="small" rowKey="id" dataSource={a.activities} pagination={{ pageSize: 20, showSizeChanger: false }}
      expandable={{ expandedRowRender: (x) => <Typography.Paragraph style={{ margin: 0 }}>{x.summary}{x.outcome ? ` — ${x.outcome}` : ''}{x.nextAction ? `；${t('下一步', 'next')}：${x.nextAction} ${x.nextActionDue ?? ''}` : ''}</Typography.Paragraph> }}
      columns={[
        { title: t('日期', 'Date'), dataIndex: 'occurredOn', width: 110 },
        { title: t('类型', 'Type'), width: 120, render: (_, x) => label(ACTIVITY_TYPE, x.type, lang) },
        { title: t('主题', 'Subject'), render: (_, x) => dash(x.subject ?? x.summary) },
        { title: t('情报', 'Intel'), render: (_, x) => x.intelTags.map((g) => <Tag key={g}>{label(INTEL_TAG, g, lang)}</Tag>) },
        { title: t('合同金额', 'Signed'), align: 'right', render: (_, x) => formatYuan(x.contractAmount) },
        { title: t('回款金额', 'Collected'), align: 'right', render: (_, x) => formatYuan(x.paymentAmount) },
        { title: t('客户经理', 'Manager'), render: (_, x) => dash(x.manager?.name) },
      ]} />
  );
}

function Credit({ a }: { a: Account }) {
  const { t, lang } = useLang();
  return (
    <Table size="small" rowKey="id" pagination={false} dataSource={a.creditEvaluations}
      columns={[
        { title: t('年度', 'Year'), dataIndex: 'year' },
        { title: t('信用等级', 'Rating'), render: (_, c) => dash(c.rating) },
        { title: t('评分', 'Score'), render: (_, c) => dash(c.score) },
        { title: t('履约情况', 'Performance'), render: (_, c) => dash(c.performance) },
        { title: t('付款情况', 'Payment record'), render: (_, c) => dash(c.paymentRecord) },
        { title: t('支付能力', 'Payment capacity'), render: (_, c) => dash(c.paymentCapacity) },
        { title: t('年度结论', 'Decision'), render: (_, c) => (c.decision ? `${label(YEAR_END_DECISION, c.decision, lang)}（${label(REVIEW_STATUS, c.decisionStatus, lang)}）` : '—') },
        { title: t('评价人', 'Evaluator'), render: (_, c) => dash(c.evaluator) },
      ]} />
  );
}

function Ownership({ a }: { a: Account }) {
  const { t, lang } = useLang();
  return (
    <Table size="small" rowKey="id" pagination={false} dataSource={a.assignments}
      columns={[
        { title: t('起始', 'From'), dataIndex: 'fromDate' },
        { title: t('截止', 'To'), render: (_, s) => s.toDate ?? t('至今', 'current') },
        { title: t('归属单位', 'Unit'), render: (_, s) => `${s.unit?.name ?? ''}${s.isPrimary ? '' : t('（协同）', ' (cross-region)')}` },
        { title: t('客户经理', 'Manager'), render: (_, s) => dash(s.manager?.name) },
        { title: t('原因', 'Reason'), render: (_, s) => label(ASSIGNMENT_REASON, s.reason, lang) },
        { title: t('说明', 'Note'), render: (_, s) => dash(s.note) },
        { title: t('决定人', 'Decided by'), render: (_, s) => dash(s.decidedBy?.name) },
      ]} />
  );
}

function ProposeTierModal({ a, onClose }: { a: Account; onClose(): void }) {
  const { t } = useLang();
  const { message } = App.useApp();
  const explain = useExplain();
  const ref = useReference();
  const propose = useGqlMutation(ProposeTier);
  const [form] = Form.useForm<{ toTier: string; reason: string }>();
  return (
    <Modal open title={t(`提议调整级别：${a.name}`, `Propose a tier: ${a.name}`)} onCancel={onClose} onOk={() => form.submit()} confirmLoading={propose.isPending} okText={t('提交', 'Submit')}>
      <Form form={form} layout="vertical" initialValues={{ toTier: a.suggestedTier?.code }} onFinish={async (v) => {
        try {
          await propose.mutateAsync({ input: { accountId: a.id, toTier: v.toTier, reason: v.reason } });
          message.success(t('已提交，待委员会审批', 'Submitted for the committee'));
          onClose();
        } catch (e) {
          message.error(explain(e), 8);
        }
      }}>
        <Typography.Paragraph>{t(`当前级别：${a.tier?.name ?? '—'}；规则建议：${a.suggestedTier?.name ?? '—'}`, `Current: ${a.tier?.name ?? '—'}; rules suggest: ${a.suggestedTier?.name ?? '—'}`)}</Typography.Paragraph>
        <Form.Item name="toTier" label={t('拟调整为', 'Proposed tier')} rules={[{ required: true }]}>
          <Select options={ref.data?.tiers.filter((x) => x.active).map((x) => ({ value: x.code, label: x.name }))} />
        </Form.Item>
        <Form.Item name="reason" label={t('理由', 'Reason')} rules={[{ required: true, message: t('请说明理由', 'Give a reason') }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
