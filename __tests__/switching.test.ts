import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLEANUP_LAMBDA_MOVES, LAMBDA_LAYER_MOVES, LAMBDA_MOVES, ModuleMove, movedBlocks } from '../module-export/moved-addresses';
import { emulatorEnvironment, Moto, startMoto } from './support/moto';
import { killAll, run } from './support/processes';
import { tempDir } from './support/synth';

jest.setTimeout(300_000);

// A root built with the modules teams run today is applied against moto (an AWS API emulator),
// then switched to generated/modules/ as the README says; the plan must move what those modules
// created, destroy only what the generated modules write differently, and replace nothing.
// The fixtures: __tests__/fixtures/existing-modules/README.md.

const ACCOUNT_ID = '111111111111';
const repository = path.resolve(__dirname, '..');
const fixtures = path.join(__dirname, 'fixtures', 'existing-modules');
const work = tempDir('switching');

/** Each module call of the root, and the generated module it calls after the switch. */
const MODULE_CALLS: Record<string, { generated: string; moves: readonly ModuleMove[] }> = {
  lambda_layer: { generated: 'lambda-layer', moves: LAMBDA_LAYER_MOVES },
  lambda: { generated: 'lambda', moves: LAMBDA_MOVES },
  cleanup_lambda: { generated: 'cleanup-lambda', moves: CLEANUP_LAMBDA_MOVES },
  shared_layer: { generated: 'lambda-layer', moves: LAMBDA_LAYER_MOVES },
  worker: { generated: 'lambda', moves: LAMBDA_MOVES },
  janitor: { generated: 'cleanup-lambda', moves: CLEANUP_LAMBDA_MOVES },
};

/** The root's own moved block (roots/after/main.tf): a permission no module can move. */
const ROOT_MOVES = { 'module.worker.aws_lambda_permission.unqualified_alias_triggers["Books"]': 'aws_lambda_permission.worker_books' };

/**
 * What the switch destroys, each with what the generated module creates in its place in the same
 * apply: the earlier modules' policies and policy attachments (the generated modules write their
 * own, scoped, inline policies under other names), and the hand-written cleanup module's schedule
 * (an EventBridge rule, its target and permission: the generated module schedules on EventBridge
 * Scheduler, with a role of its own, keyed by the expression).
 */
const REPLACED: Record<string, string> = {
  'module.lambda.aws_iam_role_policy_attachment.lambda_basic': 'module.lambda.aws_iam_role_policy.lambda_logs_policy',
  'module.lambda.aws_iam_role_policy_attachment.lambda_xray': 'module.lambda.aws_iam_role_policy.lambda_tracing_policy[0]',
  'module.lambda.aws_iam_role_policy.lambda_invoke[0]': 'module.lambda.aws_iam_role_policy.lambda_invoke_policy[0]',
  'module.cleanup_lambda.aws_iam_role_policy_attachment.basic': 'module.cleanup_lambda.aws_iam_role_policy.lambda_logs_policy',
  'module.cleanup_lambda.aws_iam_role_policy.s3[0]': 'module.cleanup_lambda.aws_iam_role_policy.lambda_scope_policy',
  'module.cleanup_lambda.aws_cloudwatch_event_rule.schedule[0]': 'module.cleanup_lambda.aws_scheduler_schedule.lambda_schedules_cleanup["rate(1 day)"]',
  'module.cleanup_lambda.aws_cloudwatch_event_target.lambda[0]': 'module.cleanup_lambda.aws_iam_role.lambda_schedules_scheduler_role["rate(1 day)"]',
  'module.cleanup_lambda.aws_lambda_permission.eventbridge[0]':
    'module.cleanup_lambda.aws_iam_role_policy.lambda_schedules_scheduler_policy["rate(1 day)"]',
  'module.worker.aws_iam_role_policy.logs[0]': 'module.worker.aws_iam_role_policy.lambda_logs_policy',
  'module.worker.aws_iam_role_policy.tracing[0]': 'module.worker.aws_iam_role_policy.lambda_tracing_policy[0]',
  'module.worker.aws_iam_role_policy.additional_inline[0]': 'module.worker.aws_iam_role_policy.statements_policy[0]',
  'module.janitor.aws_iam_role_policy.logs[0]': 'module.janitor.aws_iam_role_policy.lambda_logs_policy',
};

