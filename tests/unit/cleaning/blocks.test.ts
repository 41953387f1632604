import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../../../shared/cleaning/budget.js';
import { pageBlocks } from '../../../shared/cleaning/formats/blocks.js';
import { withoutResponsiveHiding, withoutUnreadAttributes } from '../../../shared/cleaning/formats/html-scan.js';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import type { El } from '../../../shared/cleaning/page-metadata.js';

/** Whether the element of the block holding `text`, or one around it, is named as page furniture. */
function furnitureOf(html: string, text: string): boolean {
  const body = parseHTML(`<!doctype html><html><body>${html}</body></html>`).document.body as unknown as El;
  const page = pageBlocks(body, NO_DEADLINE);
  const block = page.blocks.find((b) => b.text.includes(text));
  if (!block) throw new Error(`no block holds ${text}`);
  for (let id = block.owner; id >= 0; id = page.parent[id] as number) if (page.furniture[id]) return true;
  return false;
}

describe('furniture by class and id', () => {
  it('does not take a field whose label is hidden for hidden furniture', () => {
    const lead = 'Engineers found cracks in two supports of the old bridge after the winter floods.';
    expect(
      furnitureOf(`<div class="field field--name-field-intro field--label-hidden"><p>${lead}</p></div>`, 'Engineers'),
    ).toBe(false);
    expect(furnitureOf(`<div class="field-intro-text field-label-hidden"><p>${lead}</p></div>`, 'Engineers')).toBe(
      false,
    );
  });

  it('still takes a hidden element, or a sharing bar with a hidden label, for furniture', () => {
    expect(furnitureOf('<div class="sr-only hidden"><p>Skip to the content</p></div>', 'Skip')).toBe(true);
    expect(furnitureOf('<div class="share-bar field--label-hidden"><p>Share this story</p></div>', 'Share')).toBe(true);
  });
});

describe('responsive visibility classes', () => {
  /** The paragraphs of a page's article kept by the cleaner, when two of its 16 sit in an element of `classes`. */
  function kept(classes: string, attribute = `class="${classes}"`): number[] {
    const p = (i: number) =>
      `<p>Paragraph ${i}: the provincial council met on Monday to discuss the water shortage, which has left thousands of residents of Basra without reliable tap water for weeks.</p>`;
    const before = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map(p).join('');
    const html = `<!doctype html><html><head><title>Water</title></head><body><nav><a href="/">Home</a></nav><article><h1>Water shortage in Basra</h1>${before}<div ${attribute}>${p(14)}${p(15)}</div>${p(16)}</article><footer>Copyright</footer></body></html>`;
    const { text } = cleanDocument(new TextEncoder().encode(html), { name: 'a.html' });
    return Array.from({ length: 16 }, (_, i) => i + 1).filter((i) => text.includes(`Paragraph ${i}:`));
  }
  const all = Array.from({ length: 16 }, (_, i) => i + 1);

  it.each(['hidden-xs', 'hidden-sm hidden-xs', 'col-md-8 hidden-print', 'hidden-phone', 'hide-for-small-only'])(
    'keeps the content of an element hidden on some screens only (%s)',
    (classes) => {
      expect(kept(classes)).toEqual(all);
    },
  );

  it('keeps the content of an element whose one class, unquoted, is a responsive one', () => {
    expect(kept('hidden-xs', 'class=hidden-xs')).toEqual(all);
  });

  it('still leaves out an element hidden on every screen', () => {
    const left = kept('hidden');
    expect(left).toEqual(expect.arrayContaining(all.slice(0, 13)));
    expect(left).not.toContain(14);
    expect(left).not.toContain(15);
  });
});

describe('withoutResponsiveHiding', () => {
  it('takes out only the responsive visibility classes of a class value', () => {
    expect(withoutResponsiveHiding('col-md-8 hidden-xs  hidden-sm-down lead')).toBe('col-md-8 lead');
    expect(withoutResponsiveHiding('hide-for-small-only')).toBe('');
    expect(withoutResponsiveHiding('hidden')).toBeNull();
    expect(withoutResponsiveHiding('is-hidden-xs field--label-hidden')).toBeNull();
  });

  it('is applied in the pass over the page before the parse, in class attributes only', () => {
    const page =
      '<div class="lead hidden-xs" data-x="hidden-xs"><p title="hidden-xs">hidden-xs</p></div><p class=hidden-sm>x</p>';
    expect(withoutUnreadAttributes(page, NO_DEADLINE)).toBe(
      '<div class="lead" ><p >hidden-xs</p></div><p class="">x</p>',
    );
  });
});
