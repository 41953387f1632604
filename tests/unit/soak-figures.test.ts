import { describe, expect, it } from 'vitest';
import { runOptions } from '../../scripts/lib/soak-figures.js';

describe("a soak run's name in the Guarantees table", () => {
  it('is the options that say what the run did, without those that say where its output went', () => {
    const argv = ['--', '--articles', '2000', '--stack-log', '/tmp/x.log', '--outage', 'dynamo:20', '--write-docs'];
    expect(runOptions(argv)).toBe('--articles 2000 --outage dynamo:20');
    expect(runOptions(['--crash', '3', '--cpu-prof=/tmp/p', '--heap-prof', 'DIR'])).toBe('--crash 3');
  });
});
