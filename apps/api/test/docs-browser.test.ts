import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, serveFixture, startFixture, TOKENS } from './helpers.js';

// Debian's chromium, installed by .ci/run when missing. Where it cannot be installed this test is skipped
// and says why (printed below), rather than passing without a browser.
const CHROMIUM = process.env.ROOTWARDEN_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available)
  console.warn(
    `docs page browser test skipped: no chromium at ${CHROMIUM} (install it with: apt-get install -y chromium)`,
  );

describe.skipIf(!available)('the /docs page in headless Chromium', () => {
  let fixture: Fixture;
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    fixture = await startFixture();
    server = await serveFixture(fixture);
  });
  afterAll(async () => {
    await server?.close();
    await fixture?.close();
  });

  it('renders every route from /openapi.json, loads nothing from elsewhere, and can call the API', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`${server.url}/docs`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(problems).toEqual([]);
      expect(requested.every((url) => url.startsWith(server.url))).toBe(true);
      expect(await page.title()).toMatch(/^rootwarden API \d/);

      const shown = await page.$$eval('details.operation', (nodes) =>
        nodes.map(
          (node) => `${node.getAttribute('data-method')?.toUpperCase()} ${node.getAttribute('data-path')}`,
        ),
      );
      const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
        paths: Record<string, object>;
      };
      const expected = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(shown.sort()).toEqual(expected.sort());
      expect(shown).toContain('POST /v1/plans/{id}/apply');

      // Try it: the organization route with a token typed into the page.
      await page.fill('#token', TOKENS.read);
      const operation = page.locator('details[data-path="/v1/organization"]');
      await operation.locator('summary').click();
      await operation.locator('button[type="submit"]').click();
      await expect.poll(() => operation.locator('pre.response').textContent()).toMatch(/^200 /);
      expect(await operation.locator('pre.response').textContent()).toContain('"role": "management"');
    } finally {
      await browser.close();
    }
  });
});
