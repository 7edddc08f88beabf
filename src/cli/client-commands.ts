import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateClientKey, stageClientKeyFile } from '../auth/clients/client-key-file';
import { ClientRegistry } from '../auth/clients/client-registry';
import { clientView } from '../auth/clients/client-view';
import { ClientRegistrationError, UnknownClientError } from '../auth/clients/registration-error';
import { DEFAULT_SCOPES, type ClientRole } from '../auth/clients/registration';
import { DuplicateClientError, type AuthStore, type RegisteredClient } from '../store/auth-store';
import { DataDirInUseError } from '../store/postgres/driver/data-dir-lock';

export const USAGE = `Registers and manages the clients allowed to get tokens (SMART Backend Services).

  npm run client -- add --id ID --name NAME --role ROLE (--jwks FILE | --jwks-url URL | --generate-key FILE) [--scope SCOPES]
  npm run client -- list
  npm run client -- show ID
  npm run client -- disable ID | enable ID | remove ID

  --id ID             3 to 64 characters from A-Z a-z 0-9 . _ - (the client_id of its assertions)
  --role ROLE         ehr, registry, investigator, unblinded or admin
  --jwks FILE         the client's public keys: a JWKS { "keys": [...] } or one JWK (RSA for RS384, EC P-384 for ES384)
  --jwks-url URL      where the client publishes its JWKS (https; http only on the loopback interface)
  --generate-key FILE generate an ES384 key pair, register the public key, write the private key (with
                      client_id and token URL) to FILE, readable by you only: npm run token -- --client-file FILE
  --scope SCOPES      space-separated SMART system scopes (default: the role's: ehr system/Observation.cruds,
                      registry system/*.rs, others system/*.cruds)

It opens DATABASE_URL, or the embedded store in DATA_DIR (./data); while a server holds the embedded
store, use the server's admin API (/auth/clients) instead.`;

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** An opened AuthStore and how to close what it holds. */
export interface OpenedAuthStore {
  store: AuthStore;
  close(): Promise<void>;
}

export interface ClientCliDeps {
  /** Opens the store the configuration names (injected, so tests use a fake). */
  openStore: () => Promise<OpenedAuthStore>;
  /** The token endpoint's URL, written into generated key files. */
  tokenUrl: string;
  output: Output;
}

/** Bad usage (exit 2): the usage is shown with it. */
class UsageError extends Error {}

