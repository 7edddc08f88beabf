import type { Endpoint, Extension } from '@medplum/fhirtypes';

/**
 * An EHR Stroma pulls results from, as an R4 Endpoint resource says it (issue 9 point 4): `address` is
 * the EHR's FHIR base, `connectionType` hl7-fhir-rest, and the smart-backend-client extension holds the
 * client Stroma is there. The extension names the private key (`keyRef`), never holds it: Endpoints are
 * readable by every role that reads configuration, the key only by the server (signing-keys.ts).
 */

export const SMART_BACKEND_CLIENT = 'https://stroma-fhir.org/fhir/StructureDefinition/smart-backend-client';
export const CONNECTION_TYPES = 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type';
export const FHIR_REST = 'hl7-fhir-rest';
/** The scope asked for when the Endpoint names none: the results only; patients are named by identifier. */
export const DEFAULT_SCOPE = 'system/Observation.rs';

export type SigningAlgorithm = 'RS384' | 'ES384';

/** The SMART Backend Services client Stroma is at an EHR. */
export interface BackendClient {
  tokenUrl: string;
  clientId: string;
  kid: string;
  alg: SigningAlgorithm;
  /** The JWK set file (without `.json`) in the server's keys directory holding the private key. */
  keyRef: string;
  scope: string;
}

export interface PullEndpoint {
  /** The Endpoint's id in Stroma. */
  id: string;
  /** The EHR's FHIR base URL, without a trailing slash. */
  base: string;
  client: BackendClient;
  /** The identifier system of the hospital's MRNs, as Stroma's Patients carry them. */
  patientSystem: string;
}

/** An Endpoint that cannot be pulled from as it is: the run fails with this message. */
export class EndpointConfigError extends Error {}

/** Whether the Endpoint is one to pull from: active, FHIR REST, with the client extension. */
export function isPullEndpoint(endpoint: Endpoint): boolean {
  return (
    endpoint.status === 'active' &&
    endpoint.connectionType?.system === CONNECTION_TYPES &&
    endpoint.connectionType.code === FHIR_REST &&
    (endpoint.extension ?? []).some((e) => e.url === SMART_BACKEND_CLIENT)
  );
}

/** The pull settings of an Endpoint; throws EndpointConfigError naming what is missing or wrong. */
export function pullEndpointOf(endpoint: Endpoint): PullEndpoint {
  const where = `Endpoint/${endpoint.id ?? '?'}`;
  const client = (endpoint.extension ?? []).find((e) => e.url === SMART_BACKEND_CLIENT);
  if (!client) throw new EndpointConfigError(`${where} has no ${SMART_BACKEND_CLIENT} extension`);
  const part = (name: string): string => {
    const value = partValue(client, name);
    if (!value) throw new EndpointConfigError(`${where}: the smart-backend-client extension has no ${name}`);
    return value;
  };
  const alg = part('alg');
  if (alg !== 'RS384' && alg !== 'ES384') throw new EndpointConfigError(`${where}: alg ${alg} is not RS384 or ES384`);
  return {
    id: endpoint.id ?? '',
    base: httpUrl(endpoint.address, `${where}.address`).replace(/\/+$/, ''),
    client: {
      tokenUrl: httpUrl(part('tokenUrl'), `${where} tokenUrl`),
      clientId: part('clientId'),
      kid: part('kid'),
      alg,
      keyRef: part('keyRef'),
      scope: partValue(client, 'scope') ?? DEFAULT_SCOPE,
    },
    patientSystem: part('patientIdentifierSystem'),
  };
}

function partValue(extension: Extension, name: string): string | undefined {
  const part = (extension.extension ?? []).find((e) => e.url === name);
  const value = part?.valueUrl ?? part?.valueUri ?? part?.valueString ?? part?.valueCode;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function httpUrl(value: string | undefined, what: string): string {
  let url: URL;
  try {
    url = new URL(value ?? '');
  } catch {
    throw new EndpointConfigError(`${what} is not an absolute URL: ${value ?? '(none)'}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EndpointConfigError(`${what} is not an http(s) URL: ${value}`);
  return url.toString();
}
