// Instruction budgets: how far a run may go before it is stopped as a
// runaway (BudgetExceeded, "gogo-emu: instruction budget of N exhausted ...",
// status 2). Defined once here; every shell and test takes them from here.

/**
 * The budget of a plain run (`gogo-emu run`): 2e9 emulated instructions,
 * about one to two minutes of emulation at worst.
 */
export const DEFAULT_MAX_INSNS = 2_000_000_000;

/**
 * The budget of a run with the switch recorder attached (`gogo-emu switches`,
 * `gogo-emu validate`, recordRun): a tenth of the default. Recording hooks
 * every basic block and keeps a record (with its instructions) per switch,
 * so a recorded run is several times slower and grows in memory with its
 * length; 2e8 instructions still covers every fixture program.
 */
export const RECORDING_MAX_INSNS = DEFAULT_MAX_INSNS / 10;

/**
 * The wall-clock limit of a plain run (`gogo-emu run --time-limit`), in
 * seconds: a program still running then is stopped with Go's SIGQUIT dump
 * (session/sigquit.ts) and status 2. Emulation speed depends on the program
 * and the machine (from about one to tens of millions of instructions a
 * second), so the instruction budget alone can take minutes to end a
 * runaway loop. Wall-clock time is not deterministic: a run the limit stops
 * says so, and `--time-limit 0` removes it.
 */
export const DEFAULT_TIME_LIMIT = 30;