/** Runs one command; resolves to the exit code: 0 done, 1 refused (bad registration, unknown or taken id), 2 bad usage. */
export async function runClientCli(argv: string[], deps: ClientCliDeps): Promise<number> {
  const { output } = deps;
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      output.out(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    const run = commandFor(command, rest, deps);
    const opened = await deps.openStore();
    try {
      await run(new ClientRegistry(opened.store));
    } finally {
      await opened.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof DataDirInUseError) {
      output.err(storeInUse(error, deps.tokenUrl));
      return 2;
    }
    if (error instanceof ClientRegistrationError || error instanceof UnknownClientError || error instanceof DuplicateClientError) {
      output.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** PGlite's data directory is locked while the server runs; the server's admin API does the same work. */
function storeInUse(error: DataDirInUseError, tokenUrl: string): string {
  const clientsUrl = tokenUrl.replace(/\/token$/, '/clients');
  return (
    `${error.message}.\nThe embedded store can be opened by one process only, and a server holds it now. ` +
    'Stop the server, or manage clients through its admin API with an admin token:\n' +
    '  TOKEN=$(npm run -s token)\n' +
    `  curl -H "Authorization: Bearer $TOKEN" ${clientsUrl}\n` +
    `  curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d @client.json ${clientsUrl}\n`
  );
}

type Command = (registry: ClientRegistry) => Promise<void>;

interface AddOptions {
  id: string;
  name: string;
  role: string;
  scope?: string;
}

/** The command's work, its arguments checked before the store is opened. */
function commandFor(command: string, args: string[], deps: ClientCliDeps): Command {
  const { output } = deps;
  switch (command) {
    case 'add':
      return addCommand(args, deps);
    case 'list':
      noArguments(command, args);
      return async (registry) => output.out(formatList(await registry.list()));
    case 'show': {
      const id = oneId(command, args);
      return async (registry) => {
        const client = await registry.get(id);
        if (!client) throw new UnknownClientError(id);
        output.out(`${JSON.stringify(clientView(client), null, 2)}\n`);
      };
    }
    case 'disable':
    case 'enable': {
      const id = oneId(command, args);
      return async (registry) => {
        await registry.setDisabled(id, command === 'disable');
        output.out(`Client ${id} ${command}d.${command === 'disable' ? ' It gets no new tokens; its current tokens stop working when next checked.' : ''}\n`);
      };
    }
    case 'remove': {
      const id = oneId(command, args);
      return async (registry) => {
        await registry.remove(id);
        output.out(`Client ${id} removed.\n`);
      };
    }
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

function addCommand(args: string[], deps: ClientCliDeps): Command {
  const values = parse(args, {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    jwks: { type: 'string' },
    'jwks-url': { type: 'string' },
    'generate-key': { type: 'string' },
    scope: { type: 'string' },
  });
  const sources = ['jwks', 'jwks-url', 'generate-key'].filter((option) => values[option] !== undefined);
  if (sources.length !== 1) throw new UsageError('add needs exactly one of --jwks FILE, --jwks-url URL and --generate-key FILE');
  for (const required of ['id', 'name', 'role']) {
    if (values[required] === undefined) throw new UsageError(`add needs --${required}`);
  }
  const registration: AddOptions = { id: String(values.id), name: String(values.name), role: String(values.role), scope: values.scope };
  const keyFile = values['generate-key'];
  if (keyFile !== undefined) return (registry) => addWithGeneratedKey(registry, registration, path.resolve(keyFile), deps);
  const jwksFile = values.jwks;
  const keys = jwksFile === undefined ? { jwksUrl: values['jwks-url'] } : { jwks: readJwks(path.resolve(jwksFile)) };
  return async (registry) => {
    const client = await registry.add({ ...registration, ...keys });
    deps.output.out(`Registered client ${describe(client)}.\n`);
  };
}

/** Registers the public half and writes the private half (0600), the file only once the client is stored. */
async function addWithGeneratedKey(registry: ClientRegistry, registration: AddOptions, file: string, deps: ClientCliDeps): Promise<void> {
  if (existsSync(file)) throw new UsageError(`${file} exists; a key file is never overwritten`);
  const { publicJwk, privateJwk } = await generateClientKey();
  // An unknown role has no default; the registration is then refused and the staged file discarded.
  const scope = registration.scope ?? DEFAULT_SCOPES[registration.role as ClientRole] ?? '';
  const staged = stageClientKeyFile(file, { client_id: registration.id, token_url: deps.tokenUrl, private_jwk: privateJwk, scope });
  let client: RegisteredClient;
  try {
    client = await registry.add({ ...registration, jwks: { keys: [publicJwk] } });
  } catch (error) {
    staged.discard();
    throw error;
  }
  staged.commit();
  deps.output.out(`Registered client ${describe(client)}.\nIts private key is in ${file} (readable by you only). Get a token with: npm run token -- --client-file ${file}\n`);
}

/** A JWKS file, or a file holding one JWK (wrapped into a JWKS). */
function readJwks(file: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--jwks ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON'}`);
  }
  const single = typeof parsed === 'object' && parsed !== null && 'kty' in parsed;
  return single ? { keys: [parsed] } : parsed;
}

function parse(args: string[], options: Record<string, { type: 'string' }>): Record<string, string | undefined> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function oneId(command: string, args: string[]): string {
  if (args.length !== 1 || args[0].startsWith('-')) throw new UsageError(`${command} takes one client id`);
  return args[0];
}

function noArguments(command: string, args: string[]): void {
  if (args.length > 0) throw new UsageError(`${command} takes no arguments`);
}

function describe(client: RegisteredClient): string {
  return `${client.id} (${client.role}, scope ${client.scope})`;
}

function formatList(clients: RegisteredClient[]): string {
  if (clients.length === 0) return 'No clients are registered.\n';
  const rows = [['ID', 'ROLE', 'STATUS', 'KEYS', 'SCOPE', 'NAME'], ...clients.map((c) => [c.id, c.role, c.disabled ? 'disabled' : 'enabled', c.jwksUrl ? 'url' : `${c.jwks?.length ?? 0} inline`, c.scope, c.name])];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')).join('\n') + '\n';
}
