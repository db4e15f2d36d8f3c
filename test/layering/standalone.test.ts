// The repository stands alone: nothing it ships or tests reads the shared
// folder beside it (oracle data and engine notes live in fixtures/oracle and docs/).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('standalone repository', () => {
  it('no file under src/, test/ or tools/ refers to the shared folder beside the repository', () => {
    const files = execFileSync('git', ['ls-files', 'src', 'test', 'tools'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    const pattern = ['..', 'shared'].join('/'); // spelled apart so this file does not match itself
    const hits = files.filter((f) => {
      try {
        return execFileSync('grep', ['-l', '-F', pattern, f], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
      } catch {
        return false;
      }
    });
    expect(hits).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });

  it('no tracked file holds a merge-conflict marker (a merge left half-resolved)', () => {
    const marker = ['<'.repeat(7), ' '].join(''); // spelled apart so this file does not match itself
    let out = '';
    try {
      out = execFileSync('git', ['grep', '-l', '-I', '-F', '-e', marker, '--', '.'], { cwd: ROOT, encoding: 'utf8' });
    } catch (e) {
      if ((e as { status?: number }).status !== 1) throw e; // status 1: no match
    }
    expect(out.split('\n').filter(Boolean)).toEqual([]);
  });
});
