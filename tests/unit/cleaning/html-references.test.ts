/**
 * Character references decoded before the parse (html-references.ts): the
 * page reads the same, in fewer text nodes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../../../shared/cleaning/budget.js';
import { withoutUnreadAttributes } from '../../../shared/cleaning/formats/html-scan.js';
import { SAMPLES_DIR } from '../../helpers/samples.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/pages');
const page = (body: string) => `<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`;
const body = (html: string) =>
  parseHTML(html).document.body as unknown as { textContent: string; childNodes: unknown[] };

describe('the references of a page’s text, before the parse', () => {
  it('are written out as characters, so that a run of text is one node', () => {
    // Prepare
    const html = page('<p>Basra&nbsp;&mdash; the council&#8217;s &#x645;&#x62C;&#x644;&#x633; met&hellip;</p>');
    // Act
    const prepared = withoutUnreadAttributes(html, NO_DEADLINE);
    // Assess
    expect(prepared).toContain('<p>Basra\u00a0— the council’s مجلس met…</p>');
    const paragraph = parseHTML(prepared).document.querySelector('p') as unknown as { childNodes: unknown[] };
    expect(paragraph.childNodes).toHaveLength(1);
  });

  it('stay references where the character would start markup or another reference', () => {
    const tricky = [
      'AT&amp;T, &amp;amp; &amp;#65; &amp;lt; a &amp; b &amp;&amp; c',
      '&lt;p&gt; &lt;/p&gt; &lt;!-- &#60;b&#62; &#x3c;i&#x3e;',
      '&#65;&#x42;&#67;: letters, digits &#48;&#49;, &#35;, &#59;, &#47;, &#33;, &#63;',
      '&&#97;mp; &amp&#59; &notit; &notin; &copy &foo; &#0; &#x80; &#xD800; &#1114112; &#13;&#10;',
      '< &#47;p> <&#47;b> <&#33;-- x --> a&#x26;b',
    ];
    for (const text of tricky) {
      const html = page(`<p>${text}</p>`);
      expect(body(withoutUnreadAttributes(html, NO_DEADLINE)).textContent, text).toBe(body(html).textContent);
    }
  });

  it('read the same as the parser reads them, on every page at hand', () => {
    for (const dir of [SAMPLES_DIR, FIXTURES]) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
        const html = readFileSync(join(dir, file), 'utf8');
        const prepared = withoutUnreadAttributes(html, NO_DEADLINE);
        expect(body(prepared).textContent, file).toBe(body(html).textContent);
        expect(body(prepared).childNodes.length, file).toBeLessThanOrEqual(body(html).childNodes.length);
      }
    }
  });
});
