import { runAction } from '@pipelines/shared';
import { run } from './main';

void runAction(run);
