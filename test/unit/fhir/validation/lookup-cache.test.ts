import { LookupCache } from '../../../../src/fhir/validation/lookup-cache';
import type { IndexedParameter, ResourceReader, SearchQuery } from '../../../../src/store/repository';

const individual = { resourceType: 'ResearchSubject', code: 'individual', type: 'reference' } as IndexedParameter;
const enrolledQuery = (patient: string): SearchQuery => ({
  resourceType: 'ResearchSubject',
  filters: [{ param: individual, values: [{ value: patient }] }],
  sort: [],
  count: 1,
  offset: 0,
  total: 'none',
});

/** A reader whose exists() answers `answer` and counts the questions that reach it. */
function countingReader(answer = true) {
  const asked: SearchQuery[] = [];
  const reader = { exists: async (query: SearchQuery) => (asked.push(query), answer) } as unknown as ResourceReader;
  return { reader, asked };
}

describe('LookupCache', () => {
  let clock = 0;
  const cache = (ttlMs = 5000, maxAnswers = 100) => new LookupCache(ttlMs, maxAnswers, () => clock);
  beforeEach(() => (clock = 1_000_000));

  it('when the same question is asked twice, then the store is asked once', async () => {
    const { reader, asked } = countingReader();
    const cached = cache().reader(reader);
    expect(await cached.exists(enrolledQuery('Patient/a'))).toBe(true);
    expect(await cached.exists(enrolledQuery('Patient/a'))).toBe(true);
    expect(await cached.exists(enrolledQuery('Patient/b'))).toBe(true);
    expect(asked).toHaveLength(2);
  });

  it('when a transaction writes the searched type, then the answer is forgotten at once and again when it ends', async () => {
    const { reader, asked } = countingReader();
    const lookups = cache();
    const cached = lookups.reader(reader);
    await cached.exists(enrolledQuery('Patient/a'));
    lookups.writeBegins('ResearchSubject');
    await cached.exists(enrolledQuery('Patient/a'));
    await cached.exists(enrolledQuery('Patient/a'));
    expect(asked).toHaveLength(3); // not kept while the writer is open: it may see unsent or uncommitted writes
    lookups.writeEnds('ResearchSubject');
    await cached.exists(enrolledQuery('Patient/a'));
    await cached.exists(enrolledQuery('Patient/a'));
    expect(asked).toHaveLength(4);
  });

  it('when a write of another type happens, then the answer stays', async () => {
    const { reader, asked } = countingReader();
    const lookups = cache();
    const cached = lookups.reader(reader);
    await cached.exists(enrolledQuery('Patient/a'));
    lookups.writeBegins('Observation');
    lookups.writeEnds('Observation');
    await cached.exists(enrolledQuery('Patient/a'));
    expect(asked).toHaveLength(1);
  });

  it('when a write of the type begins and ends while the question is in flight, then its answer is not kept', async () => {
    let release!: (answer: boolean) => void;
    const asked: SearchQuery[] = [];
    const reader = { exists: (query: SearchQuery) => (asked.push(query), new Promise<boolean>((r) => (release = r))) } as unknown as ResourceReader;
    const lookups = cache();
    const cached = lookups.reader(reader);
    const first = cached.exists(enrolledQuery('Patient/a'));
    lookups.writeBegins('ResearchSubject');
    lookups.writeEnds('ResearchSubject');
    release(false);
    expect(await first).toBe(false);
    const second = cached.exists(enrolledQuery('Patient/a'));
    release(true);
    expect(await second).toBe(true);
    expect(asked).toHaveLength(2);
  });

  it('when the time to live has passed, then the store is asked again', async () => {
    const { reader, asked } = countingReader();
    const cached = cache(5000).reader(reader);
    await cached.exists(enrolledQuery('Patient/a'));
    clock += 4999;
    await cached.exists(enrolledQuery('Patient/a'));
    expect(asked).toHaveLength(1);
    clock += 1;
    await cached.exists(enrolledQuery('Patient/a'));
    expect(asked).toHaveLength(2);
  });

  it('when the time to live is 0, then every question reaches the store', async () => {
    const { reader, asked } = countingReader();
    const cached = cache(0).reader(reader);
    await cached.exists(enrolledQuery('Patient/a'));
    await cached.exists(enrolledQuery('Patient/a'));
    expect(asked).toHaveLength(2);
  });

  it('when a question has a chain (it depends on writes of other types), then it is never answered from memory', async () => {
    const { reader, asked } = countingReader();
    const cached = cache().reader(reader);
    const chained: SearchQuery = {
      ...enrolledQuery('Patient/a'),
      filters: [{ kind: 'chain', reference: individual, targets: [{ resourceType: 'Patient', filter: { param: '_id', values: [{ value: 'a' }] } }] }],
    };
    await cached.exists(chained);
    await cached.exists(chained);
    expect(asked).toHaveLength(2);
  });

  it('when more answers are kept than allowed, then the oldest is dropped', async () => {
    const { reader, asked } = countingReader();
    const cached = cache(5000, 2).reader(reader);
    for (const p of ['a', 'b', 'c']) await cached.exists(enrolledQuery(`Patient/${p}`));
    await cached.exists(enrolledQuery('Patient/c'));
    await cached.exists(enrolledQuery('Patient/b'));
    expect(asked).toHaveLength(3);
    await cached.exists(enrolledQuery('Patient/a'));
    expect(asked).toHaveLength(4);
  });
});
