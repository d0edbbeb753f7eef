import { parseArgs } from 'node:util';
import { formatProblem, problem } from '../core/problems';
import { didYouMean } from '../core/nearest-name';

export const USAGE = `Usage: npm run adopt -- --env <environment> [--dry-run] [--accept-replacement] [--check]

Finds, in the environment's AWS account, the resources its stacks would create (the environment's
stack and its bootstrap stack), and writes envs/imports/<environment>.json: one entry per resource
that already exists, with its Terraform address and import ID. Review and commit the file; the next
synth emits an import block for each entry, so cdktf deploy takes them over instead of failing.

Options:
  --env <name>            the environment (a stack of envs/index.ts)
  --dry-run               print the file it would write, and write nothing
  --accept-replacement    also adopt resources that differ from the configuration in a way that
                          makes Terraform replace them (listed otherwise, and left out)
  --check                 write nothing; exit 1 if the account holds a resource of the environment's
                          stack that is neither in its Terraform state nor in the import file
  --help                  print this help

The account is read with the caller's AWS credentials, which must belong to the environment's
account. With LAMBDA_FLEET_LOCAL_AWS_ENDPOINT set, every call goes to that emulator instead.
Exit codes: 0 done; 1 resources held back or found unadopted (--check), or the account could not
be read; 2 bad arguments.
`;

/** After a usage error: where the options are, instead of all of them. */
export const USAGE_HINT = 'Options: npm run adopt -- --help';

/** What to do, with every argument checked. */
export interface AdoptRequest {
  readonly environment: string;
  readonly dryRun: boolean;
  readonly acceptReplacement: boolean;
  readonly check: boolean;
}

/** Arguments that cannot be run: every problem, one per line. The command exits 2 and does nothing. */
export class AdoptUsageError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'AdoptUsageError';
  }
}

const OPTIONS = {
  env: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'accept-replacement': { type: 'boolean' },
  check: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;
type Option = keyof typeof OPTIONS;

/**
 * The request the arguments make, or 'help'. Refuses unknown and repeated options, positional
 * arguments, a missing or unknown environment (naming the known ones), and `--check` with an
 * option that writes. Throws an {@link AdoptUsageError} with every problem.
 */
export function readAdoptArguments(argv: readonly string[], environments: readonly string[]): AdoptRequest | 'help' {
  // Not strict: every unknown option is reported with the other problems, not only the first.
  const { values, positionals, tokens } = parseArgs({ args: [...argv], allowPositionals: true, strict: false, tokens: true, options: OPTIONS });
  if (values.help === true) return 'help';
  const problems: string[] = [];
  const refuse = (field: string, value: unknown, rule: string) => problems.push(formatProblem(problem('adopt-argument', field, value, rule)));
  const known = Object.keys(OPTIONS).map((name) => `--${name}`);
  for (const token of tokens) {
    if (token.kind === 'option' && !(token.name in OPTIONS)) {
      problems.push(`${token.rawName}: unknown option${didYouMean(token.rawName, known)}; options: ${known.join(', ')}`);
    } else if (token.kind === 'option' && OPTIONS[token.name as Option].type === 'boolean' && token.value !== undefined) {
      refuse(token.rawName, token.value, 'takes no value');
    }
  }

  const counts = new Map<Option, number>();
  for (const token of tokens) {
    if (token.kind === 'option' && token.name in OPTIONS) counts.set(token.name as Option, (counts.get(token.name as Option) ?? 0) + 1);
  }
  for (const [name, count] of counts) {
    if (count > 1) problems.push(`--${name} is given ${count} times; give it once`);
  }
  if (positionals.length > 0) refuse('arguments', positionals, 'adopt takes options only; the environment goes after --env');

  const env = values.env;
  const names = environments.join(', ');
  if (env === undefined) problems.push(`--env is required: the environment to adopt (${names})`);
  else if (typeof env !== 'string') problems.push(`--env needs a value: the environment to adopt (${names})`);
  else if (!environments.includes(env)) refuse('--env', env, `must be one of the environments: ${names}${didYouMean(env, environments)}`);
  if (values.check === true && (values['dry-run'] === true || values['accept-replacement'] === true)) {
    problems.push('--check writes nothing and adopts nothing: give it without --dry-run and --accept-replacement');
  }
  if (problems.length > 0) throw new AdoptUsageError(problems);
  return {
    environment: env as string,
    dryRun: values['dry-run'] === true,
    acceptReplacement: values['accept-replacement'] === true,
    check: values.check === true,
  };
}
