import { setFlagsFromString } from 'node:v8';

/** V8's interrupt budget in Node 20 (`node --v8-options`): bytes of bytecode a function runs between its checks for optimisation. */
export const V8_INTERRUPT_BUDGET = 67_584;

/** The local stack's: four times Node 20's. */
export const LOCAL_INTERRUPT_BUDGET = 4 * V8_INTERRUPT_BUDGET;

/**
 * Sets V8's interrupt budget for the whole process (every thread: the
 * handlers' and the emulators'), so that a function is optimised after four
 * times as much of its bytecode has run as Node 20's V8 waits for.
 *
 * The local stack runs the functions, the emulators and the API in one
 * process on the user's cores, and a burst of uploads right after it starts
 * met code that V8's optimising compiler was still compiling, in threads of
 * its own: about a quarter of the burst's CPU. With the larger budget only
 * the code that stays hot is compiled, and the rest runs in the interpreter
 * and baseline code a little longer: 20 uploads at once took about a third
 * less CPU an article (docs/development.md, "20 uploads"). Set at run time
 * (`v8.setFlagsFromString`), where the stack starts, so `npm start`,
 * `npm run demo`, the tests and the bench all run with it; functions already
 * compiled take it from their next check. Lambda's runtime is left as V8
 * sets it.
 */
export function setLocalCompilerBudget(): void {
  setFlagsFromString(`--interrupt-budget=${LOCAL_INTERRUPT_BUDGET}`);
}
