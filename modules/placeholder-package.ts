import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssetType, TerraformAsset } from '../core/framework';
import { Construct } from 'constructs';
import { deterministicZip, ZipEntry } from '../core/deterministic-zip';

const FUNCTION_MESSAGE =
  'This function still runs the placeholder package it was created with: ' +
  'no code has been released to it yet. Release its code through CI.';

/**
 * A small, deterministic zip that lets Terraform create a layer version or a function before
 * CI has uploaded anything. CI's first release replaces it; `ignore_changes` keeps Terraform
 * from putting it back. The same entries give the same bytes on every machine, so the
 * synthesized output (file path and `source_code_hash`) only changes when the entries do.
 */
export class PlaceholderPackage extends Construct {
  /** A valid, empty layer: the `python/` directory Lambda adds to the import path. */
  static forLayer(scope: Construct, id: string): PlaceholderPackage {
    return new PlaceholderPackage(scope, id, [
      { path: 'python/' },
      { path: 'python/PLACEHOLDER.txt', content: 'Placeholder layer version created by Terraform; CI publishes the real one.\n' },
    ]);
  }

  /**
   * A handler that fails loudly with an explanation, at the file the function's handler names,
   * so an invocation before the first release says what is wrong instead of "module not found".
   */
  static forFunction(scope: Construct, id: string, runtime: string, handler: string): PlaceholderPackage {
    return new PlaceholderPackage(scope, id, placeholderHandlerFiles(runtime, handler));
  }

  /**
   * A package for a function whose handler is not known in advance (a generated module's
   * variable): no file can match it, so invocations fail with Lambda's own "Unable to import
   * module" until CI releases code; the package says why to whoever opens it.
   */
  static forAnyHandler(scope: Construct, id: string): PlaceholderPackage {
    return new PlaceholderPackage(scope, id, [{ path: 'PLACEHOLDER.txt', content: `${FUNCTION_MESSAGE}\n` }]);
  }

  /** Path of the zip relative to the Terraform module, for `filename`. */
  readonly filename: string;
  /** Base64-encoded SHA-256 of the zip, for `source_code_hash`. */
  readonly sourceCodeHash: string;

  private constructor(scope: Construct, id: string, entries: readonly ZipEntry[]) {
    super(scope, id);
    const bytes = deterministicZip(entries);
    const digest = createHash('sha256').update(bytes);
    this.sourceCodeHash = digest.copy().digest('base64');
    const hex = digest.digest('hex');
    const asset = new TerraformAsset(this, 'asset', {
      path: cacheFile(hex, bytes),
      type: AssetType.FILE,
      assetHash: hex.slice(0, 16),
    });
    // path.module keeps the reference valid when the same JSON is used as a child module.
    this.filename = `\${path.module}/${asset.path}`;
  }
}

/** The files of a placeholder for `handler`, e.g. `app.main.handler` → `app/main.py`. */
export function placeholderHandlerFiles(runtime: string, handler: string): ZipEntry[] {
  const split = handler.lastIndexOf('.');
  // An invalid handler is reported by validation; the placeholder still needs some file.
  const modulePath = split > 0 ? handler.slice(0, split) : 'index';
  const functionName = split > 0 ? handler.slice(split + 1) : 'handler';
  const message = JSON.stringify(FUNCTION_MESSAGE);
  if (runtime.startsWith('nodejs')) {
    return [
      {
        path: `${modulePath}.js`,
        content: `'use strict';\n// ${FUNCTION_MESSAGE}\nexports[${JSON.stringify(functionName)}] = async () => {\n  throw new Error(${message});\n};\n`,
      },
    ];
  }
  return [
    {
      path: `${modulePath.replace(/\./g, '/')}.py`,
      content: `# ${FUNCTION_MESSAGE}\n\n\ndef ${functionName}(event, context):\n    raise RuntimeError(${message})\n`,
    },
  ];
}

/**
 * TerraformAsset copies from a file, so the archive is written once to a content-addressed
 * cache outside the project. Rename makes concurrent writers (parallel test workers) safe.
 */
function cacheFile(hex: string, bytes: Buffer): string {
  const file = path.join(os.tmpdir(), 'lambda-fleet-placeholders', hex, 'placeholder.zip');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, file);
  }
  return file;
}
