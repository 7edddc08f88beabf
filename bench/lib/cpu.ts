import fs from 'node:fs';

/** Linux clock ticks per second for /proc times (USER_HZ; 100 on every mainstream kernel config). */
const TICKS = 100;

interface Snapshot {
  at: number;
  machineBusy: number;
  steal: number;
  serverTicks: number | undefined;
  databaseTicks: number | undefined;
  self: NodeJS.CpuUsage;
}

/** CPU use during a phase, in percent of one core (the machine's ceiling is 100 × cores). */
export interface CpuUse {
  /** The Stroma server process (includes the database itself for PGlite, which runs in-process). */
  server: number | undefined;
  /** The PostgreSQL postmaster and its children (undefined for PGlite or a remote server). */
  database: number | undefined;
  /** This process: autocannon / fetch client. */
  client: number;
  /** Everything else on the machine: background load and kernel time (e.g. loopback softirq). */
  other: number | undefined;
  machine: number | undefined;
  /** Time the hypervisor gave to other guests while we wanted the CPU (a VM being squeezed). */
  steal: number | undefined;
}

/** Measures CPU between start() and the returned stop(); undefined figures where /proc is missing. */
export function cpuMeter(serverPid: number, postmasterPid?: number): () => CpuUse {
  const before = snapshot(serverPid, postmasterPid);
  return () => {
    const after = snapshot(serverPid, postmasterPid);
    const seconds = (after.at - before.at) / 1000;
    const selfMicros = after.self.user + after.self.system - (before.self.user + before.self.system);
    const client = (selfMicros / 1e6 / seconds) * 100;
    const procOk = after.machineBusy >= 0 && before.machineBusy >= 0;
    const machine = procOk ? ((after.machineBusy - before.machineBusy) / TICKS / seconds) * 100 : undefined;
    const steal = procOk ? ((after.steal - before.steal) / TICKS / seconds) * 100 : undefined;
    const server =
      after.serverTicks !== undefined && before.serverTicks !== undefined
        ? ((after.serverTicks - before.serverTicks) / TICKS / seconds) * 100
        : undefined;
    const database =
      after.databaseTicks !== undefined && before.databaseTicks !== undefined
        ? ((after.databaseTicks - before.databaseTicks) / TICKS / seconds) * 100
        : undefined;
    const other =
      machine !== undefined && server !== undefined ? Math.max(0, machine - server - client - (database ?? 0)) : undefined;
    return { server, database, client, other, machine, steal };
  };
}

function snapshot(serverPid: number, postmasterPid: number | undefined): Snapshot {
  const { busy, steal } = machineTicks();
  return {
    at: Date.now(),
    machineBusy: busy,
    steal,
    serverTicks: processTicks(serverPid),
    databaseTicks: postmasterPid === undefined ? undefined : processTreeTicks(postmasterPid),
    self: process.cpuUsage(),
  };
}

function machineTicks(): { busy: number; steal: number } {
  try {
    const first = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const fields = first.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return { busy: user + nice + system + irq + softirq, steal };
  } catch {
    return { busy: -1, steal: -1 };
  }
}

interface ProcStat {
  ppid: number;
  ticks: number;
}

function procStat(pid: number | string): ProcStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it are fixed.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), rest[1] field 4 (ppid); utime is field 14, stime field 15.
    return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return undefined;
  }
}

function processTicks(pid: number): number | undefined {
  return procStat(pid)?.ticks;
}

/** A postmaster and its direct children (backends, walwriter, checkpointer, …). */
function processTreeTicks(rootPid: number): number | undefined {
  const root = procStat(rootPid);
  if (!root) return undefined;
  let ticks = root.ticks;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    if (stat?.ppid === rootPid) ticks += stat.ticks;
  }
  return ticks;
}

/** The parent of a local process (e.g. the postmaster of a backend pid), if /proc shows it. */
export function parentPid(pid: number): number | undefined {
  return procStat(pid)?.ppid;
}
