import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { AccessControl, Requester } from '../fhir/access';
import type { FhirRegistries } from '../fhir/conformance/registries';
import type { PatientCompartment } from '../fhir/patient-compartment';
import { shapeResource } from '../fhir/summary';
import type { Deletion, ExportJob, ExportStore } from '../store/export-store';
import type { ResourceReader } from '../store/repository';
import type { ExportRequest } from './export-request';
import { typeScope } from './export-scope';
import { exportManifest } from './manifest';
import { NdjsonOutput, type OutputFile } from './ndjson-output';
import { FIRST_POSITION, snapshotPages, type SnapshotSource, type TypePosition } from './snapshot-pages';

/** Where a job stands, saved with its lease: a job taken over resumes from here. */
export interface ExportProgress {
  typeIndex: number;
  position: TypePosition;
  files: OutputFile[];
  /** Resources written so far. */
  written: number;
}

export interface ExportRunnerDeps {
  /** The store as the server reads it; each resource then passes the requester's access policy. */
  reader: ResourceReader;
  store: ExportStore;
  registries: FhirRegistries;
  compartment: PatientCompartment;
  accessFor(requester: Requester): AccessControl;
  /** The directory of a job's files. */
  dirOf(jobId: string): string;
  baseUrl: string;
  pageSize: number;
  maxPerFile: number;
  /** How often progress is saved (and the lease renewed). */
  saveEveryMs: number;
  leaseMs: number;
  retentionMs: number;
}

export type RunEnd = 'done' | 'lost' | 'stopped';

/**
 * Runs a claimed job to its end: each type's snapshot pages, through the requester's access policy
 * (hidden resources left out, masks applied) and `_elements`, appended to NDJSON files; progress
 * saved every `saveEveryMs` after the files are synced. `lost` when the job stopped being this
 * holder's (cancelled: its files are removed); `stopped` when `signal` asked it to stop (it can resume).
 */
export async function runExport(job: ExportJob, holder: string, deps: ExportRunnerDeps, signal: AbortSignal): Promise<RunEnd> {
  const request = job.request as unknown as ExportRequest;
  const progress = startingProgress(job);
  const access = deps.accessFor(request.requester);
  const output = new NdjsonOutput(deps.dirOf(job.id), deps.maxPerFile, progress.files);
  await output.prepare();
  const source: SnapshotSource = {
    reader: deps.reader, store: deps.store, registries: deps.registries, access,
    asOf: job.transactionTime, since: request.since, pageSize: deps.pageSize,
  };
  let savedAt = Date.now();
  const save = async (): Promise<boolean> => {
    await output.sync();
    savedAt = Date.now();
    return deps.store.saveProgress(job.id, holder, { ...progress, files: output.files }, deps.leaseMs);
  };
  try {
    for (; progress.typeIndex < request.types.length; progress.typeIndex++, progress.position = FIRST_POSITION) {
      const type = request.types[progress.typeIndex];
      if (await neverStored(deps.reader, type)) continue;
      const scope = typeScope(request, type, deps.registries, deps.compartment, (r) => access.filterRead(r) ?? r);
      for await (const page of readAhead(snapshotPages(source, scope, request.related ?? [], progress.position))) {
        const lines = visibleLines(page.resources, access, elementsFor(type, request.elements));
        await output.append('output', type, lines);
        await output.append('deleted', type, deletionLines(page.deletions, access));
        progress.position = page.next;
        progress.written += lines.length;
        if (signal.aborted) return (await save()) ? 'stopped' : await lost(output);
        if (Date.now() - savedAt >= deps.saveEveryMs && !(await save())) return await lost(output);
      }
    }
    await output.sync();
    const now = Date.now();
    const manifest = exportManifest(job, request, output.files, deps.baseUrl);
    const finished = await deps.store.finish(job.id, holder, manifest, new Date(now + deps.retentionMs).toISOString());
    return finished ? 'done' : await lost(output);
  } finally {
    await output.close();
  }
}

/**
 * A type no resource was ever stored as (most of R4's 140-odd types) has nothing to export: one look at
 * its history spares the passes of every stage, which a system export or a Group export's chunks would
 * otherwise make for each.
 */
async function neverStored(reader: ResourceReader, resourceType: string): Promise<boolean> {
  return (await reader.history({ resourceType, count: 1 })).versions.length === 0;
}

function startingProgress(job: ExportJob): ExportProgress {
  const saved = job.progress as Partial<ExportProgress>;
  if (saved.typeIndex === undefined) return { typeIndex: 0, position: FIRST_POSITION, files: [], written: 0 };
  return saved as ExportProgress;
}

/** The job is no longer ours (cancelled): what it wrote goes. */
async function lost(output: NdjsonOutput): Promise<RunEnd> {
  await output.remove();
  return 'lost';
}

/** Each resource as the requester may see it, shaped by `_elements`, one JSON line each. */
function visibleLines(resources: readonly Resource[], access: AccessControl, elements: string[] | undefined): string[] {
  const lines: string[] = [];
  for (const resource of resources) {
    const seen = access.filterRead(resource);
    if (seen) lines.push(JSON.stringify(elements ? shapeResource(seen, { elements }) : seen));
  }
  return lines;
}

/**
 * Bulk Data IG: each deletion is a transaction Bundle whose entry DELETEs the resource. Named as the
 * requester would know it (a de-identified requester knows a Patient by its pseudonym): the id of the
 * last version as its masks show it, and never a resource it may not see.
 */
function deletionLines(deletions: readonly Deletion[], access: AccessControl): string[] {
  return deletions.flatMap((deletion) => {
    const seen = deletion.before && access.filterRead(deletion.before);
    if (!seen) return [];
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ request: { method: 'DELETE', url: `${seen.resourceType}/${seen.id}` } }],
    };
    return [JSON.stringify(bundle)];
  });
}

/** `_elements` for one type: those named `Type.element` for it and the bare ones; undefined when none apply. */
export function elementsFor(type: string, elements: readonly string[] | undefined): string[] | undefined {
  const applying = (elements ?? []).filter((e) => !e.includes('.') || e.startsWith(`${type}.`));
  return applying.length > 0 ? applying : undefined;
}

/** Reads the next page while the caller writes this one: the database and the files work at once. */
async function* readAhead<T>(pages: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = pages.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = pages.next();
    yield current.value;
  }
}
