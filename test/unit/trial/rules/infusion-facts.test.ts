import type { Resource } from '@medplum/fhirtypes';
import type { SearchParameterRegistry } from '../../../../src/fhir/conformance/search-parameter-registry';
import type { IndexedParameter, ResourceReader, SearchQuery, SearchResult } from '../../../../src/store/repository';
import { idIn, InfusionFacts, studyIdOf } from '../../../../src/trial/rules/infusion-facts';

const registry = {
  get: (resourceType: string, code: string): IndexedParameter => ({ resourceType, code, type: 'reference', expression: `${resourceType}.${code}` }),
} as unknown as SearchParameterRegistry;

/** A reader whose searches answer `pages` of resources in turn, by cursor, and remember the queries. */
function pagedReader(pages: Resource[][]): { reader: ResourceReader; queries: SearchQuery[] } {
  const queries: SearchQuery[] = [];
  const search = async (query: SearchQuery): Promise<SearchResult> => {
    queries.push(query);
    const index = query.cursor ? Number(query.cursor) : 0;
    return { resources: pages[index] ?? [], nextCursor: index + 1 < pages.length ? String(index + 1) : undefined };
  };
  return { reader: { search } as unknown as ResourceReader, queries };
}

const event = (id: string): Resource => ({ resourceType: 'AdverseEvent', id, subject: { reference: 'Patient/p' }, actuality: 'actual' });

describe('InfusionFacts', () => {
  test('when the study\'s adverse events fill several pages, then every page is read, and an event found twice counts once', async () => {
    const { reader, queries } = pagedReader([[event('a'), event('b')], [event('c')]]);
    const events = await new InfusionFacts(registry).adverseEvents(reader, 'p', 's');
    expect(events.map((e) => e.id).sort()).toEqual(['a', 'b', 'c']);
    expect(queries.map((q) => q.cursor)).toEqual([undefined, '1', undefined, '1']);
  });

  test('when a reference names a type, then its id is read; a study extension without one is told apart from none', () => {
    expect(idIn('ResearchStudy/abc', 'ResearchStudy')).toBe('abc');
    expect(idIn('http://localhost/fhir/ResearchStudy/abc/_history/2', 'ResearchStudy')).toBe('abc');
    expect(idIn('Patient/abc', 'ResearchStudy')).toBeUndefined();
    const url = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
    expect(studyIdOf({ resourceType: 'Observation', extension: [{ url, valueReference: { reference: 'ResearchStudy/s' } }] } as Resource)).toBe('s');
    expect(studyIdOf({ resourceType: 'Observation', extension: [{ url, valueReference: { display: 'a study' } }] } as Resource)).toBe('');
    expect(studyIdOf({ resourceType: 'Observation' } as Resource)).toBeUndefined();
  });
});
