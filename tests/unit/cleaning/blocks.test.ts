import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../../../shared/cleaning/budget.js';
import { pageBlocks } from '../../../shared/cleaning/formats/blocks.js';
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
