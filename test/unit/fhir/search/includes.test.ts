import type { Resource } from '@medplum/fhirtypes';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { parseInclude, type IncludeSpec } from '../../../../src/fhir/search/include-params';
import { assembleIncludes } from '../../../../src/fhir/search/includes';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { IncludeQuery, ResourceReader } from '../../../../src/store/repository';

const registries = createRegistries(SEARCHABLE_TYPES);

function spec(name: string, value: string): IncludeSpec {
  const parsed = parseInclude(name, value, registries);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

/**
 * A store whose Observations form an endless has-member chain: obs-N refers to obs-N+1. It answers
 * forward includes only, records every query, and honours exclude and limit like the real one.
 */
function chainStore(): { reader: ResourceReader; queries: IncludeQuery[] } {
  const queries: IncludeQuery[] = [];
  const include = async (query: IncludeQuery): Promise<Resource[]> => {
    queries.push(query);
    const excluded = new Set(query.exclude.map((k) => k.id));
    const next = query.from.map((k) => `obs-${Number(k.id.slice(4)) + 1}`).filter((id) => !excluded.has(id));
    return next.slice(0, query.limit).map((id) => ({ resourceType: 'Observation', id, status: 'final', code: {} }) as Resource);
  };
  return { reader: { include } as unknown as ResourceReader, queries };
}

const match = (n: number): Resource => ({ resourceType: 'Observation', id: `obs-${n}`, status: 'final', code: {} }) as Resource;

describe('assembleIncludes', () => {
  it('when specs are not :iterate, then one query follows them from the matches only', async () => {
    const { reader, queries } = chainStore();
    const included = await assembleIncludes(reader, [match(0), match(10)], [spec('_include', 'Observation:has-member')], registries);
    expect(included).toEqual({ resources: [match(1), match(11)], truncated: false });
    expect(queries).toHaveLength(1);
    expect(queries[0].requests).toEqual([expect.objectContaining({ direction: 'forward', param: expect.objectContaining({ code: 'has-member' }) })]);
    expect(queries[0].exclude.map((k) => k.id)).toEqual(['obs-0', 'obs-10']);
  });

  it('when :iterate does not settle, then it stops after the iteration cap with one query per round', async () => {
    const { reader, queries } = chainStore();
    const limits = { maxIncluded: 1000, maxIterations: 4 };
    const included = await assembleIncludes(reader, [match(0)], [spec('_include:iterate', 'Observation:has-member')], registries, limits);
    expect(included.resources.map((r) => r.id)).toEqual(['obs-1', 'obs-2', 'obs-3', 'obs-4']);
    expect(included.truncated).toBe(true);
    expect(queries).toHaveLength(4);
    expect(queries[3].from.map((k) => k.id)).toEqual(['obs-3']);
  });

  it('when more would be included than the cap, then exactly the cap comes back, marked truncated', async () => {
    const { reader, queries } = chainStore();
    const matches = Array.from({ length: 5 }, (_, i) => match(i * 100));
    const limits = { maxIncluded: 7, maxIterations: 10 };
    const included = await assembleIncludes(reader, matches, [spec('_include:iterate', 'Observation:has-member')], registries, limits);
    expect(included.resources).toHaveLength(7);
    expect(included.truncated).toBe(true);
    expect(queries.map((q) => q.limit)).toEqual([8, 3]);
  });

  it('when no spec applies to the types at hand, then the store is not asked', async () => {
    const { reader, queries } = chainStore();
    const included = await assembleIncludes(reader, [match(0)], [spec('_include', 'Patient:general-practitioner')], registries);
    expect(included).toEqual({ resources: [], truncated: false });
    expect(queries).toHaveLength(0);
  });

  it('when _revinclude=* is asked for Patients, then every reference parameter that may point at a Patient is followed', async () => {
    const queries: IncludeQuery[] = [];
    const reader = { include: async (q: IncludeQuery) => (queries.push(q), []) } as unknown as ResourceReader;
    await assembleIncludes(reader, [{ resourceType: 'Patient', id: 'p' }], [spec('_revinclude', '*')], registries);
    const followed = queries[0].requests.map((r) => `${r.param.resourceType}:${r.param.code}`);
    expect(followed).toEqual(expect.arrayContaining(['Observation:subject', 'Observation:patient', 'Encounter:subject', 'Patient:link']));
    expect(followed).not.toContain('Observation:encounter');
    expect(queries[0].requests.every((r) => r.direction === 'reverse' && r.targetType === 'Patient')).toBe(true);
  });
});
