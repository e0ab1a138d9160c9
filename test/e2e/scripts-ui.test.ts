// The author's journey in a real browser (Debian chromium via playwright-core): log in, create a
// script of each type from the form, hit validation errors, edit with Ctrl+S (version 2 + toast),
// get SDK completions in Monaco, view the diff, restore v1 (version 3), execute, delete with the
// confirm dialog. Screenshots of the list, the editor and the diff go to test-output/screenshots.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type LaunchedBrowser } from '../helpers/browser.js';
import { testServers } from '../helpers/databases.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  startTestService,
  type TestService,
} from '../helpers/service.js';

interface EditorWindow {
  jsruntimeEditor: {
    ready: Promise<void>;
    get(el: unknown):
      | {
          model: {
            setValue(v: string): void;
            getValue(): string;
            getLineCount(): number;
            getLineMaxColumn(l: number): number;
          };
          editor: { focus(): void; setPosition(p: { lineNumber: number; column: number }): void };
        }
      | undefined;
  };
  document: {
    querySelector(s: string): unknown;
    querySelectorAll(s: string): { length: number };
    documentElement: { scrollWidth: number; clientWidth: number };
  };
}

const server = testServers()[0]!;

async function setEditor(page: Page, text: string): Promise<void> {
  await page.waitForFunction(() => {
    const w = globalThis as unknown as EditorWindow;
    return Boolean(w.jsruntimeEditor?.get(w.document.querySelector('[data-editor]')));
  });
  await page.evaluate((text) => {
    const w = globalThis as unknown as EditorWindow;
    w.jsruntimeEditor.get(w.document.querySelector('[data-editor]'))!.model.setValue(text);
  }, text);
}

