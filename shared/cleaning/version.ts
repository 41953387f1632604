/** Bumped whenever the cleaner's output changes for the same input. */
export const CLEANER_VERSION = 'clean-13';
