import * as fs from 'node:fs';
import * as path from 'node:path';
import { WIRING_FILE } from '../contract/wiring-file';

/** The marker that lets CI find and update its own pull-request comment. */
export const SUMMARY_MARKER = '<!-- synth-summary -->';

/** What changed in one synthesized stack or module between two generated/ trees. */
export interface StackChanges {
  readonly stack: string;
  /** Addresses as Terraform users know them: `provider.aws`, `terraform.backend.s3`, `var.x`, `data.t.n`, `t.n`. */
  readonly added: string[];
  readonly removed: string[];
  /** Changed blocks with the top-level attributes that changed (none for a single value such as `terraform.required_version`). */
  readonly changed: { readonly address: string; readonly attributes: string[] }[];
  /** Changes to which account Terraform may act in and where its API calls go: every one is called out. */
  readonly accountGuard: string[];
  /** Changes to where the state lives and how it is locked: every one is called out. */
  readonly backend: string[];
  /** Changes to IAM resources and bucket policies: every one is called out. */
  readonly iam: string[];
  /**
   * Changes to who can invoke a function: its resource permissions (`aws_lambda_permission`), its
   * URL (`authorization_type` above all: "now public" when it becomes NONE), the routes of an
   * HTTP API and their authorizers, the queues that drive it (event source mappings) and the
   * schedules that run it. Every one is called out, with what it grants.
   */
  readonly invokers: string[];
  /** Changes to what Terraform leaves to CI: every one is called out. */
  readonly ignoreChanges: string[];
  /**
   * Changes to the external layers (ARNs not built here) a function pins while its `layers` is left
   * to CI: Terraform ignores them, the next release applies them. Every one is called out.
   */
  readonly externalLayers: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parsed JSON without cdktf's `//` metadata at any depth, object keys sorted so that key order never counts as a change. */
function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value as Json;
  const entries = Object.entries(value).filter(([key]) => key !== '//');
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, v]) => [key, canonical(v)]));
}

/** The configuration files of a generated/ tree, by stack: stacks/<env> and modules/<name>. */
function configurations(generated: string): Map<string, Json> {
  const found = new Map<string, Json>();
  for (const [kind, file] of [
    ['stacks', 'cdk.tf.json'],
    ['modules', 'main.tf.json'],
  ]) {
    const dir = path.join(generated, kind);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const config = path.join(dir, name, file);
      if (fs.existsSync(config)) found.set(`${kind}/${name}`, canonical(JSON.parse(fs.readFileSync(config, 'utf8'))));
    }
  }
  return found;
}

/**
 * How many levels of names lead to a block in each section of a Terraform JSON config
 * (`resource.<type>.<name>` is 2), and the address prefix Terraform users know it by.
 * Sections not listed (`moved`, `import`, `check`, ...) are compared whole.
 */
type Shape = number | { readonly [key: string]: Shape };
const SECTIONS: { readonly [section: string]: { readonly shape: Shape; readonly prefix: string[] } } = {
  provider: { shape: 1, prefix: ['provider'] },
  terraform: { shape: { backend: 1, required_providers: 1, '*': 0 }, prefix: ['terraform'] },
  variable: { shape: 1, prefix: ['var'] },
  output: { shape: 1, prefix: ['output'] },
  locals: { shape: 1, prefix: ['local'] },
  data: { shape: 2, prefix: ['data'] },
  resource: { shape: 2, prefix: [] },
  module: { shape: 1, prefix: ['module'] },
};

/** Provider blocks by name, an aliased one as `<name>.<alias>` (cdktf writes each provider as a list of blocks). */
function providersByAlias(providers: Json): Json {
  if (!isObject(providers)) return providers;
  const out: JsonObject = {};
  for (const [name, blocks] of Object.entries(providers)) {
    (Array.isArray(blocks) ? blocks : [blocks]).forEach((block, i) => {
      const alias = isObject(block) && typeof block.alias === 'string' ? `${name}.${block.alias}` : name;
      out[alias in out ? `${alias}[${i}]` : alias] = block;
    });
  }
  return out;
}

