import 'cdktf/lib/testing/adapters/jest';
import { Testing } from '../core/framework';

Testing.setupJest();
