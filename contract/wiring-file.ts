/**
 * The wiring diagram synth writes beside each environment's stack (cdktf.out/stacks/<env>/ and
 * generated/stacks/<env>/), which the pull-request summary shows when it changes.
 */
export const WIRING_FILE = 'wiring.md';
