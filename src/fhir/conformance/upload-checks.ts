import type { CodeSystem, Resource, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import type { IndexedParameter, ResourceReader, ResourceWriter } from '../../store/repository';
import { issue, OperationOutcomeError, outcomeOf } from '../outcomes';
import { ConformanceResourceError, type ResourceValidator } from '../validation/types';
import type { SearchParameterRegistry } from './search-parameter-registry';
import { InvalidDifferentialError, SnapshotError, UnknownBaseDefinitionError, type SnapshotGenerator } from './snapshot';

/** The resources a client stores that the validator then uses. */
export type ValidationResource = StructureDefinition | ValueSet | CodeSystem;

export function isValidationResource(resource: Resource | undefined): resource is ValidationResource {
  const type = resource?.resourceType;
  return type === 'StructureDefinition' || type === 'ValueSet' || type === 'CodeSystem';
}

/**
 * What a client's StructureDefinition, ValueSet or CodeSystem must pass before it is stored, and
 * the snapshot a StructureDefinition is stored with. Each refusal is a 422 saying why, and then
 * nothing of the transaction is stored.
 */
export class UploadChecks {
  constructor(
    private readonly validator: ResourceValidator,
    private readonly params: SearchParameterRegistry,
    /** The StructureDefinitions of profiles/, by URL: an upload may build on them. */
    private readonly fileDefinitions: ReadonlyMap<string, StructureDefinition>,
    /** Canonical URLs of every profiles/ resource: clients cannot redefine them. */
    private readonly fileUrls: ReadonlySet<string>,
    private readonly snapshots: () => Promise<SnapshotGenerator>,
  ) {}

  /** Whether a canonical URL belongs to the server (base R4 or profiles/). */
  isServerUrl(url: string): boolean {
    return this.fileUrls.has(url) || this.validator.isBaseDefinition(url);
  }

  /**
   * The resource as it is to be stored: a StructureDefinition with a differential gets its snapshot
   * generated anew (one sent along is replaced, so the stored snapshot always follows the stored
   * differential); one with only a snapshot keeps it. Either must compile for the validator.
   */
  async prepare(tx: ResourceWriter, resource: ValidationResource): Promise<ValidationResource> {
    await this.checkUrl(tx, resource);
    if (resource.resourceType !== 'StructureDefinition') {
      return resource;
    }
    const prepared = resource.differential?.element?.length ? await this.withSnapshot(tx, resource) : resource;
    if (!prepared.snapshot?.element?.length) {
      throw refusal('required', `${resource.url} has neither a differential to generate a snapshot from nor a snapshot`, 'StructureDefinition.differential');
    }
    try {
      this.validator.checkCompiles([prepared]);
    } catch (error) {
      if (error instanceof ConformanceResourceError) throw refusal('invalid', error.message, 'StructureDefinition.snapshot');
      throw error;
    }
    return prepared;
  }

  /** Stored resources of `type` with this canonical URL, current ones only. */
  async withUrl(reader: ResourceReader, type: string, url: string): Promise<Resource[]> {
    const param = this.params.get(type, 'url') as IndexedParameter;
    const page = await reader.search({ resourceType: type, filters: [{ param, values: [{ value: url }] }], sort: [], count: 10, offset: 0, total: 'none' });
    return page.resources;
  }

  /** A canonical URL is the server's, or one stored resource's of its type at most. */
  private async checkUrl(tx: ResourceWriter, resource: ValidationResource): Promise<void> {
    const url = resource.url;
    if (!url) {
      return;
    }
    const type = resource.resourceType;
    if (this.isServerUrl(url.split('|')[0])) {
      throw refusal('business-rule', `${url} is defined by the server (R4 or its profiles/) and cannot be redefined`, `${type}.url`);
    }
    // Serializes writers of one URL, also in other server processes, until the transaction ends.
    await tx.lock(`stroma:canonical:${url}`);
    const holder = (await this.withUrl(tx, type, url)).find((other) => other.id !== resource.id);
    if (holder) {
      throw refusal('duplicate', `${url} is already the URL of ${type}/${holder.id}: update that one, or choose another url`, `${type}.url`);
    }
  }

  private async withSnapshot(tx: ResourceWriter, sd: StructureDefinition): Promise<StructureDefinition> {
    try {
      return await (await this.snapshots()).generate(sd, await this.contextOf(tx, sd));
    } catch (error) {
      if (error instanceof UnknownBaseDefinitionError) throw refusal('not-found', error.message, 'StructureDefinition.baseDefinition');
      if (error instanceof InvalidDifferentialError || error instanceof SnapshotError) {
        throw refusal('invalid', `The snapshot cannot be generated: ${error.message}`, 'StructureDefinition.differential');
      }
      throw error;
    }
  }

  /**
   * The non-core StructureDefinitions the snapshot builds on: the base chain and the profiles its
   * elements name (extensions), each from profiles/ or the store (this transaction's writes included).
   */
  private async contextOf(tx: ResourceReader, sd: StructureDefinition): Promise<StructureDefinition[]> {
    const found = new Map<string, StructureDefinition>();
    const named = (sd.differential?.element ?? []).flatMap((e) => (e.type ?? []).flatMap((t) => t.profile ?? []));
    const pending = [sd.baseDefinition, ...named];
    while (pending.length > 0) {
      const url = pending.pop()?.split('|')[0];
      if (!url || url === sd.url || found.has(url) || this.validator.isBaseDefinition(url)) continue;
      const definition = this.fileDefinitions.get(url) ?? ((await this.withUrl(tx, 'StructureDefinition', url))[0] as StructureDefinition | undefined);
      if (definition) {
        found.set(url, definition);
        pending.push(definition.baseDefinition);
      }
    }
    return [...found.values()];
  }
}

function refusal(code: 'required' | 'invalid' | 'business-rule' | 'duplicate' | 'not-found', diagnostics: string, expression: string): OperationOutcomeError {
  return new OperationOutcomeError('business-rule', outcomeOf(issue('error', code, diagnostics, expression)));
}
