// The machine a benchmark ran on, printed above its tables (numbers mean little without it).

import os from 'node:os';

export function describeMachine(): string[] {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return [
    `CPU:    ${model}, ${cpus.length} logical cores (available parallelism ${os.availableParallelism()})`,
    `Memory: ${gib(os.totalmem())} total, ${gib(os.freemem())} free`,
    `System: ${os.type()} ${os.release()} ${os.arch()}`,
    `Node:   ${process.version} (V8 ${process.versions.v8})`,
  ];
}
