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

  it.each(['hidden md:block', 'sm:flex hidden', 'mt-4 hidden lg:inline', 'hidden xl:grid', 'hidden 2xl:table-cell'])(
    'keeps the content of an element Tailwind hides on small screens only (%s)',
    (classes) => {
      expect(kept(classes)).toEqual(all);
    },
  );

  it.each(['hidden', 'hidden md:mt-4', 'hidden block', 'hidden md:hidden', 'hidden-md:block'])(
    'still leaves out an element hidden on every screen (%s)',
    (classes) => {
      const left = kept(classes);
      expect(left).toEqual(expect.arrayContaining(all.slice(0, 13)));
      expect(left).not.toContain(14);
      expect(left).not.toContain(15);
    },
  );
});

describe('a Tailwind page whose lead is shown from a breakpoint on', () => {
  it('keeps the lead and drops the menu hidden on every screen', () => {
    // Prepare: a small page as Tailwind's utility classes write it, its two opening paragraphs shown from md on.
    const p = (text: string) => `<p>${text}</p>`;
    const body = [
      'The dam holds back about eleven billion cubic metres of water, and the ministry said the repairs would cost 290 million dollars.',
      'Residents of the city downstream have been told that the work poses no risk, and that the reservoir will stay at its current level.',
      'The repairs follow years of warnings from engineers about the soluble rock under the dam, which has to be injected with grout constantly.',
      'An Italian firm won the contract in 2016 and has kept a team of several hundred workers at the site since then, the ministry said.',
      'Farmers along the Tigris said they worried about the water they would get in the summer if the reservoir were drawn down for the work.',
      'The ministry said the level would be kept high enough for irrigation, and that the turbines of the power station would keep running.',
    ].map(p);
    const html = `<!doctype html><html><head><title>Dam</title></head><body>
<header class="flex items-center"><nav class="hidden"><a href="/">Home</a> <a href="/world">World</a> Menu for every screen, never shown</nav></header>
<main class="mx-auto max-w-3xl"><article class="prose">
<h1 class="text-3xl font-bold">Mosul dam repairs begin</h1>
${body.slice(0, 3).join('\n')}
<div class="hidden md:block">${p('Engineers began grouting the foundation of the Mosul dam on Sunday, the ministry of water resources said, in work expected to last three years.')}${p('The grouting is the largest since the dam was finished in 1986, and the ministry said it would go on day and night.')}</div>
${body.slice(3).join('\n')}
</article></main></body></html>`;
    // Act
    const { text } = cleanDocument(new TextEncoder().encode(html), { name: 'tailwind.html' });
    // Assess
    expect(text).toContain('Engineers began grouting the foundation');
    expect(text).toContain('largest since the dam was finished');
    expect(text).toContain('soluble rock');
    expect(text).not.toContain('Menu for every screen');
  });
});

describe('withoutResponsiveHiding', () => {
  it('takes out only the responsive visibility classes of a class value', () => {
    expect(withoutResponsiveHiding('col-md-8 hidden-xs  hidden-sm-down lead')).toBe('col-md-8 lead');
    expect(withoutResponsiveHiding('hide-for-small-only')).toBe('');
    expect(withoutResponsiveHiding('hidden')).toBeNull();
    expect(withoutResponsiveHiding('is-hidden-xs field--label-hidden')).toBeNull();
    expect(withoutResponsiveHiding('mt-4 hidden  md:block')).toBe('mt-4 md:block');
    expect(withoutResponsiveHiding('hidden sm:inline-flex')).toBe('sm:inline-flex');
    expect(withoutResponsiveHiding('hidden  lead')).toBeNull();
    expect(withoutResponsiveHiding('hidden md:hidden lg:mt-2')).toBeNull();
  });

  it('is applied in the pass over the page before the parse, in class attributes only', () => {
    const page =
      '<div class="lead hidden-xs" data-x="hidden-xs"><p title="hidden-xs">hidden-xs</p></div><p class=hidden-sm>x</p>';
    expect(withoutUnreadAttributes(page, NO_DEADLINE)).toBe(
      '<div class="lead" ><p >hidden-xs</p></div><p class="">x</p>',
    );
  });
});
