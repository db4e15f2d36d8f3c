// Facts of the go1.19 toolchain: go_asm.h constants (goasm.ts), struct
// layouts (specs.ts), typed views onto emulated memory (views.ts), runtime
// constants (constants.ts) and layout descriptions (describe.ts).
export * from './constants.ts';
export * from './describe.ts';
export * from './goasm.ts';
export * from './specs.ts';
export * from './views.ts';
