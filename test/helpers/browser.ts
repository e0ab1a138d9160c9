// Headless Chromium for browser tests: the system chromium driven by playwright-core, plus screenshots.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The Debian `chromium` package's binary (`npx playwright install` cannot download here). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOT_DIR = join(root, 'test-output', 'screenshots');

// Root needs --no-sandbox; without the background-networking flags Chromium's own connections
// to the outside fail noisily (NOTES "Browser tests").
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

export interface LaunchBrowserOptions {
  executablePath?: string;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<LaunchedBrowser> {
  // A fresh profile per launch: no state leaks between test files, and nothing is left behind.
  const userDataDir = await mkdtemp(join(tmpdir(), 'jsruntime-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: options.executablePath ?? CHROMIUM_PATH,
      headless: true,
      chromiumSandbox: false,
      args: ARGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      colorScheme: options.colorScheme ?? 'light',
      timeout: 30_000,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  // Waits end as soon as their condition holds; the limit only matters on a machine so busy
  // (other suites, CI neighbours) that loading the editor takes longer than Playwright's 30 s.
  context.setDefaultTimeout(60_000);
  let closed = false;
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Saves a full-page PNG as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
