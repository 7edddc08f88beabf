import { mkdir, open, rm, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export type OutputKind = 'output' | 'deleted' | 'error';

/** One NDJSON file of an export, as the job's progress records it (what is known to be on disk). */
export interface OutputFile {
  kind: OutputKind;
  /** The resource type its lines are (Bundle for deletions, OperationOutcome for errors)... */
  type: string;
  /** ...and, for output and deletions, the type it reports on (the file's name says it). */
  of: string;
  name: string;
  count: number;
  bytes: number;
}

/**
 * The NDJSON files of one export job, in its own directory: one series per kind and type, a new file
 * every `maxPerFile` lines so that no file outgrows what a client downloads at once. Appends page by
 * page, so memory holds one page; `files` tells what is written, and `resume` cuts each file back to
 * what a saved progress recorded, so a job taken over after a crash writes every line exactly once.
 */
export class NdjsonOutput {
  private readonly open = new Map<string, { file: OutputFile; handle: FileHandle }>();

  constructor(
    readonly dir: string,
    private readonly maxPerFile: number,
    private readonly recorded: OutputFile[] = [],
  ) {}

  /** The files as written so far (copies: the caller may keep them in progress). */
  get files(): OutputFile[] {
    return this.recorded.map((f) => ({ ...f }));
  }

  /** Creates the directory, or cuts the files a previous attempt wrote back to their recorded size. */
  async prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const file of this.recorded) await truncate(path.join(this.dir, file.name), file.bytes).catch(missingIsEmpty);
  }

  async append(kind: OutputKind, of: string, lines: readonly string[]): Promise<void> {
    let start = 0;
    while (start < lines.length) {
      const current = await this.current(kind, of);
      const room = this.maxPerFile - current.file.count;
      const batch = lines.slice(start, start + room);
      const text = `${batch.join('\n')}\n`;
      await current.handle.write(text);
      current.file.count += batch.length;
      current.file.bytes += Buffer.byteLength(text);
      start += batch.length;
    }
  }

  /** Makes what was appended durable, so that the progress about to be saved is true after a crash. */
  async sync(): Promise<void> {
    for (const { handle } of this.open.values()) await handle.datasync();
  }

  async close(): Promise<void> {
    for (const { handle } of this.open.values()) await handle.close();
    this.open.clear();
  }

  /** Removes the job's directory and everything in it. */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async current(kind: OutputKind, of: string): Promise<{ file: OutputFile; handle: FileHandle }> {
    const key = `${kind}/${of}`;
    const held = this.open.get(key);
    if (held && held.file.count < this.maxPerFile) return held;
    if (held) await held.handle.close();
    const series = this.recorded.filter((f) => f.kind === kind && f.of === of);
    const last = series[series.length - 1];
    const continued = last !== undefined && last.count < this.maxPerFile;
    const file = continued ? last : this.newFile(kind, of, series.length + 1);
    // A new file starts empty, even if an attempt that saved no progress after creating it left lines there.
    const handle = await open(path.join(this.dir, file.name), continued ? 'a' : 'w');
    const opened = { file, handle };
    this.open.set(key, opened);
    return opened;
  }

  private newFile(kind: OutputKind, of: string, n: number): OutputFile {
    const type = kind === 'output' ? of : kind === 'deleted' ? 'Bundle' : 'OperationOutcome';
    const name = kind === 'output' ? `${of}.${n}.ndjson` : `${of}.${kind}.${n}.ndjson`;
    const file: OutputFile = { kind, type, of, name, count: 0, bytes: 0 };
    this.recorded.push(file);
    return file;
  }
}

function missingIsEmpty(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
