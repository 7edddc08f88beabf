import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../fhir/conformance/registries';
import { errors } from '../fhir/outcomes';
import type { BusinessRule } from '../fhir/validation/business-rules';
import { parseCriteria } from './criteria';

/** The one payload Stroma sends besides none: the resource itself, as JSON. */
export const FHIR_JSON = 'application/fhir+json';

/**
 * What every Subscription write must be, whoever writes it: a rest-hook to an http(s) endpoint, with
 * no payload or a FHIR JSON one, on criteria that parse as a search. A requested Subscription is set
 * up at once (R4: the server moves `requested` to `active`); `off`, `active` and `error` are kept.
 */
export function subscriptionRule(registries: FhirRegistries): BusinessRule {
  return {
    name: 'subscription-channel',
    types: ['Subscription'],
    async apply(resource: Resource): Promise<Resource> {
      const subscription = resource as Subscription;
      checkChannel(subscription);
      parseCriteria(subscription.criteria ?? '', registries);
      if (subscription.status !== 'requested') return subscription;
      return { ...subscription, status: 'active' };
    },
  };
}

function checkChannel(subscription: Subscription): void {
  const { channel } = subscription;
  if (channel?.type !== 'rest-hook') {
    throw errors.businessRule(`Subscription.channel.type ${channel?.type ?? '(none)'} is not supported: only rest-hook is`, 'Subscription.channel.type');
  }
  if (!isHttpUrl(channel.endpoint)) {
    throw errors.businessRule('Subscription.channel.endpoint must be an http or https URL', 'Subscription.channel.endpoint');
  }
  if (channel.payload !== undefined && channel.payload !== FHIR_JSON) {
    throw errors.businessRule(`Subscription.channel.payload ${channel.payload} is not supported: give ${FHIR_JSON}, or none for notifications without a body`, 'Subscription.channel.payload');
  }
  for (const header of channel.header ?? []) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*$/.test(header)) {
      throw errors.businessRule(`Subscription.channel.header "${header}" is not a "Name: value" HTTP header`, 'Subscription.channel.header');
    }
  }
}

function isHttpUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
