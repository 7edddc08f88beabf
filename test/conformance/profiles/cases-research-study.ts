import type { ResearchStudy } from '@medplum/fhirtypes';
import { breaking, dropExtension, warning, DOSE_PER_KG, extensionOf, OUTCOME_MEASURE, STROMA_SD, type ProfileCase } from './profile-case';

/** NCT04356287's ResearchStudy (examples/nct04356287-study.fsh), each constraint broken once. */
const study = (name: string, breakIt: (r: ResearchStudy) => void, expression: string, finding: string): ProfileCase =>
  breaking<ResearchStudy>('ResearchStudy-nct04356287', name, breakIt, expression, finding);

const RS = 'ResearchStudy';
const firstOutcome = (r: ResearchStudy) => extensionOf(r, OUTCOME_MEASURE);
const interventionModel = (code: string) => ({
  url: `${STROMA_SD}study-intervention-model`,
  extension: [
    { url: 'model', valueCodeableConcept: { coding: [{ system: 'https://stroma-fhir.org/fhir/CodeSystem/ctgov-intervention-model', code }] } },
    { url: 'description', valueMarkdown: 'Three successive blocks of six.' },
  ],
});
const scheme = (r: ResearchStudy) => extensionOf(r, `${STROMA_SD}randomization-scheme`);

/**
 * What a ClinicalTrials.gov v2 record may lack and the study profile therefore accepts (see
 * research-study.fsh): the rule that needs the missing part refuses instead.
 */
export const RESEARCH_STUDY_STILL_VALID: ProfileCase[] = [
  study('a condition in text only', (r) => delete r.condition![0].coding, RS, ''),
  study('no protocol', (r) => delete r.protocol, RS, ''),
  study('an arm plan as protocol beside the visit schedule', (r) => r.protocol!.push({ reference: 'PlanDefinition/arm-plan' }), RS, ''),
  study('no allocation', (r) => dropExtension(r, `${STROMA_SD}study-allocation`), RS, ''),
  study('no masking', (r) => dropExtension(r, `${STROMA_SD}study-masking`), RS, ''),
  study('a parallel intervention model with its description', (r) => r.extension!.push(interventionModel('PARALLEL')), RS, ''),
  study('no outcome measure', (r) => dropExtension(r, OUTCOME_MEASURE), RS, ''),
];

