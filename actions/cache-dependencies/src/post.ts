import { runAction } from '@pipelines/shared';
import { post } from './main';

void runAction(post);
