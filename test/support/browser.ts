/**
 * The console's browser tests: Debian's Chromium (`/usr/bin/chromium`, package `chromium`, with
 * `fonts-noto-cjk` for Chinese glyphs) driven by playwright-core — Playwright's own browser download
 * is not reachable here. Without Chromium (or without a built console) `npm test` skips these tests
 * and says why; KAM_TEST_REQUIRE_BROWSER=1 (set by .ci/run, which installs it) makes them fail instead.
 *
 * Every page the tests open is screenshotted into test-artifacts/console/ (ignored by git), and
 * every request a page makes must stay on the server's origin: the console works with no internet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { consoleDir } from '../../src/http/console-routes';

export const CHROMIUM = '/usr/bin/chromium';
export const BROWSER_REQUIRED = loadConfig().testRequireBrowser;
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'console');

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `Chromium missing: apt-get install -y chromium fonts-noto-cjk (.ci/run installs them)`;
  if (!fs.existsSync(path.join(consoleDir(), 'index.html'))) return 'the console is not built: npm run build';
  return null;
}

/** `describe` for browser tests: skipped with the reason when Chromium is missing, failed when CI requires it. */
export function describeWithBrowser(name: string, fn: () => void): void {
  const missing = browserMissing();
  if (!missing) {
    describe(name, fn);
    return;
  }
  if (BROWSER_REQUIRED) {
    describe(name, () => {
      it('needs Chromium (KAM_TEST_REQUIRE_BROWSER=1)', () => {
        throw new Error(missing);
      });
    });
    return;
  }
  process.stdout.write(`[kam] SKIPPED "${name}": ${missing}\n`);
  describe.skip(name, fn);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Requests that tried to leave the server's origin (blocked). */
  external: string[];
  /** Errors the page threw or logged. */
  errors: string[];
  /** Saves a screenshot as test-artifacts/console/<name>.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A fresh browser context on the console, offline except for the server itself. */
export async function openConsole(browser: Browser, baseURL: string, options: { lang?: 'zh' | 'en'; motion?: 'reduce' | 'no-preference' } = {}): Promise<ConsolePage> {
  // Reduced motion, as a person may set it (the console then turns Ant Design's animations off): on a loaded
  // machine a click could otherwise land on a dropdown or dialog still sliding in, and miss.
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true, reducedMotion: options.motion ?? 'reduce' });
  const origin = new URL(baseURL).origin;
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  if (options.lang === 'en') await context.addInitScript("localStorage.setItem('kam.lang', 'en')");
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // 4xx answers the tests provoke on purpose (wrong passwords) are logged by Chromium as resource errors.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    page,
    context,
    external,
    errors,
    async shot(name) {
      await page.waitForLoadState('networkidle').catch(() => undefined);
      // Let Ant Design's open/close animations finish, so the picture shows what a person sees.
      await page.waitForTimeout(400);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
    },
    close: () => context.close(),
  };
}

/** Signs in through the form, as a person would, and waits for the role's home page. */
export async function signIn(c: ConsolePage, login: string, password: string): Promise<void> {
  const { page } = c;
  await page.goto('/login');
  await page.getByLabel('登录名').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('viewer-role').waitFor();
}

/**
 * axe-core's rules that say whether every control has a name and every image an alternative: the
 * labelling half of "every control labelled and keyboard-usable".
 */
const LABEL_RULES = ['label', 'button-name', 'link-name', 'aria-input-field-name', 'select-name', 'aria-toggle-field-name', 'input-button-name', 'image-alt', 'aria-command-name', 'document-title', 'html-has-lang'];

export async function unlabelledControls(page: Page): Promise<string[]> {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol: the console's CSP (script-src 'self') refuses inline <script> tags.
  await page.evaluate(source);
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'rule', values: ${JSON.stringify(LABEL_RULES)} } })`)) as { violations: { id: string; nodes: { target: string[]; html: string }[] }[] };
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} ${n.html.slice(0, 120)}`));
}

/** Polls until `check` passes (a page updates after its requests), else fails with the last reason. */
export async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

export async function waitForPath(page: Page, pathname: string): Promise<void> {
  await page.waitForURL((u) => u.pathname === pathname, { timeout: 15_000 });
}

export async function waitForText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await eventually(async () => expect((await locator.first().textContent()) ?? '').toContain(text));
}

/**
 * Waits for a message toast (Ant Design's `message`) that says `text`. A timeout names the toasts that did
 * show (an error explained instead of the success awaited) and the dialogs still open.
 */
export async function waitForMessage(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<void> {
  const wanted = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
  const seen = new Set<string>();
  const end = Date.now() + timeoutMs;
  for (;;) {
    const notices = await page.locator('.ant-message-notice').allTextContents().catch(() => [] as string[]);
    for (const n of notices) seen.add(n.trim());
    if (notices.some(wanted)) return;
    if (Date.now() > end) {
      const dialogs = await page.getByRole('dialog').allTextContents().catch(() => [] as string[]);
      throw new Error(`no message "${String(text)}" within ${timeoutMs} ms; messages seen: ${JSON.stringify([...seen])}; dialogs open: ${JSON.stringify(dialogs.map((d) => d.slice(0, 200)))}`);
    }
    await page.waitForTimeout(100);
  }
}

export async function waitForCount(locator: import('playwright-core').Locator, n: number): Promise<void> {
  await eventually(async () => expect(await locator.count()).toBe(n));
}
