/**
 * 登记拜访/活动: one entry of the manager ledger (附件4) through `createActivity` — the same rules as
 * an imported ledger row (the account's manager or an admin; amounts become signings and collections).
 */
import { App, Button, DatePicker, Drawer, Flex, Form, Input, InputNumber, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { graphql } from '../gql';
import type { ActivityType, IntelTag } from '../gql/graphql';
import { useGqlMutation } from '../api/client';
import { useLang } from '../i18n/lang';
import { ACTIVITY_TYPE, INTEL_TAG, options } from '../i18n/labels';
import { useExplain } from './ErrorAlert';

const CreateActivity = graphql(`
  mutation CreateActivity($input: CreateActivityInput!) {
    createActivity(input: $input) { id occurredOn type account { id name } }
  }
`);

export interface ActivityDraft {
  accountId?: string;
  type?: ActivityType;
}

interface Values {
  accountId: string;
  type: ActivityType;
  occurredOn: Dayjs;
  subject?: string;
  summary?: string;
  participants?: string;
  counterparts?: string;
  outcome?: string;
  nextAction?: string;
  nextActionDue?: Dayjs;
  intelTags?: IntelTag[];
  contractAmount?: number;
  paymentAmount?: number;
}

export function ActivityForm({ open, draft, accounts, onClose, today }: {
  open: boolean;
  draft: ActivityDraft;
  /** Accounts to choose from (the manager's own); the draft's account is preselected. */
  accounts: { id: string; name: string; code: string }[];
  onClose(): void;
  today?: string;
}) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const explain = useExplain();
  const [form] = Form.useForm<Values>();
  const create = useGqlMutation(CreateActivity);

  async function submit(v: Values) {
    try {
      const res = await create.mutateAsync({
        input: {
          accountId: v.accountId,
          type: v.type,
          occurredOn: v.occurredOn.format('YYYY-MM-DD'),
          subject: v.subject || null,
          summary: v.summary || null,
          participants: v.participants || null,
          counterparts: v.counterparts || null,
          outcome: v.outcome || null,
          nextAction: v.nextAction || null,
          nextActionDue: v.nextActionDue ? v.nextActionDue.format('YYYY-MM-DD') : null,
          intelTags: v.intelTags ?? [],
          contractAmount: v.contractAmount ?? null,
          paymentAmount: v.paymentAmount ?? null,
        },
      });
      message.success(t(`已登记：${res.createActivity.account.name} ${res.createActivity.occurredOn}`, `Logged: ${res.createActivity.account.name} ${res.createActivity.occurredOn}`));
      form.resetFields();
      onClose();
    } catch (e) {
      message.error(explain(e), 8);
    }
  }

  return (
    <Drawer
      title={t('登记拜访 / 活动', 'Log a visit or activity')}
      open={open}
      onClose={onClose}
      size={520}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('取消', 'Cancel')}</Button>
          <Button type="primary" loading={create.isPending} onClick={() => form.submit()}>{t('保存', 'Save')}</Button>
        </Space>
      }
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ accountId: draft.accountId, type: draft.type ?? 'MANAGER_VISIT', occurredOn: today ? dayjs(today) : dayjs() }}
      >
        <Form.Item name="accountId" label={t('客户', 'Account')} rules={[{ required: true, message: t('请选择客户', 'Choose the account') }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={accounts.map((a) => ({ value: a.id, label: `${a.name}（${a.code}）` }))} />
        </Form.Item>
        <Flex gap="middle">
          <Form.Item name="type" label={t('类型', 'Type')} rules={[{ required: true }]} style={{ width: '55%' }}>
            <Select options={options(ACTIVITY_TYPE, lang)} />
          </Form.Item>
          <Form.Item name="occurredOn" label={t('日期', 'Date')} rules={[{ required: true, message: t('请选择日期', 'Choose the date') }]} style={{ width: '45%' }}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => !!today && d.isAfter(dayjs(today), 'day')} />
          </Form.Item>
        </Flex>
        <Form.Item name="subject" label={t('主题', 'Subject')} rules={[{ validator: (_r, v) => (v || form.getFieldValue('summary') ? Promise.resolve() : Promise.reject(new Error(t('主题或内容摘要至少填一项', 'Give a subject or a summary')))) }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="summary" label={t('内容摘要', 'Summary')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Flex gap="middle">
          <Form.Item name="participants" label={t('我方人员', 'Our participants')} style={{ width: '50%' }}><Input /></Form.Item>
          <Form.Item name="counterparts" label={t('客户方人员', 'Their participants')} style={{ width: '50%' }}><Input /></Form.Item>
        </Flex>
        <Form.Item name="outcome" label={t('结果', 'Outcome')}><Input /></Form.Item>
        <Flex gap="middle">
          <Form.Item name="nextAction" label={t('下一步', 'Next action')} style={{ width: '60%' }}><Input /></Form.Item>
          <Form.Item name="nextActionDue" label={t('下一步期限', 'Due')} style={{ width: '40%' }}><DatePicker style={{ width: '100%' }} /></Form.Item>
        </Flex>
        <Form.Item name="intelTags" label={t('情报标签', 'Intelligence tags')}>
          <Select mode="multiple" allowClear options={options(INTEL_TAG, lang)} />
        </Form.Item>
        <Flex gap="middle">
          <Form.Item name="contractAmount" label={t('合同金额（元）', 'Contract signed (¥)')} style={{ width: '50%' }}>
            <InputNumber min={0} precision={2} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="paymentAmount" label={t('回款金额（元）', 'Collected (¥)')} style={{ width: '50%' }}>
            <InputNumber min={0} precision={2} style={{ width: '100%' }} />
          </Form.Item>
        </Flex>
      </Form>
    </Drawer>
  );
}
