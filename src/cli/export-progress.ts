import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { JobProgress } from './bulk-client';

/** What `npm run export` shows while the job runs and while its files come down. */
export interface ExportProgress {
  /** The server's X-Progress, at each poll. */
  job(progress: JobProgress): void;
  /** The manifest came: `resources` is the sum of its counts (undefined when the server gave none). */
  downloading(files: number, resources: number | undefined): void;
  /** Bytes and resources of one chunk received. */
  data(bytes: number, resources: number): void;
  /** One file is on disk. */
  fileDone(path: string, resources: number): void;
  stop(): void;
}

/** Two cli-progress bars on a terminal: the job's percentage, then resources (and bytes) received. */
export function terminalProgress(stream: NodeJS.WriteStream): ExportProgress {
  const bars = new MultiBar({ stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 }, Presets.shades_classic);
  let job: SingleBar | undefined;
  let download: SingleBar | undefined;
  let bytes = 0;
  let resources = 0;
  return {
    job({ text, percent }) {
      job ??= bars.create(100, 0, { text }, { format: 'export   |{bar}| {percentage}% | {text}' });
      if (percent === undefined) job.update({ text });
      else job.update(percent, { text });
    },
    downloading(files, total) {
      job?.update(100, { text: 'done' });
      const format = total === undefined ? 'download | {resources} resources | {mb} MB | {files} files' : 'download |{bar}| {percentage}% | {value}/{total} resources | {mb} MB | ETA {eta_formatted}';
      download = bars.create(total ?? 0, 0, { resources: 0, mb: '0.0', files }, { format });
    },
    data(chunkBytes, chunkResources) {
      bytes += chunkBytes;
      resources += chunkResources;
      download?.update(resources, { resources, mb: (bytes / 1e6).toFixed(1) });
    },
    fileDone() {},
    stop() {
      bars.stop();
    },
  };
}

/** Plain lines for a log or a pipe: X-Progress when it changes, then one line per file. */
export function lineProgress(write: (text: string) => void): ExportProgress {
  let last = '';
  return {
    job({ text }) {
      if (text !== last) write(`export: ${text}\n`);
      last = text;
    },
    downloading(files, total) {
      write(`export: done; downloading ${files} file(s)${total === undefined ? '' : `, ${total} resources`}\n`);
    },
    data() {},
    fileDone(path, resources) {
      write(`  ${path}: ${resources} resources\n`);
    },
    stop() {},
  };
}
