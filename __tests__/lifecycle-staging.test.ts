import { staging } from '../envs/staging';
import { describeLifecycle } from './support/lifecycle';

describeLifecycle(staging, { aliasMoves: true });
