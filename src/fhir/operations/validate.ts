import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { WriteMethod } from '../../store/repository';
import { bySeverity, errors, issue, outcomeOf } from '../outcomes';
import { assertValidId, readerOf } from '../router/context';
import type { FhirRequest, Handler, HandlerContext, HandlerResult } from '../types';

export const VALIDATE_OPERATION = { name: 'validate', definition: 'https://stroma-fhir.org/fhir/OperationDefinition/validate' };

/** The input parameters, as profiles/operations/validate.json defines them (R4's Resource-validate). */
export const VALIDATE_INPUTS = ['resource', 'mode', 'profile'] as const;

const MODES = ['create', 'update', 'delete'] as const;
export type ValidationMode = (typeof MODES)[number];

/** The content to validate: a JSON object, whatever else it holds. */
type Content = Record<string, unknown>;

export interface ValidateInput {
  resource?: Content;
  mode?: ValidationMode;
  profile?: string;
}

/**
 * POST [base]/[type]/$validate and POST [base]/[type]/[id]/$validate (GET at instance level for
 * mode=delete): every issue a write would find (base R4, meta.profile, the profiles registered
 * rules select, and `profile`), answered with 200 and an OperationOutcome whatever the verdict, as
 * R4 asks. Only a request the operation cannot run (no resource, a resource of another type, an
 * unknown mode, an update whose id is not the URL's) is a 400. Nothing is ever written.
 *
 * A `profile` the server does not know is an error issue of that 200 outcome, with the findings of
 * base R4 and meta.profile beside it. R4 says only that the server "SHALL return an error"; HAPI
 * reports it the same way (its validator's "profile ... is unknown" error, in a 200 since HAPI
 * stopped answering 412 for invalid content), while a 400 would hide every other finding.
 */
export const validate: Handler = async (request, { type, id }, ctx) => {
  const input = readValidateInput(request);
  const resourceType = type as string;
  if (id !== undefined) {
    assertValidId(id);
  }
  if ((input.mode === 'update' || input.mode === 'delete') && id === undefined) {
    // R4: "Modes update and delete can only be used when the operation is invoked at the resource instance level."
    throw errors.invalid(`mode=${input.mode} validates against an existing resource: use ${resourceType}/[id]/$validate`);
  }
  if (input.mode === 'delete') {
    return deletable(resourceType, id as string, ctx);
  }
  const resource = contentOf(input, resourceType, id);
  const method = methodOf(input.mode, id ?? resource.id);
  const reader = readerOf(ctx);
  const issues: OperationOutcomeIssue[] = await ctx.validation.check(resource as unknown as Resource, reader, method, input.profile ? [input.profile] : []);
  if (input.mode === 'update') {
    const current = await reader.read(resourceType, id as string);
    if (!current || current.deleted) {
      issues.push(issue('information', 'informational', `${resourceType}/${id} does not exist: the update would create it`, resourceType));
    }
  }
  return answer(issues, resourceType);
};

/**
 * The inputs from the body (the resource itself, or a Parameters with `resource`, `mode`, `profile`)
 * and the query string (`mode`, `profile`). A Parameters body is always the operation's input, as
 * in HAPI: to validate a Parameters resource, send it as the `resource` of one.
 */
export function readValidateInput(request: FhirRequest): ValidateInput {
  const modes: string[] = [];
  const profiles: string[] = [];
  for (const [name, value] of request.query) {
    if (name === 'mode') {
      modes.push(value);
    } else if (name === 'profile') {
      profiles.push(value);
    } else if (!name.startsWith('_')) {
      throw errors.invalid(`$validate has no query parameter "${name}" (it takes mode and profile; the resource goes in the body)`);
    }
  }
  const body = request.body;
  let resource: Content | undefined;
  if (!isEmpty(body)) {
    if (!isObject(body)) {
      throw errors.structure('The body is not a FHIR resource (a JSON object)');
    }
    resource = body.resourceType === 'Parameters' ? readParameters(body, modes, profiles) : body;
  }
  return { resource, mode: single(modes, 'mode', readMode), profile: single(profiles, 'profile', readProfile) };
}

