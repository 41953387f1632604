import { type CollectReport, collectBatches } from './collect-batch.js';
import { type BatchDeps, type SubmitReport, submitBatches } from './submit-batch.js';

export interface BatchReport {
  collect: CollectReport;
  submit: SubmitReport;
}

/**
 * One run of the batch function: collects the batches that ended (their
 * articles go on to their next run, which may put more calls off), then
 * submits every call put off so far.
 */
export async function runBatches(deps: BatchDeps): Promise<BatchReport> {
  const collect = await collectBatches(deps);
  const submit = await submitBatches(deps);
  return { collect, submit };
}