export const RESEARCH_STUDY_CASES: ProfileCase[] = [
  study('no identifier at all', (r) => delete r.identifier, RS, 'ResearchStudy.identifier: minimum required'),
  study('no NCT identifier (another system)', (r) => (r.identifier![0].system = 'http://clinicaltrials.gov'), RS, "Slice 'ResearchStudy.identifier:nct': a matching slice is required"),
  study('an NCT number of the wrong shape', (r) => (r.identifier![0].value = '04356287'), `${RS}.identifier[0]`, 'stroma-nct-format'),
  study('an NCT identifier without value', (r) => delete r.identifier![0].value, `${RS}.identifier[0]`, 'minimum required'),
  study('no title', (r) => delete r.title, RS, 'ResearchStudy.title: minimum required'),
  study('no phase', (r) => delete r.phase, RS, 'ResearchStudy.phase: minimum required'),
  study('no primary purpose', (r) => delete r.primaryPurposeType, RS, 'ResearchStudy.primaryPurposeType: minimum required'),
  study('no condition', (r) => delete r.condition, RS, 'ResearchStudy.condition: minimum required'),
  study('a condition neither coded nor named', (r) => (r.condition = [{ id: 'unnamed' }]), `${RS}.condition[0]`, 'stroma-condition-named'),
  study('no arm', (r) => delete r.arm, RS, 'ResearchStudy.arm: minimum required'),
  study('an arm without type', (r) => delete r.arm![0].type, `${RS}.arm[0]`, 'ResearchStudy.arm.type: minimum required'),
  study('an arm type outside the arm types', (r) => (r.arm![0].type!.coding![0].code = 'bogus'), `${RS}.arm[0].type`, 'research-study-arm-type'),
  study('an arm without description', (r) => delete r.arm![0].description, `${RS}.arm[0]`, 'ResearchStudy.arm.description: minimum required'),
  warning(study('an experimental arm without dose per kg', (r) => dropExtension(r.arm![0], DOSE_PER_KG), `${RS}.arm[0]`, 'stroma-experimental-arm-dose')),
  study('a placebo arm with a dose per kg', (r) => (r.arm![1].extension = r.arm![0].extension), `${RS}.arm[1]`, 'stroma-arm-dose'),
  study('two arms with one name', (r) => (r.arm![2].name = r.arm![0].name), RS, 'stroma-arm-names-unique'),
  warning(study('no objective', (r) => delete r.objective, RS, 'stroma-primary-objective')),
  study('an objective without type', (r) => delete r.objective![1].type, `${RS}.objective[1]`, 'ResearchStudy.objective.type: minimum required'),
  study('an objective without name', (r) => delete r.objective![0].name, `${RS}.objective[0]`, 'ResearchStudy.objective.name: minimum required'),
  warning(study('no primary objective', (r) => (r.objective![0].type!.coding![0].code = 'secondary'), RS, 'stroma-primary-objective')),
  study('no enrollment Group', (r) => delete r.enrollment, RS, 'ResearchStudy.enrollment: minimum required'),
  study('no sponsor', (r) => delete r.sponsor, RS, 'ResearchStudy.sponsor: minimum required'),
  study('no site', (r) => delete r.site, RS, 'ResearchStudy.site: minimum required'),
  study('a period without start', (r) => (r.period = { end: '2027-01-01' }), `${RS}.period`, 'ResearchStudy.period.start: minimum required'),
  study('a protocol that is not a PlanDefinition', (r) => (r.protocol = [{ reference: 'Group/x' }]), `${RS}.protocol[0]`, 'is not a valid Target'),
  study('an allocation outside ClinicalTrials.gov values', (r) => (extensionOf(r, `${STROMA_SD}study-allocation`).valueCodeableConcept!.coding![0].code = 'RANDOM'), `${RS}.extension[0].value.ofType(CodeableConcept)`, 'ctgov-allocation'),
  study('an intervention model outside ClinicalTrials.gov values', (r) => r.extension!.push(interventionModel('RANDOM_WALK')), `${RS}.extension[5].extension[0].value.ofType(CodeableConcept)`, 'ctgov-intervention-model'),
  warning(study('randomized without a scheme', (r) => dropExtension(r, `${STROMA_SD}randomization-scheme`), RS, 'stroma-randomized-has-scheme')),
  study('a scheme weighting an arm the study lacks', (r) => (extensionOf(scheme(r), 'armWeight').extension![0].valueString = 'Placebo'), RS, 'stroma-scheme-arms-exist'),
  study('a scheme without block size', (r) => (scheme(r).extension = scheme(r).extension!.filter((e) => e.url !== 'blockSize')), `${RS}.extension[2]`, "Slice 'Extension.extension:blockSize': a matching slice is required"),
  study('an arm weight without weight', (r) => (extensionOf(scheme(r), 'armWeight').extension!.pop()), `${RS}.extension[2].extension[1]`, "Slice 'Extension.extension.extension:weight': a matching slice is required"),
  study('an outcome measure without time frame', (r) => (firstOutcome(r).extension = firstOutcome(r).extension!.filter((e) => !e.url.includes('outcome-time-frame'))), `${RS}.extension[3]`, "Slice 'ResearchStudy.extension.extension:timeFrame': a matching slice is required"),
  study('an outcome measure without name', (r) => (firstOutcome(r).extension = firstOutcome(r).extension!.filter((e) => e.url !== 'name')), `${RS}.extension[3]`, "Slice 'ResearchStudy.extension.extension:name': a matching slice is required"),
  study('an outcome measure without primary/secondary', (r) => (firstOutcome(r).extension = firstOutcome(r).extension!.filter((e) => e.url !== 'type')), `${RS}.extension[3]`, "Slice 'ResearchStudy.extension.extension:type': a matching slice is required"),
];
