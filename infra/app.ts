import { App } from 'aws-cdk-lib';
import { buildSwayApp } from './sway-app';

// Environment-agnostic: `cdk deploy` targets the account and region of the caller's credentials,
// and `cdk synth` gives the same templates with or without credentials.
const app = new App();
buildSwayApp(app);
app.synth();
