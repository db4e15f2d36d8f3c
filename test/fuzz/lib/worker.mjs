// Entry of a fuzz worker process (see emu.ts): registers tsx, as
// bin/gogo-emu.mjs does, and loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
