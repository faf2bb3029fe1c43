/** The frame every signed-in page shares: menu by role, who is signed in, language, GraphiQL, sign out. */
import { useMemo } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { Button, Layout, Menu, Result, Segmented, Space, Tag, Typography } from 'antd';
import { ApiOutlined, AuditOutlined, DashboardOutlined, FundOutlined, LogoutOutlined, TeamOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { endSession, useSession } from '../api/session';
import { canOpen, useViewer, type Section } from '../api/viewer';
import { useLang } from '../i18n/lang';
import { ROLE, label } from '../i18n/labels';
import { PageLoading } from './guards';

const { Header, Sider, Content } = Layout;

export function AppLayout() {
  const session = useSession();
  const me = useViewer();
  const { t, lang, setLang } = useLang();
  const location = useLocation();
  const qc = useQueryClient();
  const role = me.data?.me.role;

  const items = useMemo(() => {
    const all: { key: Section; path: string; icon: React.ReactNode; label: string }[] = [
      { key: 'manager', path: '/manager', icon: <DashboardOutlined />, label: t('我的工作台', 'My work') },
      { key: 'accounts', path: '/accounts', icon: <TeamOutlined />, label: t('客户', 'Accounts') },
      { key: 'imports', path: '/imports', icon: <UploadOutlined />, label: t('导入', 'Imports') },
      { key: 'committee', path: '/committee', icon: <AuditOutlined />, label: t('委员会', 'Committee') },
      { key: 'finance', path: '/finance', icon: <FundOutlined />, label: t('财务', 'Finance') },
    ];
    return all.filter((i) => canOpen(role, i.key)).map((i) => ({ key: i.path, icon: i.icon, label: <Link to={i.path}>{i.label}</Link> }));
  }, [role, t]);

  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (me.isError) {
    return <Result status="error" title={t('无法连接服务器', 'Cannot reach the server')} subTitle={me.error.message} extra={<Button onClick={() => me.refetch()}>{t('重试', 'Retry')}</Button>} />;
  }
  if (!me.data) return <PageLoading />;
  const viewer = me.data.me;
  const selected = items.map((i) => i.key).filter((k) => location.pathname.startsWith(k));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider breakpoint="lg" collapsedWidth={0} theme="dark" width={208}>
        <div style={{ color: '#fff', fontWeight: 600, fontSize: 16, padding: '18px 20px', whiteSpace: 'nowrap' }}>
          KAM Hub <span style={{ fontWeight: 400, opacity: 0.75 }}>{t('大客户管理', 'Key accounts')}</span>
        </div>
        <nav aria-label={t('主菜单', 'Main menu')}>
          <Menu theme="dark" mode="inline" selectedKeys={selected} items={items} />
        </nav>
      </Sider>
      <Layout>
        <Header style={{ background: '#fff', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'flex-end', borderBottom: '1px solid #f0f0f0' }}>
          <Space size="middle">
            <Typography.Text data-testid="viewer-name">{viewer.user?.name ?? viewer.name}</Typography.Text>
            <Tag color="blue" data-testid="viewer-role">{label(ROLE, viewer.role, lang)}</Tag>
            <Segmented
              aria-label={t('界面语言', 'Language')}
              size="small"
              value={lang}
              onChange={(v) => setLang(v as 'zh' | 'en')}
              options={[{ value: 'zh', label: '中文' }, { value: 'en', label: 'EN' }]}
            />
            <Button type="link" icon={<ApiOutlined />} href="/graphiql" target="_blank" rel="noopener">
              GraphiQL
            </Button>
            <Button
              icon={<LogoutOutlined />}
              onClick={() => {
                endSession('signedOut');
                qc.clear();
              }}
            >
              {t('退出登录', 'Sign out')}
            </Button>
          </Space>
        </Header>
        <Content style={{ padding: 24 }}>
          <main>
            <Outlet />
          </main>
        </Content>
      </Layout>
    </Layout>
  );
}
