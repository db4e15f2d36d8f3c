// Mutations of real programs (the fixtures in fixtures/programs): line
// deletes, duplicates, swaps and insertions, token deletes, duplicates,
// swaps, replacements and insertions (operators, keywords, punctuation,
// identifiers of the same file), operator swaps, extreme numbers and
// literal spellings. A mutant is described by data (which program, which
// edits, indices taken modulo the current number of lines or tokens), so
// fast-check generates and shrinks it: fewer edits, smaller indices,
// simpler replacements.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

export type Edit =
  | { k: 'delLine'; at: number }
  | { k: 'dupLine'; at: number }
  | { k: 'swapLines'; at: number; with: number }
  | { k: 'moveLine'; at: number; to: number }
  | { k: 'delToken'; at: number }
  | { k: 'dupToken'; at: number }
  | { k: 'swapTokens'; at: number }
  | { k: 'setToken'; at: number; to: string }
  | { k: 'insToken'; at: number; tok: string }
  | { k: 'setOp'; at: number; to: string }
  | { k: 'setNumber'; at: number; to: string }
  | { k: 'renameIdent'; at: number; to: number }
  | { k: 'delChar'; at: number };

export interface Mutant {
  base: string;
  edits: Edit[];
}

/** Fixture programs worth mutating: all but the ones that take seconds to run (stack overflow, 5000 goroutines). */
export function mutationBases(root: string): Map<string, string> {
  const dir = join(root, 'fixtures', 'programs');
  const out = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.go') || f === 'stackoverflow.go' || f === 'manygoroutines.go') continue;
    out.set(f.slice(0, -3), readFileSync(join(dir, f), 'utf8'));
  }
  return out;
}

