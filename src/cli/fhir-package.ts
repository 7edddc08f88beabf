import { DEFAULT_FHIR_PACKAGE_CACHE, ensureCorePackage } from '../fhir/conformance/core-package';

/**
 * `npm run fhir:package [-- CACHE_DIR]`: builds the FHIR R4 core package offline into the project's
 * package cache (.fhir-packages/ by default). Nothing needs to call it: SUSHI's runner and the snapshot
 * generator build the package on first use. It is for images built ahead of time (Dockerfile), whose
 * files are read-only at run time.
 */
const cacheDir = process.argv[2] ?? DEFAULT_FHIR_PACKAGE_CACHE;
const started = Date.now();
const { packageDir, built, resources } = ensureCorePackage(cacheDir);
const how = built ? `built in ${Date.now() - started} ms` : 'already built';
console.log(`${packageDir}: ${resources} resources, ${how}`);
