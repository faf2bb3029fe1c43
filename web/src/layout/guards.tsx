/** Route guards: sign-in first, then only the sections the role may open. */
import { Suspense, type ReactNode } from 'react';
import { Navigate } from 'react-router';
import { Result, Spin } from 'antd';
import { canOpen, homeOf, useViewer, type Section } from '../api/viewer';
import { useLang } from '../i18n/lang';

export function PageLoading() {
  const { t } = useLang();
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin tip={t('加载中…', 'Loading…')} size="large"><div style={{ height: 48 }} /></Spin>
    </div>
  );
}

export function HomeRedirect() {
  const me = useViewer();
  if (!me.data) return <PageLoading />;
  return <Navigate to={homeOf(me.data.me.role)} replace />;
}

export function RequireSection({ section, children }: { section: Section; children: ReactNode }) {
  const me = useViewer();
  const { t } = useLang();
  if (!me.data) return <PageLoading />;
  if (!canOpen(me.data.me.role, section)) {
    return <Result status="403" title={t('无权访问', 'Not allowed')} subTitle={t('您的角色不能打开此页面。', 'Your role cannot open this page.')} />;
  }
  return <Suspense fallback={<PageLoading />}>{children}</Suspense>;
}
