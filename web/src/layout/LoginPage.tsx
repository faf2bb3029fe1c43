/**
 * Sign in with a login and password (an expiring token from the `login` mutation) or with an API key
 * (checked with `me`). Refusals are said in the user's language: wrong password, a locked login, an
 * address throttled for failures, an expired token.
 */
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Button, Card, Form, Input, Segmented, Tabs, Typography } from 'antd';
import { KeyOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { graphql } from '../gql';
import { ApiError, gql } from '../api/client';
import { MeQuery, homeOf } from '../api/viewer';
import { lastEndReason, startSession, useSession } from '../api/session';
import { useLang } from '../i18n/lang';
import { formatDateTime } from '../format';

const LoginMutation = graphql(`
  mutation Login($login: String!, $password: String!) {
    login(login: $login, password: $password) { token expiresAt user { id name role } }
  }
`);

export function LoginPage() {
  const session = useSession();
  const { t, lang, setLang } = useLang();
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ended = lastEndReason();

  if (session) return <Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />;

  function explain(e: unknown): string {
    if (!(e instanceof ApiError)) return String(e);
    switch (e.reason) {
      case 'LOGIN_LOCKED': {
        const until = /(\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(e.message)?.[1];
        return until
          ? t(`密码错误次数过多，该账号已锁定至 ${formatDateTime(until)}（北京时间）。请稍后再试，或请管理员解除锁定。`, `Too many wrong passwords: this login is locked until ${formatDateTime(until)} (Beijing time). Try later or ask an administrator to unlock it.`)
          : t('密码错误次数过多，该账号已被锁定。请稍后再试，或请管理员解除锁定。', 'Too many wrong passwords: this login is locked. Try later or ask an administrator.');
      }
      case 'LOGIN_RATE_LIMITED': {
        const minutes = Math.ceil(Number(e.extensions.retryAfterSeconds ?? 60) / 60);
        return t(`此地址登录失败次数过多，请 ${minutes} 分钟后再试。`, `Too many failed sign-ins from this address: try again in ${minutes} min.`);
      }
      default:
        if (e.code === 'UNAUTHENTICATED') return t('登录名或密码错误，或 API 密钥无效。', 'Wrong login or password, or an invalid API key.');
        if (e.code === 'NETWORK') return t('无法连接服务器。', 'Cannot reach the server.');
        return e.message;
    }
  }

  async function withPassword(v: { login: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      const { login } = await gql(LoginMutation, v);
      qc.clear();
      startSession({ credential: login.token, kind: 'token', expiresAt: login.expiresAt });
      navigate(homeOf(login.user.role), { replace: true });
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  }

  async function withKey(v: { key: string }) {
    setBusy(true);
    setError(null);
    try {
      const key = v.key.trim().replace(/^Bearer\s+/i, '');
      const { me } = await gql(MeQuery, {}, key);
      qc.clear();
      startSession({ credential: key, kind: 'apikey' });
      navigate(homeOf(me.role), { replace: true });
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  }

  const notice =
    ended === 'expired'
      ? t('登录已过期，请重新登录。', 'Your sign-in has expired; please sign in again.')
      : ended === 'rejected'
        ? t('凭据已失效（过期、被撤销或账号已停用），请重新登录。', 'Your credential is no longer accepted (expired, revoked or deactivated); please sign in again.')
        : null;

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(135deg, #e6f0ff 0%, #f5f7fa 60%)' }}>
      <main style={{ width: 400 }}>
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>KAM Hub</Typography.Title>
          <Typography.Text type="secondary">{t('大客户管理系统', 'Key account management')}</Typography.Text>
        </div>
        <Card>
          {notice && <Alert role="status" type="warning" showIcon title={notice} style={{ marginBottom: 16 }} />}
          {error && <Alert role="alert" type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
          <Tabs
            items={[
              {
                key: 'password',
                label: t('账号登录', 'Login'),
                children: (
                  <Form layout="vertical" onFinish={withPassword} requiredMark={false}>
                    <Form.Item name="login" label={t('登录名', 'Login')} rules={[{ required: true, message: t('请输入登录名', 'Enter your login') }]}>
                      <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
                    </Form.Item>
                    <Form.Item name="password" label={t('密码', 'Password')} rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}>
                      <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
                    </Form.Item>
                    <Button type="primary" htmlType="submit" block loading={busy}>{t('登录', 'Sign in')}</Button>
                  </Form>
                ),
              },
              {
                key: 'apikey',
                label: t('API 密钥', 'API key'),
                children: (
                  <Form layout="vertical" onFinish={withKey} requiredMark={false}>
                    <Form.Item name="key" label={t('API 密钥', 'API key')} extra={t('由管理员以 kam apikey create 创建，形如 kam_…', 'Created with kam apikey create, like kam_…')} rules={[{ required: true, message: t('请输入 API 密钥', 'Enter an API key') }]}>
                      <Input.Password prefix={<KeyOutlined />} autoComplete="off" />
                    </Form.Item>
                    <Button type="primary" htmlType="submit" block loading={busy}>{t('登录', 'Sign in')}</Button>
                  </Form>
                ),
              },
            ]}
          />
        </Card>
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Segmented aria-label={t('界面语言', 'Language')} size="small" value={lang} onChange={(v) => setLang(v as 'zh' | 'en')} options={[{ value: 'zh', label: '中文' }, { value: 'en', label: 'EN' }]} />
        </div>
      </main>
    </div>
  );
}
