import { ALL_FUNCTIONS, checkAgainstManifest, PackageRequest, readArguments, ReleaseRequest } from './arguments';
import { awsClients, checkAccount, realSleep, ReleaseClients, ReleaseContext, ReleaseError, Reporter, UsageError } from './context';
import { latestVersionArn, upcomingVersion, updateCode, updateLayer } from './functions';
import { buildLayer, Installer, publishLayer } from './layers';
import { loadManifest, manifestLayer } from './manifest';
import { buildPackage } from './package';
import { promoteFunctions, shortIntervalWarning } from './promote';
import { publishFunctions } from './publish';
import { rollbackFunctions, rollbackLayerToAliases } from './rollback';
import { localAwsEndpointFrom } from '../core/local-endpoint';
import { formatProblem } from '../core/problems';

export const USAGE = `Usage: npm run release -- <command> --env <environment> [options]

Commands, with the options each takes:
  layer build       --layer <key>                 build the layer into python/ and upload it, unless unchanged
  layer publish     --layer <key>                 publish a layer version from that build, unless the latest holds it
  layer release     --layer <key>                 build, publish, then point every function using the layer at it
  functions update  --layer <key> [--version-arn <arn>]
                                                  point every function using the layer at a version (default: the latest)
  functions update  --package <zip> [--functions <key,key>]
                                                  release a code package to the functions (default: all of them);
                                                  a function already running it is left alone
  functions package --source <dir> [--include <name,name>] --out <zip>
                                                  build a reproducible code package of the directory (no --env needed)
  functions publish [--functions <key,key>]      publish a version of each function (default: all of them) from
                                                  its $LATEST, once no update runs, and wait until it is Active; the
                                                  description records the code's SHA-256 and the layer versions
  functions promote [--functions <key,key>] [--canary <pct> --interval <duration> | --linear <pct> --interval <duration>]
                                                  move each function's alias to its latest published version:
                                                  all at once (default); --canary: <pct>% for the interval, then 100%;
                                                  --linear: <pct>% more every interval until 100%. While a step
                                                  waits, the functions' alarms (the manifest's \`alarms\`) are read at
                                                  least every 15s: on ALARM every function goes back to its old
                                                  version, with no weights, and the command exits 1 with the alarm's
                                                  name and reason. A function already there is "already live"; one
                                                  whose new version holds the same code and layers as a held-back
                                                  version (the alias's record) is not promoted, and said so.
  rollback          --layer <key> --to-version <n>
                                                  point the functions' $LATEST back at an earlier layer version, then
                                                  publish a version of each and move their aliases to it at once
  rollback          --function <key|all> (--to-version <n> | --previous)
                                                  move each function's alias (code and layers together) to a published
                                                  version, with no weights; --previous: during a canary the alias's
                                                  own version, otherwise the version the alias's record says was live
                                                  before (none recorded: the highest published version below it)

Options of the commands above:
  --layer <key>     a layer of the manifest, by key
  --version-arn <arn>    a published version of that layer: <layer ARN>:<version>
  --package <zip>   a code package: a zip archive
  --functions <key,key>  the functions of the manifest to work on, by key
  --canary <pct>    1 to 99, a whole percentage: the share of traffic on the new version for one interval
  --linear <pct>    1 to 99, a whole percentage: the share added at every step
  --interval <duration>  with --canary or --linear: how long each step waits and watches the alarms,
                    a whole number followed by s, m or h, from 1s to 24h (30s, 5m, 1h); under 2m, a warning:
                    the alarms may not have seen a step's errors yet (5m is the usual interval)
  --function <key|all>   the function to roll back, by key, or all of the manifest's
  --to-version <n>  the version to go back to: of the layer with --layer, of each function with --function
  --previous        with --function: the version before the alias's (during a canary: the alias's own)

Options of the commands that work on several functions (layer release, functions update, functions publish,
functions promote, rollback):
  --concurrency <n> how many functions are worked on at once, 1 to 100 (default 10)

Options of every command:
  --env <name>      environment; its manifest is generated/stacks/<name>/release-manifest.json
  --dry-run         print exactly what would be done, and change nothing
  --json            print one JSON document for machines instead of progress lines
  --help            print this help

Every argument is checked against the command and the manifest before anything is done. Refused,
with exit code 2: an option the command does not take (functions update takes --layer or --package,
not both: release a layer and a code package in two runs), a repeated option, an unknown layer or
function key, a malformed value, and a canary or linear promotion of a function without an alarm to
watch. A manifest that cannot be read stops the command with exit code 1.
`;

/** After a usage error: where the commands and options are, instead of all of them. */
export const USAGE_HINT = 'Commands and options: npm run release -- --help';

