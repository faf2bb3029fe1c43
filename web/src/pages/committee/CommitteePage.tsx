/**
 * 委员会: the committee's queue — recommendations (谁开发、谁优先), tier reviews, management levels,
 * year-end decisions and reassignments — each decided with a reason, the rules' proposal shown beside
 * it (suggested tier / level from the figures, the year-end rule that matched).
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { App, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { graphql } from '../../gql';
import type { AssignmentReason, CommitteeQueueQuery, YearEndDecision } from '../../gql/graphql';
import { useGql, useGqlMutation } from '../../api/client';
import { useBusinessToday, useReference } from '../../api/reference';
import { useLang } from '../../i18n/lang';
import { ASSIGNMENT_REASON, YEAR_END_DECISION, label } from '../../i18n/labels';
import { formatDateTime, formatYuan } from '../../format';
import { ErrorAlert, useExplain } from '../../components/ErrorAlert';
import { TierTag } from '../../components/TierTag';

const QueueQuery = graphql(`
  query CommitteeQueue($year: Int!) {
    recs: accountRecommendations(first: 200, filter: { statuses: [PENDING] }) {
      totalCount
      nodes {
        id reason recommendedAt recommendedByName unit { id name } manager { id name }
        account { id code name annualSales expectedContractValue suggestedTier { id code name rank } suggestedLevel { id name } }
      }
    }
    reviews: tierReviews(first: 200, filter: { statuses: [PENDING] }) {
      totalCount
      nodes {
        id period reason proposedAt proposedBy { id name } fromTier { id name rank } toTier { id code name rank }
        account { id code name annualSales groupAnnualSales suggestedTier { id code name rank } }
      }
    }
    levels: managementLevelReviews(first: 200, filter: { statuses: [PENDING] }) {
      totalCount
      nodes {
        id period reason proposedAt proposedBy { id name } fromLevel { id name } toLevel { id code name }
        account { id code name expectedContractValue groupExpectedContractValue suggestedLevel { id name } ownerUnit { id name } }
      }
    }
    yearEnd: yearEndReview(year: $year, first: 200, filter: { decisionStatuses: [PENDING] }) {
      totalCount
      nodes {
        accountId year account { id code name } proposedDecision matchedRule { id name } signed received complianceRate overdueItems
        evaluation { id rating score decision decisionStatus }
      }
    }
    undecided: yearEndReview(year: $year, first: 1, filter: { undecided: true }) { totalCount }
  }
`);

const ApproveRec = graphql(`mutation ApproveRecommendation($id: ID!, $input: ApproveRecommendationInput) { approveRecommendation(id: $id, input: $input) { id status } }`);
const RejectRec = graphql(`mutation RejectRecommendation($id: ID!, $note: String!) { rejectRecommendation(id: $id, note: $note) { id status } }`);
const ApproveReview = graphql(`mutation ApproveTierReview($id: ID!, $note: String) { approveTierReview(id: $id, note: $note) { id status } }`);
const RejectReview = graphql(`mutation RejectTierReview($id: ID!, $note: String!) { rejectTierReview(id: $id, note: $note) { id status } }`);
const StartReview = graphql(`mutation StartTierReview($period: String!) { startTierReview(period: $period) { period accounts proposed alreadyPending alreadyReviewed withoutSuggestion } }`);
const ConfirmYearEnd = graphql(`mutation ConfirmYearEnd($input: ConfirmYearEndDecisionInput!) { confirmYearEndDecision(input: $input) { id decision decisionStatus } }`);
const ProposeYearEnd = graphql(`mutation ProposeYearEnd($year: Int!) { proposeYearEndDecisions(year: $year) { year evaluations proposed unchanged alreadyDecided withoutMatch missingEvaluation } }`);
const ApproveLevel = graphql(`mutation ApproveManagementLevelReview($id: ID!, $note: String) { approveManagementLevelReview(id: $id, note: $note) { id status } }`);
const RejectLevel = graphql(`mutation RejectManagementLevelReview($id: ID!, $note: String!) { rejectManagementLevelReview(id: $id, note: $note) { id status } }`);
const StartLevelReview = graphql(`mutation StartManagementLevelReview($period: String!) { startManagementLevelReview(period: $period) { period accounts proposed alreadyPending alreadyReviewed withoutSuggestion } }`);
const Reassign = graphql(`mutation ReassignAccount($input: ReassignAccountInput!) { reassignAccount(input: $input) { id fromDate unit { name } manager { name } } }`);

const AccountSearch = graphql(`
  query AccountPicker($q: String) {
    accounts(first: 20, filter: { search: $q, statuses: [ACTIVE, SUSPENDED] }, orderBy: { field: NAME, direction: ASC }) {
      nodes { id code name ownerUnit { id name } manager { id name } }
    }
  }
`);

/** Approve (optional note) or reject (a reason is required) — the decision every queue item gets. */
function useDecision() {
  const { t } = useLang();
  const { modal, message } = App.useApp();
  const explain = useExplain();
  return (title: string, approve: boolean, run: (note: string | null) => Promise<unknown>) => {
    let note = '';
    modal.confirm({
      title,
      icon: null,
      okText: approve ? t('批准', 'Approve') : t('驳回', 'Reject'),
      okButtonProps: { danger: !approve },
      cancelText: t('取消', 'Cancel'),
      content: (
        <Form layout="vertical">
          <Form.Item label={approve ? t('审批意见（可选）', 'Note (optional)') : t('驳回理由（必填）', 'Reason (required)')} required={!approve}>
            <Input.TextArea rows={3} autoFocus onChange={(e) => (note = e.target.value)} aria-label={approve ? t('审批意见', 'Note') : t('驳回理由', 'Reason')} />
          </Form.Item>
        </Form>
      ),
      onOk: async () => {
        if (!approve && !note.trim()) {
          message.warning(t('请填写驳回理由', 'Give a reason'));
          throw new Error('reason required');
        }
        try {
          await run(note.trim() || null);
          message.success(approve ? t('已批准', 'Approved') : t('已驳回', 'Rejected'));
        } catch (e) {
          message.error(explain(e), 8);
          throw e;
        }
      },
    });
  };
}

