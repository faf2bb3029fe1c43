/**
 * Chinese first, with an English switch. Text is written in place as `t('中文', 'English')`, so both
 * languages of a label live side by side; the choice is kept in localStorage.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'zh' | 'en';

interface LangContext {
  lang: Lang;
  setLang(lang: Lang): void;
  t(zh: string, en: string): string;
}

const KEY = 'kam.lang';
const Ctx = createContext<LangContext | null>(null);

export function initialLang(): Lang {
  return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';
}

export function LangProvider({ lang, onChange, children }: { lang: Lang; onChange(lang: Lang): void; children: ReactNode }) {
  const value = useMemo<LangContext>(
    () => ({
      lang,
      setLang(l) {
        localStorage.setItem(KEY, l);
        document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
        onChange(l);
      },
      t: (zh, en) => (lang === 'zh' ? zh : en),
    }),
    [lang, onChange],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useLang(): LangContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('useLang outside LangProvider');
  return c;
}

export function useLangState(): [Lang, (l: Lang) => void] {
  const [lang, setLang] = useState<Lang>(initialLang);
  return [lang, setLang];
}
