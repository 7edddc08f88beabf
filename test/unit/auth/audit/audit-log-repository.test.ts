import { toLogQuery } from '../../../../src/auth/audit/audit-log-repository';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';

const registries = createRegistries(SEARCHABLE_TYPES);
const logQuery = (query: [string, string][]) => toLogQuery(parseSearch('AuditEvent', query, registries, true).query);

describe('AuditEvent searches as audit log queries', () => {
  it('when an admin searches by client, resource, activity and outcome, then each becomes its condition', () => {
    expect(logQuery([['altid', 'lab-sender'], ['entity', 'Patient/p1'], ['subtype', 'http://hl7.org/fhir/restful-interaction|read'], ['outcome', '4,8'], ['action', 'R']])).toMatchObject({
      clients: ['lab-sender'], entities: ['Patient/p1'], subtypes: ['read'], outcomes: ['4', '8'], actions: ['R'], newestFirst: false,
    });
  });

  it('when a patient is named by id, then events naming that Patient match', () => {
    expect(logQuery([['patient', 'p1']]).entities).toEqual(['Patient/p1']);
  });

  it('when a day is given, then the whole day counts; prefixes compare its range', () => {
    expect(logQuery([['date', '2026-12-02']]).recorded).toEqual([
      { comparator: 'ge', instant: '2026-12-02T00:00:00.000Z' }, { comparator: 'lt', instant: '2026-12-03T00:00:00.000Z' },
    ]);
    expect(logQuery([['date', 'gt2026-12'], ['date', 'le2026-12-02T10:00:00+01:00']]).recorded).toEqual([
      { comparator: 'ge', instant: '2027-01-01T00:00:00.000Z' }, { comparator: 'lt', instant: '2026-12-02T09:00:01.000Z' },
    ]);
    expect(logQuery([['_lastUpdated', 'lt2026']]).recorded).toEqual([{ comparator: 'lt', instant: '2026-01-01T00:00:00.000Z' }]);
  });

  it('when newest first is asked, then the log is read backwards', () => {
    expect(logQuery([['_sort', '-date']]).newestFirst).toBe(true);
    expect(logQuery([['_sort', '_lastUpdated']]).newestFirst).toBe(false);
  });

  it('when a parameter, modifier, sort or paging the log cannot answer is used, then the search is refused', () => {
    expect(() => logQuery([['agent-name', 'x']])).toThrow(/agent-name is not supported/);
    expect(() => logQuery([['entity:missing', 'true']])).toThrow(/modifier/);
    expect(() => logQuery([['_sort', 'outcome']])).toThrow(/sort by date only/);
    expect(() => logQuery([['_offset', '10']])).toThrow(/next link/);
    expect(() => logQuery([['date', '2026-12-02'], ['date', 'x']])).toThrow();
    expect(() => logQuery([['date', '2026-12-01,2026-12-02']])).toThrow(/one value per date/);
  });
});
