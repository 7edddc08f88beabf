/**
 * The Subscription notification queue (src/store/subscription-deliveries.ts). Pending rows are found
 * by the partial index on when they are due; ended rows are kept a while as the record of what was
 * sent, withheld or given up, and why.
 */
export const subscriptionDeliveriesSchema = `
CREATE TABLE subscription_delivery (
  id bigserial PRIMARY KEY,
  subscription_id text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  version_id integer NOT NULL,
  queued timestamptz NOT NULL DEFAULT now(),
  due timestamptz NOT NULL DEFAULT now(),
  leased_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  state text NOT NULL DEFAULT 'pending',
  last_error text,
  ended timestamptz
);
CREATE INDEX subscription_delivery_due ON subscription_delivery (due) WHERE state = 'pending';
CREATE INDEX subscription_delivery_subscription ON subscription_delivery (subscription_id, id);
CREATE INDEX subscription_delivery_ended ON subscription_delivery (ended) WHERE state <> 'pending'
`;
