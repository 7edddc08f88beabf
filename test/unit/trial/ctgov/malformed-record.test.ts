import { CtgovRecordError, ctgovToBundle } from '../../../../src/trial/ctgov/map-record';
import { seedRecord } from './ctgov-fixture';

type Json = Record<string, unknown>;

/** A seed record with one field changed: path is dot-separated, undefined deletes the field. */
function breaking(path: string, value: unknown): Json {
  const record = seedRecord('NCT04356287');
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<Json>((node, key) => node[key] as Json, record);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return record;
}

function errorOf(record: unknown): CtgovRecordError {
  try {
    ctgovToBundle(record);
  } catch (error) {
    if (error instanceof CtgovRecordError) return error;
    throw error;
  }
  throw new Error('the record was accepted');
}

describe('ctgovToBundle: malformed records', () => {
  test.each([
    ['protocolSection.identificationModule.nctId', undefined, 'protocolSection.identificationModule.nctId', 'is missing'],
    ['protocolSection.identificationModule.nctId', 4356287, 'protocolSection.identificationModule.nctId', 'is not a string'],
    ['protocolSection.identificationModule.nctId', 'NCT123', 'protocolSection.identificationModule.nctId', 'NCT + 8 digits'],
    ['protocolSection.identificationModule', undefined, 'protocolSection.identificationModule', 'is missing'],
    ['protocolSection.identificationModule.briefTitle', ['a title'], 'protocolSection.identificationModule.briefTitle', 'is not a string'],
    ['protocolSection.statusModule.overallStatus', 'WITHHELD', 'protocolSection.statusModule.overallStatus', 'WITHHELD'],
    ['protocolSection.designModule.phases', 'PHASE1', 'protocolSection.designModule.phases', 'is not an array'],
    ['protocolSection.designModule.phases', ['PHASE1', 'PHASE3'], 'protocolSection.designModule.phases', 'no FHIR phase'],
    ['protocolSection.designModule.enrollmentInfo.count', '18', 'protocolSection.designModule.enrollmentInfo.count', 'is not a number'],
    ['protocolSection.designModule.designInfo.interventionModel', 'RANDOM_WALK', 'protocolSection.designModule.designInfo.interventionModel', 'unknown value'],
    ['protocolSection.designModule.enrollmentInfo.count', 1.5, 'protocolSection.designModule.enrollmentInfo.count', 'whole number'],
    ['protocolSection.armsInterventionsModule.armGroups', { label: 'x' }, 'protocolSection.armsInterventionsModule.armGroups', 'is not an array'],
    ['protocolSection.eligibilityModule.minimumAge', 'eighteen', 'protocolSection.eligibilityModule.minimumAge', 'is not an age'],
    ['protocolSection.conditionsModule.conditions', [42], 'protocolSection.conditionsModule.conditions[0]', 'is not a string'],
    ['protocolSection.designModule.designInfo.allocation', 'RANDOM', 'protocolSection.designModule.designInfo.allocation', 'unknown value'],
  ])('when %s is %j, then a CtgovRecordError names %s', (path, value, field, problem) => {
    const error = errorOf(breaking(path, value));
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    expect(error.message).toContain(problem);
  });

  test('when an arm has an unknown type, then the error names that arm', () => {
    const record = seedRecord('NCT04356287') as { protocolSection: { armsInterventionsModule: { armGroups: Json[] } } };
    record.protocolSection.armsInterventionsModule.armGroups[1].type = 'PLACEBO';
    expect(errorOf(record).field).toBe('protocolSection.armsInterventionsModule.armGroups[1].type');
  });

  test.each([null, 'NCT04356287', [], {}])('when the record is %j, then it is refused', (record) => {
    expect(() => ctgovToBundle(record)).toThrow(CtgovRecordError);
  });
});
