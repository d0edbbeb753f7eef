'use strict';
// The suites that run Terraform, the cdktf CLI or local AWS servers, slowest first: jest starts
// them before the unit tests so that the long ones never end up last on a worker.
module.exports = ['lifecycle-staging', 'lifecycle-prod', 'switching', 'adopt', 'terraform', 'remote-state', 'module-export', 'synth'];