export const OPERATORS = ['+', '-', '*', '/', '%', '&', '|', '^', '&^', '<<', '>>', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!', '<-', '++', '--', '=', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '&^=', '...'];
const PUNCT = ['(', ')', '{', '}', '[', ']', ',', ';', '.', ':'];
const KEYWORDS = ['if', 'else', 'for', 'range', 'switch', 'case', 'default', 'break', 'continue', 'return', 'go', 'defer', 'func', 'var', 'const', 'package', 'import', 'chan', 'struct', 'nil', 'true', 'false', 'fallthrough', 'goto', 'select', 'map', 'type', 'interface', 'int', 'bool', 'string', 'iota', 'len', 'cap', 'close', 'make', 'println', 'print', 'panic', 'new', '_'];
export const NUMBERS = [
  '0', '1', '-1', '2', '7', '0x7fffffffffffffff', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '2147483647', '2147483648', '-2147483648', '-2147483649', '4294967295', '4294967296', '18446744073709551615', '1267650600228229401496703205376',
  '0xFFFFFFFF', '0b1011', '0o17', '017', '08', '1_000_000', '1__0', '0x', '1e3', '1.5', "'a'", '"s"', '0X_1F', '00', '0b', '_1',
];
const TOKENS = [...OPERATORS, ...PUNCT, ...KEYWORDS, ...NUMBERS.slice(0, 12)];

/** Go-like tokens with their offsets (whitespace and comments are not tokens). */
export function tokens(src: string): { t: string; at: number }[] {
  const re = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:\\.|[^"\\\n])*"|`[^`]*`|'(?:\\.|[^'\\\n])*'|0[xXbBoO][0-9a-fA-F_]*|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*|&\^=|<<=|>>=|\.\.\.|&&|\|\||<-|\+\+|--|==|!=|<=|>=|:=|&\^|<<|>>|[-+*/%&|^]=|\S/g;
  const out: { t: string; at: number }[] = [];
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m[0].startsWith('//') || m[0].startsWith('/*')) continue;
    out.push({ t: m[0], at: m.index });
  }
  return out;
}

const isOp = (t: string) => OPERATORS.includes(t);
const isNum = (t: string) => /^[0-9]/.test(t);
const isIdent = (t: string) => /^[A-Za-z_]/.test(t) && !KEYWORDS.includes(t);

function replaceAt(src: string, at: number, len: number, by: string): string {
  return src.slice(0, at) + by + src.slice(at + len);
}

/** Apply one edit (indices modulo what exists; an edit with nothing to act on does nothing). */
export function applyEdit(src: string, e: Edit): string {
  const lines = src.split('\n');
  const L = Math.max(1, lines.length - 1); // the text after the last newline is empty
  switch (e.k) {
    case 'delLine':
      lines.splice(e.at % L, 1);
      return lines.join('\n');
    case 'dupLine': {
      const i = e.at % L;
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 'swapLines': {
      const i = e.at % L;
      const j = (i + 1 + (e.with % 5)) % L;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 'moveLine': {
      const i = e.at % L;
      const [l] = lines.splice(i, 1);
      lines.splice(e.to % L, 0, l!);
      return lines.join('\n');
    }
    case 'delChar': {
      if (!src.length) return src;
      const i = e.at % src.length;
      return src.slice(0, i) + src.slice(i + 1);
    }
    default:
      break;
  }
  const toks = tokens(src);
  if (!toks.length) return src;
  const pickOf = (pred: (t: string) => boolean) => {
    const c = toks.filter((x) => pred(x.t));
    return c.length ? c[e.at % c.length]! : undefined;
  };
  switch (e.k) {
    case 'delToken': {
      const t = toks[e.at % toks.length]!;
      return replaceAt(src, t.at, t.t.length, '');
    }
    case 'dupToken': {
      const t = toks[e.at % toks.length]!;
      return replaceAt(src, t.at, t.t.length, `${t.t} ${t.t}`);
    }
    case 'swapTokens': {
      const i = e.at % toks.length;
      const a = toks[i]!;
      const b = toks[(i + 1) % toks.length]!;
      if (b.at <= a.at) return src;
      return src.slice(0, a.at) + b.t + src.slice(a.at + a.t.length, b.at) + a.t + src.slice(b.at + b.t.length);
    }
    case 'setToken': {
      const t = toks[e.at % toks.length]!;
      return replaceAt(src, t.at, t.t.length, e.to);
    }
    case 'insToken': {
      const t = toks[e.at % toks.length]!;
      return replaceAt(src, t.at, 0, `${e.tok} `);
    }
    case 'setOp': {
      const t = pickOf(isOp);
      return t ? replaceAt(src, t.at, t.t.length, e.to) : src;
    }
    case 'setNumber': {
      const t = pickOf(isNum);
      return t ? replaceAt(src, t.at, t.t.length, e.to) : src;
    }
    case 'renameIdent': {
      const ids = toks.filter((x) => isIdent(x.t));
      if (ids.length < 2) return src;
      const t = ids[e.at % ids.length]!;
      const names = [...new Set(ids.map((x) => x.t))];
      return replaceAt(src, t.at, t.t.length, names[e.to % names.length]!);
    }
  }
}

export function applyMutant(bases: Map<string, string>, m: Mutant): string {
  let src = bases.get(m.base) ?? '';
  for (const e of m.edits) src = applyEdit(src, e);
  return src;
}

const at = fc.nat({ max: 100_000 });

export function editArb(): fc.Arbitrary<Edit> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ k: fc.constant('delLine' as const), at }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('dupLine' as const), at }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('swapLines' as const), at, with: fc.nat({ max: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('moveLine' as const), at, to: at }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('delToken' as const), at }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('dupToken' as const), at }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('swapTokens' as const), at }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('setToken' as const), at, to: fc.constantFrom(...TOKENS) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('insToken' as const), at, tok: fc.constantFrom(...TOKENS) }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('setOp' as const), at, to: fc.constantFrom(...OPERATORS) }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('setNumber' as const), at, to: fc.constantFrom(...NUMBERS) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('renameIdent' as const), at, to: at }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('delChar' as const), at }) },
  );
}

export function mutantArb(bases: Map<string, string>): fc.Arbitrary<Mutant> {
  return fc.record({
    base: fc.constantFrom(...bases.keys()),
    edits: fc.array(editArb(), { minLength: 1, maxLength: 4 }),
  });
}
