import type { Medication, MedicationAdministration, Observation, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { errors, OperationOutcomeError } from '../../fhir/outcomes';
import type { BusinessRule } from '../../fhir/validation/business-rules';
import type { ResourceReader, ResourceWriter } from '../../store/repository';
import { isBlindedStudy } from '../blinding/blinding-label';
import { armNamed, dosePerKgOf, isPlaceboArm } from '../protocol/study-arms';
import { type InfusedProduct, readVisitSchedule } from '../protocol/visit-schedule';
import { dayOf } from '../protocol/visit-window';
import { checkCellDose, checkProduct, productNameOf, weightInKg } from './infusion-dose';
import { judgeEnrolment } from './infusion-enrolment';
import { BODY_WEIGHT_LOINC, idIn, InfusionFacts, startOf, STUDY_EXTENSION, studyIdOf } from './infusion-facts';
import { type GivenInfusion, matchVisit } from './infusion-visit';
import { studyTrsaes } from './study-trsaes';

const MA = 'MedicationAdministration';
/** Infusions that were not given are records of what did not happen: nothing to hold to the protocol. */
const NOT_GIVEN = new Set(['entered-in-error', 'not-done']);

/** Everything the checks of one infusion work from. */
interface Infusion {
  resource: MedicationAdministration;
  study: ResearchStudy;
  studyLabel: string;
  patientId: string;
  start: string;
  day: string;
}

/**
 * Issue 7 point 4: an infusion of a study product (a MedicationAdministration naming its study with
 * workflow-researchStudy) is refused with 422 business-rule unless the patient is a ResearchSubject of
 * the study, on study at the infusion's date, in an arm whose schedule gives an infusion at a visit whose
 * window holds the date; the product is the one that visit gives the arm; a cell dose is the arm's dose per
 * kg (recorded as such) times the latest body weight, within 10 %; and a second or later infusion follows
 * no treatment-related severe adverse event (TRSAE). Reads go through the write's transaction, so a
 * Bundle that enrols a subject and records the infusion is judged on what it wrote before.
 */
export function infusionChecksRule(registries: FhirRegistries): BusinessRule {
  let facts: InfusionFacts | undefined;
  return {
    name: 'infusion-checks',
    types: [MA],
    async apply(resource, { tx }) {
      facts ??= new InfusionFacts(registries.searchParameters);
      const infusion = await infusionOf(resource as MedicationAdministration, tx, facts);
      if (infusion) await checkInfusion(infusion, tx, facts);
      return resource;
    },
  };
}

/** The infusion with its study, patient and date; undefined when it is no study product's, or was not given. */
async function infusionOf(resource: MedicationAdministration, reader: ResourceReader, facts: InfusionFacts): Promise<Infusion | undefined> {
  const studyId = studyIdOf(resource);
  if (studyId === undefined || NOT_GIVEN.has(resource.status)) return undefined;
  const study = studyId ? await facts.read<ResearchStudy>(reader, 'ResearchStudy', studyId) : undefined;
  if (!study) {
    const named = resource.extension?.find((e) => e.url === STUDY_EXTENSION)?.valueReference?.reference;
    throw errors.businessRule(`the infusion names its study by "${named ?? ''}", which is no stored ResearchStudy`, `${MA}.extension`);
  }
  const patientId = idIn(resource.subject?.reference, 'Patient');
  if (!patientId) throw errors.businessRule('a study infusion is given to a Patient (MedicationAdministration.subject)', `${MA}.subject`);
  const start = startOf(resource);
  if (!start) throw errors.businessRule('a study infusion states when it was given', `${MA}.effective`);
  const nct = study.identifier?.find((i) => i.system === 'https://clinicaltrials.gov')?.value;
  return { resource, study, studyLabel: `ResearchStudy/${studyId}${nct ? ` (${nct})` : ''}`, patientId, start, day: dayOf(start) };
}

async function checkInfusion(infusion: Infusion, tx: ResourceWriter, facts: InfusionFacts): Promise<void> {
  // Two infusions of one subject written at once are judged one after the other: each sees the other
  // (a visit has one infusion; the second infusion's checks count the first).
  await tx.lock(`stroma:infusions:${infusion.study.id}:${infusion.patientId}`);
  const subjects = await facts.researchSubjects(tx, infusion.patientId, infusion.study.id as string);
  const subject = enrolledSubject(infusion, subjects);
  const others = await facts.otherInfusions(tx, infusion.patientId, infusion.study.id as string, infusion.resource.id);
  const given: GivenInfusion[] = others.map((o) => ({ id: o.id as string, day: dayOf(startOf(o) as string) }));
  // Every later infusion is refused after a TRSAE, placebo too: the refusal tells nothing of the arm.
  if (given.some((o) => o.day <= infusion.day)) await refuseAfterTrsae(infusion, subject, subjects, tx, facts);
  await withoutAllocationInBlindedRefusals(infusion.study, () => checkAllocation(infusion, subject, given, tx, facts));
}

/** The checks that depend on the subject's arm: the visit, the product and the dose. */
async function checkAllocation(infusion: Infusion, subject: ResearchSubject, given: GivenInfusion[], tx: ResourceWriter, facts: InfusionFacts): Promise<void> {
  const arm = armNamed(infusion.study, subject.assignedArm as string);
  if (!arm) throw errors.businessRule(`ResearchSubject/${subject.id}'s arm "${subject.assignedArm}" is not an arm of ${infusion.studyLabel}`, `${MA}.subject`);
  const { expected, where } = await expectedProduct(infusion, subject, isPlaceboArm(arm), given, tx, facts);
  checkProduct(expected, where, infusion.resource, await productName(infusion.resource, tx, facts));
  if (expected === 'placebo') return;
  const dosePerKg = dosePerKgOf(arm);
  if (dosePerKg === undefined) throw errors.businessRule(`arm "${arm.name}" of ${infusion.studyLabel} gives cells but states no dose per kg (dose-per-kg)`, `${MA}.dosage.dose`);
  const weight = await bodyWeight(infusion, tx, facts);
  const kg = weightInKg(weight);
  if (kg === undefined || kg <= 0) throw errors.businessRule(`the body weight Observation/${weight.id} has no value in kg, g or [lb_av]`, `${MA}.supportingInformation`);
  checkCellDose(`arm "${arm.name}"`, dosePerKg, infusion.resource, kg, `Observation/${weight.id} of ${weight.effectiveDateTime ?? weight.effectivePeriod?.start}`);
}

/**
 * In a blinded study a refusal that names the arm, the product or the expected dose would unblind whoever
 * sent the infusion (a rule does not know who that is), so it says only that the infusion does not follow
 * the protocol. The unblinded team, who prepare the product, find why from the arm's schedule and dose.
 */
async function withoutAllocationInBlindedRefusals(study: ResearchStudy, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (!(error instanceof OperationOutcomeError) || !isBlindedStudy(study)) throw error;
    throw errors.businessRule(
      `the infusion does not follow the protocol of this blinded study for its subject (visit, product or dose of the subject's arm); ` +
        'the reason names the allocation, so it is not given here: the unblinded team can check it',
      MA,
    );
  }
}

