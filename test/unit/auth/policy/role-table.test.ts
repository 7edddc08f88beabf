import { control, refusal } from './policy-fixture';

/**
 * Every role against every interaction on four telling types, with scopes that allow everything,
 * so the role alone decides. The expected table is spelled out, not derived from the policy.
 */

const INTERACTIONS = ['read', 'vread', 'history-instance', 'search-type', 'history-type', 'create', 'update', 'patch', 'delete'] as const;
const TYPES = ['Observation', 'Patient', 'AuditEvent', 'StructureDefinition'] as const;
type Interaction = (typeof INTERACTIONS)[number];
type Type = (typeof TYPES)[number];

const ALL: Interaction[] = [...INTERACTIONS];
const READS: Interaction[] = ['read', 'vread', 'history-instance', 'search-type', 'history-type'];
const NONE: Interaction[] = [];

const EXPECTED: Record<string, Record<Type, Interaction[]>> = {
  admin: { Observation: ALL, Patient: ALL, AuditEvent: READS, StructureDefinition: ALL },
  investigator: { Observation: ALL, Patient: ALL, AuditEvent: NONE, StructureDefinition: READS },
  unblinded: { Observation: ALL, Patient: ALL, AuditEvent: NONE, StructureDefinition: READS },
  registry: { Observation: READS, Patient: READS, AuditEvent: NONE, StructureDefinition: READS },
  ehr: {
    Observation: ['read', 'vread', 'history-instance', 'search-type', 'create', 'update', 'patch'],
    Patient: NONE,
    AuditEvent: NONE,
    StructureDefinition: NONE,
  },
  // A role the server does not know may do nothing.
  nurse: { Observation: NONE, Patient: NONE, AuditEvent: NONE, StructureDefinition: NONE },
};

const cases = Object.entries(EXPECTED).flatMap(([role, byType]) =>
  TYPES.flatMap((type) => INTERACTIONS.map((interaction) => ({ role, type, interaction, allowed: byType[type].includes(interaction) }))),
);

describe('role table', () => {
  it.each(cases)('when $role asks $interaction on $type, then allowed is $allowed', ({ role, type, interaction, allowed }) => {
    const message = refusal(() => control(role).authorize({ interaction, resourceTypes: [type] }));
    if (allowed) expect(message).toBeUndefined();
    else expect(message).toBe(`Role ${role} may not ${interaction} ${type}`);
  });

  it.each(['admin', 'investigator', 'unblinded', 'registry', 'ehr', 'nurse'])(
    'when %s asks for capabilities, a transaction or a batch, then it is allowed (entries are authorized one by one)',
    (role) => {
      for (const interaction of ['capabilities', 'transaction', 'batch']) {
        expect(refusal(() => control(role, '').authorize({ interaction, resourceTypes: [] }))).toBeUndefined();
      }
    },
  );

  it.each([
    ['admin', true, true],
    ['investigator', true, true],
    ['unblinded', true, true],
    ['registry', true, true],
    ['ehr', true, false],
    ['nurse', false, false],
  ])('when %s searches or reads history at system level, then search is %s and history is %s', (role, search, history) => {
    const access = control(role);
    expect(refusal(() => access.authorize({ interaction: 'search-system', resourceTypes: [] })) === undefined).toBe(search);
    expect(refusal(() => access.authorize({ interaction: 'history-system', resourceTypes: [] })) === undefined).toBe(history);
  });

  it('when a system search names its types, then each must be allowed and the refusal names the type', () => {
    const access = control('investigator');
    expect(refusal(() => access.authorize({ interaction: 'search-system', resourceTypes: ['Observation', 'Patient'] }))).toBeUndefined();
    expect(refusal(() => access.authorize({ interaction: 'search-system', resourceTypes: ['Observation', 'AuditEvent'] }))).toBe(
      'Role investigator may not search-system AuditEvent',
    );
  });

  it('when an interaction the policy does not know is asked, then everyone is refused, admins too', () => {
    expect(refusal(() => control('admin').authorize({ interaction: 'subscribe', resourceTypes: ['Observation'] }))).toMatch(/subscribe/);
  });

  it('when a type-level interaction names no type, then it is refused rather than allowed by default', () => {
    expect(refusal(() => control('admin').authorize({ interaction: 'create', resourceTypes: [] }))).toMatch(/create/);
  });
});
