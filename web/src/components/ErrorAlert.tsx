/** An API refusal, said in the user's language with the server's own message and code beside it. */
import { Alert } from 'antd';
import { ApiError } from '../api/client';
import { useLang } from '../i18n/lang';

export function useExplain() {
  const { t } = useLang();
  return (e: unknown): string => {
    if (!(e instanceof ApiError)) return String((e as Error)?.message ?? e);
    const reason = e.reason ?? e.code;
    const head = (() => {
      switch (reason) {
        case 'FORBIDDEN':
          return t('无权执行此操作', 'Not allowed');
        case 'VERSION_CONFLICT':
          return t('记录已被他人修改，请刷新后重试', 'Someone changed this record; reload and try again');
        case 'OWNERSHIP_CONFLICT':
          return t('归属冲突（谁开发、谁优先）', 'Ownership conflict');
        case 'ALREADY_DECIDED':
          return t('已由委员会决定', 'Already decided by the committee');
        case 'IMPORT_IN_PROGRESS':
          return t('该附件正在导入中，请稍后再试', 'This annex is being imported; try again shortly');
        case 'NETWORK':
          return t('无法连接服务器', 'Cannot reach the server');
        default:
          if (e.code === 'BAD_USER_INPUT' || reason === 'VALIDATION_FAILED') return t('输入有误', 'Invalid input');
          if (e.code === 'CONFLICT') return t('操作冲突', 'Conflict');
          if (e.code === 'NOT_FOUND') return t('记录不存在', 'Not found');
          return t('操作失败', 'Failed');
      }
    })();
    return `${head}：${e.message}（${reason}）`;
  };
}

export function ErrorAlert({ error }: { error: unknown }) {
  const explain = useExplain();
  return <Alert role="alert" type="error" showIcon title={explain(error)} />;
}