/** A Parameters body: its `resource`; its `mode` and `profile` join those of the query string. */
function readParameters(body: Content, modes: string[], profiles: string[]): Content | undefined {
  const parameters = body.parameter ?? [];
  if (!Array.isArray(parameters)) {
    throw errors.structure('Parameters.parameter must be an array', 'Parameters.parameter');
  }
  let resource: Content | undefined;
  parameters.forEach((p: unknown, i) => {
    const where = `Parameters.parameter[${i}]`;
    const name = isObject(p) ? p.name : undefined;
    if (!isObject(p) || typeof name !== 'string') {
      throw errors.structure(`${where} has no name`, where);
    }
    if (name === 'resource') {
      if (resource !== undefined || !isObject(p.resource)) {
        throw errors.invalid(`${where}: "resource" is one resource, given once (in parameter.resource)`, `${where}.resource`);
      }
      resource = p.resource;
    } else if (name === 'mode' || name === 'profile') {
      const value = name === 'mode' ? (p.valueCode ?? p.valueString) : (p.valueCanonical ?? p.valueUri ?? p.valueUrl ?? p.valueString);
      if (typeof value !== 'string') {
        throw errors.invalid(`${where}: "${name}" needs a ${name === 'mode' ? 'valueCode' : 'valueCanonical'}`, where);
      }
      (name === 'mode' ? modes : profiles).push(value);
    } else {
      throw errors.invalid(`$validate has no parameter "${name}" (it takes ${VALIDATE_INPUTS.join(', ')})`, `${where}.name`);
    }
  });
  return resource;
}

/** R4 declares mode and profile 0..1: the same value given twice (URL and body) counts once. */
function single<T>(values: string[], name: string, read: (value: string) => T): T | undefined {
  const distinct = [...new Set(values)];
  if (distinct.length > 1) {
    throw errors.invalid(`$validate takes one ${name}, not ${distinct.map((v) => `"${v}"`).join(' and ')}`);
  }
  return distinct.length === 1 ? read(distinct[0]) : undefined;
}

function readMode(value: string): ValidationMode {
  const mode = MODES.find((m) => m === value);
  if (!mode) {
    throw errors.invalid(`Unknown mode "${value}": R4's resource-validation-mode is create, update or delete`);
  }
  return mode;
}

function readProfile(value: string): string {
  if (value.trim() === '' || /\s/.test(value)) {
    throw errors.invalid(`profile "${value}" is not a canonical URL`);
  }
  return value;
}

/** The resource to validate, of the URL's type; at instance level, the URL's resource. */
function contentOf(input: ValidateInput, type: string, id: string | undefined): Content {
  const resource = input.resource;
  if (!resource) {
    throw errors.invalid('$validate needs a resource: the body, or the "resource" parameter of a Parameters body (only mode=delete takes none)');
  }
  if (typeof resource.resourceType !== 'string') {
    throw errors.structure('The resource has no resourceType', 'resourceType');
  }
  if (resource.resourceType !== type) {
    throw errors.invalid(`The resource is a ${resource.resourceType}, but the URL names ${type}`, 'resourceType');
  }
  if (id !== undefined) {
    if (resource.id === undefined && input.mode === 'update') {
      throw errors.invalid(`The resource has no id; an update of ${type}/${id} needs id "${id}" in the resource`, `${type}.id`);
    }
    if (resource.id !== undefined && resource.id !== id) {
      throw errors.invalid(`The resource's id "${String(resource.id)}" differs from the URL's id "${id}"`, `${type}.id`);
    }
  }
  return resource;
}

/**
 * The write the resource is judged as: create is a POST and update a PUT, as the write path checks
 * them. With no mode (general validation, where R4 is silent) it is the resource it would be
 * stored as: the one its id (or the URL's) names, an update; with no id, a create.
 */
function methodOf(mode: ValidationMode | undefined, id: unknown): WriteMethod {
  if (mode === 'create') return 'POST';
  if (mode === 'update') return 'PUT';
  return id === undefined ? 'POST' : 'PUT';
}

/**
 * mode=delete: the resource must exist (404, or 410 once deleted, as a read answers; HAPI does the
 * same). Stroma refuses no delete of an existing resource (references to it are not checked, as R4
 * allows), so the answer is that it may be deleted.
 */
async function deletable(type: string, id: string, ctx: HandlerContext): Promise<HandlerResult> {
  const current = await readerOf(ctx).read(type, id);
  if (!current) {
    throw errors.notFound(`${type}/${id}`);
  }
  if (current.deleted) {
    throw errors.gone(`${type}/${id}`);
  }
  return answer([issue('information', 'informational', `${type}/${id} may be deleted`, type)], type);
}

/** 200 with every issue, the most severe first; none at all is one "All OK" information, as HAPI answers. */
function answer(issues: OperationOutcomeIssue[], type: string): HandlerResult {
  const ordered = bySeverity(issues);
  const outcome = outcomeOf(...(ordered.length > 0 ? ordered : [issue('information', 'informational', 'All OK', type)]));
  return [{ category: 'ok', outcome }, outcome];
}

function isObject(value: unknown): value is Content {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** No body, or `{}` (what some clients send with a GET). */
function isEmpty(body: unknown): boolean {
  return body === undefined || (isObject(body) && Object.keys(body).length === 0);
}