/** Every block of a config, by address. */
function blocks(config: Json | undefined): Map<string, Json> {
  const out = new Map<string, Json>();
  const walk = (value: Json, shape: Shape, address: string[]) => {
    if (shape === 0 || !isObject(value)) return void out.set(address.join('.'), value);
    for (const [key, inner] of Object.entries(value)) {
      walk(inner, typeof shape === 'number' ? shape - 1 : (shape[key] ?? shape['*'] ?? 0), [...address, key]);
    }
  };
  for (const [section, value] of Object.entries(isObject(config) ? config : {})) {
    const { shape, prefix } = SECTIONS[section] ?? { shape: 0, prefix: [section] };
    walk(section === 'provider' ? providersByAlias(value) : value, shape, prefix);
  }
  return out;
}

const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** The top-level attributes that differ between two versions of a block; none when it is a single value. */
function changedAttributes(old: Json | undefined, now: Json | undefined): string[] {
  if (!isObject(old) || !isObject(now)) return [];
  return [...new Set([...Object.keys(old), ...Object.keys(now)])].filter((k) => !same(old[k], now[k])).sort();
}

/**
 * The provider attributes that decide which account Terraform acts in and where its API calls go.
 * `endpoints` is here because a custom endpoint redirects calls, the account check included.
 */
const ACCOUNT_GUARD = ['allowed_account_ids', 'forbidden_account_ids', 'assume_role', 'assume_role_with_web_identity', 'endpoints'];
const PERMISSIONS = /^(data\.)?aws_(iam_\w+|s3_bucket_policy)\./;

/**
 * What decides who can invoke a function, by resource type: the attributes a call-out shows.
 * A Lambda permission is shown whole; a function URL by its auth type (CORS only tells browsers
 * what to read), a route by its key, target and authorization; an event source mapping by the
 * queue it reads, the function it drives, whether it polls and which messages it passes (not
 * how many at once); a schedule by what it invokes (and how), whether it runs and when.
 */
const INVOKER_ATTRIBUTES: { readonly [type: string]: readonly string[] | 'all' } = {
  aws_lambda_permission: 'all',
  aws_lambda_function_url: ['authorization_type', 'qualifier'],
  aws_apigatewayv2_route: ['route_key', 'target', 'authorization_type', 'authorizer_id', 'authorization_scopes'],
  aws_apigatewayv2_authorizer: 'all',
  aws_lambda_event_source_mapping: ['event_source_arn', 'function_name', 'enabled', 'filter_criteria'],
  aws_scheduler_schedule: ['target', 'state', 'schedule_expression'],
};

type Changes = Pick<StackChanges, 'added' | 'removed' | 'changed'>;

/** The added, removed and changed blocks whose address matches, changed ones only for the given attributes (all if none given). */
function callOut({ added, removed, changed }: Changes, address: RegExp, attributes?: readonly string[]): string[] {
  const relevant = (names: string[]) => (attributes ? names.filter((n) => attributes.includes(n)) : names);
  return [
    ...added.filter((a) => address.test(a)).map((a) => `${a} added`),
    ...removed.filter((a) => address.test(a)).map((a) => `${a} removed`),
    ...changed
      .filter((c) => address.test(c.address) && (!attributes || relevant(c.attributes).length > 0))
      .map((c) => `${c.address} changed${c.attributes.length ? ` (${relevant(c.attributes).join(', ')})` : ''}`),
  ];
}

/** What Terraform leaves to CI: a resource's `lifecycle.ignore_changes`. */
function ignored(body: Json | undefined): Json[] {
  const lifecycle = isObject(body) ? body.lifecycle : undefined;
  const list = isObject(lifecycle) ? lifecycle.ignore_changes : undefined;
  return Array.isArray(list) ? list : list === undefined ? [] : [list];
}

/** The layer ARNs a function pins as they are: not a reference to a layer version built here (`${...}`). */
function externalLayerArns(body: Json | undefined): string[] {
  const layers = isObject(body) ? body.layers : undefined;
  return Array.isArray(layers) ? layers.filter((l): l is string => typeof l === 'string' && !l.includes('${')) : [];
}