export default function CommitteePage() {
  const { t } = useLang();
  const today = useBusinessToday();
  const [year, setYear] = useState<number | null>(null);
  const y = year ?? (today ? Number(today.slice(0, 4)) - 1 : 0);
  const q = useGql(QueueQuery, { year: y }, { enabled: !!y });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('委员会审批', 'Committee')}</Typography.Title>
      {q.isError && <ErrorAlert error={q.error} />}
      <Card>
        <Tabs items={[
          { key: 'recs', label: `${t('推荐审批', 'Recommendations')} (${q.data?.recs.totalCount ?? '…'})`, children: <Recommendations data={q.data} loading={q.isLoading} /> },
          { key: 'reviews', label: `${t('级别复核', 'Tier reviews')} (${q.data?.reviews.totalCount ?? '…'})`, children: <Reviews data={q.data} loading={q.isLoading} today={today} /> },
          { key: 'levels', label: `${t('管理层级', 'Management levels')} (${q.data?.levels.totalCount ?? '…'})`, children: <Levels data={q.data} loading={q.isLoading} today={today} /> },
          { key: 'yearEnd', label: `${t('年度结论', 'Year-end')} (${q.data?.yearEnd.totalCount ?? '…'})`, children: <YearEnd data={q.data} loading={q.isLoading} year={y} setYear={setYear} /> },
          { key: 'reassign', label: t('归属调整', 'Reassignment'), children: <ReassignForm today={today} /> },
        ]} />
      </Card>
    </Space>
  );
}

type Queue = CommitteeQueueQuery;

