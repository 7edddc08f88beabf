import type { GroupCharacteristic, Observation, Quantity } from '@medplum/fhirtypes';
import type { DateWindow } from './lookback';

/** Observations that stand as results; preliminary, cancelled and entered-in-error ones do not. */
const STANDING = new Set(['final', 'amended', 'corrected']);

/** The day an Observation was made: its effective time, else when it was issued. */
export function observationDay(o: Observation): string | undefined {
  const when = o.effectiveDateTime ?? o.effectiveInstant ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start ?? o.issued;
  return when?.slice(0, 10);
}

/** Whether the Observation carries one of the characteristic's codings. */
export function hasCriterionCode(o: Observation, c: GroupCharacteristic): boolean {
  const wanted = c.code?.coding ?? [];
  return (o.code?.coding ?? []).some((have) => wanted.some((w) => w.system === have.system && w.code === have.code));
}

/** The Observation's UCUM unit: its code, else its human unit (DOMAIN.md: values are stored in valid UCUM). */
export function ucumOf(q: Quantity): string | undefined {
  return q.code ?? q.unit;
}

/**
 * The latest standing Observation of the characteristic's code with a numeric value, made within the
 * window; a tie on the day goes to the later effective time, then to the later-listed resource.
 */
export function latestObservation(observations: readonly Observation[], c: GroupCharacteristic, window: DateWindow): Observation | undefined {
  const candidates = observations.filter((o) => {
    const d = observationDay(o);
    return (
      STANDING.has(o.status) && hasCriterionCode(o, c) && o.valueQuantity?.value !== undefined &&
      d !== undefined && d >= window.from && d <= window.to
    );
  });
  const time = (o: Observation): string => o.effectiveDateTime ?? o.effectiveInstant ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start ?? o.issued ?? '';
  return candidates.reduce<Observation | undefined>((latest, o) => (latest === undefined || time(o) >= time(latest) ? o : latest), undefined);
}