export interface ReleaseDependencies {
  readonly root: string;
  readonly clients?: (region: string, localEndpoint?: string) => ReleaseClients;
  /** Where LAMBDA_FLEET_LOCAL_AWS_ENDPOINT is read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly installer?: Installer;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

/** Runs one release command; returns the exit code (0 done, 1 failed, 2 usage). */
export async function runRelease(argv: readonly string[], deps: ReleaseDependencies): Promise<number> {
  const out = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const usage = (error: UsageError) => {
    err(`${error.message}\n\n${USAGE_HINT}`);
    return 2;
  };
  let request: ReleaseRequest | PackageRequest;
  let localEndpoint: string | undefined;
  try {
    const read = readArguments(argv, deps.root);
    if (read === 'help') {
      out(USAGE);
      return 0;
    }
    request = read;
    const local = localAwsEndpointFrom(deps.env ?? process.env);
    if (local.problems.length > 0) throw new UsageError(local.problems.map(formatProblem));
    localEndpoint = local.endpoint;
  } catch (error) {
    if (error instanceof UsageError) return usage(error);
    throw error;
  }

  if (request.command === 'functions package') return runPackage(request, out, err);
  const { command, environment, dryRun } = request;
  const reporter = new Reporter(request.json, out);
  try {
    // Nothing reaches AWS before the manifest is read and every argument checked against it.
    const manifest = loadManifest(deps.root, environment);
    checkAgainstManifest(request, manifest);
    const context: ReleaseContext = {
      environment,
      ...(deps.clients ?? awsClients)(manifest.region, localEndpoint),
      reporter,
      dryRun,
      sleep: deps.sleep ?? realSleep,
      root: deps.root,
      ...(request.concurrency === undefined ? {} : { concurrency: request.concurrency }),
    };
    await checkAccount(context, manifest.accountId);
    switch (request.command) {
      case 'layer build':
        await buildLayer(context, manifest, request.layer, deps.installer);
        break;
      case 'layer publish':
        await publishLayer(context, manifest, request.layer);
        break;
      case 'layer release': {
        await buildLayer(context, manifest, request.layer, deps.installer);
        const { versionArn } = await publishLayer(context, manifest, request.layer, { afterBuild: true });
        // In a dry run nothing was published: the functions would move to the version to come.
        await updateLayer(context, manifest, request.layer, versionArn ?? upcomingVersion(manifestLayer(manifest, request.layer)));
        break;
      }
      case 'functions update':
        if ('packageFile' in request) {
          await updateCode(context, manifest, request.packageFile, request.functions);
        } else {
          const versionArn = request.versionArn ?? (await latestVersionArn(context, manifestLayer(manifest, request.layer).layerName));
          await updateLayer(context, manifest, request.layer, versionArn);
        }
        break;
      case 'functions publish':
        await publishFunctions(context, manifest, request.functions);
        break;
      case 'functions promote': {
        // on stderr: --json's stdout stays one document
        const warning = shortIntervalWarning(request.strategy);
        if (warning !== undefined) err(`warning: ${warning}`);
        await promoteFunctions(context, manifest, request.functions ?? Object.keys(manifest.functions), request.strategy);
        break;
      }
      case 'rollback':
        if ('layer' in request) {
          await rollbackLayerToAliases(context, manifest, request.layer, request.toVersion);
        } else {
          const keys = request.functionKey === ALL_FUNCTIONS ? Object.keys(manifest.functions) : [request.functionKey];
          await rollbackFunctions(context, manifest, keys, request.target);
        }
        break;
    }
    reporter.finish({ ok: true, command, environment, dryRun });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(error);
    const message = error instanceof ReleaseError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    reporter.finish({ ok: false, command, environment, dryRun, error: message });
    err(`release ${command} failed: ${message}`);
    return 1;
  }
}

/** `functions package`: on this machine only, no AWS call and no manifest. */
function runPackage(request: PackageRequest, out: (line: string) => void, err: (line: string) => void): number {
  const { command, dryRun } = request;
  const reporter = new Reporter(request.json, out);
  try {
    const result = buildPackage(request, reporter);
    reporter.finish({ ok: true, command, dryRun, out: request.out, ...result });
    return 0;
  } catch (error) {
    const message = `${(error as Error).name}: ${(error as Error).message}`;
    reporter.finish({ ok: false, command, dryRun, error: message });
    err(`release ${command} failed: ${message}`);
    return 1;
  }
}

if (require.main === module) {
  // Node.js 20 is supported: the AWS SDK's notice that its 2027 releases need Node.js 22 is for
  // this project to act on (README, "CDK Terrain"), not for everyone who releases. This is the
  // SDK's documented switch; a value set in the environment wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  runRelease(process.argv.slice(2), { root: process.cwd() }).then((code) => (process.exitCode = code));
}