function Recommendations({ data, loading }: { data?: Queue; loading: boolean }) {
  const { t } = useLang();
  const decide = useDecision();
  const ref = useReference();
  const approve = useGqlMutation(ApproveRec);
  const reject = useGqlMutation(RejectRec);
  const [tierOf, setTierOf] = useState<Record<string, string>>({});
  return (
    <Table size="small" rowKey="id" loading={loading} dataSource={data?.recs.nodes ?? []} pagination={false} data-testid="recs-table"
      locale={{ emptyText: t('没有待审批的推荐', 'No pending recommendations') }}
      columns={[
        { title: t('客户', 'Account'), render: (_, r) => (r.account ? <Link to={`/accounts/${r.account.id}`}>{r.account.name}</Link> : '—') },
        { title: t('推荐单位 / 客户经理', 'Unit / manager'), render: (_, r) => `${r.unit?.name ?? ''} / ${r.manager?.name ?? '—'}` },
        { title: t('推荐理由', 'Reason'), render: (_, r) => r.reason ?? '—' },
        { title: t('推荐', 'Recommended'), render: (_, r) => `${r.recommendedByName} ${formatDateTime(r.recommendedAt)}` },
        { title: t('年合作销售额（元）', 'Annual sales (¥)'), align: 'right', render: (_, r) => formatYuan(r.account?.annualSales) },
        { title: t('规则建议', 'Rules propose'), render: (_, r) => <Space><TierTag tier={r.account?.suggestedTier} />{r.account?.suggestedLevel?.name}</Space> },
        {
          title: t('认定级别', 'Tier given'),
          render: (_, r) => (
            <Select size="small" style={{ width: 110 }} aria-label={t('认定级别', 'Tier given')} value={tierOf[r.id] ?? r.account?.suggestedTier?.code}
              placeholder={t('建议级别', 'suggested')} onChange={(v) => setTierOf({ ...tierOf, [r.id]: v })}
              options={ref.data?.tiers.filter((x) => x.active).map((x) => ({ value: x.code, label: x.name }))} />
          ),
        },
        {
          title: t('决定', 'Decision'),
          render: (_, r) => (
            <Space>
              <Button size="small" type="primary" onClick={() => decide(t(`批准推荐：${r.account?.name}`, `Approve: ${r.account?.name}`), true, (note) => approve.mutateAsync({ id: r.id, input: { note, tierCode: tierOf[r.id] ?? r.account?.suggestedTier?.code ?? null } }))}>{t('批准', 'Approve')}</Button>
              <Button size="small" danger onClick={() => decide(t(`驳回推荐：${r.account?.name}`, `Reject: ${r.account?.name}`), false, (note) => reject.mutateAsync({ id: r.id, note: note ?? '' }))}>{t('驳回', 'Reject')}</Button>
            </Space>
          ),
        },
      ]} />
  );
}

/** The half-year a review run belongs to (2026H2), from the business day. */
function halfYear(today?: string): string {
  return today ? `${today.slice(0, 4)}H${Number(today.slice(5, 7)) <= 6 ? 1 : 2}` : '';
}

/** The button that opens a half-yearly review run (tiers or management levels) and says what it proposed. */
function OpenReview({ period, pending, run, label, hint }: {
  period: string; pending: boolean; label: string; hint: string;
  run(): Promise<{ period: string; accounts: number; proposed: number }>;
}) {
  const { t } = useLang();
  const { message } = App.useApp();
  const explain = useExplain();
  return (
    <Space>
      <Button onClick={async () => {
        try {
          const r = await run();
          message.success(t(`${r.period}：复核 ${r.accounts} 个客户，新提议 ${r.proposed} 个`, `${r.period}: ${r.accounts} accounts reviewed, ${r.proposed} new proposals`));
        } catch (e) {
          message.error(explain(e), 8);
        }
      }} loading={pending} disabled={!period}>{label}</Button>
      <Typography.Text type="secondary">{hint}</Typography.Text>
    </Space>
  );
}

/** 批准 / 驳回 for a pending review (tier or management level); a rejection needs a reason. */
function ApproveReject({ what, approve, reject }: { what: string; approve(note: string | null): Promise<unknown>; reject(note: string): Promise<unknown> }) {
  const { t } = useLang();
  const decide = useDecision();
  return (
    <Space>
      <Button size="small" type="primary" onClick={() => decide(t(`批准：${what}`, `Approve: ${what}`), true, (note) => approve(note))}>{t('批准', 'Approve')}</Button>
      <Button size="small" danger onClick={() => decide(t(`驳回：${what}`, `Reject: ${what}`), false, (note) => reject(note ?? ''))}>{t('驳回', 'Reject')}</Button>
    </Space>
  );
}

