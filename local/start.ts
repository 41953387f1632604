/**
 * `npm start`: the local stack until Ctrl-C.
 */
import './process-env.js';
import { runLocalStack } from './run.js';

await runLocalStack();
