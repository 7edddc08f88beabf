import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource, ResearchSubject, StructureDefinition } from '@medplum/fhirtypes';
import { createValidator, type ValidationIssue } from '../../../src/fhir/validation';
import { ADVERSE_EVENT_CASES } from './cases-adverse-event';
import { OBSERVATION_CASES } from './cases-observation';
import { PARTICIPANT_CASES } from './cases-participant';
import { PLAN_DEFINITION_CASES } from './cases-plan-definition';
import { RESEARCH_STUDY_CASES, RESEARCH_STUDY_STILL_VALID } from './cases-research-study';
import { breaking, type ProfileCase } from './profile-case';

/**
 * The project's profiles (profiles/fsh, compiled into profiles/) against their examples: every example
 * validates without error, and each negative case (one constraint broken) fails with its error at
 * its location. The examples' meta.profile names the profile, so validate() checks it.
 */
const PROFILES_DIR = path.resolve(__dirname, '..', '..', '..', 'profiles');

function readFolder(folder: string): Resource[] {
  const dir = path.join(PROFILES_DIR, folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Resource);
}

function example(name: string): Resource {
  return JSON.parse(readFileSync(path.join(PROFILES_DIR, 'examples', `${name}.json`), 'utf8')) as Resource;
}

const validator = createValidator();
validator.register([...readFolder('code-systems'), ...readFolder('value-sets'), ...readFolder('structure-definitions')]);

const errorsOf = (resource: Resource): ValidationIssue[] =>
  validator.validate(resource).filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
const warningsOf = (resource: Resource): ValidationIssue[] => validator.validate(resource).filter((issue) => issue.severity === 'warning');
const show = (issues: ValidationIssue[]): string =>
  issues.map((i) => `${i.expression[0]}: ${i.diagnostics}`).join('\n') || '(no error)';

/** The profiles an example claims, its contained resources' included (the infusion product). */
function exampleProfiles(resource: Resource): string[] {
  const contained = 'contained' in resource ? (resource.contained ?? []) : [];
  return [resource, ...contained].flatMap((r) => r.meta?.profile ?? []);
}

const EXAMPLES = readdirSync(path.join(PROFILES_DIR, 'examples'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length));

/** Variants of the examples that the profiles must still accept (the constraints are not too strict). */
const STILL_VALID: ProfileCase[] = [
  breaking<ResearchSubject>('ResearchSubject-synthetic-subject-1', 'a candidate without arm or consent', (r) => {
    r.status = 'candidate';
    delete r.assignedArm;
    delete r.consent;
  }, 'ResearchSubject', ''),
  ...RESEARCH_STUDY_STILL_VALID,
];

const NEGATIVE_CASES: ProfileCase[] = [
  ...RESEARCH_STUDY_CASES,
  ...PLAN_DEFINITION_CASES,
  ...PARTICIPANT_CASES,
  ...ADVERSE_EVENT_CASES,
  ...OBSERVATION_CASES,
];

function broken(c: ProfileCase): Resource {
  const resource = example(c.example);
  c.breakIt(resource);
  return resource;
}

describe('project profiles', () => {
  test('there is an example for every project profile of a resource', () => {
    const exemplified = new Set(EXAMPLES.flatMap((name) => exampleProfiles(example(name))));
    const missing = readFolder('structure-definitions')
      .filter((sd): sd is StructureDefinition => sd.resourceType === 'StructureDefinition')
      .filter((sd) => sd.kind === 'resource' && sd.derivation === 'constraint' && !sd.abstract)
      .map((sd) => sd.url)
      .filter((url) => !exemplified.has(url));
    expect(missing).toEqual([]);
  });

  test.each(EXAMPLES)('when %s is validated, then it has no error', (name) => {
    const errors = errorsOf(example(name));
    expect(show(errors)).toBe('(no error)');
  });

  test.each(STILL_VALID.map((c) => [c.name, c] as const))('when %s, then it is still valid', (_name, c) => {
    expect(show(errorsOf(broken(c)))).toBe('(no error)');
  });

  describe.each(NEGATIVE_CASES.map((c) => [`${c.example}: ${c.name}`, c] as const))('when %s', (_name, c) => {
    const check = () => {
      const resource = broken(c);
      const issues = c.warning ? warningsOf(resource) : errorsOf(resource);
      const match = issues.find((i) => i.expression[0] === c.expression && i.diagnostics.includes(c.finding));
      expect(match ? 'found' : `expected at ${c.expression} containing "${c.finding}", got:\n${show(issues)}`).toBe('found');
      // A warning leaves the resource valid: the write is accepted.
      if (c.warning) expect(show(errorsOf(resource))).toBe('(no error)');
    };
    if (c.engineGap) {
      test.failing(`then the engine misses it (${c.engineGap})`, check);
    } else {
      test(`then ${c.warning ? 'a warning' : 'an error'} at ${c.expression} reports it`, check);
    }
  });
});