/** Functions whose pinned external layers changed (order included) while CI owns their `layers`, with the ARNs before and after. */
function externalLayerChanges(changed: Changes['changed'], before: Map<string, Json>, after: Map<string, Json>): string[] {
  return changed
    .filter((c) => c.address.startsWith('aws_lambda_function.') && ignored(after.get(c.address)).includes('layers'))
    .filter((c) => !same(externalLayerArns(before.get(c.address)), externalLayerArns(after.get(c.address))))
    .map((c) => `${c.address}: [${externalLayerArns(before.get(c.address)).join(', ')}] → [${externalLayerArns(after.get(c.address)).join(', ')}]`);
}

const typeOf = (address: string) => address.split('.')[0];

/** The attributes of a block that decide who may invoke, `name=value`, references as written. */
function invokerAttributes(address: string, body: Json | undefined, only?: readonly string[]): string {
  const wanted = INVOKER_ATTRIBUTES[typeOf(address)];
  if (!isObject(body) || wanted === undefined) return '';
  const names = (wanted === 'all' ? Object.keys(body).filter((k) => k !== 'lifecycle' && k !== 'depends_on') : wanted).filter((n) => !only || only.includes(n));
  return names
    .filter((n) => body[n] !== undefined)
    .map((n) => `${n}=${typeof body[n] === 'string' ? body[n] : JSON.stringify(body[n])}`)
    .join(', ');
}

/** Who a block lets in, when that is everyone: a URL with auth NONE, a permission for any principal, a route without authorization. */
function openTo(address: string, body: Json | undefined): string | undefined {
  if (!isObject(body)) return undefined;
  switch (typeOf(address)) {
    case 'aws_lambda_function_url':
      return body.authorization_type === 'NONE' ? 'public: anyone on the internet can invoke it' : undefined;
    case 'aws_lambda_permission':
      return body.principal === '*' ? 'open to any principal' : undefined;
    case 'aws_apigatewayv2_route':
      return body.authorization_type === undefined || body.authorization_type === 'NONE' ? 'open: no authorizer' : undefined;
    default:
      return undefined;
  }
}

/**
 * The queue an enabled event source mapping reads, as its config names it: whoever can send to
 * that queue drives the function.
 */
function drivingQueue(address: string, body: Json | undefined): string | undefined {
  if (typeOf(address) !== 'aws_lambda_event_source_mapping' || !isObject(body)) return undefined;
  if (body.enabled === false || body.event_source_arn === undefined) return undefined;
  return typeof body.event_source_arn === 'string' ? body.event_source_arn : JSON.stringify(body.event_source_arn);
}

const drives = (queue: string) => `whoever can send to ${queue} now drives the function`;

/**
 * What a change to an event source mapping means for who drives the function: a new queue
 * (or function, or the mapping enabled again) lets whoever can send to the queue drive it; a
 * disabled mapping lets no one.
 */
function drivenShift(address: string, old: Json | undefined, now: Json | undefined): string | undefined {
  const was = drivingQueue(address, old);
  const is = drivingQueue(address, now);
  const sameFunction = isObject(old) && isObject(now) && same(old.function_name, now.function_name);
  if (is !== undefined && (is !== was || !sameFunction)) return drives(is);
  if (was !== undefined && is === undefined) return `${was} no longer drives the function`;
  return undefined;
}

/**
 * Every change to who can invoke a function, with what the block grants: added and removed
 * blocks with their deciding attributes, changed ones with each deciding attribute before and
 * after, and whether the change opens a front door to anyone ("now public") or closes one, or
 * lets whoever can send to a queue drive the function.
 */
