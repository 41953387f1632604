import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from '../../shared/analysis/ports.js';
import { loadOnce } from '../../shared/lazily.js';

/**
 * The offline engine, its module imported with its first analysis (a chunk
 * of the analyze bundle). Behind the LLM it only answers a last delivery the
 * LLM could not, and its claim extraction (check-worthiness, concepts,
 * speaker patterns) would otherwise be parsed at every cold start. Where it
 * is the configured engine (no LLM), its import moves from the cold start to
 * the first analysis.
 */
export class OfflineEngineOnFirstUse implements AnalysisEngine {
  readonly name = 'offline';
  private readonly engine = loadOnce(async () => {
    const { OfflineEngine } = await import('../../shared/analysis/offline-engine.js');
    return new OfflineEngine();
  });

  async analyze(input: AnalysisInput, options: AnalysisOptions) {
    return (await this.engine()).analyze(input, options);
  }
}
