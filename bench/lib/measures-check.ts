import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { Client } from 'pg';

/**
 * Whether the loaded data is what the server accepts. bulkCreate stores resources as given, so a few
 * of each type are read back through the server (FHIR read) and judged by its `$validate` (mode
 * update, the stored resource as the update of itself): base R4, meta.profile and the trial profiles
 * the server applies to trial data. Business rules are a write's, not $validate's.
 */

export interface TypeCheck {
  type: string;
  checked: number;
  /** "ResearchSubject/…: Observation.value… : message" for each error issue. */
  problems: string[];
}

const TYPES = ['ResearchStudy', 'Location', 'Group', 'Patient', 'Consent', 'ResearchSubject', 'MedicationAdministration', 'Observation', 'AdverseEvent'];

/** Checks `perType` random resources of each type (ResearchSubjects and AdverseEvents of every status and grade drawn more often). */
export async function checkLoadedResources(origin: string, authorization: string, sql: Client, perType: number): Promise<TypeCheck[]> {
  const out: TypeCheck[] = [];
  for (const type of TYPES) {
    const sample = ['ResearchSubject', 'AdverseEvent'].includes(type) ? perType * 3 : perType;
    const { rows } = await sql.query<{ id: string }>(
      `SELECT id FROM resource WHERE resource_type = $1 AND NOT deleted ORDER BY random() LIMIT $2`,
      [type, sample],
    );
    const check: TypeCheck = { type, checked: 0, problems: [] };
    for (const { id } of rows) {
      const problem = await checkOne(origin, authorization, type, id);
      check.checked++;
      if (problem) check.problems.push(`${type}/${id}: ${problem}`);
    }
    out.push(check);
  }
  return out;
}

async function checkOne(origin: string, authorization: string, type: string, id: string): Promise<string | undefined> {
  const headers = { authorization, accept: 'application/fhir+json' };
  const read = await fetch(`${origin}/fhir/${type}/${id}`, { headers });
  const body = await read.text();
  if (read.status !== 200) return `read answered ${read.status}: ${body.slice(0, 300)}`;
  const resource = JSON.parse(body) as Resource;
  const validated = await fetch(`${origin}/fhir/${type}/${id}/$validate?mode=update`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/fhir+json' },
    body: JSON.stringify(resource),
  });
  const text = await validated.text();
  if (validated.status !== 200) return `$validate answered ${validated.status}: ${text.slice(0, 300)}`;
  const outcome = JSON.parse(text) as OperationOutcome;
  const errors = (outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  return errors.length === 0 ? undefined : errors.map((i) => `${i.expression?.join(',') ?? ''}: ${i.diagnostics ?? i.details?.text ?? i.code}`).join('; ');
}

export interface WriteCheck {
  resources: number;
  /** undefined when the server accepted the transaction. */
  problem?: string;
}

/**
 * The stronger check, run after the timings since it adds subjects: a few more subjects' resources,
 * built as the data set's are, written as one transaction (PUT under their ids) through the server's
 * whole write path: validation and the trial's business rules (enrolment lifecycle and target,
 * infusion visit, product and dose against the body weight, no infusion after a TRSAE, labels).
 */
export async function checkWritePath(origin: string, authorization: string, resources: Resource[]): Promise<WriteCheck> {
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } })),
  };
  const res = await fetch(`${origin}/fhir`, {
    method: 'POST',
    headers: { authorization, accept: 'application/fhir+json', 'content-type': 'application/fhir+json' },
    body: JSON.stringify(bundle),
  });
  const text = await res.text();
  if (res.status === 200) return { resources: resources.length };
  let detail = text.slice(0, 500);
  try {
    const outcome = JSON.parse(text) as OperationOutcome;
    detail = (outcome.issue ?? []).map((i) => `${i.expression?.join(',') ?? ''}: ${i.diagnostics ?? i.code}`).join('; ').slice(0, 800);
  } catch {
    // not JSON
  }
  return { resources: resources.length, problem: `HTTP ${res.status}: ${detail}` };
}
