import type { Subscription } from '@medplum/fhirtypes';
import { createRegistries } from '../../../src/fhir/conformance/registries';
import { OperationOutcomeError } from '../../../src/fhir/outcomes';
import { SEARCHABLE_TYPES } from '../../../src/store/postgres';
import { matchQuery, parseCriteria } from '../../../src/subscriptions/criteria';
import { subscriptionRule } from '../../../src/subscriptions/subscription-rule';
import type { WriteContext } from '../../../src/fhir/validation/business-rules';

const registries = createRegistries(SEARCHABLE_TYPES);
const categoryOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof OperationOutcomeError ? error.category : 'other';
  }
  return 'none';
};

describe('Subscription criteria', () => {
  it('when the criteria are a search with a chain, then they parse as that search and matching adds the written id', () => {
    const criteria = parseCriteria('AdverseEvent?seriousness=serious&subject:Patient.gender=female', registries);
    expect(criteria.resourceType).toBe('AdverseEvent');
    expect(criteria.query.filters).toHaveLength(2);
    expect(matchQuery(criteria, 'ae-1').filters.at(-1)).toEqual({ param: '_id', values: [{ value: 'ae-1' }] });
  });

  it.each([
    ['AdverseEvent?nope=1', 'invalid'],
    ['NotAType?x=1', 'invalid'],
    ['Subscription?status=active', 'business-rule'],
  ])('when the criteria are %s, then they are refused (%s)', (criteria, category) => {
    expect(categoryOf(() => parseCriteria(criteria, registries))).toBe(category);
  });
});

describe('the Subscription write rule', () => {
  const rule = subscriptionRule(registries);
  const base: Subscription = {
    resourceType: 'Subscription', status: 'requested', reason: 'r', criteria: 'Observation?code=718-7',
    channel: { type: 'rest-hook', endpoint: 'https://hook.example.org/in' },
  };
  const apply = (s: Subscription) => rule.apply(s, {} as WriteContext) as Promise<Subscription>;

  it('when a Subscription is requested, then the server sets it active; off stays off', async () => {
    expect((await apply(base)).status).toBe('active');
    expect((await apply({ ...base, status: 'off' })).status).toBe('off');
  });

  it('when a channel header is not "Name: value", then the write is refused', async () => {
    await expect(apply({ ...base, channel: { ...base.channel, header: ['no colon here'] } })).rejects.toMatchObject({ category: 'business-rule' });
  });
});
