// Entry of a fuzz worker process (see emu.ts): registers tsx, as
// bin/gogo-emu.mjs does, and loads the TypeScript worker.
// The tsconfig is named: the worker runs in a scratch directory, where tsx
// would not find it (and class fields would be compiled differently).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)) });
await import('./worker-main.ts');
