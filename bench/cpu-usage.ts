/**
 * CPU used while a benchmark step ran, to tell a slow model from a busy machine: the CPU seconds
 * of this process and of every child it has waited for (dbt shards, the plan's parse: Linux's
 * cutime + cstime in /proc/self/stat), and how busy the whole machine was (/proc/stat).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const TICKS = 100; // USER_HZ: 100 on every Linux the project runs on

interface Snapshot {
  own: number;
  children: number;
  busy: number;
  total: number;
}

function snapshot(): Snapshot {
  // the fields after the command name (which may hold spaces) start at field 3
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + cpu[4]!;
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return {
    own: (f[11]! + f[12]!) / TICKS,
    children: (f[13]! + f[14]!) / TICKS,
    busy: (total - idle) / TICKS,
    total: total / TICKS,
  };
}

export interface CpuUsage {
  /** CPU seconds of this process and its waited-for children */
  ours: number;
  /** CPU seconds of everything on the machine */
  machine: number;
  cores: number;
  /** 1-minute load average at the end */
  load: number;
}

export function startCpu(): () => CpuUsage {
  const a = snapshot();
  return () => {
    const b = snapshot();
    return {
      ours: b.own - a.own + b.children - a.children,
      machine: b.busy - a.busy,
      cores: availableParallelism(),
      load: loadavg()[0]!,
    };
  };
}

/** One line: what the step used of the machine, and what the rest of the machine took. */
export function describeCpu(u: CpuUsage, wall: number): string {
  return `CPU ${u.ours.toFixed(1)} s ours of ${u.machine.toFixed(1)} s used on the machine (${u.cores} cores × ${wall.toFixed(1)} s wall = ${(u.cores * wall).toFixed(1)} s; load average ${u.load.toFixed(1)})`;
}