/** Resource types the switch must never destroy or replace. */
const KEPT_TYPES = ['aws_lambda_function', 'aws_lambda_layer_version', 'aws_iam_role', 'aws_cloudwatch_log_group'];

/** One change of a plan, from `terraform plan -json`. */
interface PlannedChange {
  readonly address: string;
  readonly previous?: string;
  readonly action: string;
}

let moto: Moto;

function terraform(cwd: string, args: readonly string[]) {
  return run('terraform', [...args, '-no-color', '-input=false'], {
    cwd,
    env: emulatorEnvironment({ AWS_REGION: 'us-west-2', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' }),
    timeoutMs: 240_000,
  });
}

async function terraformOk(cwd: string, args: readonly string[]): Promise<string> {
  const result = await terraform(cwd, args).catch((error: Error) => ({ status: 'killed', output: error.message }));
  if (result.status !== 0) {
    throw new Error(`terraform ${args.join(' ')} failed in ${path.basename(cwd)} (${result.status}):\n${result.output}\nmoto:\n${moto.log().slice(-4000)}`);
  }
  return result.output;
}

/**
 * The root's plan against the applied state, from Terraform's machine-readable output. Without
 * refresh: the state was just written by the apply, and what is compared is configuration and
 * state (moto's own gaps, such as the tracing mode it drops, stay out of it).
 */
async function plan(dir: string): Promise<PlannedChange[]> {
  const output = await terraformOk(dir, ['plan', '-json', '-refresh=false', `-var=endpoint=${moto.endpoint}`]);
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((message) => message.type === 'planned_change')
    .map(({ change }) => ({ address: change.resource.addr, previous: change.previous_resource?.addr, action: change.action }));
}

/** The resource instances in a root's state, as addresses. */
function stateAddresses(dir: string): string[] {
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'));
  return state.resources
    .filter((resource: any) => resource.mode === 'managed')
    .flatMap((resource: any) =>
      resource.instances.map((instance: any) => {
        const key = instance.index_key === undefined ? '' : `[${JSON.stringify(instance.index_key)}]`;
        return `${resource.module ? `${resource.module}.` : ''}${resource.type}.${resource.name}${key}`;
      }),
    );
}

/** Where a module's moved blocks take an address of the state, following chains; none if nowhere. */
function finalAddress(moves: readonly ModuleMove[], from: string): string | undefined {
  const blocks = movedBlocks(moves);
  let at: string | undefined;
  for (let block = blocks.find((b) => b.from === from); block !== undefined; block = blocks.find((b) => b.from === block!.to)) at = block.to;
  return at;
}

/** Every instance of the applied state some moved block names, and where it must end up. */
function expectedMoves(before: readonly string[]): Record<string, string> {
  const moves: Record<string, string> = { ...ROOT_MOVES };
  for (const address of before) {
    const [, call, resource] = /^module\.([a-z_]+)\.(.+)$/.exec(address) ?? [];
    const to = call === undefined ? undefined : finalAddress(MODULE_CALLS[call].moves, resource);
    if (to !== undefined) moves[address] = `module.${call}.${to}`;
  }
  return moves;
}

let before: string[];
let switched: PlannedChange[];
let withoutMovedBlocks: PlannedChange[];

beforeAll(async () => {
  moto = await startMoto(ACCOUNT_ID, 30_000, { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' });
  fs.cpSync(fixtures, path.join(work, 'existing-modules'), { recursive: true });
  const dir = path.join(work, 'root');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(fixtures, 'roots', 'providers.tf'), path.join(dir, 'providers.tf'));
  fs.copyFileSync(path.join(repository, 'examples', 'existing-terraform', 'tests', 'fixtures', 'release-a.zip'), path.join(dir, 'package.zip'));
  fs.copyFileSync(path.join(fixtures, 'roots', 'before', 'main.tf'), path.join(dir, 'main.tf'));
  await terraformOk(dir, ['init']);
  await terraformOk(dir, ['apply', '-auto-approve', `-var=endpoint=${moto.endpoint}`]);
  before = stateAddresses(dir);

  // The switch, and beside it the negative control: the same switch, in a copy of the root, to
  // modules without their moved blocks.
  const after = fs.readFileSync(path.join(fixtures, 'roots', 'after', 'main.tf'), 'utf8');
  fs.writeFileSync(path.join(dir, 'main.tf'), after);
  fs.cpSync(path.join(repository, 'generated', 'modules'), path.join(work, 'generated', 'modules'), { recursive: true });
  fs.cpSync(path.join(work, 'generated'), path.join(work, 'generated-without-moved-blocks'), { recursive: true });
  for (const name of new Set(Object.values(MODULE_CALLS).map((call) => call.generated))) {
    const file = path.join(work, 'generated-without-moved-blocks', 'modules', name, 'main.tf.json');
    const { moved, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (moved === undefined) throw new Error(`${name} has no moved blocks to take away`);
    fs.writeFileSync(file, JSON.stringify(rest));
  }
  const control = path.join(work, 'root-without-moved-blocks');
  fs.cpSync(dir, control, { recursive: true });
  fs.writeFileSync(path.join(control, 'main.tf'), after.replaceAll('"../generated/modules/', '"../generated-without-moved-blocks/modules/'));
  await Promise.all([terraformOk(dir, ['init']), terraformOk(control, ['init'])]);
  [switched, withoutMovedBlocks] = await Promise.all([plan(dir), plan(control)]);
});

afterAll(async () => {
  killAll();
  await moto?.stop();
});

describe('switching a root from the hand-written modules and terraform-aws-modules/lambda to generated/modules/', () => {
  test('the applied root holds an address for every move of every module (the fixtures cover the tables)', () => {
    const covered = new Set(
      before.flatMap((address) => {
        const [, call, resource] = /^module\.([a-z_]+)\.(.+)$/.exec(address) ?? [];
        return call === undefined ? [] : [`${MODULE_CALLS[call].generated} ${resource}`];
      }),
    );
    const rows = Object.values(MODULE_CALLS).flatMap((call) => call.moves.map((move) => `${call.generated} ${move.from}`));
    expect(rows.filter((row) => !covered.has(row))).toEqual([]);
  });

  test('moves every function, role, log group, layer version and permission, changing them in place at most', () => {
    const moved = switched.filter((c) => c.previous !== undefined);
    expect(Object.fromEntries(moved.map((c) => [c.previous, c.address]))).toEqual(expectedMoves(before));
    expect(moved.filter((c) => c.action !== 'move' && c.action !== 'update')).toEqual([]);
  });

  test('replaces nothing, and destroys only what the generated modules write differently, creating theirs in its place', () => {
    expect(switched.filter((c) => c.action === 'replace')).toEqual([]);
    const destroyed = switched.filter((c) => c.action === 'delete').map((c) => c.address);
    expect(destroyed.sort()).toEqual(Object.keys(REPLACED).sort());
    const created = switched.filter((c) => c.action === 'create').map((c) => c.address);
    expect(Object.values(REPLACED).filter((address) => !created.includes(address))).toEqual([]);
    expect(destroyed.filter((address) => KEPT_TYPES.includes(resourceType(address)))).toEqual([]);
  });

  test('without the moved blocks, the same switch would destroy and recreate each of those resources (negative control)', () => {
    const destroyed = withoutMovedBlocks.filter((c) => c.action === 'delete').map((c) => c.address);
    const created = withoutMovedBlocks.filter((c) => c.action === 'create').map((c) => c.address);
    const moduleMoves = Object.entries(expectedMoves(before)).filter(([from]) => !(from in ROOT_MOVES));
    expect(moduleMoves.length).toBeGreaterThan(0);
    expect(moduleMoves.filter(([from, to]) => !destroyed.includes(from) || !created.includes(to))).toEqual([]);
  });
});

/** The resource type of an address: `aws_iam_role` of `module.lambda.aws_iam_role.lambda_role`. */
function resourceType(address: string): string {
  return /^(?:module\.[a-z_]+\.)?([a-z0-9_]+)\./.exec(address)![1];
}
