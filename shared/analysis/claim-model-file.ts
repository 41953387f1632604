/**
 * The English claim model's weights, by this name beside checkworthiness.ts
 * in the sources and beside the analyze function's bundle (put there by the
 * CDK construct, infra/bundling.ts). No import here: the bundling options,
 * which every function's bundle reads through its worker build, take this
 * name alone and not the model's code.
 */
export const CLAIM_MODEL_FILE = 'checkworthiness-weights.json';