/** The patient's ResearchSubject in the study that makes the infusion's date one on study. */
function enrolledSubject(infusion: Infusion, subjects: readonly ResearchSubject[]): ResearchSubject {
  if (subjects.length === 0) {
    throw errors.businessRule(`Patient/${infusion.patientId} has no ResearchSubject in ${infusion.studyLabel}: only an enrolled subject is infused`, `${MA}.subject`);
  }
  const verdicts = subjects.map((subject) => ({ subject, refusal: judgeEnrolment(subject, infusion.day) }));
  const enrolled = verdicts.find((v) => v.refusal === undefined);
  if (!enrolled) throw errors.businessRule(`Patient/${infusion.patientId} is not on study in ${infusion.studyLabel} on ${infusion.day}: ${verdicts.map((v) => v.refusal).join('; ')}`, `${MA}.subject`);
  return enrolled.subject;
}

/** What the visit (or, for a study without a schedule of activities, the arm) gives the subject. */
async function expectedProduct(
  infusion: Infusion,
  subject: ResearchSubject,
  placeboArm: boolean,
  given: GivenInfusion[],
  reader: ResourceReader,
  facts: InfusionFacts,
): Promise<{ expected: InfusedProduct; where: string }> {
  const schedule = await readVisitSchedule(infusion.study, reader, facts.planDefinitionUrl);
  const arm = `arm "${subject.assignedArm}"`;
  if (!schedule) return { expected: withoutSchedule(infusion, placeboArm, given), where: arm };
  const matched = matchVisit(schedule, subject, infusion.day, given);
  return { expected: matched.infusion.product, where: `visit ${matched.visit.title} of ${arm} ("${matched.infusion.title}")` };
}

