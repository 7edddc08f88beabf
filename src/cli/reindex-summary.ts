/** The command line of npm run reindex. */
export interface ReindexArgs {
  types: string[];
  batchSize?: number;
  restart: boolean;
  url?: string;
}

/** What a reindex run did, from the store (local run) or from the server's $reindex answer. */
export interface ReindexSummary {
  done: number;
  total: number;
  resumed: boolean;
  finished: boolean;
  completed: string[];
  incomplete: string[];
}

export function printSummary(summary: ReindexSummary): void {
  const lines: string[] = [];
  const resumed = summary.resumed ? ' (resuming an interrupted run)' : '';
  if (summary.finished) {
    lines.push(`Reindexed ${summary.done} of ${summary.total} resources${resumed}.`);
  } else {
    lines.push(`Interrupted after ${summary.done} of ${summary.total} resources${resumed}; run the same command again to resume.`);
  }
  if (summary.completed.length > 0) lines.push(`Searchable now: ${summary.completed.join(', ')}`);
  if (summary.incomplete.length > 0) lines.push(`Still not searchable (reindex their types): ${summary.incomplete.join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
