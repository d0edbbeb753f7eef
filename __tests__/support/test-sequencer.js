'use strict';
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const INTEGRATION_SUITES = require('./integration-suites');

const integrationRank = (test) => INTEGRATION_SUITES.indexOf(path.basename(test.path, '.test.ts'));

/**
 * The integration suites first, slowest first, then the rest in jest's own order (failed last
 * time first, then slowest last time, then largest file).
 */
class IntegrationFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const integration = ordered.filter((t) => integrationRank(t) >= 0).sort((a, b) => integrationRank(a) - integrationRank(b));
    return [...integration, ...ordered.filter((t) => integrationRank(t) < 0)];
  }
}

module.exports = IntegrationFirst;
