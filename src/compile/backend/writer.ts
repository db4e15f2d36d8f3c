// Shared by the backends: collects assembly lines with their Go source line,
// and formats data blocks.
import { asmSymbol, type DataBlock } from '../ir.ts';
import type { SourceLine, TextBlock } from '../../link/source.ts';

export class AsmWriter {
  readonly lines: SourceLine[] = [];
  /** the Go source line given to the lines emitted next */
  line = 0;
  private n = 0;

  /** One instruction (or directive) line (unindented: every character counts, see amd64.ts). */
  op(text: string): void {
    this.lines.push({ text, line: this.line });
  }

  label(name: string): void {
    this.lines.push({ text: `${name}:`, line: this.line });
  }

  /** A fresh local label (Keystone accepts `.L` labels; they are local to the block). */
  fresh(): string {
    return `.Lk${++this.n}`;
  }
}

/** A data block: words with `wordDirective` (.quad / .long), bytes with .byte. */
export function dataBlock(d: DataBlock, file: string, wordDirective: string): TextBlock {
  const body: SourceLine[] = [];
  for (const it of d.items) {
    if (it.k === 'word') {
      const v = typeof it.v === 'string' ? asmSymbol(it.v) : String(it.v);
      body.push({ text: `${wordDirective} ${v}`, line: d.line });
    } else if (it.k === 'int') {
      const dir = it.size === 1 ? '.byte' : it.size === 2 ? '.short' : '.long';
      body.push({ text: `${dir} ${it.v >>> 0}`, line: d.line });
    } else {
      for (let i = 0; i < it.b.length; i += 16) {
        body.push({ text: `.byte ${[...it.b.subarray(i, i + 16)].join(', ')}`, line: d.line });
      }
    }
  }
  return { name: d.name, file, line: d.line, header: `DATA ${d.name}(SB)`, body };
}
