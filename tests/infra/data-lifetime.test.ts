import { beforeAll, describe, expect, it } from 'vitest';
import { contextSchema } from '../../infra/context.js';
import { LISTING_FIELDS } from '../../shared/article.js';
import { analyzeEnvSchema, ingestEnvSchema, loadConfig } from '../../shared/config.js';
import { BUCKET_LAYOUT, type Part, type PrefixLayout, prefixesOf, RECORD_RETENTION } from '../../shared/layout.js';
import { TABLE_SCHEMA } from '../../shared/storage/table.js';
import { build, type Resource } from './build.js';

const layouts = Object.values(BUCKET_LAYOUT as Record<string, PrefixLayout>);
type Rule = { Prefix?: string; ExpirationInDays?: number; Status: string; ExpiredObjectDeleteMarker?: boolean };

/** Every piece of data has an owner and a lifetime, and the stack holds the code to the one layout. */
describe('the data and its lifetime', () => {
  let base: ReturnType<typeof build>;
  beforeAll(() => {
    base = build();
  }, 120_000);

  const rulesOf = (b: ReturnType<typeof build>) => {
    const [[, bucket]] = b.resources('AWS::S3::Bucket').filter(([id]) => id.startsWith('Articles')) as [
      [string, Resource],
    ];
    return (bucket.Properties.LifecycleConfiguration as { Rules: Rule[] }).Rules;
  };
  const expiry = (rules: Rule[], prefix: string) => rules.find((r) => r.Prefix === prefix)?.ExpirationInDays;

  it('names a writer, a reader and a lifetime for every prefix, and expires each as the layout says', () => {
    const rules = rulesOf(base);
    for (const layout of layouts) {
      expect(layout.why.length, layout.prefix).toBeGreaterThan(30);
      // A prefix someone writes is read by someone, or is kept for a person (the operator).
      if (layout.writers.length > 0) expect(layout.readers.length, layout.prefix).toBeGreaterThan(0);
      expect(expiry(rules, layout.prefix), layout.prefix).toBe(layout.retentionDays ?? undefined);
    }
    // Uploads stay as long as a reprocess or a redrive may clean them again; the cleaned text as long as the record.
    expect(expiry(rules, 'incoming/')).toBe(90);
    expect(expiry(rules, 'cleaned/')).toBeUndefined();
    expect(expiry(rules, 'answers/')).toBe(30);
    // The copy nothing read is retired: what an earlier version wrote expires.
    expect(BUCKET_LAYOUT.results.writers).toEqual([]);
    expect(expiry(rules, 'results/')).toBe(30);
    // Versions a rule expired go after 30 days, and so do the delete markers they leave.
    expect(rules).toContainEqual(expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }));
    expect(rules).toContainEqual(expect.objectContaining({ ExpiredObjectDeleteMarker: true }));
  });

  it('takes each retention from its context key, 0 keeping the data until deleted', () => {
    const keys = [...layouts.flatMap((l) => (l.contextKey ? [l.contextKey] : [])), RECORD_RETENTION.contextKey];
    for (const key of keys) expect(Object.keys(contextSchema.shape), key).toContain(key);
    const custom = rulesOf(
      build({
        uploadRetentionDays: '400',
        cleanedRetentionDays: '730',
        historyRetentionDays: '0',
        cacheRetentionDays: '7',
      }),
    );
    expect(expiry(custom, 'incoming/')).toBe(400);
    expect(expiry(custom, 'cleaned/')).toBe(730);
    expect(expiry(custom, 'history/')).toBeUndefined();
    expect(expiry(custom, 'cache/')).toBe(7);
  });

  it('grants each function what the layout says it does with each prefix, and nothing else of the bucket', () => {
    const statements = (fn: { role: { node: { defaultChild?: unknown } } }) => {
      const roleId = base.logicalId(fn.role);
      return base
        .resources('AWS::IAM::Policy')
        .filter(([, r]) => JSON.stringify(r.Properties.Roles).includes(roleId))
        .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    };
    const prefixes = (list: Record<string, unknown>[], action: string) =>
      list
        .filter((s) => s.Action === action)
        .flatMap((s) => [s.Resource].flat().map((r) => JSON.stringify(r).match(/\/([a-z]+\/)\*/)?.[1]))
        .sort();
    const { ingest, analyze, api, sweep } = base.stack.functions;
    for (const [part, fn] of [
      ['ingest', ingest],
      ['analyze', analyze],
      ['api', api],
      ['sweep', sweep],
    ] as [Part, typeof ingest][]) {
      const list = statements(fn);
      expect(prefixes(list, 's3:GetObject'), part).toEqual(prefixesOf(part, 'readers').sort());
      expect(prefixes(list, 's3:PutObject'), part).toEqual(prefixesOf(part, 'writers').sort());
      const listing = list.find((s) => s.Action === 's3:ListBucket');
      if (prefixesOf(part, 'listers').length === 0) expect(listing, part).toBeUndefined();
      else {
        expect(listing?.Condition, part).toEqual({
          StringLike: { 's3:prefix': prefixesOf(part, 'listers').map((prefix) => `${prefix}*`) },
        });
      }
    }
    expect(prefixesOf('analyze', 'writers')).not.toContain('results/');
  });

  it('has a TTL option on the table, set on finished articles only when a record retention is asked for', () => {
    base.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    });
    const days = (b: ReturnType<typeof build>, fn: { fn: { node: { defaultChild?: unknown } } }) => {
      const [, resource] = b.resources('AWS::Lambda::Function').find(([id]) => id === b.logicalId(fn.fn)) as [
        string,
        Resource,
      ];
      const variables = (resource.Properties.Environment as { Variables: Record<string, string> }).Variables;
      return variables.PRECIS_RECORD_RETENTION_DAYS;
    };
    expect(days(base, base.stack.functions.analyze)).toBe('0');
    const kept = build({ recordRetentionDays: '365' });
    expect(days(kept, kept.stack.functions.ingest)).toBe('365');
    expect(days(kept, kept.stack.functions.analyze)).toBe('365');
    const env = {
      PRECIS_TABLE: 't',
      PRECIS_BUCKET: 'b',
      PRECIS_ANALYZE_QUEUE_URL: 'q',
      PRECIS_RECORD_RETENTION_DAYS: '365',
    };
    expect(loadConfig(ingestEnvSchema, env).PRECIS_RECORD_RETENTION_DAYS).toBe(365);
    expect(loadConfig(analyzeEnvSchema, env).PRECIS_RECORD_RETENTION_DAYS).toBe(365);
  });

  it('projects into each index only what its query reads: the listing, or the keys', () => {
    const [[, table]] = base.resources('AWS::DynamoDB::GlobalTable') as [[string, Resource]];
    const indexes = table.Properties.GlobalSecondaryIndexes as {
      IndexName: string;
      KeySchema: { AttributeName: string }[];
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }[];
    const byName = new Map(indexes.map((i) => [i.IndexName, i]));
    for (const list of [TABLE_SCHEMA.byReceived, TABLE_SCHEMA.byStatus]) {
      const index = byName.get(list.indexName);
      const keys = ['id', ...(index?.KeySchema.map((k) => k.AttributeName) ?? [])];
      expect(index?.Projection.ProjectionType).toBe('INCLUDE');
      // The listing's fields, each there as a key or projected; nothing more.
      expect([...keys, ...(index?.Projection.NonKeyAttributes ?? [])].filter((a) => a !== 'listPk').sort()).toEqual(
        [...LISTING_FIELDS].sort(),
      );
    }
    expect(byName.get(TABLE_SCHEMA.byPending.indexName)).toMatchObject({
      KeySchema: [
        { AttributeName: 'pending', KeyType: 'HASH' },
        { AttributeName: 'updatedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });
});
