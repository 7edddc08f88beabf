import type { BundleEntry, CodeableConcept, OperationOutcome } from '@medplum/fhirtypes';
import type { ResourceReader } from '../store/repository';
import { serverReaderOf } from './access-controlled-repository';
import type { Requester } from './access';
import { fail, type OperationOutcomeError } from './outcomes';
import type { FhirRequest, HandlerContext, HandlerResult } from './types';

/**
 * Where data sent from outside systems (a hospital's labs) is taken in: a domain layer registers an
 * intake that rewrites its requesters' requests before they are routed (a re-sent result becomes an
 * update of the stored one, a patient named by identifier becomes a reference). The router prepares
 * every request and Bundle entry, so no path skips it.
 */
export interface RequestIntake {
  /** Names the intake in logs; unique in a registry. */
  name: string;
  /** Whether the requester's requests pass through this intake (an EHR's pushes, say). */
  appliesTo(requester: Requester): boolean;
  /**
   * The request to route in place of `request`, or `request` itself: once per request, and for a
   * Bundle's entries before their identities are decided. `reader` is the store as the server reads it (in a
   * transaction, the transaction), with small lookups remembered as the write rules' are (what other
   * server processes wrote counts within LOOKUP_CACHE_MS); `bundle` holds the entries of the Bundle
   * the request is one of.
   * Throws OperationOutcomeError to refuse the request.
   */
  prepare(request: FhirRequest, reader: ResourceReader, bundle?: readonly BundleEntry[]): Promise<FhirRequest>;
  /** Told how each request it applies to ended (a Bundle once, with its entries' answers): for metrics. */
  observe?(request: FhirRequest, ended: HandlerResult | OperationOutcomeError): void;
}

/** The code system of the reasons an intake or a rule gives for refusing a result sent from outside. */
export const INTAKE_REFUSAL_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/intake-refusal';

/** A 422 refusal of a result from outside, its reason coded (issue.details) so senders and metrics can tell reasons apart. */
export function intakeRefusal(reason: string, message: string, expression?: string): OperationOutcomeError {
  const error = fail('business-rule', 'business-rule', message, expression);
  const details: CodeableConcept = { coding: [{ system: INTAKE_REFUSAL_SYSTEM, code: reason }] };
  for (const item of error.outcome.issue ?? []) item.details = details;
  return error;
}

/** The coded reason of an intake refusal, if the outcome carries one. */
export function refusalReason(outcome: OperationOutcome | undefined): string | undefined {
  for (const item of outcome?.issue ?? []) {
    const coding = item.details?.coding?.find((c) => c.system === INTAKE_REFUSAL_SYSTEM);
    if (coding?.code) return coding.code;
  }
  return undefined;
}

/** A code of the results a domain takes in; no system: the code in any system. */
export interface ResultCode {
  system?: string;
  code: string;
}

/**
 * The codes of the results the domain takes in for a patient ("Patient/id"), judged as its rules judge
 * a result sent (a participant's study lab panel); none when it takes none of the patient's results.
 * What a pull asks an outside system for, so that only what would be kept is fetched.
 */
export type ResultPanel = (patient: string, reader: ResourceReader) => Promise<readonly ResultCode[]>;

export class IntakeRegistry {
  private readonly intakes: RequestIntake[] = [];
  private panel: ResultPanel = async () => [];

  /** Sets what the domain takes in per patient (one domain decides it); none by default. */
  setResultPanel(panel: ResultPanel): void {
    this.panel = panel;
  }

  /** The codes of the results taken in for `patient` (see ResultPanel); `reader` reads as the server does. */
  resultPanel(patient: string, reader: ResourceReader): Promise<readonly ResultCode[]> {
    return this.panel(patient, reader);
  }

  register(intake: RequestIntake): void {
    if (this.intakes.some((i) => i.name === intake.name)) throw new Error(`intake ${intake.name} is registered twice`);
    this.intakes.push(intake);
  }

  /** `request` as the intakes for the context's requester prepare it (unchanged when none applies). */
  async prepare(request: FhirRequest, ctx: HandlerContext, bundle?: readonly BundleEntry[]): Promise<FhirRequest> {
    if (request.answer) return request;
    let prepared = request;
    for (const intake of this.intakes) {
      if (!intake.appliesTo(ctx.access.requester)) continue;
      prepared = await intake.prepare(prepared, ctx.validation.lookups(serverReaderOf(ctx.tx ?? ctx.repo)), bundle);
    }
    return prepared;
  }

  /** Tells the intakes for the context's requester how a request ended (Bundle entries are told as part of their Bundle). */
  observe(request: FhirRequest, ctx: HandlerContext, ended: HandlerResult | OperationOutcomeError): void {
    if (request.inBundle) return;
    for (const intake of this.intakes) {
      if (intake.appliesTo(ctx.access.requester)) intake.observe?.(request, ended);
    }
  }
}