describe('scripts UI in Chromium', () => {
  let t: TestService;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestService(server);
    browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Confirm dialogs are accepted here, once each, and remembered for the assertions.
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    // 4xx answers the test provokes on purpose (validation) are logged by the browser too.
    page.on('console', (m) => {
      if (
        m.type() === 'error' &&
        !/status of 4\d\d|Response Status Error Code 4\d\d/.test(m.text())
      )
        pageErrors.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('logs in and shows the empty list', async () => {
    await page.goto(`${t.base}/scripts`);
    assert.match(page.url(), /\/login\?next=%2Fscripts$/);
    await page.fill('#email', ADMIN_EMAIL);
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${t.base}/scripts`);
    await page.getByText('No scripts yet. Create your first script to get started.').waitFor();
  });

  const cases: Array<{
    type: string;
    name: string;
    fill: (p: Page) => Promise<void>;
    source: string;
  }> = [
    {
      type: 'oneoff',
      name: 'Manual report',
      fill: async () => {},
      source: "sdk.log.info('running');\nreturn { ok: true, input: context.input };",
    },
    {
      type: 'scheduled',
      name: 'Nightly export',
      fill: async (p) => {
        await p.fill('#f-CronExpression', '0 2 * * *');
        await p.fill('#f-Timezone', 'Europe/Berlin');
      },
      source: 'return 1;',
    },
    {
      type: 'http',
      name: 'Order webhook',
      fill: async (p) => {
        await p.fill('#f-HTTPPath', '/orders/:id');
        await p.check('input[name=HTTPMethods][value=POST]');
      },
      source: 'return { status: 202 };',
    },
    {
      type: 'event',
      name: 'Receipt on payment',
      fill: async (p) => {
        await p.fill('#f-EventTypes', 'sales.order.paid');
      },
      source: 'return context.trigger.eventPayload;',
    },
    {
      type: 'embedded',
      name: 'Price calculator',
      fill: async () => {},
      source: 'return { total: context.input.qty * 2 };',
    },
  ];
  for (const c of cases) {
    it(`creates a ${c.type} script from the form`, async () => {
      await page.goto(`${t.base}/scripts/new`);
      await page.fill('#f-Name', c.name);
      await page.selectOption('#f-Type', c.type);
      await c.fill(page);
      await setEditor(page, c.source);
      await page.click('#script-form button[type=submit]');
      await page.waitForURL(/\/scripts\/[0-9a-f-]{36}$/);
      ids[c.type] = page.url().split('/').pop()!;
      await page.locator('h1', { hasText: c.name }).waitFor();
      await page.getByText(`Script "${c.name}" created. Version 1 saved.`).waitFor();
    });
  }

  it('starts from a template', async () => {
    await page.goto(`${t.base}/scripts/new`);
    await page.click('a[data-template=webhook-handler]');
    await page.waitForURL(/template=webhook-handler/);
    assert.equal(await page.inputValue('#f-Name'), 'Payment webhook');
    assert.equal(await page.inputValue('#f-Type'), 'http');
    assert.equal(await page.inputValue('#f-HTTPPath'), '/payments/:provider');
  });

  it('shows validation errors next to their fields and keeps the input', async () => {
    await page.goto(`${t.base}/scripts/new`);
    await page.fill('#f-Name', 'ab');
    await page.fill('#f-Description', 'my description stays');
    await page.selectOption('#f-Type', 'scheduled');
    await page.fill('#f-CronExpression', '99 * * *');
    await setEditor(page, 'const x = ;');
    await page.click('#script-form button[type=submit]');
    await page.locator('#f-Name-error').waitFor();
    assert.equal(await page.textContent('#f-Name-error'), 'Name must be at least 3 characters');
    assert.equal(
      await page.textContent('#f-CronExpression-error'),
      'Invalid cron expression. Format: minute hour day month weekday',
    );
    assert.match((await page.textContent('#f-Source-error')) ?? '', /line 1, column \d+/);
    assert.equal(await page.inputValue('#f-Name'), 'ab');
    assert.equal(await page.inputValue('#f-Description'), 'my description stays');
    assert.equal(await page.getAttribute('#f-Name', 'aria-invalid'), 'true');
    await page.fill('#f-Name', 'Manual report');
    await page.fill('#f-CronExpression', '@daily');
    await setEditor(page, 'return 1;');
    await page.click('#script-form button[type=submit]');
    // The first answer's error is still on the page until the second answer replaces the form:
    // wait for the new message itself, not for the element.
    await page
      .locator('#f-Name-error', { hasText: 'Name already exists for this tenant' })
      .waitFor();
    assert.equal(await page.textContent('#f-Name-error'), 'Name already exists for this tenant');
    assert.equal(await page.locator('#f-CronExpression-error').count(), 0);
  });

  it('lists the scripts with badges and search', async () => {
    await page.goto(`${t.base}/scripts`);
    for (const c of cases) await page.locator('#scripts-table a', { hasText: c.name }).waitFor();
    await page.fill('input[aria-label="Search scripts"]', 'webhook');
    await page.locator('#scripts-table tbody tr', { hasText: 'Order webhook' }).waitFor();
    await page.waitForFunction(
      () => (globalThis as any).document.querySelectorAll('#scripts-table tbody tr').length === 1,
    );
    await page.goto(`${t.base}/scripts`);
    await screenshot(page, 'scripts-list');
  });

  it('edits with Ctrl+S: version 2 and the toast; Monaco offers sdk.http.get', async () => {
    await page.goto(`${t.base}/scripts/${ids.oneoff}/edit`);
    await page.getByText('Saving will create version 2').waitFor();
    await setEditor(page, "sdk.log.info('running v2');\nreturn { ok: true, version: 2 };\n");
    await page.evaluate(() => {
      const w = globalThis as unknown as EditorWindow;
      const h = w.jsruntimeEditor.get(w.document.querySelector('[data-editor]'))!;
      const line = h.model.getLineCount();
      h.editor.focus();
      h.editor.setPosition({ lineNumber: line, column: h.model.getLineMaxColumn(line) });
    });
    await page.keyboard.type('sdk.http.');
    const get = page
      .locator('.suggest-widget.visible .monaco-list-row .label-name')
      .filter({ hasText: /^get$/ });
    await get.first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'script-editor');
    await page.keyboard.press('Escape');
    await setEditor(page, "sdk.log.info('running v2');\nreturn { ok: true, version: 2 };\n");
    await page.fill('#f-ChangeNote', 'second version');
    await page.keyboard.press('Control+s');
    await page.waitForURL(`${t.base}/scripts/${ids.oneoff}`);
    await page.getByText('Script updated. Version 2 created.').waitFor();
  });

  it('shows the diff of v1 and v2 and restores v1 as version 3', async () => {
    await page.goto(`${t.base}/scripts/${ids.oneoff}/versions`);
    await page.click('#versions-table tr#version-2 a:has-text("Diff")');
    await page.waitForURL(/\/diff\?from=1&to=2/);
    await page.locator('.diff-editor .monaco-diff-editor').waitFor();
    await page.waitForFunction(
      () =>
        (globalThis as any).document.querySelectorAll(
          '.diff-editor .line-insert, .diff-editor .char-insert',
        ).length > 0,
    );
    await screenshot(page, 'script-diff');
    await page.click('button[aria-label="Restore version 1"]');
    await page.waitForURL(`${t.base}/scripts/${ids.oneoff}`);
    await page.getByText('Version 1 restored. Version 3 created.').waitFor();
    assert.match(dialogs.at(-1) ?? '', /Restore version 1\? This creates version 3/);
    const source = await page.inputValue('#source-view');
    assert.equal(
      source.trim(),
      "sdk.log.info('running');\nreturn { ok: true, input: context.input };",
    );
    await page.getByText('Version 3').first().waitFor();
  });

  it('executes from the script page and the row turns completed', async () => {
    await page.goto(`${t.base}/scripts/${ids.oneoff}`);
    await page.click('#execute-form summary');
    await page.fill('#execute-input', '{"from":"browser"}');
    await page.click('#execute-form button[type=submit]');
    const badge = page.locator('#execution-rows tr').first().locator('.badge');
    await badge.waitFor();
    await page.waitForFunction(
      () =>
        (globalThis as any).document.querySelector('#execution-rows tr .badge')?.textContent ===
        'Completed',
      null,
      { timeout: 20_000 },
    );
    assert.match(
      (await badge.getAttribute('aria-label')) ?? '',
      /^Execution [0-9a-f-]{36} status: completed$/,
    );
    await page.locator('#execution-rows tr').first().locator('a').first().click();
    await page.locator('#execution-output').waitFor();
    assert.match((await page.textContent('#execution-output')) ?? '', /"from": "browser"/);
  });

  it('deletes with the confirm dialog and removes the row in place', async () => {
    await page.goto(`${t.base}/scripts`);
    const row = page.locator('#scripts-table tbody tr', { hasText: 'Nightly export' });
    await row.waitFor();
    const before = dialogs.length;
    await page.click('button[aria-label="Delete script Nightly export"]');
    await row.waitFor({ state: 'detached' });
    assert.equal(dialogs.length, before + 1, 'one confirm dialog');
    assert.match(dialogs.at(-1)!, /Delete script "Nightly export"\?/);
    assert.equal(page.url(), `${t.base}/scripts`, 'no navigation: the row went away in place');
    const r = await fetch(`${t.base}/api/v1/scripts/${ids.scheduled}`, {
      headers: { authorization: 'Bearer jsr_test_admin_token_0123456789abcdef' },
    });
    assert.equal(r.status, 404);
  });

  it('works at 360 px wide', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${t.base}/scripts`);
    const overflow = await page.evaluate(
      () =>
        (globalThis as any).document.documentElement.scrollWidth -
        (globalThis as any).document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 1, `no horizontal scrolling (overflow ${overflow}px)`);
    await screenshot(page, 'scripts-list-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('had no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
