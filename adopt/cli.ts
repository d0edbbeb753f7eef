import { environments } from '../envs/index';
import { runAdopt } from './adopt';

if (require.main === module) {
  // As in the release command: Node.js 20 is supported, and the AWS SDK's notice that its 2027
  // releases need Node.js 22 is for this project to act on; a value set in the environment wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  runAdopt(process.argv.slice(2), { root: process.cwd(), environments }).then((code) => (process.exitCode = code));
}
