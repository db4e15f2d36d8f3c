// A Go-aware test-case reducer for the source text of a failing program
// (after fast-check's own shrinking): it removes whole declarations and
// statements together with the blocks they open, unwraps blocks (keeps an
// if's or a loop's body without its header), and finally single lines, as
// long as the program still fails the same way. Candidates whose braces or
// parentheses do not balance are skipped without running anything.

/** The nesting change of a line: opening minus closing brackets, outside strings and comments. */
function lineDelta(line: string): { delta: number; opensBlock: boolean } {
  let d = 0;
  let last = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '/' && line[i + 1] === '/') break;
    if (c === '"' || c === '`' || c === "'") {
      const q = c;
      i++;
      while (i < line.length && line[i] !== q) {
        if (line[i] === '\\' && q !== '`') i++;
        i++;
      }
      last = q;
      continue;
    }
    if (c === '{' || c === '(' || c === '[') d++;
    else if (c === '}' || c === ')' || c === ']') d--;
    if (!/\s/.test(c)) last = c;
  }
  return { delta: d, opensBlock: last === '{' || last === '(' };
}

function balanced(lines: string[]): boolean {
  let d = 0;
  for (const l of lines) {
    d += lineDelta(l).delta;
    if (d < 0) return false;
  }
  return d === 0;
}

/** The line range [i, end] of the unit starting at line i: the line and, if it opens a block, everything to its close. */
function unitEnd(lines: string[], i: number): number {
  const { delta, opensBlock } = lineDelta(lines[i]!);
  if (delta <= 0 || !opensBlock) return i;
  let d = 0;
  for (let j = i; j < lines.length; j++) {
    d += lineDelta(lines[j]!).delta;
    if (d <= 0) return j;
  }
  return i;
}

export async function reduceGo(src: string, still: (src: string) => Promise<boolean>, o: { maxSteps?: number; log?: (s: string) => void } = {}): Promise<string> {
  let lines = src.split('\n');
  const max = o.maxSteps ?? 300;
  let steps = 0;
  const tryLines = async (cand: string[]): Promise<boolean> => {
    if (cand.length === lines.length || !balanced(cand)) return false;
    if (steps >= max) return false;
    steps++;
    if (await still(cand.join('\n'))) {
      lines = cand;
      return true;
    }
    return false;
  };
  let progress = true;
  while (progress && steps < max) {
    progress = false;
    // 1. whole units (a statement or declaration with its block), biggest first
    const units: [number, number][] = [];
    for (let i = 0; i < lines.length; i++) {
      const e = unitEnd(lines, i);
      if (lines[i]!.trim() !== '') units.push([i, e]);
    }
    units.sort((a, b) => b[1] - b[0] - (a[1] - a[0]));
    for (const [s, e] of units) {
      if (steps >= max) break;
      if (s >= lines.length || unitEnd(lines, s) !== e) continue;
      if (await tryLines([...lines.slice(0, s), ...lines.slice(e + 1)])) {
        progress = true;
        break;
      }
    }
    if (progress) continue;
    // 2. unwrap a block: keep its body, drop its header and closing line
    for (let i = 0; i < lines.length && steps < max; i++) {
      const e = unitEnd(lines, i);
      if (e <= i + 1 || !lines[e]!.trim().startsWith('}')) continue;
      if (await tryLines([...lines.slice(0, i), ...lines.slice(i + 1, e), ...lines.slice(e + 1)])) {
        progress = true;
        break;
      }
    }
    if (progress) continue;
    // 3. single lines (also unbalanced ones that happen to balance, e.g. `} else {`)
    for (let i = 0; i < lines.length && steps < max; i++) {
      if (await tryLines([...lines.slice(0, i), ...lines.slice(i + 1)])) {
        progress = true;
        break;
      }
    }
  }
  // blank lines are free
  const compact = lines.filter((l, i) => l.trim() !== '' || (i > 0 && lines[i - 1]!.trim() !== ''));
  if (compact.length !== lines.length && (await still(compact.join('\n')))) lines = compact;
  o.log?.(`    reduce: ${steps} steps, ${lines.length} lines left`);
  return lines.join('\n');
}
