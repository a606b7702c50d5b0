// A throw-away PostgreSQL server for the differential tests: the Debian `postgresql` package's
// binaries (`.ci/run` installs it), a cluster in a temporary directory, listening only on a Unix
// socket in that directory (so no TCP port can clash), stopped and deleted afterwards. initdb
// refuses to run as root, so as root the cluster belongs to the `postgres` user (runuser).
// When it cannot be started, `reason` says why and the tests print it and skip.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PgClient } from './engines.js';

export type Server = { ok: true; client: PgClient; stop(): Promise<void> } | { ok: false; reason: string };

function findBin(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config on PATH: look where Debian puts the server
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0]!, 'bin') : undefined;
}

export async function startServer(): Promise<Server> {
  const bin = findBin();
  if (bin === undefined) return { ok: false, reason: 'no PostgreSQL server binaries (install the Debian package `postgresql`; .ci/run does)' };
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'mql-pg-'));
  const data = path.join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    execFileSync(file, argv, { stdio: 'pipe', timeout: 120_000 });
  };
  try {
    if (asRoot) {
      chmodSync(dir, 0o777);
      execFileSync('chown', ['postgres', dir]);
    }
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'mql', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    run('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', path.join(dir, 'log'), '-o', `-k ${dir} -c listen_addresses= -c fsync=off -p 54329`, 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    return { ok: false, reason: `could not start PostgreSQL from ${bin}: ${detail.split('\n')[0]}` };
  }
  const client = new pg.Client({ host: dir, port: 54329, user: 'mql', database: 'postgres' });
  // Timestamps and doubles as the other engines return them.
  await client.connect();
  return {
    ok: true,
    client: {
      query: async (sql, params) => ({ rows: (await client.query(sql, params as unknown[])).rows as Record<string, unknown>[] }),
      load: async (table, columns, rows) => {
        // The rows as one JSON parameter (the pg client has no COPY stream of its own).
        const json = JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]]))));
        await client.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [json]);
      },
      close: async () => {
        await client.end();
      },
    },
    stop: async () => {
      await client.end().catch(() => undefined);
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
