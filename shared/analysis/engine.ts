/**
 * The analysis port, where the use cases have always imported it from; its
 * definition and the other analysis ports are in ports.ts.
 */
export type { AnalysisEngine, AnalysisInput, AnalysisOptions } from './ports.js';