function Reviews({ data, loading, today }: { data?: Queue; loading: boolean; today?: string }) {
  const { t } = useLang();
  const approve = useGqlMutation(ApproveReview);
  const reject = useGqlMutation(RejectReview);
  const start = useGqlMutation(StartReview);
  const period = halfYear(today);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <OpenReview period={period} pending={start.isPending} run={async () => (await start.mutateAsync({ period })).startTierReview}
        label={t(`开启 ${period} 半年度复核`, `Open the ${period} review`)}
        hint={t('按年合作销售额为级别不符的客户生成提议（同一复核期可重复执行）', 'Proposes a change for every account whose figures call for another tier (idempotent per period)')} />
      <Table size="small" rowKey="id" loading={loading} dataSource={data?.reviews.nodes ?? []} pagination={{ pageSize: 20, showSizeChanger: false }} data-testid="reviews-table"
        locale={{ emptyText: t('没有待审批的级别复核', 'No pending tier reviews') }}
        columns={[
          { title: t('客户', 'Account'), render: (_, r) => (r.account ? <Link to={`/accounts/${r.account.id}`}>{r.account.name}</Link> : '—') },
          { title: t('复核期', 'Period'), render: (_, r) => r.period ?? t('临时', 'ad hoc') },
          { title: t('调整', 'Change'), render: (_, r) => <Space size={4}><TierTag tier={r.fromTier} />→<TierTag tier={r.toTier} /></Space> },
          { title: t('理由', 'Reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('提议人', 'Proposed by'), render: (_, r) => `${r.proposedBy?.name ?? t('系统', 'system')} ${formatDateTime(r.proposedAt)}` },
          { title: t('年合作销售额（元）', 'Annual sales (¥)'), align: 'right', render: (_, r) => formatYuan(r.account?.groupAnnualSales ?? r.account?.annualSales) },
          {
            title: t('规则建议', 'Rules propose'),
            render: (_, r) => (
              <Space size={4}>
                <TierTag tier={r.account?.suggestedTier} />
                {r.account?.suggestedTier && r.account.suggestedTier.id !== r.toTier?.id && <Tag color="warning">{t('与提议不同', 'differs')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('决定', 'Decision'),
            render: (_, r) => <ApproveReject what={`${r.account?.name} → ${r.toTier?.name}`}
              approve={(note) => approve.mutateAsync({ id: r.id, note })} reject={(note) => reject.mutateAsync({ id: r.id, note })} />,
          },
        ]} />
    </Space>
  );
}

/**
 * 公司级 / 分公司级 (policy 004): pending management-level reviews — proposed by a manager, or by the
 * half-yearly run from the follow-up contract value summed over the group — approved or rejected with
 * a reason; the rules' level shown beside each, the unit that will lead the account under it.
 */
function Levels({ data, loading, today }: { data?: Queue; loading: boolean; today?: string }) {
  const { t } = useLang();
  const approve = useGqlMutation(ApproveLevel);
  const reject = useGqlMutation(RejectLevel);
  const start = useGqlMutation(StartLevelReview);
  const period = halfYear(today);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <OpenReview period={period} pending={start.isPending} run={async () => (await start.mutateAsync({ period })).startManagementLevelReview}
        label={t(`开启 ${period} 管理层级复核`, `Open the ${period} level review`)}
        hint={t('按后续合同成交额（集团合计）为层级不符的客户生成提议（同一复核期可重复执行）', 'Proposes a change for every account whose follow-up contract value calls for another level (idempotent per period)')} />
      <Table size="small" rowKey="id" loading={loading} dataSource={data?.levels.nodes ?? []} pagination={{ pageSize: 20, showSizeChanger: false }} data-testid="levels-table"
        locale={{ emptyText: t('没有待审批的管理层级复核', 'No pending management-level reviews') }}
        columns={[
          { title: t('客户', 'Account'), render: (_, r) => (r.account ? <Link to={`/accounts/${r.account.id}`}>{r.account.name}</Link> : '—') },
          { title: t('复核期', 'Period'), render: (_, r) => r.period ?? t('临时', 'ad hoc') },
          { title: t('调整', 'Change'), render: (_, r) => `${r.fromLevel?.name ?? t('无', 'none')} → ${r.toLevel?.name ?? ''}` },
          { title: t('理由', 'Reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('提议人', 'Proposed by'), render: (_, r) => `${r.proposedBy?.name ?? t('系统', 'system')} ${formatDateTime(r.proposedAt)}` },
          { title: t('后续合同成交额（元）', 'Expected contracts (¥)'), align: 'right', render: (_, r) => formatYuan(r.account?.groupExpectedContractValue ?? r.account?.expectedContractValue) },
          {
            title: t('规则建议', 'Rules propose'),
            render: (_, r) => (
              <Space size={4}>
                {r.account?.suggestedLevel?.name ?? t('无', 'none')}
                {r.account?.suggestedLevel && r.account.suggestedLevel.id !== r.toLevel?.id && <Tag color="warning">{t('与提议不同', 'differs')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('决定', 'Decision'),
            render: (_, r) => <ApproveReject what={`${r.account?.name} → ${r.toLevel?.name}`}
              approve={(note) => approve.mutateAsync({ id: r.id, note })} reject={(note) => reject.mutateAsync({ id: r.id, note })} />,
          },
        ]} />
    </Space>
  );
}

function YearEnd({ data, loading, year, setYear }: { data?: Queue; loading: boolean; year: number; setYear(y: number): void }) {
  const { t, lang } = useLang();
  const { modal, message } = App.useApp();
  const explain = useExplain();
  const confirm = useGqlMutation(ConfirmYearEnd);
  const propose = useGqlMutation(ProposeYearEnd);

  function decide(r: Queue['yearEnd']['nodes'][number]) {
    let decision: YearEndDecision | undefined = r.proposedDecision ?? undefined;
    let note = '';
    modal.confirm({
      title: t(`${year} 年度结论：${r.account?.name}`, `${year} decision: ${r.account?.name}`),
      icon: null,
      okText: t('确认', 'Confirm'),
      cancelText: t('取消', 'Cancel'),
      content: (
        <Form layout="vertical">
          <Typography.Paragraph>{t(`规则建议：${label(YEAR_END_DECISION, r.proposedDecision, lang) || '无'}（${r.matchedRule?.name ?? '无规则命中'}）`, `Rules propose: ${label(YEAR_END_DECISION, r.proposedDecision, lang) || 'none'} (${r.matchedRule?.name ?? 'no rule'})`)}</Typography.Paragraph>
          <Form.Item label={t('结论', 'Decision')}>
            <Select aria-label={t('结论', 'Decision')} defaultValue={decision} onChange={(v) => (decision = v)} options={(['STRENGTHEN', 'MAINTAIN', 'TERMINATE'] as YearEndDecision[]).map((d) => ({ value: d, label: label(YEAR_END_DECISION, d, lang) }))} />
          </Form.Item>
          <Form.Item label={t('说明（与建议不同时必填）', 'Note (required when differing)')}>
            <Input.TextArea rows={3} aria-label={t('说明', 'Note')} onChange={(e) => (note = e.target.value)} />
          </Form.Item>
        </Form>
      ),
      onOk: async () => {
        if (decision !== r.proposedDecision && !note.trim()) {
          message.warning(t('结论与建议不同，请说明理由', 'A different decision needs a note'));
          throw new Error('note required');
        }
        try {
          await confirm.mutateAsync({ input: { accountId: r.accountId, year, decision: decision ?? null, note: note.trim() || null } });
          message.success(t('已确认', 'Confirmed'));
        } catch (e) {
          message.error(explain(e), 8);
          throw e;
        }
      },
    });
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <label htmlFor="year-end-year">{t('评价年度', 'Year')}</label>
        <InputNumber id="year-end-year" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        <Button loading={propose.isPending} onClick={async () => {
          try {
            const r = (await propose.mutateAsync({ year })).proposeYearEndDecisions;
            message.success(t(`已按规则写入 ${r.proposed} 条建议（未变 ${r.unchanged}，已决定 ${r.alreadyDecided}，无规则命中 ${r.withoutMatch}，缺评价 ${r.missingEvaluation}）`, `${r.proposed} proposals written (${r.unchanged} unchanged, ${r.alreadyDecided} decided, ${r.withoutMatch} without a rule, ${r.missingEvaluation} missing an evaluation)`), 8);
          } catch (e) {
            message.error(explain(e), 8);
          }
        }}>{t('按规则生成建议', 'Propose by the rules')}</Button>
        <Typography.Text type="secondary">{t(`尚未提议：${data?.undecided.totalCount ?? '…'} 条`, `Not yet proposed: ${data?.undecided.totalCount ?? '…'}`)}</Typography.Text>
      </Space>
      <Table size="small" rowKey="accountId" loading={loading} dataSource={data?.yearEnd.nodes ?? []} pagination={{ pageSize: 20, showSizeChanger: false }}
        locale={{ emptyText: t('没有待确认的年度结论', 'No pending year-end decisions') }}
        columns={[
          { title: t('客户', 'Account'), render: (_, r) => (r.account ? <Link to={`/accounts/${r.account.id}`}>{r.account.name}</Link> : '—') },
          { title: t('信用等级 / 评分', 'Rating / score'), render: (_, r) => `${r.evaluation.rating ?? '—'} / ${r.evaluation.score ?? '—'}` },
          { title: t('年度签约（元）', 'Signed (¥)'), align: 'right', render: (_, r) => formatYuan(r.signed) },
          { title: t('年度回款（元）', 'Received (¥)'), align: 'right', render: (_, r) => formatYuan(r.received) },
          { title: t('拜访达标率', 'Visit compliance'), render: (_, r) => (r.complianceRate === null ? '—' : `${r.complianceRate}%`) },
          { title: t('规则建议', 'Rules propose'), render: (_, r) => <Space orientation="vertical" size={0}><Tag color="processing">{label(YEAR_END_DECISION, r.proposedDecision, lang) || '—'}</Tag><Typography.Text type="secondary">{r.matchedRule?.name}</Typography.Text></Space> },
          { title: t('决定', 'Decision'), render: (_, r) => <Button size="small" type="primary" onClick={() => decide(r)}>{t('确认结论', 'Decide')}</Button> },
        ]} />
    </Space>
  );
}

function ReassignForm({ today }: { today?: string }) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const explain = useExplain();
  const ref = useReference();
  const [form] = Form.useForm<{ accountId: string; managerId: string; unitId?: string; reason: AssignmentReason; note: string; effectiveOn?: import('dayjs').Dayjs }>();
  const [q, setQ] = useState('');
  const found = useGql(AccountSearch, { q: q || null }, { placeholderData: (prev) => prev });
  const reassign = useGqlMutation(Reassign);
  const accountId = Form.useWatch('accountId', form);
  const picked = found.data?.accounts.nodes.find((a) => a.id === accountId);
  return (
    <Form form={form} layout="vertical" style={{ maxWidth: 560 }} onFinish={async (v) => {
      try {
        const r = (await reassign.mutateAsync({ input: { accountId: v.accountId, managerId: v.managerId, unitId: v.unitId ?? null, reason: v.reason, note: v.note, effectiveOn: v.effectiveOn?.format('YYYY-MM-DD') ?? today ?? null } })).reassignAccount;
        message.success(t(`已调整归属：${r.unit?.name ?? ''} / ${r.manager?.name ?? ''}，自 ${r.fromDate} 起`, `Reassigned to ${r.unit?.name ?? ''} / ${r.manager?.name ?? ''} from ${r.fromDate}`));
        form.resetFields();
      } catch (e) {
        message.error(explain(e), 8);
      }
    }}>
      <Typography.Paragraph type="secondary">{t('谁开发、谁优先：归属只能由委员会以列举的原因调整，每次调整都保留在归属记录中。', 'Whoever develops an account owns it: only the committee reassigns, for an enumerated reason; every change is kept.')}</Typography.Paragraph>
      <Form.Item name="accountId" label={t('客户', 'Account')} rules={[{ required: true, message: t('请选择客户', 'Choose the account') }]}>
        <Select showSearch={{ filterOption: false, onSearch: setQ }} placeholder={t('输入名称或编号搜索', 'Search name or code')}
          options={found.data?.accounts.nodes.map((a) => ({ value: a.id, label: `${a.name}（${a.code}）` }))} />
      </Form.Item>
      {picked && <Typography.Paragraph>{t(`当前：${picked.ownerUnit?.name ?? '—'} / ${picked.manager?.name ?? '—'}`, `Now: ${picked.ownerUnit?.name ?? '—'} / ${picked.manager?.name ?? '—'}`)}</Typography.Paragraph>}
      <Form.Item name="reason" label={t('原因', 'Reason')} rules={[{ required: true, message: t('请选择原因', 'Choose a reason') }]}>
        <Select options={(['MANAGER_UNFIT', 'CUSTOMER_REQUEST', 'CONFLICT_OF_INTEREST'] as AssignmentReason[]).map((r) => ({ value: r, label: label(ASSIGNMENT_REASON, r, lang) }))} />
      </Form.Item>
      <Form.Item name="managerId" label={t('新客户经理', 'New manager')} rules={[{ required: true, message: t('请选择客户经理', 'Choose the manager') }]}>
        <Select showSearch={{ optionFilterProp: 'label' }} options={ref.data?.users.nodes.map((u) => ({ value: u.id, label: `${u.name}${u.unit ? `（${u.unit.name}）` : ''}` }))} />
      </Form.Item>
      <Form.Item name="unitId" label={t('新归属单位（不变可不选）', 'New owning unit (optional)')}>
        <Select allowClear options={ref.data?.orgUnits.nodes.filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }))} />
      </Form.Item>
      <Form.Item name="effectiveOn" label={t('生效日（默认今天）', 'Effective on (default today)')}>
        <DatePicker />
      </Form.Item>
      <Form.Item name="note" label={t('委员会依据', "The committee's grounds")} rules={[{ required: true, message: t('请说明依据', 'Give the grounds') }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={reassign.isPending}>{t('调整归属', 'Reassign')}</Button>
    </Form>
  );
}
