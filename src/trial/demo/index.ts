/** Deterministic, clearly fictional subject-level demo data for a trial (npm run load:demo). */
export { demoBundle } from './demo-bundle';
export { DemoDesignError, readDesign, type TrialDesign } from './design';
export { DEMO_MRN_SYSTEM, DEMO_SYSTEM, SYNTHETIC_TAG } from './demo-entries';
export { mulberry32 } from './prng';
/** NCT02213705's published-results dataset (npm run demo:published). */
export { PUBLISHED_SEED, publishedBundle, publishedJson } from './published-bundle';
export { DAYS_PER_MONTH, daysToMonths, PUBLISHED_FIGURES, PUBLISHED_NCT_ID, quantile7 } from './published-figures';
