/** The console: sign-in, then each role's sections; every page beyond sign-in is its own chunk. */
import { StrictMode, lazy, useCallback, useEffect, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { LangProvider, initialLang, type Lang } from './i18n/lang';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './layout/LoginPage';
import { RequireSection, HomeRedirect } from './layout/guards';
import { endSession, getSession } from './api/session';
import { ApiError } from './api/client';

const AccountsPage = lazy(() => import('./pages/accounts/AccountsPage'));
const AccountPage = lazy(() => import('./pages/accounts/AccountPage'));
const ImportPage = lazy(() => import('./pages/imports/ImportPage'));
const CommitteePage = lazy(() => import('./pages/committee/CommitteePage'));
const ManagerPage = lazy(() => import('./pages/manager/ManagerPage'));
const FinancePage = lazy(() => import('./pages/finance/FinancePage'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A refusal will not change by asking again; a network blip may.
      retry: (count, e) => count < 2 && e instanceof ApiError && e.code === 'NETWORK',
    },
  },
});

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: 'accounts', element: <RequireSection section="accounts"><AccountsPage /></RequireSection> },
      { path: 'accounts/:id', element: <RequireSection section="accounts"><AccountPage /></RequireSection> },
      { path: 'imports', element: <RequireSection section="imports"><ImportPage /></RequireSection> },
      { path: 'committee', element: <RequireSection section="committee"><CommitteePage /></RequireSection> },
      { path: 'manager', element: <RequireSection section="manager"><ManagerPage /></RequireSection> },
      { path: 'finance', element: <RequireSection section="finance"><FinancePage /></RequireSection> },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
]);

/** Ends a login token's session when the token itself expires, so the page says so instead of failing later. */
function useTokenExpiry(): void {
  useEffect(() => {
    const timer = window.setInterval(() => {
      const s = getSession();
      if (s?.expiresAt && Date.parse(s.expiresAt) <= Date.now()) endSession('expired');
    }, 15_000);
    return () => window.clearInterval(timer);
  }, []);
}

/**
 * Whether the person asked their system for less motion (prefers-reduced-motion, WCAG 2.3.3): Ant Design's
 * opening, closing and sliding animations are then turned off, and menus and dialogs simply appear.
 */
function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => window.matchMedia?.(query).matches ?? false);
  useEffect(() => {
    const media = window.matchMedia?.(query);
    if (!media) return undefined;
    const onChange = () => setReduced(media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return reduced;
}

function Root(): ReactNode {
  const [lang, setLang] = useState<Lang>(initialLang);
  const reducedMotion = usePrefersReducedMotion();
  const onChange = useCallback((l: Lang) => {
    dayjs.locale(l === 'zh' ? 'zh-cn' : 'en');
    setLang(l);
  }, []);
  useEffect(() => onChange(lang), [lang, onChange]);
  useTokenExpiry();
  return (
    <LangProvider lang={lang} onChange={onChange}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { motion: !reducedMotion, colorPrimary: '#1668dc', borderRadius: 6, fontFamily: "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif" } }}>
        <AntApp>
          <QueryClientProvider client={queryClient}>
            <RouterProvider router={router} />
          </QueryClientProvider>
        </AntApp>
      </ConfigProvider>
    </LangProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
