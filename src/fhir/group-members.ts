import type { Group } from '@medplum/fhirtypes';
import type { ResourceKey, ResourceReader } from '../store/repository';

/** Who a Group stands for: its patients, and resources that go with it (a study's own description). */
export interface GroupMembers {
  /** Ids of the Patients the Group stands for. */
  patients: string[];
  /** Resources that are not in any patient's record but belong with the group's data. */
  related: ResourceKey[];
}

/**
 * Says who a Group stands for when its `member` list does not (a domain layer knows: a study's
 * enrollment Group stands for the study's participants). Undefined: not such a Group.
 */
export interface GroupMemberResolver {
  name: string;
  resolve(group: Group, reader: ResourceReader): Promise<GroupMembers | undefined>;
}

/** The resolvers domain layers add; a Group none of them knows stands for its active Patient members. */
export class GroupMemberRegistry {
  private readonly resolvers: GroupMemberResolver[] = [];

  register(resolver: GroupMemberResolver): void {
    if (this.resolvers.some((r) => r.name === resolver.name)) throw new Error(`A group member resolver named ${resolver.name} is already registered`);
    this.resolvers.push(resolver);
  }

  async membersOf(group: Group, reader: ResourceReader): Promise<GroupMembers> {
    for (const resolver of this.resolvers) {
      const members = await resolver.resolve(group, reader);
      if (members) return members;
    }
    return { patients: listedPatients(group), related: [] };
  }
}

/** The Group's own list: Patient members not marked inactive. */
function listedPatients(group: Group): string[] {
  const ids = (group.member ?? []).flatMap((member) => {
    if (member.inactive) return [];
    const match = /^Patient\/([^/]+)$/.exec(member.entity?.reference ?? '');
    return match ? [match[1]] : [];
  });
  return [...new Set(ids)];
}
