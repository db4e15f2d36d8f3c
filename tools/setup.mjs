#!/usr/bin/env node
// Installs what gogo-emu needs before the demo or the tests run, so that the
// README's two commands work on a fresh machine:
//   - npm packages (npm ci) when node_modules is missing or older than the lock file;
//   - Debian's libunicorn2 (the Unicorn 2 CPU emulator, loaded through koffi),
//     gdb-multiarch (the debugger `gogo-emu debug` serves, which its tests drive)
//     and chromium (the browser the web app's end-to-end tests drive through
//     playwright-core) via apt-get when running as root; otherwise it prints
//     the exact command to run.
//   - the CLI built ahead of time (tools/build.mjs -> dist/gogo-emu.mjs) when
//     dist/ is missing or older than the sources.
// Quiet when everything is already present. Plain Node, no dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => process.stderr.write(`setup: ${msg}\n`);

function fail(msg) {
  say(msg);
  process.exit(1);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) fail(`Node.js >= 20 is required (this is ${process.version}).`);

function hasUnicorn() {
  const r = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  if (r.status === 0 && /libunicorn\.so\.2\b/.test(r.stdout)) return true;
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib', '/lib/x86_64-linux-gnu'];
  return dirs.some((d) => existsSync(join(d, 'libunicorn.so.2')));
}

function hasGdb() {
  return spawnSync('gdb-multiarch', ['--version'], { stdio: 'ignore' }).status === 0;
}

let aptUpdated = false;

/** Install a Debian package as root, or stop with the exact command to run. */
function aptInstall(pkg, what, present) {
  if (present()) return;
  const cmd = `apt-get update && apt-get install -y ${pkg}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) fail(`${pkg} (${what}) is missing. Install it with:\n  sudo ${cmd.replace('&& apt-get', '&& sudo apt-get')}`);
  say(`${pkg} is missing; installing it: ${cmd}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!aptUpdated) execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    aptUpdated = true;
    execFileSync('apt-get', ['install', '-y', pkg], { stdio: ['ignore', 'ignore', 'inherit'], env });
  } catch {
    fail(`installing ${pkg} failed; run as root: ${cmd}`);
  }
  if (!present()) fail(`${pkg} still not found after installing; run as root: ${cmd}`);
}

aptInstall('libunicorn2', 'the Unicorn 2 CPU emulator', hasUnicorn);
aptInstall('gdb-multiarch', 'the debugger gogo-emu debug serves and its tests drive', hasGdb);

function hasChromium() {
  const exe = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  return !!exe && existsSync(exe);
}

aptInstall('chromium', "the browser the web app's end-to-end tests drive", hasChromium);

function needsNpm() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000;
}

/** node_modules is a symlink (a worktree sharing another checkout's packages): npm ci would empty the target. */
function sharedNodeModules() {
  try {
    return lstatSync(join(root, 'node_modules')).isSymbolicLink();
  } catch {
    return false;
  }
}

if (needsNpm() && sharedNodeModules()) {
  let target;
  try {
    target = realpathSync(join(root, 'node_modules'));
  } catch (e) {
    fail(`node_modules is a symlink that leads nowhere (${e instanceof Error ? e.message : String(e)}); point it at an installed node_modules or remove it and run npm ci`);
  }
  say(`node_modules is a symlink to ${target}: not running npm ci over it (it would empty the shared directory); run npm ci there if packages are missing`);
} else if (needsNpm()) {
  say('installing npm packages (npm ci)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) fail('npm ci failed; see the messages above.');
}

// After the npm packages: the build needs esbuild from node_modules.
const { build } = await import('./build.mjs');
try {
  await build({ quiet: true });
} catch (e) {
  // not fatal: bin/gogo-emu.mjs runs the sources through tsx without dist/
  say(`building dist/ failed (${e instanceof Error ? e.message : String(e)}); the CLI will run from the sources`);
}
