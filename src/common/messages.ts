/**
 * The language of messages an admin reads (import reports, validation, the CLI): Chinese first, English
 * with KAM_LANG=en. Stable codes and logs stay English whatever the language. Set once at start-up from
 * the configuration (`createServices`); messages are built where the problem is found, with both texts.
 */
export type Language = 'zh' | 'en';

let current: Language = 'zh';

export function setLanguage(language: Language): void {
  current = language;
}

export function language(): Language {
  return current;
}

/** The message in the configured language. */
export function say(zh: string, en: string): string {
  return current === 'en' ? en : zh;
}
