import type { PlanDefinition } from '@medplum/fhirtypes';
import { breaking, OFFSET_RANGE, type ProfileCase } from './profile-case';

/** NCT02213705's protocol (the one with a window) and NCT04356287's month 0 visit, each broken once. */
const protocol = (name: string, breakIt: (r: PlanDefinition) => void, expression: string, finding: string): ProfileCase =>
  breaking<PlanDefinition>('PlanDefinition-nct02213705-protocol', name, breakIt, expression, finding);
const visit = (name: string, breakIt: (r: PlanDefinition) => void, expression: string, finding: string): ProfileCase =>
  breaking<PlanDefinition>('PlanDefinition-nct04356287-m0', name, breakIt, expression, finding);

const PD = 'PlanDefinition';
const day10 = (r: PlanDefinition) => r.action![1].relatedAction![0];
const window = (r: PlanDefinition) => day10(r).extension!.find((e) => e.url === OFFSET_RANGE)!.valueRange!;

export const PLAN_DEFINITION_CASES: ProfileCase[] = [
  protocol('a protocol that is not a clinical-protocol', (r) => (r.type!.coding![0].code = 'order-set'), `${PD}.type`, 'pattern'),
  protocol('a protocol without url', (r) => delete r.url, PD, 'PlanDefinition.url: minimum required'),
  protocol('a protocol without title', (r) => delete r.title, PD, 'PlanDefinition.title: minimum required'),
  protocol('a protocol without visits', (r) => delete r.action, PD, 'PlanDefinition.action: minimum required'),
  protocol('a visit without title', (r) => delete r.action![0].title, `${PD}.action[0]`, 'PlanDefinition.action.title: minimum required'),
  protocol('a visit without its visit PlanDefinition', (r) => delete r.action![0].definitionCanonical, `${PD}.action[0]`, 'PlanDefinition.action.definition[x]: minimum required'),
  protocol('a visit by uri instead of canonical', (r) => {
    r.action![0].definitionUri = r.action![0].definitionCanonical;
    delete r.action![0].definitionCanonical;
  }, `${PD}.action[0]`, 'The type of element definitionUri is not known'),
  protocol('two index visits', (r) => delete r.action![1].relatedAction, PD, 'stroma-one-index-visit'),
  protocol('a visit timed from an unknown visit', (r) => (day10(r).actionId = 'd1'), PD, 'stroma-related-action-exists'),
  protocol('a window that excludes the offset', (r) => (window(r).high!.value = 5), `${PD}.action[1].relatedAction[0]`, 'stroma-window-contains-offset'),
  protocol('a window in another unit than the offset', (r) => (window(r).low!.code = 'wk'), `${PD}.action[1].relatedAction[0]`, 'stroma-window-contains-offset'),
  protocol('an offset that is a Range', (r) => {
    day10(r).offsetRange = { low: { value: 0, code: 'd', system: 'http://unitsofmeasure.org' } };
    delete day10(r).offsetDuration;
  }, `${PD}.action[1].relatedAction[0]`, 'The type of element offsetRange is not known'),
  protocol('a window extension without a Range', (r) => (day10(r).extension = [{ url: OFFSET_RANGE, valueString: '0-10 d' }]), `${PD}.action[1].relatedAction[0].extension[0]`, 'valueString'),
  visit('a visit without url', (r) => delete r.url, PD, 'PlanDefinition.url: minimum required'),
  visit('a visit without title', (r) => delete r.title, PD, 'PlanDefinition.title: minimum required'),
  visit('a visit without activities', (r) => delete r.action, PD, 'PlanDefinition.action: minimum required'),
  visit('an activity without title', (r) => delete r.action![0].title, `${PD}.action[0]`, 'PlanDefinition.action.title: minimum required'),
  visit('an arm condition that is not an applicability', (r) => (r.action![1].condition![0].kind = 'start'), `${PD}.action[1].condition[0].kind`, 'applicability'),
  visit('an arm condition not in FHIRPath', (r) => (r.action![1].condition![0].expression!.language = 'text/cql'), `${PD}.action[1].condition[0].expression.language`, 'text/fhirpath'),
];
