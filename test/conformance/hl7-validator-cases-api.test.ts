import type { OperationOutcome, Resource, StructureDefinition } from '@medplum/fhirtypes';
import request from 'supertest';
import { SnapshotGenerator } from '../../src/fhir/conformance/snapshot';
import { FHIR_JSON, storeName, useTestApp, type TestApp } from '../helpers/test-app';
import {
  agreementReport,
  differentVerdicts,
  readCaseFile,
  readCaseText,
  readManifest,
  sameCountShare,
  supportingDefinitions,
  type CaseRun,
  type Hl7Case,
} from './hl7-cases';

/**
 * Issue 4, point 6b: every case of HL7's fhir-test-cases through HTTP $validate on one test app,
 * compared with the error counts of HL7's Java reference validator (targets: the same verdict on
 * every run, the same count on at least 90 %). Registering a case's supporting StructureDefinitions
 * straight into the app's validator is setup; what is tested is $validate. A case registers its
 * definitions just before it runs, replacing another case's under the same canonical URL.
 *
 * Each input is sent as it is in its file: as the body (with `profile` in the query string), or,
 * for an input that is a Parameters, as the `resource` of a Parameters body (with `profile` in it).
 */
const ERROR_SEVERITIES = new Set(['error', 'fatal']);

interface Answer {
  status: number;
  errors: string[];
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The type the URL names: the input's resourceType, found in the text even when it does not parse. */
function typeOf(c: Hl7Case, text: string): string {
  return c.inputResourceType ?? /"resourceType"\s*:\s*"([A-Za-z]+)"/.exec(text)?.[1] ?? 'Basic';
}

async function validateOverHttp(t: TestApp, c: Hl7Case, profile?: string): Promise<Answer> {
  const text = readCaseText(c.input);
  const type = typeOf(c, text);
  let url = `/fhir/${type}/$validate`;
  let body = text;
  if (type === 'Parameters' && isJson(text)) {
    const parameter = [{ name: 'resource', resource: JSON.parse(text) as Resource }, ...(profile ? [{ name: 'profile', valueUri: profile }] : [])];
    body = JSON.stringify({ resourceType: 'Parameters', parameter });
  } else if (profile) {
    url += `?profile=${encodeURIComponent(profile)}`;
  }
  const res = await request(t.app).post(url).set('Content-Type', FHIR_JSON).send(body);
  const outcome = res.body as OperationOutcome;
  const errors = (outcome.issue ?? [])
    .filter((i) => ERROR_SEVERITIES.has(i.severity))
    .map((i) => `${i.expression?.[0] ?? '(no expression)'}: ${i.diagnostics}`);
  return { status: res.status, errors };
}

/**
 * The errors of one run: those of the 200 outcome. An input that is not JSON must get 400 from the
 * HTTP layer, one fatal error (as the engine test counts it); any other status is a failure of its own.
 */
function errorsOfAnswer(c: Hl7Case, answer: Answer): string[] {
  if (!isJson(readCaseText(c.input))) {
    return answer.status === 400 ? ['$this: the input is not JSON (HTTP 400)'] : [`HTTP ${answer.status} for an input that is not JSON`, 'expected 400'];
  }
  return answer.status === 200 ? answer.errors : [`HTTP ${answer.status}: ${answer.errors.join('; ')}`];
}

describe(`HL7 validator test cases through $validate over HTTP (${storeName()})`, () => {
  const t = useTestApp();
  const manifest = readManifest();
  const runs: CaseRun[] = [];
  const statuses: { run: string; status: number; json: boolean }[] = [];

  const register = async (generator: SnapshotGenerator, files: readonly string[]): Promise<string[]> => {
    const definitions = await supportingDefinitions(generator, files);
    for (const sd of definitions) {
      t.deps.registries.profiles.register([sd]);
    }
    return definitions.map((sd) => sd.url);
  };

  const run = async (c: Hl7Case, name: string, expected: number, profile?: string) => {
    const answer = await validateOverHttp(t, c, profile);
    const errors = errorsOfAnswer(c, answer);
    statuses.push({ run: name, status: answer.status, json: isJson(readCaseText(c.input)) });
    runs.push({ run: name, expected, actual: errors.length, errors });
  };

  beforeAll(async () => {
    const generator = await SnapshotGenerator.create();
    for (const c of manifest.cases) {
      await register(generator, c.supporting);
      await run(c, `${c.name} (base)`, c.expected.base.errorCount);
      if (c.profile && c.expected.profile) {
        await register(generator, c.profileSupporting ?? []);
        // A profile that cannot be registered is still asked for by its URL: $validate reports it unknown.
        const { url } = readCaseFile(c.profile) as StructureDefinition;
        await register(generator, [c.profile]);
        await run(c, `${c.name} (profile)`, c.expected.profile.errorCount, url);
      }
    }
    console.log(agreementReport('HL7 validator cases through $validate', runs, manifest.cases.length));
  }, 600_000);

  it('when every case of the manifest is sent, then each JSON input answers 200 and the one that is not JSON 400', () => {
    expect(manifest.cases.length).toBe(60);
    expect(runs.length).toBeGreaterThanOrEqual(60);
    expect(statuses.filter((s) => s.status !== (s.json ? 200 : 400))).toEqual([]);
    expect(statuses.filter((s) => !s.json).length).toBe(1);
  });

  it('when the outcomes are compared with the Java validator, then every verdict (errors or none) is the same', () => {
    expect(differentVerdicts(runs)).toEqual([]);
  });

  it('when the outcomes are compared with the Java validator, then at least 90 % of the error counts are the same', () => {
    expect(sameCountShare(runs)).toBeGreaterThanOrEqual(0.9);
  });
});
