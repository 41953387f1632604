/**
 * The reader page in a real browser: Chromium from the system's packages
 * (Debian's `chromium`), driven by playwright-core, against the local stack
 * with the stub LLM (so articles have translations, Arabic among them).
 * Skips, saying why, when no Chromium is installed. Screenshots go to
 * test-results/reader/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { articleIdFor } from '../../shared/article.js';
import { sample } from '../helpers/samples.js';
import { startTestStack } from '../helpers/stack.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

const CHROMIUM = [process.env.PRECIS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => Boolean(path && existsSync(path)),
);
if (!CHROMIUM) {
  console.warn(
    'reader.test.ts skipped: no Chromium found (install Debian\'s "chromium", or set PRECIS_CHROMIUM to a Chromium binary).',
  );
}
const SHOTS = resolve(import.meta.dirname, '../../test-results/reader');

/** A title and a body that would run script if the page set them as markup. */
const HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">Council <b>votes</b> on the budget';
const HOSTILE = JSON.stringify({
  title: HOSTILE_TITLE,
  body:
    'The provincial council voted 21 to 4 on Tuesday to approve a budget of 3.2 billion dinars, its speaker said. ' +
    '<script>window.__pwned=2</script> Officials said 14 schools would reopen next month after repairs. ' +
    'The governor said the money would also pay for 450 new teachers across the province by September. ' +
    'Parents welcomed the news but said buses were still needed for the villages outside the city.',
});

describe.skipIf(!CHROMIUM)('the reader page in Chromium', () => {
  let stub: StubServer;
  let stack: LocalStack;
  let close: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stub = await startStubOpenAI();
    ({ stack, close } = await startTestStack({
      PRECIS_SWEEP_INTERVAL_MS: '0',
      TARGET_LANGUAGES: 'ar,fr',
      OPENAI_BASE_URL: stub.baseURL,
      PRECIS_LLM_PROVIDER: 'openai',
      PRECIS_LLM_RETRIES: '0',
    }));
    for (const [key, body] of [
      ['incoming/reader/basra-water.html', sample('basra-water.html')],
      ['incoming/reader/hostile.json', Buffer.from(HOSTILE)],
    ] as const) {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => {
      throw error;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await stub?.close();
  });

  it('asks for the key, then lists the articles with status, language and date, and filters by status', async () => {
    await page.goto(`${stack.endpoints.api}/`);
    await expect.poll(() => page.locator('#key').isVisible()).toBe(true);
    await page.fill('#key-input', stack.apiKey);
    await page.click('#key button');
    await expect.poll(() => page.locator('#key').isVisible()).toBe(false);
    // Both uploads end DONE; the list shows them as they are when loaded, so reload until they do.
    await expect
      .poll(
        async () => {
          await page.dispatchEvent('#status', 'change');
          return page.locator('#list [data-status="DONE"]').count();
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBe(2);
    const basra = page.locator(`#list li[data-id="${articleIdFor(stack.bucket, 'incoming/reader/basra-water.html')}"]`);
    await expect.poll(() => basra.textContent()).toMatch(/Basra water shortage.*DONE en · 2024-07-14/);
    await page.selectOption('#status', 'FAILED');
    await expect.poll(() => page.locator('#list').textContent()).toMatch(/No articles yet/);
    await page.selectOption('#status', '');
    await expect.poll(() => page.locator('#list li[data-id]').count()).toBe(2);
    await shot('1-list');
  });

  it('opens an article: summary, a language switcher laid out right to left for Arabic, claims and their evidence', async () => {
    const id = articleIdFor(stack.bucket, 'incoming/reader/basra-water.html');
    await page.click(`#list li[data-id="${id}"] a`);
    await expect.poll(() => page.locator('#headline').textContent()).toBeTruthy();
    expect(await page.locator('#summary').getAttribute('dir')).toBe('ltr');
    expect(await page.locator('[data-fact="Engine"]').textContent()).toMatch(/^openai/);
    expect(await page.locator('[data-fact="Cost"]').textContent()).toMatch(/^\$|unknown/);

    await page.click('.langs button[data-lang="ar"]');
    await expect.poll(() => page.locator('#summary').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('#summary').getAttribute('lang')).toBe('ar');
    await expect.poll(() => page.locator('#headline').textContent()).toMatch(/\p{Script=Arabic}/u);
    await shot('2-arabic');

    // Every grounded claim's evidence is marked in the text, at its offsets, verbatim.
    type Found = { id: string; evidence: string; start: number | null };
    const { claims } = (await (
      await fetch(`${stack.endpoints.api}/articles/${id}/claims`, { headers: { 'x-api-key': stack.apiKey } })
    ).json()) as { claims: Found[] };
    const marks = await page
      .locator('#text mark')
      .evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-claim'), n.textContent]));
    expect(marks.length).toBeGreaterThan(2);
    for (const [claimId, text] of marks) expect(text).toBe(claims.find((c) => c.id === claimId)?.evidence);
    const second = claims.find((c) => c.start !== null && c.start > 0);
    if (!second) throw new Error('no claim past the first');
    await page.click(`ol#claims li[data-claim="${second.id}"]`);
    await expect.poll(() => page.locator('#text mark.on').getAttribute('data-claim')).toBe(second.id);
    expect(await page.locator(`ol#claims li[data-claim="${second.id}"] [data-flag]`).textContent()).toMatch(/evidence/);
    await shot('3-claim');
  });

  it('shows hostile titles and texts as text, running none of them', async () => {
    const id = articleIdFor(stack.bucket, 'incoming/reader/hostile.json');
    await page.goto(`${stack.endpoints.api}/#/articles/${id}`);
    await expect.poll(() => page.locator('#title').textContent()).toBe(HOSTILE_TITLE);
    await expect.poll(() => page.locator('#text').textContent()).toContain('3.2 billion dinars');
    expect(await page.locator('#article img, #article b, #article script').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator(`#list li[data-id="${id}"]`).textContent()).toContain(HOSTILE_TITLE);
  });

  it('uploads a dropped file through the presigned URL and follows it to DONE', async () => {
    // The page's own drop handler, given what a drag from the desktop gives it.
    const text = JSON.stringify(sample('mosul-old-city.md').toString('utf8'));
    const dataTransfer = await page.evaluateHandle(
      `(() => { const t = new DataTransfer(); t.items.add(new File([${text}], 'mosul old city.md', { type: 'text/markdown' })); return t; })()`,
    );
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    const row = page.locator('[data-upload="mosul old city.md"]');
    await expect.poll(() => row.locator('[data-status]').textContent(), { timeout: 20_000 }).toBe('DONE');
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 20_000 }).toMatch(/Mosul/);
    expect(new URL(page.url()).hash).toMatch(/^#\/articles\/[a-f0-9]{24}$/);
    await shot('4-uploaded');
  });
});
