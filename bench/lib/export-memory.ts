import fs from 'node:fs';
import { sleep } from './net';

/**
 * The server's memory as Linux reports it (/proc/<pid>/status): VmRSS, the resident set now, and
 * VmHWM, its high-water mark. Sampling VmRSS every ~100 ms can miss a spike between samples; VmHWM
 * cannot, once reset (clear_refs) just before the measured phase.
 */

export interface MemoryNow {
  rssMb: number;
  hwmMb: number;
}

export function memoryOf(pid: number): MemoryNow | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    return Number.isFinite(rss) && Number.isFinite(hwm) ? { rssMb: rss / 1024, hwmMb: hwm / 1024 } : undefined;
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux 4.0+); false when not allowed. */
export function resetHighWaterMark(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The median VmRSS over `seconds` of sampling every 100 ms: the server's idle footprint. */
export async function idleRss(pid: number, seconds: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < seconds * 10; i++) {
    const now = memoryOf(pid);
    if (now) samples.push(now.rssMb);
    await sleep(100);
  }
  if (samples.length === 0) throw new Error(`cannot read /proc/${pid}/status`);
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export interface MemoryPeak {
  /** Highest VmRSS sampled. */
  peakRssMb: number;
  /** VmHWM at the end: the true peak since the last reset. */
  hwmMb: number;
  /** Whether VmHWM was reset at the start (else it may be older than the phase). */
  hwmReset: boolean;
  samples: number;
}

/** Samples VmRSS every `everyMs` until the returned stop(); resets VmHWM first when allowed. */
export function sampleMemory(pid: number, everyMs = 100): () => MemoryPeak {
  const hwmReset = resetHighWaterMark(pid);
  let peakRssMb = 0;
  let samples = 0;
  const take = () => {
    const now = memoryOf(pid);
    if (!now) return;
    samples++;
    peakRssMb = Math.max(peakRssMb, now.rssMb);
  };
  take();
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    take();
    return { peakRssMb, hwmMb: memoryOf(pid)?.hwmMb ?? Number.NaN, hwmReset, samples };
  };
}
