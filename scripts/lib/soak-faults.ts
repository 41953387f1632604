import { createHash } from 'node:crypto';
import type { Step, StubServer } from '../../tests/helpers/stub-openai.js';

const ARTICLE = /=====BEGIN ARTICLE (\S+)=====\n([\s\S]*)\n=====END ARTICLE \1=====/;
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

const FAULTS: (() => Step)[] = [
  () => ({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, code: 'rate_limit_exceeded' }),
  () => ({ kind: 'status', status: 500 }),
  () => ({ kind: 'status', status: 503 }),
  () => ({ kind: 'reset' }),
  () => ({ kind: 'slow', delayMs: 3000 }),
  () => ({ kind: 'content', content: '{"headline": "Cut short", "short": "The answer stops' }),
  () => ({ kind: 'transform', edit: (a) => ({ ...a, bullets: 'not a list' }) }),
  () => ({ kind: 'refusal', refusal: "I can't help with that." }),
];

/** The soak's call timeout (PRECIS_LLM_TIMEOUT_MS): the longest a call can be in flight. */
export const CALL_TIMEOUT_MS = 30_000;
const IN_FLIGHT_MS = CALL_TIMEOUT_MS;

/**
 * The stub LLM's faults for a soak (a share of the calls, each fault as
 * likely as the others, from a seeded generator so a run can be repeated),
 * and the count of texts paid for twice: more than one good analysis answer
 * for one text, apart from a text asked again because the stack was killed
 * while its first ask was in flight (billed, but never arrived).
 */
export class PaidTwice {
  /** When each text was asked for its analysis (asks answered well). */
  private readonly goodAnswers = new Map<string, number[]>();
  private readonly kills: number[] = [];
  private state: number;

  constructor(
    private readonly stub: StubServer,
    faultRate: number,
    seed: number,
  ) {
    this.state = seed >>> 0 || 1;
    stub.setOptions({
      profile: 'openai',
      route: (request) => {
        const step =
          this.random() < faultRate ? (FAULTS[Math.floor(this.random() * FAULTS.length)] as () => Step)() : undefined;
        const good = step === undefined || step.kind === 'slow';
        if (good && request.task === 'article_analysis') {
          const text = ARTICLE.exec(request.body.messages.at(-1)?.content ?? '')?.[2];
          // A repair quotes an earlier answer; only first asks for a text count.
          if (text && request.body.messages.length === 2) {
            this.goodAnswers.set(hash(text), [...(this.goodAnswers.get(hash(text)) ?? []), Date.now()]);
          }
        }
        return step;
      },
    });
  }

  /** The stack is being killed now. */
  killed(): void {
    this.kills.push(Date.now());
  }

  get paidTwice(): number {
    return this.repeated().filter((asks) => !this.inFlightAtKill(asks)).length;
  }

  report() {
    const repeated = this.repeated().length;
    return {
      paidTwice: this.paidTwice,
      askedAgainAfterKillMidCall: repeated - this.paidTwice,
      llmCalls: this.stub.requests.length,
      billedAnswers: this.stub.ledger.billed,
      tokens: { input: this.stub.ledger.inputTokens, output: this.stub.ledger.outputTokens },
    };
  }

  /** Says, on stderr, when each text paid for twice was asked, against the kills. */
  explain(started: number): void {
    const at = (t: number) => `+${((t - started) / 1000).toFixed(1)}s`;
    for (const asks of this.repeated().filter((a) => !this.inFlightAtKill(a))) {
      console.error(
        `paid twice: asked at ${asks.map(at).join(', ')}; kills at ${this.kills.map(at).join(', ') || 'none'}`,
      );
    }
  }

  private repeated(): number[][] {
    return [...this.goodAnswers.values()].filter((asks) => asks.length > 1);
  }

  /** Every ask but the last was in flight when the stack was killed: billed, but its answer never arrived. */
  private inFlightAtKill(asks: number[]): boolean {
    return asks.slice(0, -1).every((at) => this.kills.some((kill) => kill >= at && kill - at < IN_FLIGHT_MS));
  }

  /** A small deterministic generator (xorshift), so a run can be repeated. */
  private random(): number {
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 2 ** 32;
  }
}
