/** Uploads larger than this are refused by their size, before they are read. */
export const DEFAULT_MAX_OBJECT_BYTES = 5 * 1024 * 1024;
