import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).map((f) => join(ROOT, 'docs', f))].filter(
  (f) => f.endsWith('.md'),
);

interface Node {
  type: string;
  value?: string;
  url?: string;
  depth?: number;
  children?: Node[];
  position?: { start: { line: number } };
}

const parse = (file: string) =>
  fromMarkdown(readFileSync(file, 'utf8'), {
    extensions: [gfmTable()],
    mdastExtensions: [gfmTableFromMarkdown()],
  }) as Node;

function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children ?? []) yield* walk(child);
}

const textOf = (node: Node): string => node.value ?? (node.children ?? []).map(textOf).join('');

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const node of walk(parse(file))) {
    if (node.type !== 'heading') continue;
    const base = textOf(node)
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every link and reference definition of a file that stays in the repository: `path#anchor`, either part optional. */
function localLinks(file: string): { url: string; line: number }[] {
  return [...walk(parse(file))]
    .filter((n) => (n.type === 'link' || n.type === 'definition') && n.url !== undefined)
    .filter((n) => !/^[a-z][a-z0-9+.-]*:/i.test(n.url ?? ''))
    .map((n) => ({ url: n.url ?? '', line: n.position?.start.line ?? 0 }));
}

describe('the README and docs/', () => {
  it('links only to files that exist and to headings they have', () => {
    // Prepare
    const anchors = new Map<string, Set<string>>();
    const anchorsIn = (file: string) => {
      if (!anchors.has(file)) anchors.set(file, anchorsOf(file));
      return anchors.get(file) as Set<string>;
    };
    const broken: string[] = [];
    // Act
    for (const file of DOCS) {
      for (const { url, line } of localLinks(file)) {
        const [path = '', anchor] = decodeURI(url).split('#');
        const target = path === '' ? file : resolve(dirname(file), path);
        const where = `${relative(ROOT, file)}:${line} → ${url}`;
        if (!existsSync(target)) broken.push(`${where}: no such file`);
        else if (anchor !== undefined && (!target.endsWith('.md') || !anchorsIn(target).has(anchor))) {
          broken.push(`${where}: no such heading`);
        }
      }
    }
    // Assess
    expect(broken).toEqual([]);
  });

  it('keeps the README short, and links it to every doc', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(120);
    for (const doc of DOCS.filter((f) => f.includes('/docs/'))) {
      expect(readme, relative(ROOT, doc)).toContain(`](${relative(ROOT, doc)}`);
    }
  });
});
