/** Display formats: money in 元 (or 万元 as the report workbook shows it), dates and times in Beijing time. */

const TZ = 'Asia/Shanghai';

const yuan = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wan = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `1,234,567.89` (元); blank for null. */
export function formatYuan(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : yuan.format(v);
}

/** Amount in 万元 with two decimals, as the monthly report workbook shows it. */
export function formatWan(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : wan.format(v / 10_000);
}

export function formatPercent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;
}

const dateTime = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/** An instant (DateTimeISO) as Beijing time, `2026-11-23 14:05`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const parts = Object.fromEntries(dateTime.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Today's date in Beijing (YYYY-MM-DD): the business calendar's default. */
export function beijingToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Seconds as `1 分 20 秒` / `1 min 20 s`. */
export function formatDuration(seconds: number, lang: 'zh' | 'en'): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const r = s % 60;
  if (lang === 'zh') return m ? `${m} 分 ${r} 秒` : `${r} 秒`;
  return m ? `${m} min ${r} s` : `${r} s`;
}
