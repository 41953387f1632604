import type { Failure } from './failures.js';
import { effortFor, type ReasoningEffort } from './models.js';
import type { CapName, OutputMode } from './transport.js';

/** What a server taught about a model, by refusing a request: kept for every later request to it. */
export interface ModelLessons {
  /** The output mode it takes (after refusing `response_format` json_schema, or json_object too). */
  mode?: OutputMode;
  /** The output cap's name it takes. */
  capName?: CapName;
  /** The efforts it said it takes; empty when it takes none. */
  efforts?: ReasoningEffort[];
}

/**
 * Lessons by model, for one process. A 400 about `response_format` moves
 * the model down one output mode; one that names the output cap's name
 * switches to the other name; one that names the effort takes the values
 * the server lists (other than the one refused), and drops the effort when
 * it lists none or refuses again. A lesson is learnt once: refused again
 * after it, the request is not sent again.
 */
export class Lessons {
  private readonly byModel = new Map<string, ModelLessons>();

  of(model: string): ModelLessons {
    return { ...this.byModel.get(model) };
  }

  modeOf(model: string, structuredOutputs: boolean): OutputMode {
    return this.byModel.get(model)?.mode ?? (structuredOutputs ? 'json_schema' : 'json_object');
  }

  effortSent(model: string, wanted: ReasoningEffort | undefined): ReasoningEffort | undefined {
    const taught = this.byModel.get(model)?.efforts;
    return taught ? effortFor({ efforts: taught }, wanted) : wanted;
  }

  /** True when the refusal taught something new, and the request should be sent again. */
  learn(model: string, wanted: ReasoningEffort | undefined, failure: Failure, mode: OutputMode): boolean {
    const lessons = this.of(model);
    if (failure.kind === 'format' && mode !== 'prompt') {
      lessons.mode = mode === 'json_schema' ? 'json_object' : 'prompt';
    } else if (failure.kind === 'cap-name') {
      const other = failure.refused === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
      if (lessons.capName === other) return false;
      lessons.capName = other;
    } else if (failure.kind === 'effort') {
      const sent = this.effortSent(model, wanted);
      if (sent === undefined) return false;
      lessons.efforts = lessons.efforts === undefined ? failure.takes.filter((e) => e !== sent) : [];
    } else {
      return false;
    }
    this.byModel.set(model, lessons);
    return true;
  }
}
