import { setFlagsFromString } from 'node:v8';

/** How many times longer than V8's default a function runs before V8 optimises it, in the local stack. */
export const BUDGET_FACTOR = 4;

/**
 * The V8 flag that says when a function is hot enough for the optimising
 * compiler, as this Node's V8 names it, set to BUDGET_FACTOR times its
 * default: Node 20's V8 (11.3) counts bytecode run, its interrupt budget of
 * 66 KB; Node 22's (12.4) counts calls, 3,000 (`node --v8-options`).
 */
export function localCompilerFlag(v8Version: string = process.versions.v8): string {
  const major = Number(v8Version.split('.')[0]);
  return major >= 12
    ? `--invocation-count-for-turbofan=${BUDGET_FACTOR * 3_000}`
    : `--interrupt-budget=${BUDGET_FACTOR * 66 * 1024}`;
}

/**
 * Makes V8 wait four times as long as it would before it optimises a
 * function, for the whole process (every thread: the handlers' and the
 * emulators').
 *
 * The local stack runs the functions, the emulators and the API in one
 * process on the user's cores, and a burst of uploads right after it starts
 * met code that V8's optimising compiler was still compiling, in threads of
 * its own: about a quarter of the burst's CPU. With the larger budget only
 * the code that stays hot is compiled, and the rest runs in the interpreter
 * and baseline code a little longer (docs/development.md, "20 uploads").
 * Set at run time (`v8.setFlagsFromString`) where the stack starts, so
 * `npm start`, `npm run demo`, the tests and the bench all run with it;
 * functions already compiled take it from their next check. Lambda's
 * runtime is left as V8 sets it.
 */
export function setLocalCompilerBudget(): void {
  setFlagsFromString(localCompilerFlag());
}
