'use strict';
// The floor: node, cdktf and one empty stack, as precompiled JavaScript. No app can be faster.
const { App, TerraformStack } = require('cdktf');

const app = new App();
new TerraformStack(app, 'empty');
app.synth();
