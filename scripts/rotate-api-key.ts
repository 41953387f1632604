/**
 * `npm run rotate-api-key -- --consumer etl [--keys SPEC] [--stack NAME] [--run]`:
 * rotates one consumer's API key with no gap. The keys are the stack's
 * `apiKeys` context (cdk.json, or --keys as deployed); the rotation is two
 * deploys: one adds the consumer's next generation beside the current key,
 * the second (once the consumer uses the new key) removes the old one.
 * Without --run it prints the commands; with --run it runs them, waiting for
 * Enter in between.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { apiKeyConsumers } from '../infra/api-access.js';

export interface RotationPlan {
  /** The keys while both generations live. */
  during: string;
  /** The keys once the old generation is gone. */
  after: string;
  /** The generation added, and its output naming the command that prints it. */
  next: string;
  output: string;
}

/** The two key specs of a rotation of `consumer`'s key within `spec` (e.g. "web,etl" → "web,etl,etl@2" → "web,etl@2"). */
export function rotationPlan(spec: string, consumer: string): RotationPlan {
  const keys = apiKeyConsumers(spec);
  const mine = keys.filter((k) => k.consumer === consumer);
  if (mine.length === 0) {
    throw new Error(
      `No API key of "${consumer}" in "${spec}": the consumers are ${[...new Set(keys.map((k) => k.consumer))].join(', ')}.`,
    );
  }
  if (mine.length > 1) {
    throw new Error(
      `"${consumer}" has ${mine.length} keys in "${spec}": finish that rotation first (remove the older ones).`,
    );
  }
  const current = mine[0]?.generation ? Number(mine[0].generation) : 1;
  if (!Number.isInteger(current))
    throw new Error(`The generation of "${consumer}" is not a number: "${mine[0]?.generation}".`);
  const next = String(current + 1);
  const label = (k: { consumer: string; generation: string }) =>
    k.generation ? `${k.consumer}@${k.generation}` : k.consumer;
  const entries = keys.map(label);
  const fresh = `${consumer}@${next}`;
  return {
    during: [...entries, fresh].join(','),
    after: entries.map((e) => (e === label(mine[0] as { consumer: string; generation: string }) ? fresh : e)).join(','),
    next: fresh,
    output: `ApiKeyCommand${consumer}${next}`,
  };
}

if (process.argv[1]?.endsWith('rotate-api-key.ts')) {
  const { values } = parseArgs({
    options: {
      consumer: { type: 'string' },
      keys: { type: 'string' },
      stack: { type: 'string' },
      run: { type: 'boolean' },
    },
  });
  if (!values.consumer) {
    console.error('Usage: npm run rotate-api-key -- --consumer NAME [--keys SPEC] [--stack NAME] [--run]');
    process.exit(2);
  }
  const cdkJson = JSON.parse(readFileSync(resolve(import.meta.dirname, '../cdk.json'), 'utf8')) as {
    context: { apiKeys?: string };
  };
  const spec = values.keys ?? cdkJson.context.apiKeys ?? 'default';
  let plan: RotationPlan;
  try {
    plan = rotationPlan(spec, values.consumer);
  } catch (error) {
    console.error(`rotate-api-key: ${(error as Error).message}`);
    process.exit(2);
  }
  const stack = values.stack ? ['-c', `stackName=${values.stack}`] : [];
  const deploy = (keys: string) => ['cdk', 'deploy', ...stack, '-c', `apiKeys=${keys}`];
  const show = (args: string[]) => `npx ${args.join(' ')}`;
  const steps = [
    `1. ${show(deploy(plan.during))}   (adds ${plan.next} beside the current key)`,
    `2. give ${values.consumer} the key the ${plan.output} output prints, and wait until it uses it`,
    `3. ${show(deploy(plan.after))}   (deletes the old key)`,
    `Then set "apiKeys": "${plan.after}" in cdk.json, so that later deploys keep it.`,
  ];
  if (!values.run) {
    console.log(steps.join('\n'));
  } else {
    const run = (args: string[]) => {
      const result = spawnSync('npx', args, { stdio: 'inherit' });
      if (result.status !== 0) process.exit(result.status ?? 1);
    };
    console.log(steps[0]);
    run(deploy(plan.during));
    console.log(steps[1]);
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    await prompt.question('Press Enter once the new key is in use, to delete the old one… ');
    prompt.close();
    console.log(steps[2]);
    run(deploy(plan.after));
    console.log(steps[3]);
  }
}
