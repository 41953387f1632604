// The entry of a worker thread that runs a TypeScript module's start function (see worker-host.ts).
// A worker does not share its parent's module loader, so TypeScript gets one here before anything else.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
