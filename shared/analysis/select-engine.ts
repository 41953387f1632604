import type { AnalysisEngine } from './engine.js';
import { OfflineEngine } from './offline-engine.js';

export interface EngineConfig {
  PRECIS_ENGINE: 'auto' | 'offline';
}

/** The engine configuration asks for: the offline engine unless an LLM is configured. */
export function selectEngine(_config: EngineConfig): AnalysisEngine {
  return new OfflineEngine();
}