function invokerChanges({ added, removed, changed }: Changes, before: Map<string, Json>, after: Map<string, Json>): string[] {
  const decides = (address: string) => INVOKER_ATTRIBUTES[typeOf(address)] !== undefined;
  const note = (text: string | undefined) => (text ? `: ${text}` : '');
  const addedNote = (address: string, body: Json | undefined) => {
    const queue = drivingQueue(address, body);
    return openTo(address, body) ?? (queue === undefined ? undefined : drives(queue));
  };
  return [
    ...added.filter(decides).map((a) => `${a} added (${invokerAttributes(a, after.get(a))})${note(addedNote(a, after.get(a)))}`),
    ...removed.filter(decides).map((a) => `${a} removed (was ${invokerAttributes(a, before.get(a))})`),
    ...changed
      .filter((c) => decides(c.address))
      .flatMap((c) => {
        const old = before.get(c.address);
        const now = after.get(c.address);
        const wanted = INVOKER_ATTRIBUTES[typeOf(c.address)];
        const attributes = wanted === 'all' ? c.attributes : c.attributes.filter((n) => wanted.includes(n));
        if (attributes.length === 0) return [];
        const value = (body: Json | undefined, n: string) => (isObject(body) && body[n] !== undefined ? (typeof body[n] === 'string' ? body[n] : JSON.stringify(body[n])) : '(none)');
        const was = openTo(c.address, old);
        const is = openTo(c.address, now);
        const shift = is && !was ? `now ${is}` : was && !is ? `no longer ${was.split(':')[0]}` : drivenShift(c.address, old, now);
        return [`${c.address} changed (${attributes.map((n) => `${n}: ${value(old, n)} → ${value(now, n)}`).join('; ')})${note(shift)}`];
      }),
  ];
}

/** Compares two generated/ trees, stack by stack, over every section of the config. Stacks without changes are left out. */
export function changesBetween(baseDir: string, headDir: string): StackChanges[] {
  const base = configurations(baseDir);
  const head = configurations(headDir);
  const stacks = [...new Set([...base.keys(), ...head.keys()])].sort();
  return stacks
    .map((stack): StackChanges => {
      const before = blocks(base.get(stack));
      const after = blocks(head.get(stack));
      const added = [...after.keys()].filter((a) => !before.has(a)).sort();
      const removed = [...before.keys()].filter((a) => !after.has(a)).sort();
      const changed = [...after.keys()]
        .filter((a) => before.has(a) && !same(before.get(a), after.get(a)))
        .sort()
        .map((address) => ({ address, attributes: changedAttributes(before.get(address), after.get(address)) }));
      const changes = { added, removed, changed };
      const ignoreChanges = changed
        .filter((c) => !same(ignored(before.get(c.address)), ignored(after.get(c.address))))
        .map((c) => `${c.address}: [${ignored(before.get(c.address)).join(', ')}] → [${ignored(after.get(c.address)).join(', ')}]`);
      return {
        stack,
        ...changes,
        accountGuard: callOut(changes, /^provider\./, ACCOUNT_GUARD),
        backend: callOut(changes, /^terraform\.(backend|cloud)\b/),
        iam: callOut(changes, PERMISSIONS),
        invokers: invokerChanges(changes, before, after),
        ignoreChanges,
        externalLayers: externalLayerChanges(changed, before, after),
      };
    })
    .filter((c) => c.added.length + c.removed.length + c.changed.length > 0);
}

/** An environment whose wiring diagram changed: its `wiring.md` now, or undefined when the environment is gone. */
export interface WiringChange {
  /** `stacks/<environment>`, as the stacks are named in the table. */
  readonly stack: string;
  readonly markdown: string | undefined;
}

/** The `wiring.md` of each environment stack of a generated/ tree, by stack. */
function wiringFiles(generated: string): Map<string, string> {
  const found = new Map<string, string>();
  const dir = path.join(generated, 'stacks');
  if (!fs.existsSync(dir)) return found;
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, WIRING_FILE);
    if (fs.existsSync(file)) found.set(`stacks/${name}`, fs.readFileSync(file, 'utf8'));
  }
  return found;
}

