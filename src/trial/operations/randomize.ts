import type { Parameters, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import { serverWriterOf } from '../../fhir/access-controlled-repository';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { errors, success } from '../../fhir/outcomes';
import { inTransaction } from '../../fhir/router/context';
import type { FhirRequest, Handler, HandlerContext, Route } from '../../fhir/types';
import type { ResourceWriter } from '../../store/repository';
import { allocationLock, appendAllocation, readAllocations } from '../randomization/allocation-log';
import { drawAllocation } from '../randomization/draw-allocation';
import { InfusionFacts, idIn } from '../rules/infusion-facts';

export const RANDOMIZE_OPERATION = {
  name: 'randomize',
  definition: 'https://stroma-fhir.org/fhir/OperationDefinition/randomize',
};

const SUBJECT_PARAMETER = "Parameters.parameter.where(name='subject')";

interface RandomizeInput {
  subjectId: string;
  cohort?: string;
}

function inputOf(request: FhirRequest): RandomizeInput {
  const body = request.body as Parameters | undefined;
  if (body?.resourceType !== 'Parameters') throw errors.invalid('$randomize takes a Parameters body with a subject parameter');
  const subject = body.parameter?.find((p) => p.name === 'subject')?.valueReference?.reference;
  const subjectId = idIn(subject, 'ResearchSubject');
  if (!subjectId) throw errors.invalid('$randomize needs a subject parameter: a reference to the ResearchSubject (ResearchSubject/{id})', SUBJECT_PARAMETER);
  const cohort = body.parameter?.find((p) => p.name === 'cohort');
  if (cohort && typeof cohort.valueString !== 'string') throw errors.invalid('the cohort parameter is the name of an arm (valueString)', "Parameters.parameter.where(name='cohort')");
  return { subjectId, ...(cohort ? { cohort: cohort.valueString } : {}) };
}

/** The stored subject to randomize, when the requester may see it and it belongs to the study. */
async function subjectToRandomize(tx: ResourceWriter, server: ResourceWriter, studyId: string, subjectId: string) {
  const visible = await tx.read('ResearchSubject', subjectId);
  const stored = await server.readForUpdate('ResearchSubject', subjectId);
  if (!visible || visible.deleted || !stored?.resource) throw errors.notFound(`ResearchSubject/${subjectId}`);
  const subject = stored.resource as ResearchSubject;
  if (idIn(subject.study?.reference, 'ResearchStudy') !== studyId) {
    throw errors.businessRule(`ResearchSubject/${subjectId} is a subject of ${subject.study?.reference ?? 'no study'}, not of ResearchStudy/${studyId}`, SUBJECT_PARAMETER);
  }
  return { stored, subject };
}

/**
 * POST [base]/ResearchStudy/{id}/$randomize: gives an eligible subject its arm by the study's scheme
 * (src/trial/randomization) and enrolls it (status on-study), in one transaction with the allocation
 * log entry. Allocations of one study take turns under a lock shared by every server process. The arm
 * is the server's act, not the requester's content: it is written through the server's writer (still
 * validated and judged by the business rules), so a blinded investigator can randomize, and gets the
 * subject back masked. A subject already randomized gets its allocation again (a retry is harmless).
 */
function randomizeHandler(registries: FhirRegistries): Handler {
  let facts: InfusionFacts | undefined;
  return async (request, params, ctx: HandlerContext) => {
    const input = inputOf(request);
    const studyId = params.id as string;
    facts ??= new InfusionFacts(registries.searchParameters);
    const infusionFacts = facts;
    return inTransaction(ctx, async (tx) => {
      const server = serverWriterOf(tx);
      const study = await tx.read('ResearchStudy', studyId);
      if (!study?.resource) throw errors.notFound(`ResearchStudy/${studyId}`);
      await server.lock(allocationLock(studyId));
      const { stored, subject } = await subjectToRandomize(tx, server, studyId, input.subjectId);
      const log = await readAllocations(server, studyId);
      const reference = `ResearchSubject/${input.subjectId}`;
      if (log.some((a) => a.subject === reference)) {
        return [success('ok', `${reference} was already randomized`), ctx.access.filterRead(subject)];
      }
      if (subject.status !== 'eligible') {
        throw errors.businessRule(`only an eligible subject is randomized: ${reference} is ${subject.status}`, SUBJECT_PARAMETER);
      }
      const today = new Date().toISOString().slice(0, 10);
      const drawn = await drawAllocation(server, infusionFacts, { study: study.resource as ResearchStudy, log, cohort: input.cohort, today });
      const enrolled: ResearchSubject = {
        ...subject,
        status: 'on-study',
        assignedArm: drawn.arm,
        period: { ...subject.period, start: subject.period?.start ?? today },
      };
      const written = await server.write(enrolled, 'PUT', stored);
      await appendAllocation(server, studyId, { subject: reference, ...drawn, by: ctx.access.requester.clientId });
      return [success('ok', `${reference} randomized`), ctx.access.filterRead(written.resource as ResearchSubject)];
    });
  };
}

export function randomizeRoute(registries: FhirRegistries): Route {
  return {
    method: 'POST',
    segments: [':type', ':id', '$randomize'],
    types: ['ResearchStudy'],
    interactions: [],
    operation: RANDOMIZE_OPERATION,
    handler: randomizeHandler(registries),
  };
}
