// A real VS Code for the end-to-end test: code-server 4.100.3 from npm (it bundles VS Code 1.100
// and runs on Node 20), installed once into node_modules/.cache and reused by later runs.
//
// Its own install script cannot run here as it is: VS Code's @vscode/ripgrep downloads a ripgrep
// binary from GitHub, and node-gyp would download Node's headers. So the steps of code-server's
// postinstall.sh are done one by one, with the packages' scripts off for the download, Debian's
// `rg` put where @vscode/ripgrep looks (its install script then has nothing to do), and the native
// modules (node-pty, kerberos, spdlog, argon2, …) built against the local Node headers
// (/usr/include/node). Needs a C++ tool chain and Debian's libkrb5-dev and ripgrep (.ci/run).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const RIPGREP = '/usr/bin/rg';
export const CHROMIUM = '/usr/bin/chromium';
const NODE_HEADERS = '/usr/include/node';

/** What this machine lacks to install and drive code-server, or undefined when nothing. */
export function missingPrerequisite(): string | undefined {
  if (process.env.MQL_E2E_CODE_SERVER === '0') return 'MQL_E2E_CODE_SERVER=0 is set';
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (Debian: apt-get install chromium)`;
  if (!existsSync(RIPGREP)) return `${RIPGREP} is not installed (Debian: apt-get install ripgrep)`;
  if (!existsSync(NODE_HEADERS)) return `Node's headers are not in ${NODE_HEADERS} (needed to build code-server's native modules)`;
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h')) return 'libkrb5-dev is not installed (Debian: apt-get install libkrb5-dev)';
  return undefined;
}

/** Installs code-server under `cacheDir` unless done before; returns the path of its entry point. */
export function ensureCodeServer(cacheDir: string, log: (line: string) => void): string {
  const root = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(root, 'node_modules/code-server/out/node/entry.js');
  const stamp = path.join(root, '.installed');
  if (existsSync(stamp)) return entry;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'package.json'), '{ "name": "mql-e2e-code-server", "private": true }\n');
  const vscode = path.join(root, 'node_modules/code-server/lib/vscode');
  const steps: [string, string, string[]][] = [
    ['code-server itself, scripts off', root, ['install', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`]],
    ['its argon2 module', root, ['rebuild', 'argon2']],
    ["VS Code's modules, scripts off", vscode, ['install', '--omit=dev', '--ignore-scripts']],
  ];
  for (const step of steps) npm(log, ...step);
  // @vscode/ripgrep's install script exits early when its bin/ folder exists.
  mkdirSync(path.join(vscode, 'node_modules/@vscode/ripgrep/bin'), { recursive: true });
  symlinkSync(RIPGREP, path.join(vscode, 'node_modules/@vscode/ripgrep/bin/rg'));
  npm(log, "VS Code's native modules", vscode, ['rebuild', '--omit=dev']);
  // The links code-server's postinstall.sh makes.
  symlinkSync('node_modules', path.join(vscode, 'node_modules.asar'));
  symlinkSync('code-linux.sh', path.join(vscode, 'bin/remote-cli/code-server'));
  symlinkSync('browser-linux.sh', path.join(vscode, 'bin/helpers/browser.sh'));
  npm(log, "the built-in extensions' modules", path.join(vscode, 'extensions'), ['install', '--omit=dev']);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return entry;
}

function npm(log: (line: string) => void, what: string, cwd: string, args: string[]): void {
  log(`code-server: installing ${what} (npm ${args.join(' ')})`);
  const env = { ...process.env, npm_config_nodedir: '/usr', npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  const run = spawnSync('npm', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} in ${cwd} failed (${run.status}):\n${(run.stderr ?? '').slice(-4000)}`);
}

export interface RunningCodeServer {
  url: string;
  process: ChildProcess;
  stop(): void;
}

/**
 * Installs the extension (.vsix) and starts code-server on a free local port, without
 * authentication, with its own user data, extensions and configuration folders under `home`.
 */
export async function startCodeServer(entry: string, home: string, vsix: string, settings: Record<string, unknown>): Promise<RunningCodeServer> {
  const userData = path.join(home, 'user-data');
  const extensions = path.join(home, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(settings, null, 2));
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data') };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  const install = spawnSync(process.execPath, [entry, ...common, '--install-extension', vsix], { env, encoding: 'utf8' });
  if (install.status !== 0 || !/successfully installed/.test(install.stdout)) {
    throw new Error(`code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`);
  }
  const port = await freePort();
  const args = [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  while (!output.includes('HTTP server listening')) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
    if (Date.now() - started > 60_000) throw new Error(`code-server did not start within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url: `http://127.0.0.1:${port}`, process: child, stop: () => child.kill('SIGTERM') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
