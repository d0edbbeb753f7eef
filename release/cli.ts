import { parseArgs } from 'node:util';
import { ListLayerVersionsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { awsClients, realSleep, ReleaseContext, ReleaseError, Reporter, withRetries } from './context';
import { rollbackLayer, updateCode, updateLayer } from './functions';
import { buildLayer, Installer, publishLayer } from './layers';
import { loadManifest, manifestLayer } from './manifest';

export const USAGE = `Usage: npm run release -- <command> --env <environment> [options]

Commands:
  layer build       --layer <key>                 build the layer into python/ and upload it, unless unchanged
  layer publish     --layer <key>                 publish a layer version from that build, unless the latest holds it
  layer release     --layer <key>                 build, publish, then point every function using the layer at it
  functions update  --layer <key> [--version-arn <arn>]
                                                  point every function using the layer at a version (default: the latest)
  functions update  --package <zip> [--functions <key,key>]
                                                  release a code package to the functions (default: all of them)
  rollback          --layer <key> --to-version <n>
                                                  point the functions back at an earlier layer version

Options:
  --env <name>      environment; its manifest is generated/stacks/<name>/release-manifest.json
  --dry-run         print exactly what would be done, and change nothing
  --json            print one JSON document for machines instead of progress lines
`;

export interface ReleaseDependencies {
  readonly root: string;
  readonly clients?: (region: string) => { lambda: LambdaClient; s3: S3Client };
  readonly sleep?: (ms: number) => Promise<void>;
  readonly installer?: Installer;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

/** Runs one release command; returns the exit code (0 done, 1 failed, 2 usage). */
export async function runRelease(argv: readonly string[], deps: ReleaseDependencies): Promise<number> {
  const out = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        layer: { type: 'string' },
        'version-arn': { type: 'string' },
        'to-version': { type: 'string' },
        package: { type: 'string' },
        functions: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals.join(' ');
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const usage = (problem: string) => {
    err(`${problem}\n\n${USAGE}`);
    return 2;
  };
  const known = ['layer build', 'layer publish', 'layer release', 'functions update', 'rollback'];
  if (!known.includes(command)) return usage(`unknown command "${command}"; commands: ${known.join(', ')}`);
  if (!values.env) return usage('--env is required');
  const needsLayer = command.startsWith('layer') || command === 'rollback' || (command === 'functions update' && !values.package);
  if (needsLayer && !values.layer) return usage(`${command} needs --layer <key>${command === 'functions update' ? ' or --package <zip>' : ''}`);
  const toVersion = values['to-version'] === undefined ? undefined : Number(values['to-version']);
  if (command === 'rollback' && !(toVersion !== undefined && Number.isInteger(toVersion) && toVersion > 0)) {
    return usage(`rollback needs --to-version <n>, a layer version number (got ${values['to-version'] ?? 'none'})`);
  }

  const reporter = new Reporter(values.json, out);
  try {
    const manifest = loadManifest(deps.root, values.env);
    const context: ReleaseContext = {
      ...(deps.clients ?? awsClients)(manifest.region),
      reporter,
      dryRun: values['dry-run'],
      sleep: deps.sleep ?? realSleep,
      root: deps.root,
    };
    const layer = values.layer;
    switch (command) {
      case 'layer build':
        await buildLayer(context, manifest, layer!, deps.installer);
        break;
      case 'layer publish':
        await publishLayer(context, manifest, layer!);
        break;
      case 'layer release': {
        await buildLayer(context, manifest, layer!, deps.installer);
        const { versionArn } = await publishLayer(context, manifest, layer!);
        // In a dry run nothing was published: the functions would move to the version to come.
        if (versionArn) await updateLayer(context, manifest, layer!, versionArn);
        break;
      }
      case 'functions update':
        if (values.package) {
          await updateCode(context, manifest, values.package, values.functions?.split(',').map((k) => k.trim()));
        }
        if (layer) {
          const versionArn = values['version-arn'] ?? (await latestVersionArn(context, manifestLayer(manifest, layer).layerName));
          await updateLayer(context, manifest, layer, versionArn);
        }
        break;
      case 'rollback':
        await rollbackLayer(context, manifest, layer!, toVersion!);
        break;
    }
    reporter.finish({ ok: true, command, environment: values.env, dryRun: values['dry-run'] });
    return 0;
  } catch (error) {
    const message = error instanceof ReleaseError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    reporter.finish({ ok: false, command, environment: values.env, dryRun: values['dry-run'], error: message });
    err(`release ${command} failed: ${message}`);
    return 1;
  }
}

async function latestVersionArn(context: ReleaseContext, layerName: string): Promise<string> {
  const latest = (
    await withRetries(context, `list versions of ${layerName}`, () =>
      context.lambda.send(new ListLayerVersionsCommand({ LayerName: layerName, MaxItems: 1 })),
    )
  ).LayerVersions?.[0];
  if (!latest?.LayerVersionArn) throw new ReleaseError(`${layerName}: no version is published yet`);
  return latest.LayerVersionArn;
}

if (require.main === module) {
  // Node.js 20 is supported: the AWS SDK's notice that its 2027 releases need Node.js 22 is for
  // this project to act on (README, "CDK Terrain"), not for everyone who releases. This is the
  // SDK's documented switch; a value set in the environment wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  runRelease(process.argv.slice(2), { root: process.cwd() }).then((code) => (process.exitCode = code));
}
