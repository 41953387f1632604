/**
 * The reader page in a real browser: Chromium from the system's packages
 * (Debian's `chromium`), driven by playwright-core, against the local stack
 * with the stub LLM (so articles have translations, Arabic among them), at
 * 360, 400, 1,280 and 1,600 px wide. Skips, saying why, when no Chromium is
 * installed. Screenshots go to test-results/reader/. Sign-in with Cognito is
 * reader-sign-in.test.ts.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { STUB_SERVER } from '../../shared/analysis/llm/transport.js';
import { articleIdFor } from '../../shared/article.js';
import { CHROMIUM, SHOTS, warnWithoutChromium } from '../helpers/chromium.js';
import { sample } from '../helpers/samples.js';
import { startTestStack } from '../helpers/stack.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

warnWithoutChromium('reader.test.ts');

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
/** A picture uploaded as HTML through the page: it fails, and has no title. */
const PHOTO_KEY = 'incoming/uploads/2026-12-04/cb6f616e552d-photo.html';
const PHOTO = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(600, 0)]);

describe.skipIf(!CHROMIUM)('the reader page in Chromium', () => {
  let stub: StubServer;
  let stack: LocalStack;
  let close: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  /** What the browser logged as errors (a request answered 4xx or 5xx, a blocked resource). */
  const consoleErrors: string[] = [];
  /** While set, the stub's answers wait for it: a run held under way. */
  let held: Promise<void> | null = null;
  const basra = () => articleIdFor(stack.bucket, 'incoming/reader/basra-water.html');
  const shot = (name: string, fullPage = true) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  /** Whether an element is wholly inside the window. */
  const inView = (selector: string) =>
    page.locator(selector).evaluate((node) => {
      const box = node.getBoundingClientRect();
      return (
        box.top >= 0 && box.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight && box.height > 0
      );
    });
  /** An expression evaluated in the page. */
  const inPage = <T>(expression: string) => page.evaluate(expression) as Promise<T>;
  const api = async <T>(path: string) =>
    (await (await fetch(`${stack.endpoints.api}${path}`, { headers: { 'x-api-key': stack.apiKey } })).json()) as T;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Named as precis's stand-in, as npm run stub:llm is: its translations are marked, and it bills nothing.
    stub = await startStubOpenAI({
      server: STUB_SERVER,
      route: () => (held ? { kind: 'held', until: held } : undefined),
    });
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
      [PHOTO_KEY, PHOTO],
    ] as const) {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Navigations wait on the stack, whose pace is the machine's (Playwright's default is 30 s).
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (error) => {
      throw error;
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await stub?.close();
  });

  it('asks for the key, then lists the articles by name with status, language and a labelled date, and filters by status', async () => {
    await page.goto(`${stack.endpoints.api}/`);
    await expect.poll(() => page.locator('#key').isVisible()).toBe(true);
    await page.fill('#key-input', stack.apiKey);
    await page.click('#key button');
    await expect.poll(() => page.locator('#key').isVisible()).toBe(false);
    // Every upload ends; the list shows them as they are when loaded, so reload until they have.
    await expect
      .poll(
        async () => {
          await page.dispatchEvent('#status', 'change');
          return page.locator('#list [data-status="DONE"], #list [data-status="FAILED"]').count();
        },
        { timeout: 30_000, interval: 300 },
      )
      .toBe(3);
    const row = (key: string) => page.locator(`#list li[data-id="${articleIdFor(stack.bucket, key)}"]`);
    expect(await row('incoming/reader/basra-water.html').textContent()).toMatch(
      /Basra water shortage.*DONE en · published 2024-07-14/,
    );
    // A failed upload is named by the file the user sent, not by its key; its date says it is when it came in.
    const photo = row(PHOTO_KEY);
    expect(await photo.locator('.name').textContent()).toBe('photo.html');
    expect(await photo.locator('[data-date]').getAttribute('data-date')).toBe('received');
    expect(await photo.textContent()).toMatch(/FAILED.*received \d{4}-\d{2}-\d{2} · [A-Z_]+$/);

    await page.selectOption('#status', 'FAILED');
    await expect.poll(() => page.locator('#list li[data-id]').count()).toBe(1);
    await page.selectOption('#status', 'RECEIVED');
    await expect.poll(() => page.locator('#list').textContent()).toMatch(/No articles yet/);
    await page.selectOption('#status', '');
    await expect.poll(() => page.locator('#list li[data-id]').count()).toBe(3);
    // Loading the page and listing asks for nothing the API refuses: no /favicon.ico, nothing blocked by the CSP.
    expect(consoleErrors).toEqual([]);
    await shot('1-list');
  });

  it('opens an article, marked in the list: summary and claims in each language (Arabic right to left), evidence in the text', async () => {
    const id = basra();
    await page.click(`#list li[data-id="${id}"] a`);
    await expect.poll(() => page.locator('#headline').textContent()).toBeTruthy();
    expect(await page.locator(`#list li[data-id="${id}"] a`).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('#list a[aria-current]').count()).toBe(1);
    expect(await page.locator('#summary').getAttribute('dir')).toBe('ltr');
    expect(await page.locator('[data-fact="Engine"]').textContent()).toMatch(/^openai/);
    expect(await page.locator('[data-fact="Cost"]').textContent()).toBe('nothing billed (the stand-in LLM answered)');
    type Found = { id: string; text: string; evidence: string; start: number | null };
    const { claims } = await api<{ claims: Found[] }>(`/articles/${id}/claims`);
    const claimTexts = () => page.locator('#claims .claim-text').allTextContents();
    expect(await claimTexts()).toEqual(claims.map((c) => c.text));

    // In Arabic the summary and the claims are the translation's, right to left; the evidence stays the article's.
    await page.click('.langs button[data-lang="ar"]');
    await expect.poll(() => page.locator('#summary').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('#summary').getAttribute('lang')).toBe('ar');
    await expect.poll(() => page.locator('#headline').textContent()).toMatch(/\p{Script=Arabic}/u);
    const arabic = await api<{ claims: { id: string; text: string }[] }>(`/articles/${id}/summary?lang=ar`);
    expect(arabic.claims.length).toBe(claims.length);
    await expect.poll(claimTexts).toEqual(claims.map((c) => arabic.claims.find((t) => t.id === c.id)?.text));
    expect(await page.locator('#claims .claim-text').first().getAttribute('dir')).toBe('rtl');
    expect(await page.locator('#claims .claim-text').first().getAttribute('lang')).toBe('ar');
    // The stand-in LLM wrote it: the page says it is no translation.
    expect(await page.locator('#stub-note').textContent()).toMatch(/^stub translation: not a real translation/);
    expect(await page.locator('#stub-note').getAttribute('dir')).toBe('ltr');
    expect(await page.locator('[data-fact="Engine"]').textContent()).toMatch(/on the stub LLM$/);
    await shot('2-arabic');
    await page.click('.langs button[data-lang="en"]');
    await expect.poll(claimTexts).toEqual(claims.map((c) => c.text));
    expect(await page.locator('#stub-note').count()).toBe(0); // the original is the article's own

    // Every grounded claim's evidence is marked in the text, at its offsets, verbatim.
    const marks = await page
      .locator('#text mark')
      .evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-claim'), n.textContent]));
    expect(marks.length).toBeGreaterThan(2);
    for (const [claimId, text] of marks) expect(text).toBe(claims.find((c) => c.id === claimId)?.evidence);
    const second = claims.find((c) => c.start !== null && c.start > 0);
    if (!second) throw new Error('no claim past the first');
    await page.click(`ol#claims li[data-claim="${second.id}"] button`);
    await expect.poll(() => page.locator('#text mark.on').getAttribute('data-claim')).toBe(second.id);
    expect(await page.locator(`ol#claims li[data-claim="${second.id}"] [data-flag]`).textContent()).toMatch(/evidence/);
    expect(await inView('#text mark.on')).toBe(true);
    await shot('3-claim');
  });

  it('moves through the claims and the list with the keyboard', async () => {
    const { claims } = await api<{ claims: { id: string; start: number | null }[] }>(`/articles/${basra()}/claims`);
    const grounded = claims.filter((c) => c.start !== null);
    const [first, next] = [grounded[0], claims[claims.indexOf(grounded[0] as (typeof claims)[number]) + 1]];
    if (!first || !next || next.start === null) throw new Error('two grounded claims in a row are needed');
    await page.focus(`ol#claims li[data-claim="${first.id}"] button`);
    await page.keyboard.press('ArrowDown');
    expect(await inPage("document.activeElement?.closest('li')?.dataset.claim")).toBe(next.id);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#text mark.on').getAttribute('data-claim')).toBe(next.id);
    expect(await inView('#text mark.on')).toBe(true);

    // Escape goes back to the article's row; the arrows move down the list, Enter opens.
    await page.keyboard.press('Escape');
    expect(await inPage("document.activeElement?.closest('li')?.dataset.id")).toBe(basra());
    const ids = await page.locator('#list li[data-id]').evaluateAll((n) => n.map((li) => li.getAttribute('data-id')));
    const below = ids[ids.indexOf(basra()) + 1] ?? ids[ids.indexOf(basra()) - 1];
    await page.keyboard.press(ids.indexOf(basra()) + 1 < ids.length ? 'ArrowDown' : 'ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/articles/${below}`);
    await expect.poll(() => page.locator('#list a[aria-current="page"]').count()).toBe(1);
    // Polled: on a loaded machine the list may still mark the article it left when the count is first 1.
    await expect.poll(() => page.locator(`#list li[data-id="${below}"] a`).getAttribute('aria-current')).toBe('page');
  });

  it('opens an article at its top, whatever was scrolled before, and keeps the list where it was', async () => {
    await page.setViewportSize({ width: 1280, height: 560 });
    await page.goto(`${stack.endpoints.api}/#/articles/${basra()}`);
    await expect.poll(() => page.locator('#text mark').count()).toBeGreaterThan(2);
    // Read down to the text, then pick another article.
    await page.locator('#text').scrollIntoViewIfNeeded();
    expect(await inView('#title')).toBe(false);
    const other = page.locator(`#list li[data-id="${articleIdFor(stack.bucket, 'incoming/reader/hostile.json')}"] a`);
    await other.click();
    await expect.poll(() => page.locator('#title').textContent()).toBe(HOSTILE_TITLE);
    expect(await inView('#title')).toBe(true);
    expect(await inPage("[window.scrollY, document.querySelector('#article').scrollTop]")).toEqual([0, 0]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('is one column with a list that folds away at 360 and 400 px, two panes at 1,280 px, and claims beside the text at 1,600 px', async () => {
    const widthOf = (selector: string) => page.locator(selector).evaluate((n) => n.getBoundingClientRect().width);
    const overflows = () => inPage<boolean>('document.documentElement.scrollWidth > window.innerWidth');

    await page.setViewportSize({ width: 360, height: 560 });
    await page.goto(`${stack.endpoints.api}/#/`);
    await expect.poll(() => page.locator('#list li[data-id]').count()).toBe(3);
    expect(await overflows()).toBe(false);
    await shot('360-list');
    // An article low in the list: the list folds away and the article starts at the top of the window.
    await inPage('window.scrollTo(0, document.documentElement.scrollHeight)');
    expect(await inPage<number>('window.scrollY')).toBeGreaterThan(0);
    await page.click(`#list li[data-id="${basra()}"] a`);
    await expect.poll(() => page.locator('#text mark').count()).toBeGreaterThan(2);
    expect(await page.locator('#list-toggle').getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#list').isVisible()).toBe(false);
    expect(await inView('#title')).toBe(true);
    expect(await widthOf('#article')).toBeGreaterThan(330);
    expect(await overflows()).toBe(false);
    await shot('360-article', false);
    await page.click('#list-toggle');
    expect(await page.locator('#list').isVisible()).toBe(true);

    await page.setViewportSize({ width: 400, height: 800 });
    expect(await widthOf('#article')).toBeGreaterThan(370);
    expect(await overflows()).toBe(false);
    await shot('400-article', false);

    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await widthOf('#article')).toBeGreaterThan(800);
    expect(await page.locator('#list').isVisible()).toBe(true);
    await shot('1280-article', false);

    await page.setViewportSize({ width: 1600, height: 1000 });
    const [claimsBox, textBox] = await Promise.all(
      ['.claims-pane', '.text-pane'].map((s) => page.locator(s).evaluate((n) => n.getBoundingClientRect().toJSON())),
    );
    expect(textBox.left).toBeGreaterThanOrEqual(claimsBox.right);
    expect(await overflows()).toBe(false);
    await shot('1600-article', false);
    await page.setViewportSize({ width: 1280, height: 900 });
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
    await expect.poll(() => row.locator('[data-status]').textContent()).toBe('DONE');
    await expect.poll(() => page.locator('#title').textContent()).toMatch(/Mosul/);
    expect(new URL(page.url()).hash).toMatch(/^#\/articles\/[a-f0-9]{24}$/);
    await shot('4-uploaded');
  });

  it('lets no page on another origin write into the bucket, even with an upload URL', async () => {
    // Prepare: a page served from another origin, and an upload URL it has somehow got.
    const other = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>elsewhere</p>'));
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const origin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const ticket = (await (
      await fetch(`${stack.endpoints.api}/articles`, {
        method: 'POST',
        headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'planted.html', contentType: 'text/html', size: 13 }),
      })
    ).json()) as { key: string; upload: { url: string; headers: Record<string, string> } };
    const foreign = await browser.newPage();
    try {
      await foreign.goto(`${origin}/`);
      // Act: what the page's script can try: the upload URL, and a plain PUT over the served text.
      const attempts = await foreign.evaluate(
        async ({ upload, cleaned }) => {
          const tries = [
            fetch(upload.url, { method: 'PUT', headers: upload.headers, body: '<h1>owned</h1>' }),
            fetch(cleaned, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'owned' }),
          ];
          return Promise.all(
            tries.map((t) =>
              t.then(
                (r) => `HTTP ${r.status}`,
                (e: Error) => e.name,
              ),
            ),
          );
        },
        { upload: ticket.upload, cleaned: `${stack.endpoints.s3}/${stack.bucket}/cleaned/${'a'.repeat(24)}.txt` },
      );
      // Assess: the browser's preflight is refused, so neither request is sent.
      expect(attempts).toEqual(['TypeError', 'TypeError']);
      for (const key of [ticket.key, `cleaned/${'a'.repeat(24)}.txt`]) {
        const stored = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key })).then(
          () => 'stored',
          (error: Error) => error.name,
        );
        expect(stored, key).toBe('NoSuchKey');
      }
    } finally {
      await foreign.close();
      await new Promise((done) => other.close(done));
    }
  });

  it("shows the previous run's summary and claims, marked so, while a reprocess analyses the article again", async () => {
    // Prepare: the new run's LLM calls held until the page has been looked at.
    const id = basra();
    type Analysed = { summary: { headline: string }; claims: { text: string }[] };
    const before = await api<Analysed>(`/articles/${id}`);
    let release = () => {};
    held = new Promise<void>((done) => {
      release = done;
    });
    const asked = stub.requests.length;
    try {
      const reprocess = await fetch(`${stack.endpoints.api}/articles/${id}/reprocess`, {
        method: 'POST',
        headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(reprocess.status).toBe(202);
      await expect.poll(() => stub.requests.length, { timeout: 60_000 }).toBeGreaterThan(asked);

      // Act
      await page.goto(`${stack.endpoints.api}/#/articles/${id}`);

      // Assess
      await expect
        .poll(() => page.locator('#previous-note').textContent())
        .toMatch(
          /^The previous run's summary and claims: the article is being reprocessed \(asked for \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\) and is ANALYZING; its new analysis replaces this one when the run ends\.$/,
        );
      expect(await page.locator('[data-fact="Status"]').textContent()).toBe('ANALYZING');
      expect(await page.locator('#headline').textContent()).toBe(before.summary.headline);
      expect(await page.locator('#claims .claim-text').allTextContents()).toEqual(before.claims.map((c) => c.text));
      expect(await page.locator('#claims-heading').textContent()).toBe(
        `Claims (${before.claims.length}), the previous run's`,
      );
      await expect.poll(() => page.locator('#text mark').count()).toBeGreaterThan(0);
      await shot('5-reprocessing');

      // Act: the previous run's copy is gone (past its retention) while the run is still held.
      const record = await api<{ reprocess: { previousKey: string } }>(`/articles/${id}`);
      await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: record.reprocess.previousKey }));
      await page.reload();

      // Assess: the page says why it has no summary, as the API does, not only that it has none.
      await expect
        .poll(() => page.locator('#summary').textContent())
        .toBe(
          `Article ${id} has no analysis: it is ANALYZING; try again when it is DONE. The previous run's analysis is no longer kept.`,
        );
      expect(await page.locator('#previous-note').count()).toBe(0);
    } finally {
      held = null;
      release();
    }
    // Once the run ends, the article shows its own, unmarked.
    await expect
      .poll(async () => (await api<{ status: string }>(`/articles/${id}`)).status, { timeout: 60_000 })
      .toBe('DONE');
    await page.reload();
    await expect.poll(() => page.locator('[data-fact="Status"]').textContent()).toBe('DONE');
    await expect.poll(() => page.locator('#headline').textContent()).toBe(before.summary.headline);
    expect(await page.locator('#previous-note').count()).toBe(0);
    expect(await page.locator('#claims-heading').textContent()).toBe(`Claims (${before.claims.length})`);
  });
});
