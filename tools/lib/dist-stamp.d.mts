// Types of dist-stamp.mjs (plain JavaScript so that bin/gogo-emu.mjs can use it before tsx).
export type BuildInput = [path: string, size: number, mtimeMs: number];
export const BUNDLE: string;
export const STAMP: string;
export function buildInputs(root: string): BuildInput[];
export function distState(root: string): { fresh: boolean; inputs: BuildInput[] };
