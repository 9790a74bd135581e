import { existsSync } from 'node:fs';
import { Browser, Locator, Page, chromium } from 'playwright-core';
import { ADMIN_TOKEN, Site } from '../helpers/site';

const CHROMIUM = '/usr/bin/chromium';
const describeWithChromium = existsSync(CHROMIUM) ? describe : (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`, fn);

/**
 * GraphiQL as a user meets it on a management network with no internet: every request that would leave the
 * gateway's origin is aborted and recorded, so the page must work with what the gateway alone serves.
 */
describeWithChromium('GraphiQL at GET /graphql in a real browser', () => {
  let site: Site;
  let browser: Browser;
  let page: Page;
  const outside: string[] = [];
  const refusedByPolicy: string[] = [];
  const posts: { contentType: string | undefined; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
    // Each launch gets a fresh temporary profile: no cache, no stored tabs or headers.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === site.url) return route.continue();
      outside.push(url);
      return route.abort();
    });
    page.on('websocket', (ws) => outside.push(ws.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refusedByPolicy.push(m.text());
    });
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push({ contentType: r.headers()['content-type'], authorization: r.headers().authorization });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  const headersPane = () => page.locator('.monaco-editor[data-uri$="request-headers.json"]');
  const resultPane = () => page.locator('section[aria-label="Result Window"]');
  // Monaco lays text out with non-breaking spaces, one element per line.
  const text = async (pane: Locator) => (await pane.innerText()).replace(/\s+/g, ' ');

  test('loads with nothing but the gateway origin and shows the token hint in the headers pane', async () => {
    const res = await page.goto(`${site.url}/graphql`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("connect-src 'self'");
    expect(await text(headersPane().locator('.view-lines'))).toBe('{ "Authorization": "Bearer dfg_..." }');
  });

  test('runs a query with the token put into the headers pane and shows the answer', async () => {
    await headersPane().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    // Typed key by key: Monaco closes quotes and braces itself and types over them.
    await page.keyboard.type(JSON.stringify({ Authorization: `Bearer ${ADMIN_TOKEN}` }));
    await page.locator('.graphiql-execute-button').click();
    await resultPane().getByText('"dhcp-b"').waitFor();
    expect(await text(resultPane())).toContain('{ "name": "dhcp-a", "address": "192.0.2.10", "failoverRelationships": [] }');
  });

  test('loads the schema docs with the token once re-fetched, field descriptions included', async () => {
    await page.getByRole('button', { name: 'Re-fetch GraphQL schema' }).click();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('[aria-label="Documentation Explorer"]');
    await docs.getByText('Query', { exact: true }).click();
    await docs.getByText('Every registered server').waitFor();
  });

  test('sent only application/json POSTs to its own origin (CSRF prevention stays on) and was refused nothing', () => {
    expect(outside).toEqual([]);
    expect(refusedByPolicy).toEqual([]);
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.every((p) => p.contentType === 'application/json')).toBe(true);
    expect(posts.some((p) => p.authorization === `Bearer ${ADMIN_TOKEN}`)).toBe(true);
  });

  test('keeps the token in the tab only, never in the browser storage', async () => {
    // GraphiQL saves its tabs half a second after an edit.
    await page.waitForTimeout(1000);
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(storage).toContain('graphiql:tabState');
    expect(storage).not.toContain(ADMIN_TOKEN);
  });
});
