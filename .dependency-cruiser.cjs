/**
 * The dependency direction of ../shared/design/ARCHITECTURE.md, enforced:
 * http -> fhir -> store/repository.ts <- store/postgres; trial, sync, bulk, auth and subscriptions depend on fhir
 * and the store port; only app.ts and main.ts import everything.
 */
const DOMAIN = '^src/(trial|sync|bulk|auth|subscriptions)/';
module.exports = {
  forbidden: [
    {
      name: 'fhir-is-generic',
      comment: 'src/fhir knows nothing of HTTP, SQL, the trial domain or the app wiring',
      severity: 'error',
      from: { path: '^src/fhir/' },
      to: { path: ['^src/(http|trial|sync|bulk|auth|subscriptions)/', '^src/store/postgres/', '^src/(app|main)\\.ts$'] },
    },
    {
      name: 'store-behind-its-port',
      comment: 'the store implementation depends only on the port, never on the layers above it',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: ['^src/(fhir|http|trial|sync|bulk|auth|subscriptions)/', '^src/(app|main)\\.ts$'] },
    },
    {
      name: 'only-the-store-knows-postgres',
      comment: 'outside src/store/postgres, only app.ts may import the store implementation',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/store/postgres/', '^src/app\\.ts$', '^src/cli/'] },
      to: { path: '^src/store/postgres/' },
    },
    {
      name: 'http-is-an-adapter',
      comment: 'the domain and the FHIR layer never depend on the HTTP adapter',
      severity: 'error',
      from: { path: [DOMAIN, '^src/store/'] },
      to: { path: '^src/http/' },
    },
    {
      name: 'no-circular',
      comment: 'a cycle of type-only imports is erased by the compiler (the handler context names the registries that hold handlers)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
