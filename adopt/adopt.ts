import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatImportsFile, ImportEntry, importsFilePath, ImportsFile, parseImportsFile, sortEntries } from '../contract/imports-file';
import { localAwsEndpointFrom } from '../core/local-endpoint';
import { formatProblem } from '../core/problems';
import { EnvironmentConfig } from '../stacks/environment-config';
import { AdoptUsageError, readAdoptArguments, USAGE, USAGE_HINT } from './arguments';
import { AdoptError, AwsClients, awsClients, awsFailure, checkAccount, closeClients } from './aws';
import { planEnvironment, PlannedEnvironment, PlannedResource } from './planned';
import { Found, Lookup, Replacement, RESOURCE_KINDS } from './resource-kinds';
import { bootstrapState, environmentState, ManagedResources } from './state';

/** What adopt needs from outside: the project root, the environments, and ways to reach AWS and to print. */
export interface AdoptDependencies {
  /** The project root: `envs/imports/` and the bootstrap stacks' local state are there. */
  readonly root: string;
  readonly environments: readonly EnvironmentConfig[];
  /** Where LAMBDA_FLEET_LOCAL_AWS_ENDPOINT is read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default {@link awsClients} */
  readonly clients?: (region: string, endpoint?: string) => AwsClients;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

/** What adopt decided for one resource of the stacks. */
export type Decision =
  | { readonly resource: PlannedResource; readonly status: 'managed' }
  | { readonly resource: PlannedResource; readonly status: 'kept'; readonly entry: ImportEntry }
  | { readonly resource: PlannedResource; readonly status: 'absent' }
  | { readonly resource: PlannedResource; readonly status: 'import'; readonly found: Found }
  | { readonly resource: PlannedResource; readonly status: 'held back'; readonly found: Found };

/** Lookups at once against the account: enough to be quick, few enough not to be throttled. */
const PARALLEL_LOOKUPS = 8;

/** Runs `npm run adopt`; returns the exit code (0 done, 1 held back, unadopted or failed, 2 usage). */
export async function runAdopt(argv: readonly string[], deps: AdoptDependencies): Promise<number> {
  const out = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const names = deps.environments.map((e) => e.name);
  let request;
  try {
    request = readAdoptArguments(argv, names);
  } catch (error) {
    if (!(error instanceof AdoptUsageError)) throw error;
    err(`${error.message}\n\n${USAGE_HINT}`);
    return 2;
  }
  if (request === 'help') {
    out(USAGE);
    return 0;
  }
  const local = localAwsEndpointFrom(deps.env ?? process.env);
  if (local.problems.length > 0) {
    err(`${local.problems.map(formatProblem).join('\n')}\nNothing was read or written.`);
    return 2;
  }
  const config = deps.environments.find((e) => e.name === request.environment)!;
  let clients: AwsClients | undefined;
  try {
    const emulator = local.endpoint !== undefined;
    const planned = planEnvironment(config, local.endpoint);
    const unknown = [...new Set(planned.resources.map((r) => r.type).filter((type) => !(type in RESOURCE_KINDS)))];
    if (unknown.length > 0) {
      throw new AdoptError(
        `adopt does not know how to find ${unknown.join(', ')} (in ${planned.resources.filter((r) => unknown.includes(r.type)).map((r) => `${r.stack} ${r.address}`).join(', ')}): ` +
          'add a row for each type to RESOURCE_KINDS in adopt/resource-kinds.ts; nothing was read or written',
      );
    }
    const file = importsFilePath(config.name, undefined, emulator);
    const existing = readExistingFile(deps.root, file, planned);
    clients = (deps.clients ?? awsClients)(config.region, local.endpoint);
    await checkAccount(clients, config.name, config.accountId);
    const state = { [planned.stacks[0]]: await environmentState(clients, config, local.endpoint), [planned.stacks[1]]: bootstrapState(deps.root, config, emulator) };
    const scope = request.check ? planned.resources.filter((r) => r.stack === config.name) : planned.resources;
    const decisions = await decide(scope, planned, clients, state, existing?.imports ?? [], request.acceptReplacement);
    out(`${config.name}: account ${config.accountId} in ${config.region}, read through ${clients.where}`);
    if (request.check) return reportCheck(config, decisions, state[config.name], file, out);
    return writeImports(deps.root, file, config, decisions, existing, request.dryRun, out);
  } catch (error) {
    if (error instanceof AdoptError) {
      err(`adopt ${config.name} stopped: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    if (clients) closeClients(clients);
  }
}

/** The committed import file, checked; entries for addresses the stacks no longer have are dropped (and said so). */
function readExistingFile(root: string, file: string, planned: PlannedEnvironment): (ImportsFile & { dropped: ImportEntry[] }) | undefined {
  const full = path.join(root, file);
  if (!fs.existsSync(full)) return undefined;
  const { imports, problems } = parseImportsFile(fs.readFileSync(full, 'utf8'), file, { environment: planned.config.name, stacks: planned.stacks });
  if (!imports) {
    throw new AdoptError(`${file} cannot be read; fix or delete it, nothing was read or written:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
  }
  const known = new Set(planned.resources.map((r) => `${r.stack} ${r.address}`));
  const kept = imports.imports.filter((e) => known.has(`${e.stack} ${e.address}`));
  return { environment: imports.environment, imports: kept, dropped: imports.imports.filter((e) => !kept.includes(e)) };
}

/** Looks every resource up, memoized, so references between them are resolved against the account. */
class AccountLookup implements Lookup {
  private readonly finds = new Map<string, Promise<Found | undefined>>();
  private readonly byAddress: ReadonlyMap<string, PlannedResource>;

  constructor(
    readonly clients: AwsClients,
    resources: readonly PlannedResource[],
  ) {
    this.byAddress = new Map(resources.map((r) => [`${r.stack} ${r.address}`, r]));
  }

  find(resource: PlannedResource): Promise<Found | undefined> {
    const key = `${resource.stack} ${resource.address}`;
    let found = this.finds.get(key);
    if (!found) {
      found = RESOURCE_KINDS[resource.type].find(resource, this).catch((error: unknown) => {
        throw error instanceof AdoptError ? error : awsFailure(error, `looking up ${resource.stack} ${resource.address}`, this.clients.where);
      });
      this.finds.set(key, found);
    }
    return found;
  }

  readonly referenced = (resource: PlannedResource, argument: string): PlannedResource | undefined => {
    const value = resource.config[argument];
    const reference = typeof value === 'string' ? /^\$\{([a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)\.[a-z0-9_]+\}$/.exec(value) : null;
    return reference ? this.byAddress.get(`${resource.stack} ${reference[1]}`) : undefined;
  };

  readonly text = async (resource: PlannedResource, argument: string): Promise<string | undefined> => {
    const value = resource.config[argument];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return String(value);
    const reference = /^\$\{([a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)\.([a-z0-9_]+)\}$/.exec(value);
    if (!reference) return value.includes('${') ? undefined : value;
    const target = this.byAddress.get(`${resource.stack} ${reference[1]}`);
    return target ? (await this.find(target))?.attributes[reference[2]] : undefined;
  };
}

async function decide(
  scope: readonly PlannedResource[],
  planned: PlannedEnvironment,
  clients: AwsClients,
  state: Readonly<Record<string, ManagedResources>>,
  existing: readonly ImportEntry[],
  acceptReplacement: boolean,
): Promise<Decision[]> {
  const lookup = new AccountLookup(clients, planned.resources);
  const decisions: Decision[] = new Array(scope.length);
  let next = 0;
  const worker = async () => {
    while (next < scope.length) {
      const index = next++;
      const resource = scope[index];
      const entry = existing.find((e) => e.stack === resource.stack && e.address === resource.address);
      // An entry stays as it is, imported or not yet: Terraform skips the import of a resource in its state.
      if (entry) {
        decisions[index] = { resource, status: 'kept', entry };
      } else if (state[resource.stack]?.addresses.has(resource.address)) {
        decisions[index] = { resource, status: 'managed' };
      } else {
        const found = await lookup.find(resource);
        decisions[index] = !found
          ? { resource, status: 'absent' }
          : found.replacements.length > 0 && (!acceptReplacement || NEVER_REPLACED.has(resource.type))
            ? { resource, status: 'held back', found }
            : { resource, status: 'import', found };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_LOOKUPS, scope.length) }, worker));
  return decisions;
}

/**
 * Resource types adoption never lets Terraform replace, whatever --accept-replacement says: an
 * imported layer version carries no `skip_destroy` (the provider cannot read it back), so a
 * replacement would delete the team's version. Synth protects it with `prevent_destroy` instead,
 * and the configuration has to match it.
 */
const NEVER_REPLACED = new Set(['aws_lambda_layer_version']);

function reportCheck(
  config: EnvironmentConfig,
  decisions: readonly Decision[],
  state: ManagedResources,
  file: string,
  out: (line: string) => void,
): number {
  const unadopted = decisions.filter((d): d is Extract<Decision, { found: Found }> => d.status === 'import' || d.status === 'held back');
  if (unadopted.length === 0) {
    out(`${config.name}: ready to deploy: every resource of the stack that exists in the account is in its Terraform state (${state.location}) or in ${file}`);
    return 0;
  }
  out(
    `${config.name}: ${unadopted.length} resource${unadopted.length === 1 ? '' : 's'} of the stack already exist in account ${config.accountId} ` +
      `but are neither in its Terraform state (${state.location}) nor in ${file}; cdktf deploy ${config.name} would fail to create them, or publish a placeholder onto an existing layer:`,
  );
  for (const d of unadopted) out(`  - ${d.resource.address}: ${d.found.note}`);
  out(`Adopt them first: npm run adopt -- --env ${config.name}, then review and commit ${file}.`);
  return 1;
}

function writeImports(
  root: string,
  file: string,
  config: EnvironmentConfig,
  decisions: readonly Decision[],
  existing: (ImportsFile & { dropped: ImportEntry[] }) | undefined,
  dryRun: boolean,
  out: (line: string) => void,
): number {
  const entries: ImportEntry[] = [];
  for (const d of decisions) {
    const where = `${d.resource.stack} ${d.resource.address}`;
    switch (d.status) {
      case 'managed':
        out(`  managed    ${where}: in the Terraform state already`);
        break;
      case 'kept':
        out(`  kept       ${where} <- ${d.entry.id}: in ${file} already`);
        entries.push(d.entry);
        break;
      case 'absent':
        out(`  create     ${where}: not in the account; the deploy creates it`);
        break;
      case 'import':
        out(`  import     ${where} <- ${d.found.id}: ${d.found.note}${d.found.replacements.length > 0 ? ' (replacement accepted)' : ''}`);
        for (const r of d.found.replacements) out(`      ${describeReplacement(r)}`);
        entries.push({ stack: d.resource.stack, address: d.resource.address, id: d.found.id, note: d.found.note });
        break;
      case 'held back':
        out(`  HELD BACK  ${where}: ${d.found.note} differs from the configuration where Terraform can only replace it:`);
        for (const r of d.found.replacements) out(`      ${describeReplacement(r)}`);
        break;
    }
  }
  for (const e of existing?.dropped ?? []) out(`  dropped    ${e.stack} ${e.address} <- ${e.id}: no longer a resource of the stack`);
  const heldBack = decisions.filter((d) => d.status === 'held back').length;
  const text = formatImportsFile({ environment: config.name, imports: sortEntries(entries) });
  const full = path.join(root, file);
  const before = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
  if (entries.length === 0 && before === undefined) {
    out(`Nothing of ${config.name} exists in the account yet: no import file is needed.`);
  } else if (dryRun) {
    out(`[dry run] ${before === text ? `${file} is up to date; it would be left as it is` : `would write ${file}`}:`);
    out(text.trimEnd());
  } else if (before === text) {
    out(`${file} is up to date (${entries.length} resource${entries.length === 1 ? '' : 's'} to import).`);
  } else {
    fs.mkdirSync(path.dirname(full), { recursive: true });
    const temporary = `${full}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, full);
    out(`Wrote ${file}: ${entries.length} resource${entries.length === 1 ? '' : 's'} to import. Review and commit it; the next cdktf deploy ${config.name} imports them.`);
  }
  if (heldBack === 0) return 0;
  const layers = decisions.filter((d) => d.status === 'held back' && NEVER_REPLACED.has(d.resource.type)).length;
  out(
    `${heldBack} resource${heldBack === 1 ? ' was' : 's were'} held back and left out of ${file}: make the configuration match the account` +
      (heldBack > layers ? `, or run again with --accept-replacement to let Terraform replace ${heldBack - layers === 1 ? 'it' : 'them'}` : '') +
      (layers > 0 ? `; a layer version is never replaced on adoption: its configuration (runtimes, architectures, description, licence) must match` : '') +
      '.',
  );
  return 1;
}

/** One line: the attribute, both values, and what a replacement would do. */
export function describeReplacement(r: Replacement): string {
  return `${r.attribute}: ${JSON.stringify(r.config ?? null)} in the configuration, ${JSON.stringify(r.actual ?? null)} in the account; replacing it: ${r.consequence}`;
}
