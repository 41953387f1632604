import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from '../../shared/analysis/ports.js';

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
  private engine: Promise<AnalysisEngine> | undefined;

  async analyze(input: AnalysisInput, options: AnalysisOptions) {
    this.engine ??= import('../../shared/analysis/offline-engine.js').then(
      ({ OfflineEngine }) => new OfflineEngine(),
      (error: unknown) => {
        this.engine = undefined;
        throw error;
      },
    );
    return (await this.engine).analyze(input, options);
  }
}
