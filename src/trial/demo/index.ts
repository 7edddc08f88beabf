/** Deterministic, clearly fictional subject-level demo data for a trial (npm run load:demo). */
export { demoBundle } from './demo-bundle';
export { DemoDesignError, readDesign, type TrialDesign } from './design';
export { DEMO_MRN_SYSTEM, DEMO_SYSTEM, SYNTHETIC_TAG } from './demo-entries';
export { mulberry32 } from './prng';