/**
 * With no visit plan stored (NCT03562065's seeds give none), the date is not judged and the arm decides
 * what it can: a placebo arm gets placebo only; a cell arm gets cells at its first infusion; which later
 * visit gives placebo in a blinded study (NCT04356287's one-infusion arm at M3) only a schedule says, so
 * a later infusion of a cell arm may be placebo when the study has a placebo arm, else cells.
 */
function withoutSchedule(infusion: Infusion, placeboArm: boolean, given: GivenInfusion[]): InfusedProduct {
  if (placeboArm) return 'placebo';
  const later = given.some((o) => o.day <= infusion.day);
  const blinded = (infusion.study.arm ?? []).some(isPlaceboArm);
  return later && blinded && !((infusion.resource.dosage?.dose?.value ?? 0) > 0) ? 'placebo' : 'cells';
}

/** Refuses a later infusion once the subject has had a TRSAE before it (NCT04356287: "only in the absence of TRSAE"). */
async function refuseAfterTrsae(
  infusion: Infusion,
  subject: ResearchSubject,
  subjects: readonly ResearchSubject[],
  reader: ResourceReader,
  facts: InfusionFacts,
): Promise<void> {
  const subjectIds = subjects.map((s) => s.id as string);
  const before = Date.parse(infusion.start);
  const trsaes = await studyTrsaes(reader, facts, infusion.patientId, infusion.study.id as string, subjectIds);
  const earlier = trsaes.find((t) => Date.parse(t.onset) < before);
  if (!earlier) return;
  throw errors.businessRule(
    `a second infusion is not given after a treatment-related severe adverse event (TRSAE): AdverseEvent/${earlier.event.id} ` +
      `(grade ${earlier.grade}, causality ${earlier.relatedness} to MedicationAdministration/${earlier.infusionId}, onset ${earlier.onset}) ` +
      `precedes this infusion of ${infusion.start} for ResearchSubject/${subject.id}`,
    `${MA}.effective`,
  );
}

async function productName(infusion: MedicationAdministration, reader: ResourceReader, facts: InfusionFacts): Promise<string> {
  const id = idIn(infusion.medicationReference?.reference, 'Medication');
  return productNameOf(infusion, id ? await facts.read<Medication>(reader, 'Medication', id) : undefined);
}

/** The body weight cited in supportingInformation, else the patient's latest one before the infusion. */
async function bodyWeight(infusion: Infusion, reader: ResourceReader, facts: InfusionFacts): Promise<Observation> {
  for (const ref of infusion.resource.supportingInformation ?? []) {
    const id = idIn(ref.reference, 'Observation');
    const cited = id ? await facts.read<Observation>(reader, 'Observation', id) : undefined;
    if (!cited?.code?.coding?.some((c) => c.system === 'http://loinc.org' && c.code === BODY_WEIGHT_LOINC)) continue;
    if (idIn(cited.subject?.reference, 'Patient') !== infusion.patientId) {
      throw errors.businessRule(`the cited body weight Observation/${id} is not Patient/${infusion.patientId}'s`, `${MA}.supportingInformation`);
    }
    const taken = cited.effectiveDateTime ?? cited.effectivePeriod?.start;
    if (taken && Date.parse(taken) > Date.parse(infusion.start)) {
      throw errors.businessRule(`the cited body weight Observation/${id} was taken on ${taken}, after the infusion of ${infusion.start}`, `${MA}.supportingInformation`);
    }
    return cited;
  }
  const latest = await facts.latestWeight(reader, infusion.patientId, infusion.start);
  if (!latest) throw errors.businessRule(`Patient/${infusion.patientId} has no body weight (LOINC ${BODY_WEIGHT_LOINC}) before the infusion of ${infusion.start}`, `${MA}.supportingInformation`);
  return latest;
}
