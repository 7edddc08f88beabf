import { errorsOf } from './validator-fixture';

const patient = (id: string) => ({ resourceType: 'Patient', id, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">p</div>' } });

function transaction(entries: unknown[]) {
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

function post(fullUrl: string, resource: unknown) {
  return { fullUrl, resource, request: { method: 'POST', url: (resource as { resourceType: string }).resourceType } };
}

describe('Bundle checks across entries', () => {
  it('validates each entry resource as the resource it is', () => {
    const bundle = transaction([post('urn:uuid:6b0d9e2e-1c6b-4b43-9a55-1d1d0a0c1a01', { ...patient('a'), gender: 'bogus' })]);
    expect(errorsOf(bundle)[0]).toMatch(/^Bundle\.entry\[0\]\.resource\/\*Patient\/a\*\/\.gender: The value provided \('bogus'\)/);
  });

  it('refuses two entries with the same fullUrl (bdl-7)', () => {
    const url = 'urn:uuid:6b0d9e2e-1c6b-4b43-9a55-1d1d0a0c1a01';
    expect(errorsOf(transaction([post(url, patient('a')), post(url, patient('b'))]))).toEqual([
      "Bundle: Constraint failed: bdl-7: 'FullUrl must be unique in a bundle, or else entries with the same fullUrl must have different meta.versionId (except in history bundles)'",
    ]);
  });

  it('refuses a relative fullUrl, as the Java validator does', () => {
    expect(errorsOf(transaction([post('Patient/a', patient('a'))]))).toEqual(["Bundle.entry[0]: The fullUrl must be an absolute URL (not 'Patient/a')"]);
  });

  it('refuses a urn:uuid reference that names no entry', () => {
    const observation = {
      resourceType: 'Observation',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">o</div>' },
      status: 'final',
      code: { text: 'x' },
      subject: { reference: 'urn:uuid:00000000-0000-0000-0000-000000000000' },
    };
    const errors = errorsOf(transaction([post('urn:uuid:6b0d9e2e-1c6b-4b43-9a55-1d1d0a0c1a01', observation)]));
    expect(errors).toEqual([
      "Bundle.entry[0].resource.subject: Can't find 'urn:uuid:00000000-0000-0000-0000-000000000000' in the bundle",
    ]);
  });

  it('refuses a relative reference that matches several entries, and a version no entry has', () => {
    const observation = (version: string) => ({
      fullUrl: 'http://example.org/Observation/o',
      resource: {
        resourceType: 'Observation',
        id: 'o',
        meta: { versionId: version },
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">o</div>' },
        status: 'final',
        code: { text: 'x' },
      },
    });
    const report = {
      fullUrl: 'http://example.org/DiagnosticReport/r',
      resource: {
        resourceType: 'DiagnosticReport',
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">r</div>' },
        status: 'final',
        code: { text: 'x' },
        result: [{ reference: 'Observation/o' }, { reference: 'Observation/o/_history/1' }, { reference: 'Observation/o/_history/3' }],
      },
    };
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [report, observation('1'), observation('2')] };
    expect(errorsOf(bundle)).toEqual([
      'Bundle.entry[0].resource.result[0]: Multiple matches in bundle for reference Observation/o',
      "Bundle.entry[0].resource.result[2]: Can't find 'Observation/o/_history/3' in the bundle",
    ]);
  });

  it('refuses a link relation given twice', () => {
    const bundle = { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: 'http://a/1' }, { relation: 'self', url: 'http://a/2' }] };
    expect(errorsOf(bundle)).toEqual(["Bundle.link[1]: The link relationship type 'self' can only occur once"]);
  });

  // Its cost (linear in the entries) is measured by `npm run bench:validate`, not timed here: a wall-clock
  // bound in a unit test fails on a loaded CI machine and proves nothing on a fast one.
  it('when 10,000 entries of a transaction all reference the first by urn:uuid, then it validates without error', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) =>
      post(`urn:uuid:00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, {
        ...patient(`p${i}`),
        link: i > 0 ? [{ other: { reference: 'urn:uuid:00000000-0000-0000-0000-000000000000' }, type: 'seealso' }] : undefined,
      }),
    );
    expect(errorsOf(JSON.parse(JSON.stringify(transaction(entries))))).toEqual([]);
  });
});
