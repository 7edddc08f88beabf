import type { SearchParameter } from '@medplum/fhirtypes';
import type { SearchParamType } from '../../store/repository';
import { GroupMemberRegistry } from '../group-members';
import { IntakeRegistry } from '../intake';
import { OperationRegistry } from '../operations/operation-registry';
import { ReadMaskRegistry } from '../read-masks';
import { createValidator, type ResourceValidator } from '../validation';
import { BusinessRuleRegistry } from '../validation/business-rules';
import { ProfileRuleRegistry } from '../validation/write-rules';
import { loadR4Definitions } from './r4-definitions';
import { SearchParameterDefinitions } from './search-parameter-definitions';
import { SearchParameterRegistry } from './search-parameter-registry';

/** Types with no place in a store: they only ever travel in requests and responses. */
const NOT_STORED = new Set(['Parameters', 'OperationOutcome', 'SubscriptionStatus']);

/** The single source of truth for what the server offers; routes and CapabilityStatement read it. */
export interface FhirRegistries {
  resourceTypes: ReadonlySet<string>;
  searchParameters: SearchParameterRegistry;
  /**
   * The profiles, value sets and code systems known (base R4, profiles/, stored ones), compiled into
   * the validator: writes, $validate and the CapabilityStatement's supportedProfile all read it.
   */
  readonly profiles: ResourceValidator;
  /** Rules that hold a resource to profiles its meta.profile does not name (domain layers add them). */
  profileRules: ProfileRuleRegistry;
  /** Masks applied to every resource a requester reads (domain layers add them: blinding, de-identification). */
  readMasks: ReadMaskRegistry;
  /** Operations beyond the built-in routes (domain layers add them). */
  operations: OperationRegistry;
  /** Rules every write of their types must pass, after validation (domain layers add them: trial rules). */
  businessRules: BusinessRuleRegistry;
  /** What rewrites the requests of outside systems before they are routed (domain layers add them: an EHR's pushes). */
  intake: IntakeRegistry;
  /** Who a Group stands for beyond its member list (domain layers add them: a study's enrollment Group). */
  groups: GroupMemberRegistry;
}

export function createRegistries(searchableTypes: readonly SearchParamType[]): FhirRegistries {
  const r4 = loadR4Definitions();
  const resourceTypes = r4.resourceTypes.filter((t) => !NOT_STORED.has(t));
  let profiles: ResourceValidator | undefined;
  return {
    resourceTypes: new Set(resourceTypes),
    // Compiled on first use (about a second per process): search-only callers never pay for it.
    get profiles() {
      return (profiles ??= createValidator());
    },
    searchParameters: new SearchParameterRegistry(r4.searchParameters, resourceTypes, searchableTypes),
    profileRules: new ProfileRuleRegistry(),
    readMasks: new ReadMaskRegistry(),
    operations: new OperationRegistry(),
    businessRules: new BusinessRuleRegistry(),
    intake: new IntakeRegistry(),
    groups: new GroupMemberRegistry(),
  };
}

/**
 * The loader of the registry's project definitions: the SearchParameter resources of profiles/
 * (`profiles`, checked here, so a bad file stops the start) and those in the store.
 */
export function createSearchParameterDefinitions(
  registries: FhirRegistries,
  searchableTypes: readonly SearchParamType[],
  profiles: readonly SearchParameter[],
): SearchParameterDefinitions {
  const scope = { resourceTypes: registries.resourceTypes, searchableTypes: new Set<string>(searchableTypes) };
  return new SearchParameterDefinitions(registries.searchParameters, scope, loadR4Definitions().searchParameters, profiles);
}