/** The environments whose wiring diagram differs between two generated/ trees (added, changed or gone), by stack name. */
export function wiringChangesBetween(baseDir: string, headDir: string): WiringChange[] {
  const base = wiringFiles(baseDir);
  const head = wiringFiles(headDir);
  return [...new Set([...base.keys(), ...head.keys()])]
    .sort()
    .filter((stack) => base.get(stack) !== head.get(stack))
    .map((stack) => ({ stack, markdown: head.get(stack) }));
}

/** The Mermaid block of a `wiring.md`, fences included; the whole file if it has none. */
function mermaidBlock(markdown: string): string {
  return /```mermaid\n[\s\S]*?\n```/.exec(markdown)?.[0] ?? markdown.trimEnd();
}

/** The section showing each changed wiring diagram, which GitHub draws; nothing when none changed. */
function renderWiring(wiring: readonly WiringChange[]): string[] {
  if (wiring.length === 0) return [];
  const lines = ['', '### Wiring', '', `The new diagram of every environment whose wiring changed (\`${WIRING_FILE}\` beside its stack).`];
  for (const { stack, markdown } of wiring) {
    lines.push('', `#### \`${stack}\``, '');
    lines.push(markdown === undefined ? `No diagram any more: the environment is gone.` : mermaidBlock(markdown));
  }
  return lines;
}

/** The pull-request comment: a table per stack, then the details, call-outs first; then the wiring diagrams that changed. */
export function renderSummary(changes: readonly StackChanges[], wiring: readonly WiringChange[] = []): string {
  const lines = [SUMMARY_MARKER, '### Synthesized Terraform', ''];
  if (changes.length === 0) return [...lines, 'No change to the synthesized Terraform.', ...renderWiring(wiring), ''].join('\n');
  lines.push(
    '| Stack | Added | Removed | Changed | Account guard | Backend | IAM | Invokers | ignore_changes | External layers |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const c of changes) {
    const counts = [c.added, c.removed, c.changed, c.accountGuard, c.backend, c.iam, c.invokers, c.ignoreChanges, c.externalLayers].map((list) => list.length);
    lines.push(`| \`${c.stack}\` | ${counts.join(' | ')} |`);
  }
  for (const c of changes) {
    lines.push('', `#### \`${c.stack}\``);
    for (const item of c.accountGuard) lines.push(`- **Account guard (which account, which endpoints):** \`${item}\``);
    for (const item of c.backend) lines.push(`- **Backend (where the state lives):** \`${item}\``);
    for (const item of c.iam) lines.push(`- **IAM:** \`${item}\``);
    for (const item of c.invokers) lines.push(`- **Who can invoke (permissions, function URLs, routes, authorizers, event sources, schedules):** \`${item}\``);
    for (const item of c.ignoreChanges) lines.push(`- **ignore_changes (what CI owns) changed:** \`${item}\``);
    for (const item of c.externalLayers) lines.push(`- **External layers (applied at the next release, not by Terraform):** \`${item}\``);
    for (const address of c.added) lines.push(`- added \`${address}\``);
    for (const address of c.removed) lines.push(`- removed \`${address}\``);
    for (const { address, attributes } of c.changed) lines.push(`- changed \`${address}\`${attributes.length ? ` (${attributes.join(', ')})` : ''}`);
  }
  return [...lines, ...renderWiring(wiring), ''].join('\n');
}

if (require.main === module) {
  const [baseDir, headDir] = process.argv.slice(2);
  // A mistyped directory would read as "every stack removed" (or added): refuse it instead.
  const missing = [baseDir, headDir].filter((dir) => dir && !fs.existsSync(path.join(dir, 'stacks')) && !fs.existsSync(path.join(dir, 'modules')));
  if (!baseDir || !headDir) {
    process.stderr.write('Usage: npm run synth-summary -- <base generated/ dir> <head generated/ dir>\n');
    process.exitCode = 2;
  } else if (missing.length > 0) {
    process.stderr.write(`${missing.join(', ')}: not a generated/ directory (no stacks/ or modules/ in it)\n`);
    process.exitCode = 2;
  } else {
    process.stdout.write(renderSummary(changesBetween(baseDir, headDir), wiringChangesBetween(baseDir, headDir)));
  }
}
