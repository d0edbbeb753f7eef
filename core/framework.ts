/**
 * The one place the project imports CDK for Terraform's core library. CDK Terrain (`cdktn`)
 * continues it under another package name: moving over means changing this file (and the
 * provider classes' deep import paths, `@cdktf/provider-aws/lib/…`), nothing else. See the
 * README's "CDK Terrain" section.
 */
export {
  App,
  AssetType,
  Fn,
  Lazy,
  LocalBackend,
  Op,
  ref,
  S3Backend,
  TerraformAsset,
  TerraformElement,
  TerraformIterator,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
  Tokenization,
} from 'cdktf';
export type { IResolvable } from 'cdktf';
import * as tokenStackTrace from 'cdktf/lib/tokens/private/stack-trace';

/**
 * The helpers the framework's tokens record their creation stack trace through (cdktf's
 * `captureStackTrace`; CDK Terrain's also `captureCreationStack`), which
 * synth/without-token-stack-traces.ts skips. A private path: the test of that file fails if it moves.
 */
export const TOKEN_STACK_TRACE_HELPERS: readonly unknown[] = Object.values(tokenStackTrace).filter((value) => typeof value === 'function');
