/** Uploads larger than this are refused by their size, before they are read. */
export const DEFAULT_MAX_OBJECT_BYTES = 5 * 1024 * 1024;

/**
 * How long one upload's cleaning may run once started (STAGE_TIMEOUT past it), in the ingest function
 * and the CLI alike. The slowest document inside the structure limits takes about 6 s of CPU
 * (shared/cleaning/limits.ts); the uploads of one batch are cleaned one after another inside one
 * lease, so one slow upload leaves the others time.
 */
export const CLEAN_BUDGET_MS = 20_000;
