import type { Resource } from '@medplum/fhirtypes';
import type { Repository, ResourceReader, ResourceWriter, StoredVersion, WriteMethod } from '../../store/repository';
import { OperationOutcomeError, outcomeOf } from '../outcomes';
import type { ResourceValidator, ValidationIssue } from './types';
import type { ProfileRuleRegistry } from './write-rules';

/**
 * The validation every write goes through: base R4, each profile of meta.profile, and the profiles
 * the registered rules select (trial data must conform to the trial profiles). $validate asks the
 * same question through check(); the write path through the repository that guard() returns.
 */
export interface WriteValidation {
  readonly validator: ResourceValidator;
  /**
   * Every issue of `resource` as a write by `method` would find it; `profiles` adds more (the
   * `profile` parameter of $validate). Reads go through `reader`, so they see a transaction's writes.
   */
  check(resource: Resource, reader: ResourceReader, method: WriteMethod, profiles?: readonly string[]): Promise<ValidationIssue[]>;
  /** The repository with every write of every transaction validated first; an invalid one throws 422. */
  guard(repo: Repository): Repository;
}

export function createWriteValidation(validator: ResourceValidator, rules: ProfileRuleRegistry): WriteValidation {
  const selectedProfiles = (resource: Resource, reader: ResourceReader, method: WriteMethod) =>
    rules.profilesFor(resource, reader, method);

  const check: WriteValidation['check'] = async (resource, reader, method, profiles = []) => {
    const selected = await selectedProfiles(resource, reader, method);
    return validator.validate(resource, { profiles: [...profiles, ...selected] });
  };

  const guardWriter = (tx: ResourceWriter, checked: Map<string, CheckedWrite>): ResourceWriter => {
    const write = async (resource: Resource, method: WriteMethod, previous?: StoredVersion) => {
      const profiles = await selectedProfiles(resource, tx, method);
      assertValid(unknownClaimsRefused(validator.validate(resource, { profiles }), resource), resource);
      checked.set(keyOf(resource), { resource, method, profiles });
      return tx.write(resource, method, previous);
    };
    return Object.assign(Object.create(tx) as ResourceWriter, { write });
  };

  /**
   * After the last write of a transaction that wrote a link-changing resource (a ResearchSubject
   * enrolling a patient, say), the profiles of everything it wrote are selected again: an entry
   * written before the link existed is held to the profiles it has now.
   */
  const recheck = async (tx: ResourceWriter, checked: Map<string, CheckedWrite>) => {
    for (const write of checked.values()) {
      const profiles = await selectedProfiles(write.resource, tx, write.method);
      if (profiles.some((url) => !write.profiles.includes(url))) {
        assertValid(validator.validate(write.resource, { profiles }), write.resource, true);
      }
    }
  };

  const guard = (repo: Repository): Repository => {
    const transaction = <T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T> =>
      repo.transaction(async (tx) => {
        const checked = new Map<string, CheckedWrite>();
        const result = await fn(guardWriter(tx, checked));
        if (checked.size > 1 && [...checked.values()].some((w) => rules.changesLinks(w.resource))) {
          await recheck(tx, checked);
        }
        return result;
      });
    return Object.assign(Object.create(repo) as Repository, { transaction });
  };

  return { validator, check, guard };
}

interface CheckedWrite {
  resource: Resource;
  method: WriteMethod;
  /** The rule-selected profiles it was validated against. */
  profiles: readonly string[];
}

/**
 * On a write, a meta.profile the server does not know (never registered, or deleted since) is an
 * error, not the warning HL7's Java validator gives by default (HAPI's validator has the switch,
 * errorForUnknownProfiles): the server would otherwise store a claim of conformance that nobody
 * checked. $validate keeps the warning.
 */
function unknownClaimsRefused(issues: ValidationIssue[], resource: Resource): ValidationIssue[] {
  const claims = new RegExp(`^${resource.resourceType}\\.meta\\.profile\\[\\d+\\]$`);
  return issues.map((i) =>
    i.severity === 'warning' && i.code === 'not-found' && claims.test(i.expression[0])
      ? { ...i, severity: 'error', diagnostics: `${i.diagnostics}: this server does not store a resource claiming a profile it does not know` }
      : i,
  );
}

function keyOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}`;
}

/**
 * Throws unless no issue is an error: 422 with every issue (warnings too, so the client sees them
 * all at once), or 400 when the content is not a resource at all (a fatal structure issue).
 */
function assertValid(issues: ValidationIssue[], resource: Resource, afterLinks = false): void {
  if (!issues.some((i) => i.severity === 'error' || i.severity === 'fatal')) {
    return;
  }
  const ordered = [...issues].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  if (afterLinks) {
    // Found only at commit, so no Bundle entry names it: say which resource it is.
    for (const i of ordered) i.diagnostics = `${keyOf(resource)}: ${i.diagnostics}`;
  }
  const notAResource = issues.some((i) => i.severity === 'fatal' && i.code === 'structure');
  throw new OperationOutcomeError(notAResource ? 'invalid' : 'business-rule', outcomeOf(...ordered));
}

const SEVERITY_ORDER: Record<ValidationIssue['severity'], number> = { fatal: 0, error: 1, warning: 2, information: 3 };
