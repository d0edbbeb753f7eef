import { prod } from '../envs/prod';
import { describeLifecycle } from './support/lifecycle';

describeLifecycle(prod);
